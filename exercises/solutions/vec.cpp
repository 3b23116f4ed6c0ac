// Solution of exercise 3b — vec, Eq. (22), the row-major flattening.
#include "ex/ch01_notation.hpp"

namespace ex {

nn::Tensor<double> vec(const nn::Tensor<double>& X) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  nn::Tensor<double> v(nn::Shape{R * C * H * W});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) v(((r * C + c) * H + h) * W + w) = X(r, c, h, w);  // vec(X)_k
  return v;
}

}  // namespace ex
