/// @file ch03_dense.hpp
/// @brief Exercises of §4.1 (dense layers, the L2 loss, gradient descent): declarations.
///
/// Complete the bodies in `exercises/stubs/NAME.cpp`, then run `bash scripts/exercises.sh`.
/// Shapes follow the report: a batch X is R×n (one example per row), W is n×m (inputs ×
/// outputs), b has m elements and is added to every row.
#pragma once

#include "nn/activations.hpp"
#include "nn/tensor.hpp"

namespace ex {

/// @brief Exercise 4.1e — the dense layer of Eq. (7): @f$X^{(l+1)} = f(X^{(l)}W^{(l)} + b^{(l)})@f$.
/// @param X  input X^(l), shape (R, n)
/// @param W  weights W^(l), shape (n, m)
/// @param b  bias b^(l), shape (m), added to every row
/// @param f  the activation (use nn::activate(f, z) on each element)
/// @return   X^(l+1), shape (R, m)
nn::Tensor<double> dense_forward(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                 const nn::Tensor<double>& b, nn::ActivationFunction f);

/// @brief The three gradients of a dense layer (answer of ex::dense_backward).
struct DenseGradients {
  nn::Tensor<double> dX;  ///< δ^(l) = ∂L/∂X^(l), shape (R, n)
  nn::Tensor<double> dW;  ///< ∂L/∂W^(l), shape (n, m)
  nn::Tensor<double> db;  ///< ∂L/∂b^(l), shape (m)
};

/// @brief Exercise 4.1f — backpropagation through one dense layer, Eqs. (31)–(33) corrected:
///        with @f$G = \delta^{(l+1)} \odot f'(X^{(l)}W^{(l)} + b^{(l)})@f$,
///        @f$\delta^{(l)} = G W^{(l)T}@f$, @f$\partial L/\partial W^{(l)} = X^{(l)T} G@f$,
///        @f$\partial L/\partial b^{(l)} = \sum_r G_{r,\cdot}@f$.
/// @param dY  δ^(l+1) = ∂L/∂X^(l+1), shape (R, m)
/// @param X   input X^(l) of the forward pass, shape (R, n)
/// @param W   weights W^(l), shape (n, m)
/// @param b   bias b^(l), shape (m)
/// @param f   the activation of the forward pass (nn::activate_prime(f, z) is f′)
DenseGradients dense_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                              const nn::Tensor<double>& b, nn::ActivationFunction f);

/// @brief Exercise 4.1g — the gradient of the L2 loss of Eq. (16) with the batch mean,
///        @f$L = \frac{1}{R}\sum_r \lVert \hat y_r - y_r \rVert^2@f$: Eq. (25) corrected,
///        @f$\partial L/\partial \hat y = \frac{2}{R}(\hat y - y)@f$.
/// @param Yhat  the prediction ŷ, shape (R, m)
/// @param Y     the target y, shape (R, m)
nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y);

/// @brief Exercise 4.1h — one step of gradient descent, Eq. (20): @f$\theta \leftarrow \theta - \alpha\,\partial L/\partial\theta@f$.
/// @param theta     the parameter, updated in place
/// @param gradient  ∂L/∂θ, same shape as θ
/// @param alpha     the learning rate α
void sgd_step(nn::Tensor<double>& theta, const nn::Tensor<double>& gradient, double alpha);

}  // namespace ex
