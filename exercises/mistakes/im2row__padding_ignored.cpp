// Typical mistake: windows read from X itself at (s·h', s·w'), without the shift by p.
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::padding_ignored {

nn::Tensor<double> im2row(const nn::Tensor<double>& X, std::size_t kH, std::size_t kW, nn::ConvSpec spec) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), Wd = X.dim(3), s = spec.stride, p = spec.pad;
  const std::size_t Ho = nn::conv_out_size(H, kH, s, p), Wo = nn::conv_out_size(Wd, kW, s, p);
  nn::Tensor<double> rows(nn::Shape{R * Ho * Wo, C * kH * kW});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t ho = 0; ho < Ho; ++ho)
      for (std::size_t wo = 0; wo < Wo; ++wo)
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t j = 0; j < kH; ++j)
            for (std::size_t i = 0; i < kW; ++i) {
              const std::size_t hp = s * ho + j, wp = s * wo + i;  // position in the padded input X̃
              const bool inside = hp < H && wp < Wd;
              rows((r * Ho + ho) * Wo + wo, (c * kH + j) * kW + i) = inside ? X(r, c, hp, wp) : 0.0;
            }
  return rows;
}

}  // namespace ex::mistake::padding_ignored

EX_MISTAKE(im2row, padding_ignored,
           "your windows are read from X itself at (s·h′ + j, s·w′ + i), without the shift by p: all the padding ends up below and to the right",
           "column (c·kH + j)·kW + i holds X̃(r, c, s·h′ + j, s·w′ + i), and X̃ has p zeros on every side (Figure 7): X̃(hp, wp) = X(hp − p, wp − p), so the first window covers p rows of zeros above X");
