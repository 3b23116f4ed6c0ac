/// @file activation_layer.cpp
/// @brief Eqs. (44)–(45).
#include "nn/activation_layer.hpp"

namespace nn {

template <class T>
Tensor<T> activation_forward(const Tensor<T>& X, ActivationFunction f) {
  return activate(f, X);  // Eq. (44)
}

template <class T>
Tensor<T> activation_backward(const Tensor<T>& X, const Tensor<T>& dY, ActivationFunction f) {
  require_same_shape(X.shape(), dY.shape(), "Eq. (45) activation backward (X and δ)");
  Tensor<T> dX(X.shape());
  for (std::size_t i = 0; i < X.size(); ++i) dX[i] = dY[i] * activate_prime(f, X[i]);  // Eq. (45)
  return dX;
}

template <class T>
const Tensor<T>& Activation<T>::forward(const Tensor<T>& X) {
  if (X_.shape() != X.shape()) {
    X_.resize(X.shape());
    Y_.resize(X.shape());
  }
  std::copy(X.begin(), X.end(), X_.begin());
  for (std::size_t i = 0; i < X.size(); ++i) Y_[i] = activate(f_, X[i]);  // Eq. (44)
  return Y_;
}

template <class T>
const Tensor<T>& Activation<T>::backward(const Tensor<T>& dY) {
  require_same_shape(X_.shape(), dY.shape(), "Eq. (45) " + name() + " backward (X and δ)");
  if (dX_.shape() != dY.shape()) dX_.resize(dY.shape());
  for (std::size_t i = 0; i < dY.size(); ++i) dX_[i] = dY[i] * activate_prime(f_, X_[i]);  // Eq. (45)
  return dX_;
}

template Tensor<float> activation_forward(const Tensor<float>&, ActivationFunction);
template Tensor<double> activation_forward(const Tensor<double>&, ActivationFunction);
template Tensor<float> activation_backward(const Tensor<float>&, const Tensor<float>&, ActivationFunction);
template Tensor<double> activation_backward(const Tensor<double>&, const Tensor<double>&, ActivationFunction);
template class Activation<float>;
template class Activation<double>;

}  // namespace nn
