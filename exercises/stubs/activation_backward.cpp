// Exercise 4.2.4a — activation_backward, Eq. (45). Replace the throw.
#include "ex/ch05_activation_layer.hpp"
#include "nn/errors.hpp"

namespace ex {

nn::Tensor<double> activation_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                       nn::ActivationFunction f) {
  (void)dY;
  (void)X;
  (void)f;
  // Eq. (45): dX(r, c, h, w) = dY(r, c, h, w) · f′(X(r, c, h, w)), i.e. δ^(l) = δ^(l+1) ⊙ f′(X^(l)).
  // f′ is taken at the layer's input X (not at its output f(X)); nn::activate_prime(f, x) evaluates it,
  // with ReLU′(0) = 1 as in Eq. (13).
  throw nn::not_done("Exercise 4.2.4a — activation_backward, Eq. (45)");
}

}  // namespace ex
