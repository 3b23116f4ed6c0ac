// Typical mistake: the running maximum starts at 0, so a window whose values are all negative gives 0.
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch06_maxpool.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::max_from_zero {
nn::Tensor<double> maxpool2d_forward(const nn::Tensor<double>& X, std::size_t k, std::size_t s) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  const std::size_t Ho = nn::conv_out_size(H, k, s), Wo = nn::conv_out_size(W, k, s);
  nn::Tensor<double> Y(nn::Shape{R, C, Ho, Wo});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) {
          double m = 0.0;
          for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i) m = std::max(m, X(r, c, ho * s + j, wo * s + i));
          Y(r, c, ho, wo) = m;
        }
  return Y;
}
}  // namespace ex::mistake::max_from_zero

EX_MISTAKE(maxpool2d_forward, max_from_zero,
           "your maximum is 0 where every value of the window is negative: the running maximum starts at 0",
           "Eq. (49) takes the maximum over the window's own values; 0 is not one of them. Start from the window's first value X(r, c, h′s, w′s) (or from −∞)");
