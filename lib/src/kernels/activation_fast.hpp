/// @file activation_fast.hpp
/// @brief Internal: Eqs. (44)–(45) into reused buffers, vectorised and shared among threads;
///        equals activation_forward() and activation_backward() of lib/src/activation_layer.cpp.
#pragma once

#include "nn/activations.hpp"
#include "nn/tensor.hpp"

namespace nn::kernels {

/// Eq. (44): Y = f(X), and X copied into X_cache (what the backward pass needs). Y and X_cache
/// are resized only if their shape differs.
template <class T>
void activation_forward(const Tensor<T>& X, ActivationFunction f, Tensor<T>& X_cache, Tensor<T>& Y);

/// Eq. (45): dX = δ ⊙ f′(X), with f′ of σ and tanh taken from the output Y = f(X) (Eqs. (11)–(12)).
template <class T>
void activation_backward(const Tensor<T>& dY, const Tensor<T>& X, const Tensor<T>& Y, ActivationFunction f,
                         Tensor<T>& dX);

}  // namespace nn::kernels
