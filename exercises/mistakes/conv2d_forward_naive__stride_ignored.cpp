// Typical mistake: the draft's Eq. (39): windows start at h' + j instead of s·h' + j.
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::stride_ignored {

nn::Tensor<double> conv2d_forward_naive(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                        const nn::Tensor<double>& b, nn::ConvSpec spec) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), Wd = X.dim(3);
  const std::size_t Cp = W.dim(0), kH = W.dim(2), kW = W.dim(3), s = spec.stride, p = spec.pad;
  const std::size_t Ho = nn::conv_out_size(H, kH, s, p), Wo = nn::conv_out_size(Wd, kW, s, p);  // Eqs. (34)-(35)
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
              for (std::size_t i = 0; i < kW; ++i) sum += X_padded(r, c, ho + j, wo + i) * W(cp, c, j, i);
          Y(r, cp, ho, wo) = sum;
        }
  return Y;
}

}  // namespace ex::mistake::stride_ignored

EX_MISTAKE(conv2d_forward_naive, stride_ignored,
           "your windows start at (h′, w′) of X̃ instead of (s·h′, s·w′): the stride is ignored, as in the draft's Eq. (39)",
           "Eqs. (37)–(38) put the window of output pixel (h′, w′) at rows s·h′ … s·h′ + kH − 1 and columns s·w′ … s·w′ + kW − 1 of X̃; the draft's Eq. (39) writes h′ + j, which holds only for s = 1 (see the errata of chapter 4)");
