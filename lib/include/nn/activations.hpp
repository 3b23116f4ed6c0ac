/// @file activations.hpp
/// @brief Activation functions σ, tanh, ReLU and their derivatives — report §4.1, Eqs. (8)–(15).
///
/// Scalar versions are inline so loops over tensors inline them; the tensor versions apply
/// them element-wise as Eq. (3) does, and their derivatives as Eq. (4) does.
#pragma once

#include <cmath>
#include <string>

#include "nn/tensor.hpp"

namespace nn {

/// @brief Eq. (8): @f$\sigma(x) = \frac{1}{1+e^{-x}}@f$, computed without overflow.
///
/// For x < 0 the textbook form evaluates e^{-x}, which overflows to +∞ in float for x < −88
/// (still giving the right 0, but through an infinity that traps under -ffpe-trap and poisons
/// derivatives). We use @f$\sigma(x) = \frac{e^{x}}{1+e^{x}}@f$ there, which never overflows.
template <class T>
inline T sigmoid(T x) {
  // [eq8]
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));  // Eq. (8)
  const T e = std::exp(x);
  return e / (T(1) + e);  // Eq. (8) times e^x/e^x: no overflow for x ≪ 0
  // [eq8]
}

/// @brief Eq. (11) written with the output y = σ(x): @f$\sigma'(x) = y(1-y)@f$. The layers keep
///        σ(x) from the forward pass and use this form.
template <class T>
inline T sigmoid_prime_from_output(T y) {
  return y * (T(1) - y);  // Eq. (11)
}

/// @brief Eq. (11): @f$\sigma'(x) = \sigma(x)\,(1-\sigma(x))@f$.
template <class T>
inline T sigmoid_prime(T x) {
  // [eq11]
  return sigmoid_prime_from_output(sigmoid(x));  // Eq. (11): σ(x)(1 − σ(x))
  // [eq11]
}

/// @brief Eq. (9): @f$\tanh(x) = \frac{e^x-e^{-x}}{e^x+e^{-x}}@f$ (std::tanh, which is stable).
template <class T>
inline T tanh_activation(T x) {
  // [eq9]
  return std::tanh(x);  // Eq. (9): std::tanh is accurate and never overflows
  // [eq9]
}

/// @brief Eq. (12) written with the output t = tanh(x): @f$\tanh'(x) = 1-t^2@f$.
template <class T>
inline T tanh_prime_from_output(T t) {
  return T(1) - t * t;  // Eq. (12)
}

/// @brief Eq. (12): @f$\tanh'(x) = 1-\tanh^2(x)@f$.
template <class T>
inline T tanh_prime(T x) {
  // [eq12]
  return tanh_prime_from_output(std::tanh(x));  // Eq. (12): 1 − tanh²(x)
  // [eq12]
}

/// @brief Eq. (10): @f$\mathrm{ReLU}(x) = \max(0, x)@f$.
template <class T>
inline T relu(T x) {
  // [eq10]
  return x < T(0) ? T(0) : x;  // Eq. (10): max(0, x)
  // [eq10]
}

/// @brief Eq. (13): ReLU′(x) = 0 for x < 0 and 1 for x ≥ 0.
///
/// At x = 0 the derivative does not exist: the one-sided limits of the difference quotient
/// are 0 from the left and 1 from the right. (The draft's Eqs. (14)–(15) write these limits of
/// ReLU(x) itself, which are both 0; it is the *derivative's* limits that are 0 and 1: see the
/// errata.) Like Eq. (13) we choose ReLU′(0) = 1. Either choice is a valid subgradient; it
/// only matters when an input is exactly 0, and a gradient check must avoid that point.
template <class T>
inline T relu_prime(T x) {
  // [eq13]
  return x < T(0) ? T(0) : T(1);  // Eq. (13), with ReLU′(0) = 1
  // [eq13]
}

/// @brief Eq. (45) with Eq. (13) for one element: @f$\delta\,\mathrm{ReLU}'(x)@f$ written as a
///        choice, δ where x ≥ 0 and 0 where x < 0. It equals `delta * relu_prime(x)` for every
///        finite δ (the ReLU layer's kernel uses this form; see lib/src/kernels/activation_fast.cpp).
template <class T>
inline T relu_backward(T delta, T x) {
  return x < T(0) ? T(0) : delta;
}

/// @brief The three activations of the report, for layers that take one as a parameter.
enum class ActivationFunction { sigmoid, tanh, relu };

/// @brief "sigmoid", "tanh" or "relu".
std::string to_string(ActivationFunction f);

/// @brief f(x) for the chosen activation (Eqs. (8)–(10)).
template <class T>
inline T activate(ActivationFunction f, T x) {
  switch (f) {
    case ActivationFunction::sigmoid: return sigmoid(x);
    case ActivationFunction::tanh: return tanh_activation(x);
    case ActivationFunction::relu: return relu(x);
  }
  return x;
}

/// @brief f′(x) for the chosen activation (Eqs. (11)–(13)).
template <class T>
inline T activate_prime(ActivationFunction f, T x) {
  switch (f) {
    case ActivationFunction::sigmoid: return sigmoid_prime(x);
    case ActivationFunction::tanh: return tanh_prime(x);
    case ActivationFunction::relu: return relu_prime(x);
  }
  return T(1);
}

/// @brief Eq. (3) with f one of Eqs. (8)–(10): @f$[f(X)]_i = f(X_i)@f$.
template <class T>
Tensor<T> activate(ActivationFunction f, const Tensor<T>& X);

/// @brief Eq. (4) with f′ one of Eqs. (11)–(13): @f$[\partial f(X)/\partial X]_i = f'(X_i)@f$.
template <class T>
Tensor<T> activate_prime(ActivationFunction f, const Tensor<T>& X);

}  // namespace nn
