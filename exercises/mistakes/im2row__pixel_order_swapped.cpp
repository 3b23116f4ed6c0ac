// Typical mistake: the rows run over the output pixels column by column, (r·W' + w')·H' + h'.
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::pixel_order_swapped {

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
              const bool inside = hp >= p && wp >= p && hp - p < H && wp - p < Wd;
              rows((r * Wo + wo) * Ho + ho, (c * kH + j) * kW + i) = inside ? X(r, c, hp - p, wp - p) : 0.0;
            }
  return rows;
}

}  // namespace ex::mistake::pixel_order_swapped

EX_MISTAKE(im2row, pixel_order_swapped,
           "your rows run over the output pixels column by column: row (r·W′ + w′)·H′ + h′ instead of (r·H′ + h′)·W′ + w′",
           "row (r·H′ + h′)·W′ + w′ is output pixel (h′, w′) of example r in the row-major order of Y (R, C′, H′, W′), w′ fastest, so that the matrix product's result is Y without a transpose");
