/// @file layers/activation.cpp
/// @brief nn::Activation: the activation layer object, on kernels/activation_fast.cpp (which
///        equals the reference of lib/src/activation_layer.cpp).
#include "kernels/activation_fast.hpp"
#include "nn/activation_layer.hpp"

namespace nn {

template <class T>
const Tensor<T>& Activation<T>::forward(const Tensor<T>& X) {
  kernels::activation_forward(X, f_, X_, Y_);
  return Y_;
}

template <class T>
const Tensor<T>& Activation<T>::backward(const Tensor<T>& dY) {
  require_same_shape(dY.shape(), X_.shape(), "Eq. (45) " + name() + " backward (δ^(l+1) and X^(l))");
  kernels::activation_backward(dY, X_, Y_, f_, dX_);
  return dX_;
}

template class Activation<float>;
template class Activation<double>;

}  // namespace nn
