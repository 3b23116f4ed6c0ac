// Typical mistake: δ^(l+1) passed through unchanged.
#include "mistake.hpp"
#include "ex/ch05_activation_layer.hpp"

namespace ex::mistake::delta_without_f_prime {

nn::Tensor<double> activation_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                       nn::ActivationFunction f) {
  (void)f;
  nn::Tensor<double> dX(X.shape());
  for (std::size_t r = 0; r < X.dim(0); ++r)
    for (std::size_t c = 0; c < X.dim(1); ++c)
      for (std::size_t h = 0; h < X.dim(2); ++h)
        for (std::size_t w = 0; w < X.dim(3); ++w)
          dX(r, c, h, w) = dY(r, c, h, w);  // Eq. (45)
  return dX;
}

}  // namespace ex::mistake::delta_without_f_prime

EX_MISTAKE(activation_backward, delta_without_f_prime,
           "your δ^(l) is δ^(l+1) itself: the factor f′(X^(l)) is missing",
           "by the chain rule through X^(l+1) = f(X^(l)), every element of δ is multiplied by ∂f/∂x = f′(X^(l)) at that element (Eq. (45)); only the identity has f′ = 1");
