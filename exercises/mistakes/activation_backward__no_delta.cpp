// Typical mistake: f′(X) returned without the factor δ^(l+1).
#include "mistake.hpp"
#include "ex/ch05_activation_layer.hpp"

namespace ex::mistake::no_delta {

nn::Tensor<double> activation_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                       nn::ActivationFunction f) {
  (void)dY;
  nn::Tensor<double> dX(X.shape());
  for (std::size_t r = 0; r < X.dim(0); ++r)
    for (std::size_t c = 0; c < X.dim(1); ++c)
      for (std::size_t h = 0; h < X.dim(2); ++h)
        for (std::size_t w = 0; w < X.dim(3); ++w)
          dX(r, c, h, w) = nn::activate_prime(f, X(r, c, h, w));  // Eq. (45)
  return dX;
}

}  // namespace ex::mistake::no_delta

EX_MISTAKE(activation_backward, no_delta,
           "your δ^(l) is f′(X^(l)) alone: δ^(l+1) is not multiplied in",
           "Eq. (45) is a product, δ^(l) = δ^(l+1) ⊙ f′(X^(l)): the gradient coming from the layers above must pass through; f′(X) alone is ∂X^(l+1)/∂X^(l), not ∂L/∂X^(l)");
