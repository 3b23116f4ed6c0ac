// Typical mistake: f applied to X W, and b added after it: f(X W) + b.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::activation_before_bias {
nn::Tensor<double> dense_forward(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                 const nn::Tensor<double>& b, nn::ActivationFunction f) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  nn::Tensor<double> Y(nn::Shape{R, m});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) {
      double z = 0;
      for (std::size_t i = 0; i < n; ++i) z += X(r, i) * W(i, j);
      Y(r, j) = nn::activate(f, z) + b(j);  // b after f
    }
  return Y;
}
}  // namespace ex::mistake::activation_before_bias

EX_MISTAKE(dense_forward, activation_before_bias,
           "your Y is f(X W) + b: the bias is added after the activation",
           "in Eq. (7) the bias is part of the pre-activation, X^(l+1) = f(X^(l) W^(l) + b^(l)): it shifts the input of f (where a ReLU switches on, where σ is steep), and the output of f is the layer's output as it is");
