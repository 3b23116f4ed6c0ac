// Typical mistake: X W + b without f — the affine part of Eq. (7) only.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::no_activation {
nn::Tensor<double> dense_forward(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                 const nn::Tensor<double>& b, nn::ActivationFunction) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  nn::Tensor<double> Y(nn::Shape{R, m});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) {
      double z = b(j);
      for (std::size_t i = 0; i < n; ++i) z += X(r, i) * W(i, j);
      Y(r, j) = z;
    }
  return Y;
}
}  // namespace ex::mistake::no_activation

EX_MISTAKE(dense_forward, no_activation,
           "your Y is the pre-activation X W + b: f is never applied",
           "Eq. (7) is X^(l+1) = f(X^(l) W^(l) + b^(l)): the affine map alone is what nn::Dense computes, but this exercise's layer ends with the activation f (use nn::activate(f, z))");
