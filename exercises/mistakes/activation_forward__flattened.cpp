// Typical mistake: the right values in a matrix of shape (R, C·H·W).
#include "mistake.hpp"
#include "ex/ch05_activation_layer.hpp"

namespace ex::mistake::flattened {

nn::Tensor<double> activation_forward(const nn::Tensor<double>& X, nn::ActivationFunction f) {
  nn::Tensor<double> Y(X.shape());
  for (std::size_t r = 0; r < X.dim(0); ++r)
    for (std::size_t c = 0; c < X.dim(1); ++c)
      for (std::size_t h = 0; h < X.dim(2); ++h)
        for (std::size_t w = 0; w < X.dim(3); ++w) Y(r, c, h, w) = nn::activate(f, X(r, c, h, w));  // Eq. (44)
  return Y.reshaped(nn::Shape{X.dim(0), X.dim(1) * X.dim(2) * X.dim(3)});  // flattened
}

}  // namespace ex::mistake::flattened

EX_MISTAKE(activation_forward, flattened,
           "your X^(l+1) has shape (R, C·H·W): the values are right, but the rank-4 tensor is flattened to a matrix",
           "an activation layer maps X^(l) to an X^(l+1) of the same shape (R, C, H, W) (Eq. (44)): the next layer, a convolution or a pooling, indexes it by (r, c, h, w)");
