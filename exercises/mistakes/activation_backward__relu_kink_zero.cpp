// Typical mistake: ReLU′(0) = 0: δ dropped where X is exactly 0.
#include "mistake.hpp"
#include "ex/ch05_activation_layer.hpp"

namespace ex::mistake::relu_kink_zero {

nn::Tensor<double> activation_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                       nn::ActivationFunction f) {
  nn::Tensor<double> dX(X.shape());
  for (std::size_t r = 0; r < X.dim(0); ++r)
    for (std::size_t c = 0; c < X.dim(1); ++c)
      for (std::size_t h = 0; h < X.dim(2); ++h)
        for (std::size_t w = 0; w < X.dim(3); ++w)
          dX(r, c, h, w) = dY(r, c, h, w) *
              (f == nn::ActivationFunction::relu ? (X(r, c, h, w) > 0 ? 1.0 : 0.0) : nn::activate_prime(f, X(r, c, h, w)));  // Eq. (45)
  return dX;
}

}  // namespace ex::mistake::relu_kink_zero

EX_MISTAKE(activation_backward, relu_kink_zero,
           "your ReLU′(0) is 0: δ is dropped where X^(l) is exactly 0",
           "ReLU has no derivative at 0; every value in [0, 1] is a subgradient there, and Eq. (13) (with the library) takes 1, ReLU′(x) = 1 for x ≥ 0. Exact zeros are common inputs: a previous ReLU's output, zero padding");
