/// @file dense_gemm.hpp
/// @brief Internal: the dense layer's products, Eqs. (7) and (31)–(33) without f, by our
///        register-blocked kernels (layers up to 2^20 weights) or OpenBLAS (larger ones).
#pragma once

#include "nn/tensor.hpp"

namespace nn::kernels {

/// Eq. (7) without f: Z = X W + b, into Z of shape (R, m) (already sized by the caller).
template <class T>
void dense_forward(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, Tensor<T>& Z);

/// Eqs. (31)–(33) with G = δ^(l+1) (the affine part): dX = G Wᵀ, dW = Xᵀ G, db = Σ_r G_r, into
/// buffers of the right shapes (overwritten). `WT` is scratch space for Wᵀ (the small kernels
/// read B by rows). With input_gradient = false, dX is left unchanged.
template <class T>
void dense_backward(const Tensor<T>& G, const Tensor<T>& X, const Tensor<T>& W, Tensor<T>& dX, Tensor<T>& dW,
                    Tensor<T>& db, Tensor<T>& WT, bool input_gradient = true);

}  // namespace nn::kernels
