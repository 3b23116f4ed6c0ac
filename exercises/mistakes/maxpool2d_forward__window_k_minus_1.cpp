// Typical mistake: the window loops stop at k − 1, so the window is (k − 1)×(k − 1).
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch06_maxpool.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::window_k_minus_1 {
nn::Tensor<double> maxpool2d_forward(const nn::Tensor<double>& X, std::size_t k, std::size_t s) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  const std::size_t Ho = nn::conv_out_size(H, k, s), Wo = nn::conv_out_size(W, k, s);
  nn::Tensor<double> Y(nn::Shape{R, C, Ho, Wo});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) {
          double m = X(r, c, ho * s, wo * s);
          for (std::size_t j = 0; j < k - 1; ++j)
            for (std::size_t i = 0; i < k - 1; ++i) m = std::max(m, X(r, c, ho * s + j, wo * s + i));
          Y(r, c, ho, wo) = m;
        }
  return Y;
}
}  // namespace ex::mistake::window_k_minus_1

EX_MISTAKE(maxpool2d_forward, window_k_minus_1,
           "your window is (k − 1)×(k − 1): the loops over j and i stop one short (j < k − 1)",
           "corrected Eq. (49) takes 0 ≤ j < k and 0 ≤ i < k, k values each way; the draft's 0 ≤ j ≤ k is one too many (see the errata), but stopping at k − 1 is one too few");
