// Typical mistake: entries put back at h' + j instead of s·h' + j.
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::stride_ignored {

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
              const std::size_t hp = ho + j, wp = wo + i;  // position in the padded input X̃
              const bool inside = hp >= p && wp >= p && hp - p < H && wp - p < Wd;  // padding is dropped
              if (inside) X(r, c, hp - p, wp - p) += rows((r * Ho + ho) * Wo + wo, (c * kH + j) * kW + i);  // overlaps add
            }
  return X;
}

}  // namespace ex::mistake::stride_ignored

EX_MISTAKE(row2im, stride_ignored,
           "your row2im ignores the stride: the entry of window (h′, w′) goes back to row h′ + j instead of s·h′ + j",
           "im2row took window (h′, w′) from rows s·h′ … s·h′ + kH − 1 of X̃ (Eqs. (37)–(38)); row2im must put every entry back where it came from, so the windows of a stride-s layer land s rows apart");
