/// @file ch07_batchnorm.hpp
/// @brief Exercises of §4.2.7–4.2.8 (batch normalization forward, Eqs. (52)–(55), and backward,
///        Eqs. (56)–(63)): declarations.
///
/// Complete the bodies in `exercises/stubs/batchnorm_forward.cpp` and
/// `exercises/stubs/batchnorm_backward.cpp`, then run `bash scripts/exercises.sh`. The library's
/// own versions are nn::batchnorm_forward and nn::batchnorm_backward.
///
/// Both take a rank-4 input (R, C, H, W), normalised per channel c over the N = R·H·W values of
/// (r, h, w), or a rank-2 input (R, C) — a dense layer's batch — normalised per column c over the
/// N = R rows: the same formulas with H = W = 1 (`X.reshaped(nn::Shape{R, C, 1, 1})` turns one
/// into the other).
#pragma once

#include "nn/tensor.hpp"

namespace ex {

/// @brief What batch normalization's forward pass computes.
struct BatchNormForward {
  nn::Tensor<double> Y;     ///< X^(l+1) = γ_c X̂ + β_c, the shape of X (Eq. (55))
  nn::Tensor<double> mean;  ///< μ_c, shape (C) (Eq. (52))
  nn::Tensor<double> var;   ///< σ²_c, biased (divided by N), shape (C) (Eq. (53))
};

/// @brief Exercise 4.2.7a — batch normalization forward in training mode, Eqs. (52)–(55).
///
/// Per channel c, with N = R·H·W (N = R for a rank-2 input): μ_c = (1/N) Σ X (Eq. (52)),
/// σ²_c = (1/N) Σ (X − μ_c)² (Eq. (53), the biased variance), X̂ = (X − μ_c)/√(σ²_c + ε)
/// (Eq. (54)) and X^(l+1) = γ_c X̂ + β_c (Eq. (55)); sums over (r, h, w) of channel c.
/// @param X      the input X^(l), shape (R, C, H, W) or (R, C)
/// @param gamma  γ, shape (C)
/// @param beta   β, shape (C)
/// @param eps    ε of Eq. (54)
/// @return       {X^(l+1), μ, σ²}
BatchNormForward batchnorm_forward(const nn::Tensor<double>& X, const nn::Tensor<double>& gamma,
                                   const nn::Tensor<double>& beta, double eps);

/// @brief The three gradients of batch normalization.
struct BatchNormGrads {
  nn::Tensor<double> dX;      ///< δ^(l), the shape of X
  nn::Tensor<double> dgamma;  ///< ∂L/∂γ, shape (C)
  nn::Tensor<double> dbeta;   ///< ∂L/∂β, shape (C)
};

/// @brief Exercise 4.2.8a — batch normalization backward in training mode, corrected
///        Eqs. (56), (57) and (63).
///
/// Recompute μ_c and the biased σ²_c (Eqs. (52)–(53), over r, h, w) and X̂ (Eq. (54)), then
/// with N = R·H·W (N = R for a rank-2 input) and δ = δ^(l+1):
/// ∂L/∂γ_c = Σ δ X̂, ∂L/∂β_c = Σ δ (no 1/R: δ already carries the loss's mean), and
/// δ^(l) = γ_c (σ²_c+ε)^{-1/2} / N · (N δ − Σ δ − X̂ Σ δ X̂), sums over (r', h', w') of channel c.
/// @param dY     δ^(l+1), the shape of X
/// @param X      the forward input X^(l), shape (R, C, H, W) or (R, C)
/// @param gamma  γ, shape (C)
/// @param eps    ε of Eq. (54)
/// @return       {δ^(l), ∂L/∂γ, ∂L/∂β}
BatchNormGrads batchnorm_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                  const nn::Tensor<double>& gamma, double eps);

}  // namespace ex
