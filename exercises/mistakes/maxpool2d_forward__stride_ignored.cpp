// Typical mistake: the stride is ignored: windows start at (h′, w′) instead of (h′s, w′s).
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch06_maxpool.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::stride_ignored {
nn::Tensor<double> maxpool2d_forward(const nn::Tensor<double>& X, std::size_t k, std::size_t s) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  const std::size_t Ho = nn::conv_out_size(H, k, s), Wo = nn::conv_out_size(W, k, s);
  nn::Tensor<double> Y(nn::Shape{R, C, Ho, Wo});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) {
          double m = X(r, c, ho, wo);
          for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i) m = std::max(m, X(r, c, ho + j, wo + i));
          Y(r, c, ho, wo) = m;
        }
  return Y;
}
}  // namespace ex::mistake::stride_ignored

EX_MISTAKE(maxpool2d_forward, stride_ignored,
           "your windows start at (h′ + j, w′ + i): the stride s is left out",
           "in Eq. (49) window (h′, w′) starts at row h′s and column w′s, as the output sizes of Eqs. (46)–(47) assume; without s the windows slide by one and overlap");
