// Solution of exercise 4.2.5a — maxpool2d_forward, Eqs. (46)–(49).
#include <algorithm>

#include "ex/ch06_maxpool.hpp"
#include "nn/output_size.hpp"

namespace ex {

nn::Tensor<double> maxpool2d_forward(const nn::Tensor<double>& X, std::size_t k, std::size_t s) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  const std::size_t Ho = nn::conv_out_size(H, k, s), Wo = nn::conv_out_size(W, k, s);  // Eqs. (46)-(47)
  nn::Tensor<double> Y(nn::Shape{R, C, Ho, Wo});                                     // Eq. (48): C' = C
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) {
          double m = X(r, c, ho * s, wo * s);  // the window's first value, not 0: maxima may be negative
          for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i) m = std::max(m, X(r, c, ho * s + j, wo * s + i));  // Eq. (49)
          Y(r, c, ho, wo) = m;
        }
  return Y;
}

}  // namespace ex
