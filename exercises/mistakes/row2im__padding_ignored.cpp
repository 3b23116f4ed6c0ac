// Typical mistake: entries put back at (s·h' + j, s·w' + i) of X, without the shift by p.
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::padding_ignored {

nn::Tensor<double> row2im(const nn::Tensor<double>& rows, const nn::Shape& x_shape, std::size_t kH, std::size_t kW,
                          nn::ConvSpec spec) {
  const std::size_t R = x_shape[0], C = x_shape[1], H = x_shape[2], Wd = x_shape[3], s = spec.stride, p = spec.pad;
  const std::size_t Ho = nn::conv_out_size(H, kH, s, p), Wo = nn::conv_out_size(Wd, kW, s, p);  // Eqs. (34)-(35)
  nn::Tensor<double> X(x_shape);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t ho = 0; ho < Ho; ++ho)
      for (std::size_t wo = 0; wo < Wo; ++wo)
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t j = 0; j < kH; ++j)
            for (std::size_t i = 0; i < kW; ++i) {
              const std::size_t hp = s * ho + j, wp = s * wo + i;  // position in the padded input X̃
              const bool inside = hp < H && wp < Wd;  // padding is dropped
              if (inside) X(r, c, hp, wp) += rows((r * Ho + ho) * Wo + wo, (c * kH + j) * kW + i);  // overlaps add
            }
  return X;
}

}  // namespace ex::mistake::padding_ignored

EX_MISTAKE(row2im, padding_ignored,
           "your row2im puts row hp of X̃ back on row hp of X, without the shift by p, and keeps entries that came from the padding",
           "im2row took entry (h′, j) from X̃ row s·h′ + j, which is X row s·h′ + j − p; entries with hp < p or hp − p ≥ H came from the padding, from no pixel of X, and are dropped (the crop of Eq. (42))");
