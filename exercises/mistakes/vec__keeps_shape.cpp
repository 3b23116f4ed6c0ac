// Typical mistake: the elements copied in the right order into a tensor of X's shape (R, C, H, W).
#include "mistake.hpp"
#include "ex/ch01_notation.hpp"

namespace ex::mistake::keeps_shape {

nn::Tensor<double> vec(const nn::Tensor<double>& X) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  nn::Tensor<double> v(X.shape());  // still rank 4
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) v[((r * C + c) * H + h) * W + w] = X(r, c, h, w);  // vec(X)_k
  return v;
}

}  // namespace ex::mistake::keeps_shape

EX_MISTAKE(vec, keeps_shape,
           "your vec keeps the shape (R, C, H, W): the elements are in the right order, but vec(X) must be a rank-1 row vector of shape (R·C·H·W)",
           "vec turns a tensor into a row vector so that the derivative of one tensor by another becomes an ordinary matrix (Eqs. (22)–(24)); a rank-4 result is not a vector");
