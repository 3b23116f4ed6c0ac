// Exercise 3b — vec, Eq. (22). Replace the throw.
#include "ex/ch01_notation.hpp"
#include "nn/errors.hpp"

namespace ex {

nn::Tensor<double> vec(const nn::Tensor<double>& X) {
  (void)X;
  // vec(X) is a rank-1 tensor of shape (R·C·H·W) with
  //   vec(X)(k) = X(r, c, h, w),   k = ((r·C + c)·H + h)·W + w   (row-major: w runs fastest).
  // Write the four loops over r, c, h, w yourself (don't use X[k] or reshaped()).
  throw nn::not_done("Exercise 3b — vec, Eq. (22)");
}

}  // namespace ex
