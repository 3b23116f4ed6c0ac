// Exercise 3a — hadamard, Eq. (5). Replace the throw.
#include "ex/ch01_notation.hpp"
#include "nn/errors.hpp"

namespace ex {

nn::Tensor<double> hadamard(const nn::Tensor<double>& A, const nn::Tensor<double>& B) {
  (void)A;
  (void)B;
  // 1. Shapes (2, 3) and (3, 2) have the same number of elements but no Hadamard product:
  //    compare the shapes (nn::require_same_shape(A.shape(), B.shape(), "Eq. (5) hadamard") throws
  //    nn::shape_error naming both).
  // 2. Eq. (5): C_i = A_i B_i for every element i; C has A's shape. A[i] is element i in storage order.
  throw nn::not_done("Exercise 3a — hadamard, Eq. (5)");
}

}  // namespace ex
