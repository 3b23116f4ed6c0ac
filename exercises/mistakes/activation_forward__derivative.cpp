// Typical mistake: f′(X) instead of f(X).
#include "mistake.hpp"
#include "ex/ch05_activation_layer.hpp"

namespace ex::mistake::derivative {

nn::Tensor<double> activation_forward(const nn::Tensor<double>& X, nn::ActivationFunction f) {
  nn::Tensor<double> Y(X.shape());
  for (std::size_t r = 0; r < X.dim(0); ++r)
    for (std::size_t c = 0; c < X.dim(1); ++c)
      for (std::size_t h = 0; h < X.dim(2); ++h)
        for (std::size_t w = 0; w < X.dim(3); ++w) Y(r, c, h, w) = nn::activate_prime(f, X(r, c, h, w));  // Eq. (44)
  return Y;
}

}  // namespace ex::mistake::derivative

EX_MISTAKE(activation_forward, derivative,
           "your X^(l+1) is f′(X^(l)), the derivative, instead of f(X^(l))",
           "Eq. (44) applies f itself to every element; f′ belongs to the backward pass, Eq. (45)");
