// Typical mistake: the columns run channel-fastest, (j·kW + i)·C + c.
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::channels_last {

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
              rows((r * Ho + ho) * Wo + wo, (j * kW + i) * C + c) = inside ? X(r, c, hp - p, wp - p) : 0.0;
            }
  return rows;
}

}  // namespace ex::mistake::channels_last

EX_MISTAKE(im2row, channels_last,
           "your columns run channel-fastest, (j·kW + i)·C + c (channels last), instead of (c·kH + j)·kW + i",
           "the columns must follow the row-major order of one kernel W(c′, c, j, i), c slowest, so that Y = im2row(X)·vec(W)ᵀ is Eq. (39); in another order each column meets the wrong kernel entry. With C = 1 both orders agree");
