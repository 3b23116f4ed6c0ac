// Solution of exercise 4.1f — dense_backward, Eqs. (31)–(33) (corrected).
#include "ex/ch03_dense.hpp"

namespace ex {

DenseGradients dense_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                              const nn::Tensor<double>& b, nn::ActivationFunction f) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  // G = δ^(l+1) ⊙ f′(X W + b)
  nn::Tensor<double> G(nn::Shape{R, m});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) {
      double z = b(j);
      for (std::size_t i = 0; i < n; ++i) z += X(r, i) * W(i, j);
      G(r, j) = dY(r, j) * nn::activate_prime(f, z);
    }
  DenseGradients g{nn::Tensor<double>(X.shape()), nn::Tensor<double>(W.shape()), nn::Tensor<double>(b.shape())};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) {
        g.dX(r, i) += G(r, j) * W(i, j);  // Eq. (31): δ^(l) = G W^(l)T
        g.dW(i, j) += X(r, i) * G(r, j);  // Eq. (32): X^(l)T G
      }
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) g.db(j) += G(r, j);  // Eq. (33): Σ over the batch
  return g;
}

}  // namespace ex
