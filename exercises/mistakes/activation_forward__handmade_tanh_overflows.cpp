// Typical mistake: tanh written out as Eq. (9), (e^x − e^(−x))/(e^x + e^(−x)).
#include <cmath>

#include "mistake.hpp"
#include "ex/ch05_activation_layer.hpp"

namespace ex::mistake::handmade_tanh_overflows {

nn::Tensor<double> activation_forward(const nn::Tensor<double>& X, nn::ActivationFunction f) {
  nn::Tensor<double> Y(X.shape());
  for (std::size_t r = 0; r < X.dim(0); ++r)
    for (std::size_t c = 0; c < X.dim(1); ++c)
      for (std::size_t h = 0; h < X.dim(2); ++h)
        for (std::size_t w = 0; w < X.dim(3); ++w) {
          const double x = X(r, c, h, w);
          Y(r, c, h, w) = f == nn::ActivationFunction::tanh ? (std::exp(x) - std::exp(-x)) / (std::exp(x) + std::exp(-x))
                                                            : nn::activate(f, x);
        }
  return Y;
}

}  // namespace ex::mistake::handmade_tanh_overflows

EX_MISTAKE(activation_forward, handmade_tanh_overflows,
           "your tanh is (e^x − e^(−x))/(e^x + e^(−x)), which is inf/inf = NaN for |x| > 710",
           "Eq. (9) is the definition, not a recipe: e^800 overflows double (the largest double is about e^709.8), and inf/inf is NaN. std::tanh, and nn::activate, saturate at ±1 instead");
