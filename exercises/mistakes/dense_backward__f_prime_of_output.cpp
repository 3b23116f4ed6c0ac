// Typical mistake: f′ evaluated at the output f(Z) instead of at Z = X W + b (Eqs. (31)–(33)).
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::f_prime_of_output {
DenseGradients dense_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                              const nn::Tensor<double>& b, nn::ActivationFunction f) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  nn::Tensor<double> G(nn::Shape{R, m});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) {
      double z = b(j);
      for (std::size_t i = 0; i < n; ++i) z += X(r, i) * W(i, j);
      G(r, j) = dY(r, j) * nn::activate_prime(f, nn::activate(f, z));
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
}  // namespace ex::mistake::f_prime_of_output

EX_MISTAKE(dense_backward, f_prime_of_output,
           "your G uses f′ of the output f(Z) instead of f′(Z): f is applied twice",
           "Eqs. (29)–(33) take f′ at the pre-activation Z = X W + b. f′(f(Z)) is a different number (for σ the formula σ(1 − σ) already consumes the output y = σ(Z); feeding y into nn::sigmoid_prime computes σ(y)(1 − σ(y)))");
