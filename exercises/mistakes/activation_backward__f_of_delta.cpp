// Typical mistake: f applied to δ instead of δ times f′(X).
#include "mistake.hpp"
#include "ex/ch05_activation_layer.hpp"

namespace ex::mistake::f_of_delta {

nn::Tensor<double> activation_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                       nn::ActivationFunction f) {
  nn::Tensor<double> dX(X.shape());
  for (std::size_t r = 0; r < X.dim(0); ++r)
    for (std::size_t c = 0; c < X.dim(1); ++c)
      for (std::size_t h = 0; h < X.dim(2); ++h)
        for (std::size_t w = 0; w < X.dim(3); ++w)
          dX(r, c, h, w) = nn::activate(f, dY(r, c, h, w));  // Eq. (45)
  return dX;
}

}  // namespace ex::mistake::f_of_delta

EX_MISTAKE(activation_backward, f_of_delta,
           "your δ^(l) is f(δ^(l+1)): f applied to δ, instead of δ times f′(X^(l))",
           "a backward pass multiplies the incoming gradient by the derivative at the forward input (Eq. (45)); δ is a gradient, never an input of f");
