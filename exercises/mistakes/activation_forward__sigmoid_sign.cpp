// Typical mistake: σ(x) = 1/(1 + e^x), the minus sign of Eq. (8) lost.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch05_activation_layer.hpp"

namespace ex::mistake::sigmoid_sign {

nn::Tensor<double> activation_forward(const nn::Tensor<double>& X, nn::ActivationFunction f) {
  nn::Tensor<double> Y(X.shape());
  for (std::size_t r = 0; r < X.dim(0); ++r)
    for (std::size_t c = 0; c < X.dim(1); ++c)
      for (std::size_t h = 0; h < X.dim(2); ++h)
        for (std::size_t w = 0; w < X.dim(3); ++w) {
          const double x = X(r, c, h, w);
          Y(r, c, h, w) = f == nn::ActivationFunction::sigmoid ? 1.0 / (1.0 + std::exp(x)) : nn::activate(f, x);
        }
  return Y;
}

}  // namespace ex::mistake::sigmoid_sign

EX_MISTAKE(activation_forward, sigmoid_sign,
           "your σ(x) is 1/(1 + e^x), which is σ(−x) = 1 − σ(x)",
           "Eq. (8) is σ(x) = 1/(1 + e^(−x)), rising from 0 to 1 with σ(2) = 0.88; with e^x it falls, σ(2) = 0.12");
