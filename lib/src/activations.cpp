/// @file activations.cpp
/// @brief Element-wise activations of tensors (Eqs. (3)–(4) with (8)–(13)).
#include "nn/activations.hpp"

namespace nn {

std::string to_string(ActivationFunction f) {
  switch (f) {
    case ActivationFunction::sigmoid: return "sigmoid";
    case ActivationFunction::tanh: return "tanh";
    case ActivationFunction::relu: return "relu";
  }
  return "?";
}

template <class T>
Tensor<T> activate(ActivationFunction f, const Tensor<T>& X) {
  return elementwise(X, [f](T x) { return activate(f, x); });
}

template <class T>
Tensor<T> activate_prime(ActivationFunction f, const Tensor<T>& X) {
  return elementwise_derivative(X, [f](T x) { return activate_prime(f, x); });
}

template Tensor<float> activate(ActivationFunction, const Tensor<float>&);
template Tensor<double> activate(ActivationFunction, const Tensor<double>&);
template Tensor<float> activate_prime(ActivationFunction, const Tensor<float>&);
template Tensor<double> activate_prime(ActivationFunction, const Tensor<double>&);

}  // namespace nn
