// Typical mistake: each image read column by column: k = ((r·C + c)·W + w)·H + h.
#include "mistake.hpp"
#include "ex/ch01_notation.hpp"

namespace ex::mistake::swapped_hw {

nn::Tensor<double> vec(const nn::Tensor<double>& X) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  nn::Tensor<double> v(nn::Shape{R * C * H * W});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) v(((r * C + c) * W + w) * H + h) = X(r, c, h, w);  // vec(X)_k
  return v;
}

}  // namespace ex::mistake::swapped_hw

EX_MISTAKE(vec, swapped_hw,
           "your vec reads every H×W image column by column: k = ((r·C + c)·W + w)·H + h",
           "w is the last index of (R, C, H, W) and runs fastest, one row of the image after the other: k = ((r·C + c)·H + h)·W + w. Only images with H = 1 or W = 1 hide the swap");
