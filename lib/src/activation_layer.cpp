/// @file activation_layer.cpp
/// @brief The reference activation layer, Eqs. (44)–(45): f and f′ element by element. The
///        layer object runs the same maths through kernels/activation_fast.cpp.
#include "nn/activation_layer.hpp"

namespace nn {

template <class T>
Tensor<T> activation_forward(const Tensor<T>& X, ActivationFunction f) {
  Tensor<T> Y(X.shape());
  // [eq44]
  // Eq. (44): f(X^(l)_{r,c,h,w})
  for (std::size_t i = 0; i < X.size(); ++i) Y[i] = activate(f, X[i]);
  // [eq44]
  return Y;
}

template <class T>
Tensor<T> activation_backward(const Tensor<T>& dY, const Tensor<T>& X, ActivationFunction f) {
  require_same_shape(dY.shape(), X.shape(), "Eq. (45) activation backward (δ^(l+1) and X^(l))");
  Tensor<T> dX(X.shape());
  // [eq45]
  // X^(l+1)_{r,c,h,w} depends on X^(l)_{r,c,h,w} alone, so the chain rule has
  // one term:
  // Eq. (45): δ^(l+1) f′(X^(l))
  for (std::size_t i = 0; i < X.size(); ++i)
    dX[i] = dY[i] * activate_prime(f, X[i]);
  // [eq45]
  return dX;
}

template Tensor<float> activation_forward(const Tensor<float>&, ActivationFunction);
template Tensor<double> activation_forward(const Tensor<double>&, ActivationFunction);
template Tensor<float> activation_backward(const Tensor<float>&, const Tensor<float>&, ActivationFunction);
template Tensor<double> activation_backward(const Tensor<double>&, const Tensor<double>&, ActivationFunction);

}  // namespace nn
