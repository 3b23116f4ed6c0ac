/// @file ch05_activation_layer.hpp
/// @brief Exercises of §4.2.3–4.2.4 (the activation layer, Eqs. (44)–(45)): declarations.
///
/// Complete the bodies in `exercises/stubs/NAME.cpp`, then run the exercise checker. The
/// checks compare your functions with nn::activation_forward() and nn::activation_backward()
/// to 1e-12 for σ, tanh and ReLU on rank-4 tensors with R ≠ C and H ≠ W, values of both signs,
/// exact zeros (ReLU's kink) and tails up to |x| = 800.
#pragma once

#include "nn/activations.hpp"
#include "nn/tensor.hpp"

namespace ex {

/// @brief Exercise 4.2.3a — the activation layer's forward pass, Eq. (44):
///        @f$X^{(l+1)}_{r,c,h,w} = f(X^{(l)}_{r,c,h,w})@f$, f applied to every element.
/// @param X  the input X^(l), shape (R, C, H, W)
/// @param f  σ, tanh or ReLU (nn::activate() evaluates it at one number)
/// @return X^(l+1), the same shape as X
nn::Tensor<double> activation_forward(const nn::Tensor<double>& X, nn::ActivationFunction f);

/// @brief Exercise 4.2.4a — the activation layer's backward pass, Eq. (45):
///        @f$\delta^{(l)} = \delta^{(l+1)} \odot f'(X^{(l)})@f$, with f′ taken at the layer's
///        *input* and ReLU′(0) = 1 as in Eq. (13).
/// @param dY  δ^(l+1) = ∂L/∂X^(l+1), shape (R, C, H, W)
/// @param X   the forward pass's input X^(l), the same shape
/// @param f   the activation function of the forward pass (nn::activate_prime() evaluates f′)
/// @return δ^(l) = ∂L/∂X^(l), the same shape as X
nn::Tensor<double> activation_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                       nn::ActivationFunction f);

}  // namespace ex
