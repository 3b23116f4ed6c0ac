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

/// Eq. (31)'s δ^(l) = G Wᵀ alone, into dX (sized by the caller); WT as in dense_backward().
template <class T>
void dense_input_gradient(const Tensor<T>& G, const Tensor<T>& W, Tensor<T>& dX, Tensor<T>& WT);

/// Eqs. (32)–(33) alone: dW = Xᵀ G and db = Σ_r G_r, or with `accumulate` dW += Xᵀ G and
/// db += Σ_r G_r, each entry's sum over r continuing from the value already there. So a batch
/// cut into shares whose rows are added one share after another, in order, gives the same bits
/// as one call on the whole batch (nn::DataParallel).
template <class T>
void dense_weight_gradient(const Tensor<T>& G, const Tensor<T>& X, Tensor<T>& dW, Tensor<T>& db, bool accumulate);

}  // namespace nn::kernels
