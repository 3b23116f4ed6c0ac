// Exercise 4.2.3a — activation_forward, Eq. (44). Replace the throw.
#include "ex/ch05_activation_layer.hpp"
#include "nn/errors.hpp"

namespace ex {

nn::Tensor<double> activation_forward(const nn::Tensor<double>& X, nn::ActivationFunction f) {
  (void)X;
  (void)f;
  // Eq. (44): Y(r, c, h, w) = f(X(r, c, h, w)) for every r, c, h, w; Y has X's shape (R, C, H, W).
  // nn::activate(f, x) evaluates σ, tanh or ReLU at one number x.
  throw nn::not_done("Exercise 4.2.3a — activation_forward, Eq. (44)");
}

}  // namespace ex
