// Typical mistake: δ^(l) = δ^(l+1) W^(l)T, forgetting the factor f′(X W + b) of Eq. (31).
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::delta_without_f_prime {
DenseGradients dense_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                              const nn::Tensor<double>& b, nn::ActivationFunction f) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
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
        g.dX(r, i) += dY(r, j) * W(i, j);  // f′ left out
        g.dW(i, j) += X(r, i) * G(r, j);
      }
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) g.db(j) += G(r, j);
  return g;
}
}  // namespace ex::mistake::delta_without_f_prime

EX_MISTAKE(dense_backward, delta_without_f_prime,
           "your dX is δ^(l+1) W^T: the factor f′(Z) is missing from dX (dW and db have it)",
           "δ^(l) = (δ^(l+1) ⊙ f′(X W + b)) W^(l)T, Eq. (31): the chain rule passes through f before it reaches X W, so dX, dW and db all use the same G = δ^(l+1) ⊙ f′(Z)");
