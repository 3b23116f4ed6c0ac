// Typical mistake: only the element counts compared, so (2, 3) and (3, 2) pass.
#include "mistake.hpp"
#include "ex/ch01_notation.hpp"

namespace ex::mistake::count_check_only {

nn::Tensor<double> hadamard(const nn::Tensor<double>& A, const nn::Tensor<double>& B) {
  if (A.size() != B.size()) throw nn::shape_error("Eq. (5) hadamard: element counts differ");  // counts only
  nn::Tensor<double> C(A.shape());
  for (std::size_t i = 0; i < A.size(); ++i) C[i] = A[i] * B[i];  // Eq. (5)
  return C;
}

}  // namespace ex::mistake::count_check_only

EX_MISTAKE(hadamard, count_check_only,
           "your hadamard compares only the element counts: (2, 3) and (3, 2), both of 6 elements, are multiplied instead of rejected",
           "equal counts are not equal shapes: element (0, 1) of a (2, 3) matrix and element (0, 1) of a (3, 2) one sit at different storage positions, so Eq. (5), defined index by index, does not apply. Compare the shapes (nn::require_same_shape)");
