/// @file activations.cpp
/// @brief Element-wise activations of tensors (Eqs. (3)–(4) with (8)–(13)).
#include "nn/activations.hpp"

namespace nn {

std::string to_string(Activation f) {
  switch (f) {
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::relu: return "relu";
  }
  return "?";
}

template <class T>
Tensor<T> activate(Activation f, const Tensor<T>& X) {
  return elementwise(X, [f](T x) { return activate(f, x); });
}

template <class T>
Tensor<T> activate_prime(Activation f, const Tensor<T>& X) {
  return elementwise_derivative(X, [f](T x) { return activate_prime(f, x); });
}

template Tensor<float> activate(Activation, const Tensor<float>&);
template Tensor<double> activate(Activation, const Tensor<double>&);
template Tensor<float> activate_prime(Activation, const Tensor<float>&);
template Tensor<double> activate_prime(Activation, const Tensor<double>&);

}  // namespace nn
