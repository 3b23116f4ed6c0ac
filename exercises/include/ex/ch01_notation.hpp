/// @file ch01_notation.hpp
/// @brief Exercises of §3 (the report's tensor notation, Eqs. (5) and (22)): declarations.
///
/// Complete the bodies in `exercises/stubs/NAME.cpp`, then run the exercise checker. The
/// checks compare your functions with nn::hadamard() and nn::vec() on tensors of rank 1–4 with
/// R ≠ C ≠ H ≠ W, and require a Hadamard product of two different shapes to throw
/// nn::shape_error.
#pragma once

#include "nn/tensor.hpp"

namespace ex {

/// @brief Exercise 3a — the Hadamard product, Eq. (5): @f$C_i = A_i B_i@f$ for every
///        multi-index i of two tensors of the same shape.
/// @param A, B  tensors of equal shape (any rank 1–4)
/// @return A ⊙ B, of that shape
/// @throws nn::shape_error naming both shapes and Eq. (5) if the shapes differ, even when the
///         element counts agree (nn::require_same_shape() does this)
nn::Tensor<double> hadamard(const nn::Tensor<double>& A, const nn::Tensor<double>& B);

/// @brief Exercise 3b — vec(X), Eq. (22): the elements of a rank-4 tensor as a row vector in
///        row-major order, @f$\mathrm{vec}(X)_k = X_{r,c,h,w}@f$ with k = ((r·C + c)·H + h)·W + w.
/// @param X  tensor of shape (R, C, H, W)
/// @return rank-1 tensor of shape (R·C·H·W)
nn::Tensor<double> vec(const nn::Tensor<double>& X);

}  // namespace ex
