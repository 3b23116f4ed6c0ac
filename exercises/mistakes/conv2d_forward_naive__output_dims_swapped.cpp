// Typical mistake: H' and W' swapped: Y has shape (R, C', W', H').
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::output_dims_swapped {

nn::Tensor<double> conv2d_forward_naive(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                        const nn::Tensor<double>& b, nn::ConvSpec spec) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), Wd = X.dim(3);
  const std::size_t Cp = W.dim(0), kH = W.dim(2), kW = W.dim(3), s = spec.stride, p = spec.pad;
  const std::size_t Ho = nn::conv_out_size(Wd, kW, s, p), Wo = nn::conv_out_size(H, kH, s, p);  // Eqs. (34)-(35)
  // X̃: X with p zeros on every side (Figure 7)
  auto X_padded = [&](std::size_t r, std::size_t c, std::size_t hp, std::size_t wp) {
    return (hp < p || wp < p || hp - p >= H || wp - p >= Wd) ? 0.0 : X(r, c, hp - p, wp - p);
  };
  nn::Tensor<double> Y(nn::Shape{R, Cp, Ho, Wo});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t cp = 0; cp < Cp; ++cp)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) {
          double sum = b(cp);
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t j = 0; j < kH; ++j)
              for (std::size_t i = 0; i < kW; ++i) sum += X_padded(r, c, s * ho + j, s * wo + i) * W(cp, c, j, i);
          Y(r, cp, ho, wo) = sum;
        }
  return Y;
}

}  // namespace ex::mistake::output_dims_swapped

EX_MISTAKE(conv2d_forward_naive, output_dims_swapped,
           "your Y has H′ and W′ swapped: shape (R, C′, W′, H′), with the height H′ computed from W and kW",
           "Eq. (34) gives H′ = ⌊(H + 2p − kH)/s⌋ + 1 from the height and Eq. (35) W′ from the width, and Y is (R, C′, H′, W′) as X is (R, C, H, W); square inputs and kernels hide the swap");
