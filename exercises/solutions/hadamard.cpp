// Solution of exercise 3a — hadamard, Eq. (5).
#include "ex/ch01_notation.hpp"

namespace ex {

nn::Tensor<double> hadamard(const nn::Tensor<double>& A, const nn::Tensor<double>& B) {
  nn::require_same_shape(A.shape(), B.shape(), "Eq. (5) hadamard");  // same shape, not just the same count
  nn::Tensor<double> C(A.shape());
  for (std::size_t i = 0; i < A.size(); ++i) C[i] = A[i] * B[i];  // Eq. (5)
  return C;
}

}  // namespace ex
