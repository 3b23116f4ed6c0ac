// Typical mistake: every window starts one column to the right (s·w' + i + 1).
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::off_by_one_window {

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
              const std::size_t hp = s * ho + j, wp = s * wo + i + 1;  // position in the padded input X̃
              const bool inside = hp >= p && wp >= p && hp - p < H && wp - p < Wd;
              rows((r * Ho + ho) * Wo + wo, (c * kH + j) * kW + i) = inside ? X(r, c, hp - p, wp - p) : 0.0;
            }
  return rows;
}

}  // namespace ex::mistake::off_by_one_window

EX_MISTAKE(im2row, off_by_one_window,
           "your windows start one column too far right: they read X̃(r, c, s·h′ + j, s·w′ + i + 1)",
           "the window of output pixel (h′, w′) starts at column s·w′ of X̃ (Eq. (38)), with i = 0 … kW − 1; the +1 shifts every row of the matrix, drops the first column of X and reads one column past it");
