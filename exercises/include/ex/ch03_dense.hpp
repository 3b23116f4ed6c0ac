/// @file ch03_dense.hpp
/// @brief Exercises of §4.1 (dense layers, the L2 loss, gradient descent): declarations.
///
/// Complete the bodies in `exercises/stubs/NAME.cpp`, then run `bash scripts/exercises.sh`.
/// Shapes follow the report: a batch X is R×n (one example per row), W is n×m (inputs ×
/// outputs), b has m elements and is added to every row.
#pragma once

#include <cstddef>
#include <vector>

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
/// @return    {dX, dW, db}, each with the shape of what it differentiates
DenseGradients dense_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                              const nn::Tensor<double>& b, nn::ActivationFunction f);

/// @brief Exercise 4.1g — the gradient of the L2 loss of Eq. (16) with the batch mean,
///        @f$L = \frac{1}{R}\sum_r \lVert \hat y_r - y_r \rVert^2@f$: Eq. (25) corrected,
///        @f$\partial L/\partial \hat y = \frac{2}{R}(\hat y - y)@f$.
/// @param Yhat  the prediction ŷ, shape (R, m)
/// @param Y     the target y, shape (R, m)
/// @return      ∂L/∂ŷ, shape (R, m)
nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y);

/// @brief Exercise 4.1h — one step of gradient descent, Eq. (20): @f$\theta \leftarrow \theta - \alpha\,\partial L/\partial\theta@f$.
/// @param theta     the parameter, updated in place
/// @param gradient  ∂L/∂θ, same shape as θ
/// @param alpha     the learning rate α
void sgd_step(nn::Tensor<double>& theta, const nn::Tensor<double>& gradient, double alpha);

/// @brief Exercise 4.1j — one step of gradient descent with momentum μ, as nn::SGD takes it:
///        @f$v \leftarrow \mu v + \partial L/\partial\theta@f$, then Eq. (20) with v in place of
///        the gradient, @f$\theta \leftarrow \theta - \alpha v@f$ (v starts at 0).
/// @param theta     the parameter θ, updated in place
/// @param velocity  the velocity v (same shape), updated in place and kept for the next step
/// @param gradient  ∂L/∂θ of this step, same shape
/// @param alpha     the learning rate α
/// @param mu        the momentum μ in [0, 1)
void momentum_step(nn::Tensor<double>& theta, nn::Tensor<double>& velocity, const nn::Tensor<double>& gradient,
                   double alpha, double mu);

/// @brief Exercise 4.1k — one step of Adam, as nn::Adam takes it: with g = ∂L/∂θ and the step
///        number t (from 1),
///        @f$m \leftarrow \beta_1 m + (1-\beta_1) g@f$, @f$v \leftarrow \beta_2 v + (1-\beta_2) g^2@f$,
///        @f$\hat m = m/(1-\beta_1^t)@f$, @f$\hat v = v/(1-\beta_2^t)@f$,
///        @f$\theta \leftarrow \theta - \alpha\,\hat m/(\sqrt{\hat v} + \epsilon)@f$ (element-wise).
/// @param theta     the parameter θ, updated in place
/// @param m         the first moment (same shape), updated in place (m, not m̂, is kept)
/// @param v         the second moment (same shape), updated in place (v, not v̂, is kept)
/// @param gradient  ∂L/∂θ of this step, same shape
/// @param t         the number of this step: 1 for the first
/// @param alpha     the learning rate α
/// @param beta1     the decay β₁ of m
/// @param beta2     the decay β₂ of v
/// @param epsilon   ε, added to √v̂ (outside the square root)
void adam_step(nn::Tensor<double>& theta, nn::Tensor<double>& m, nn::Tensor<double>& v,
               const nn::Tensor<double>& gradient, std::size_t t, double alpha, double beta1, double beta2,
               double epsilon);

/// @brief Exercise 4.1l — the gradient of the softmax cross-entropy, mean over the batch, as
///        nn::softmax_cross_entropy() computes it: with
///        @f$L = \frac{1}{R}\sum_r \bigl(\log\sum_k e^{z_{r,k}} - z_{r,y_r}\bigr)@f$ and
///        @f$p = \mathrm{softmax}(Z)@f$ row by row,
///        @f$\partial L/\partial z_{r,k} = \frac{1}{R}\bigl(p_{r,k} - [k = y_r]\bigr)@f$.
///        It must hold for logits of any size (e.g. 1000).
/// @param Z       the scores (logits), shape (R, K)
/// @param labels  the class y_r of each row, R values in [0, K)
/// @return        ∂L/∂Z, shape (R, K)
nn::Tensor<double> softmax_cross_entropy_gradient(const nn::Tensor<double>& Z, const std::vector<std::size_t>& labels);

}  // namespace ex
