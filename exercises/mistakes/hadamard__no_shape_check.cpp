// Typical mistake: no shape check: different shapes multiplied element by element in storage order.
#include "mistake.hpp"
#include "ex/ch01_notation.hpp"

namespace ex::mistake::no_shape_check {

nn::Tensor<double> hadamard(const nn::Tensor<double>& A, const nn::Tensor<double>& B) {
  nn::Tensor<double> C(A.shape());
  for (std::size_t i = 0; i < A.size(); ++i) C[i] = A[i] * B[i];  // Eq. (5)
  return C;
}

}  // namespace ex::mistake::no_shape_check

EX_MISTAKE(hadamard, no_shape_check,
           "your hadamard returns a tensor for two different shapes, e.g. (2, 3) and (3, 2), instead of throwing nn::shape_error",
           "Eq. (5) pairs the elements with the same multi-index, and two different shapes have no such pairing: A[i]·B[i] in storage order silently multiplies unrelated elements. nn::require_same_shape() throws nn::shape_error naming both shapes");
