// Typical mistake: loops over dim(0)·dim(1) elements, as for a matrix, whatever the rank.
#include "mistake.hpp"
#include "ex/ch01_notation.hpp"

namespace ex::mistake::matrix_loop_only {

nn::Tensor<double> hadamard(const nn::Tensor<double>& A, const nn::Tensor<double>& B) {
  nn::require_same_shape(A.shape(), B.shape(), "Eq. (5) hadamard");  // same shape, not just the same count
  nn::Tensor<double> C(A.shape());
  for (std::size_t i = 0; i < A.dim(0); ++i)
    for (std::size_t j = 0; j < A.dim(1); ++j) C[i * A.dim(1) + j] = A[i * A.dim(1) + j] * B[i * A.dim(1) + j];  // a matrix
  return C;
}

}  // namespace ex::mistake::matrix_loop_only

EX_MISTAKE(hadamard, matrix_loop_only,
           "your hadamard covers only the first dim(0)·dim(1) elements, the loops of a matrix: the rest of a rank-3 or rank-4 tensor stays 0, and a rank-1 tensor (no dim(1)) gets nothing",
           "Eq. (5) holds for every multi-index of a tensor of any rank (§3): loop over all A.size() elements, or over as many indices as the rank has");
