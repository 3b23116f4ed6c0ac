// Typical mistake: f′ evaluated at X W, without the bias b.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::f_prime_without_bias {
DenseGradients dense_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                              const nn::Tensor<double>& b, nn::ActivationFunction f) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  nn::Tensor<double> G(nn::Shape{R, m});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) {
      double z = 0;  // b forgotten
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
    for (std::size_t j = 0; j < m; ++j) g.db(j) += G(r, j);
  return g;
}
}  // namespace ex::mistake::f_prime_without_bias

EX_MISTAKE(dense_backward, f_prime_without_bias,
           "your G is δ^(l+1) ⊙ f′(X W): f′ is taken at X W, without the bias",
           "the forward pass applied f to Z = X W + b (Eq. (7)), so the chain rule needs f′ at that same Z: G = δ^(l+1) ⊙ f′(X W + b). Without b, f′ is read at a different point (for ReLU, even the wrong side of the kink)");
