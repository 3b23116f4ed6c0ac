// Typical mistake: Σ A_i B_i, the inner product, instead of the tensor of products.
#include "mistake.hpp"
#include "ex/ch01_notation.hpp"

namespace ex::mistake::inner_product {

nn::Tensor<double> hadamard(const nn::Tensor<double>& A, const nn::Tensor<double>& B) {
  nn::require_same_shape(A.shape(), B.shape(), "Eq. (5) hadamard");  // same shape, not just the same count
  nn::Tensor<double> C(nn::Shape{1});
  for (std::size_t i = 0; i < A.size(); ++i) C[0] += A[i] * B[i];  // summed
  return C;
}

}  // namespace ex::mistake::inner_product

EX_MISTAKE(hadamard, inner_product,
           "your hadamard returns one number, the sum Σ A_i·B_i (the inner product ⟨A, B⟩), instead of the tensor of products",
           "Eq. (5)'s C = A ⊙ B has the shape of A and B, one product per element; summing the products gives ⟨A, B⟩, a different operation");
