// Typical mistake: W′ computed from H (W′ := H′), so a non-square output gets the wrong width.
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch06_maxpool.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::w_out_from_h {
nn::Tensor<double> maxpool2d_forward(const nn::Tensor<double>& X, std::size_t k, std::size_t s) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2);
  const std::size_t Ho = nn::conv_out_size(H, k, s), Wo = nn::conv_out_size(H, k, s);
  nn::Tensor<double> Y(nn::Shape{R, C, Ho, Wo});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) {
          double m = X(r, c, ho * s, wo * s);
          for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i) m = std::max(m, X(r, c, ho * s + j, wo * s + i));
          Y(r, c, ho, wo) = m;
        }
  return Y;
}
}  // namespace ex::mistake::w_out_from_h

EX_MISTAKE(maxpool2d_forward, w_out_from_h,
           "your output has H′ columns: W′ is computed from H instead of W",
           "Eqs. (46)–(47) are two formulas: H′ = ⌊(H − k)/s⌋ + 1 from the height and W′ = ⌊(W − k)/s⌋ + 1 from the width; they agree only when the output is square");
