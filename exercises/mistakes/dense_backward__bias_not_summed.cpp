// Typical mistake: ∂L/∂b taken from one example (the last row) instead of Eq. (33)'s sum over the batch.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::bias_not_summed {
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
        g.dX(r, i) += G(r, j) * W(i, j);
        g.dW(i, j) += X(r, i) * G(r, j);
      }
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) g.db(j) = G(r, j);
  return g;
}
}  // namespace ex::mistake::bias_not_summed

EX_MISTAKE(dense_backward, bias_not_summed,
           "your db is G of one row (the last) of the batch, not the sum over the R rows",
           "b is added to every row (Eq. (7)), so by the chain rule its gradient collects one term per row: ∂L/∂b = Σ_r G(r, ·). The draft's Eq. (33) drops that sum (see the errata); with R = 1 both agree, so only a batch shows it");
