// Typical mistake: channels before examples: k = ((c·R + r)·H + h)·W + w.
#include "mistake.hpp"
#include "ex/ch01_notation.hpp"

namespace ex::mistake::swapped_rc {

nn::Tensor<double> vec(const nn::Tensor<double>& X) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  nn::Tensor<double> v(nn::Shape{R * C * H * W});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) v(((c * R + r) * H + h) * W + w) = X(r, c, h, w);  // vec(X)_k
  return v;
}

}  // namespace ex::mistake::swapped_rc

EX_MISTAKE(vec, swapped_rc,
           "your vec runs over the examples inside the channels: k = ((c·R + r)·H + h)·W + w",
           "r is the outermost index of (R, C, H, W): all C channels of example 0 come first, k = ((r·C + c)·H + h)·W + w. With R = 1 or C = 1 the two orders agree");
