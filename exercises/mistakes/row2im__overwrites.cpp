// Typical mistake: entries assigned (=) instead of added, so overlapping windows overwrite each other.
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::overwrites {

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
              const bool inside = hp >= p && wp >= p && hp - p < H && wp - p < Wd;  // padding is dropped
              if (inside) X(r, c, hp - p, wp - p) = rows((r * Ho + ho) * Wo + wo, (c * kH + j) * kW + i);  // overlaps add
            }
  return X;
}

}  // namespace ex::mistake::overwrites

EX_MISTAKE(row2im, overwrites,
           "your row2im assigns (=) where windows overlap, so a pixel keeps only the last window's entry",
           "row2im is the adjoint of im2row, the last step of dX in Eq. (42): a pixel that lies in several windows receives the sum of all their entries, since every one of those outputs depended on it. Without overlap (s ≥ kH and s ≥ kW) = and += agree");
