// Typical mistake: f′ evaluated at the layer's output f(X) instead of its input X.
#include "mistake.hpp"
#include "ex/ch05_activation_layer.hpp"

namespace ex::mistake::f_prime_of_output {

nn::Tensor<double> activation_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                       nn::ActivationFunction f) {
  nn::Tensor<double> dX(X.shape());
  for (std::size_t r = 0; r < X.dim(0); ++r)
    for (std::size_t c = 0; c < X.dim(1); ++c)
      for (std::size_t h = 0; h < X.dim(2); ++h)
        for (std::size_t w = 0; w < X.dim(3); ++w)
          dX(r, c, h, w) = dY(r, c, h, w) * nn::activate_prime(f, nn::activate(f, X(r, c, h, w)));  // Eq. (45)
  return dX;
}

}  // namespace ex::mistake::f_prime_of_output

EX_MISTAKE(activation_backward, f_prime_of_output,
           "your δ^(l) uses f′ of the layer's output, f′(f(X^(l))), instead of f′(X^(l))",
           "Eq. (45) takes f′ at the layer's input X^(l), the point where f was applied. Formulas from the output do exist, σ′ = y(1 − y) with y = σ(x), but they apply y(1 − y) to y, not σ′ to y");
