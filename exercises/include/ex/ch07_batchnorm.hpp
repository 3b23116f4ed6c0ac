/// @file ch07_batchnorm.hpp
/// @brief Exercise of §4.2.8 (batch normalization backward, Eqs. (56)–(63)): declaration.
///
/// Complete the body in `exercises/stubs/batchnorm_backward.cpp`, then run
/// `bash scripts/exercises.sh`. The library's own version is nn::batchnorm_backward.
#pragma once

#include "nn/tensor.hpp"

namespace ex {

/// @brief The three gradients of batch normalization.
struct BatchNormGrads {
  nn::Tensor<double> dX;      ///< δ^(l), shape (R, C, H, W)
  nn::Tensor<double> dgamma;  ///< ∂L/∂γ, shape (C)
  nn::Tensor<double> dbeta;   ///< ∂L/∂β, shape (C)
};

/// @brief Exercise 4.2.8a — batch normalization backward in training mode, corrected
///        Eqs. (56), (57) and (63), for a rank-4 input.
///
/// Recompute μ_c and the biased σ²_c (Eqs. (52)–(53), over r, h, w) and X̂ (Eq. (54)), then
/// with N = R·H·W and δ = δ^(l+1):
/// ∂L/∂γ_c = Σ δ X̂, ∂L/∂β_c = Σ δ (no 1/R: δ already carries the loss's mean), and
/// δ^(l) = γ_c (σ²_c+ε)^{-1/2} / N · (N δ − Σ δ − X̂ Σ δ X̂), sums over (r', h', w') of channel c.
/// @param dY     δ^(l+1), shape (R, C, H, W)
/// @param X      the forward input X^(l), shape (R, C, H, W)
/// @param gamma  γ, shape (C)
/// @param eps    ε of Eq. (54)
/// @return       {δ^(l), ∂L/∂γ, ∂L/∂β}
BatchNormGrads batchnorm_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                  const nn::Tensor<double>& gamma, double eps);

}  // namespace ex
