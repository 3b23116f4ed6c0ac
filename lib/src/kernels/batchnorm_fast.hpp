/// @file batchnorm_fast.hpp
/// @brief Internal: batch normalization into reused buffers, vectorised and threaded by
///        channel; equals the reference of lib/src/batchnorm.cpp.
#pragma once

#include "nn/batchnorm.hpp"
#include "nn/data_parallel.hpp"

namespace nn::kernels {

/// Training-mode forward, Eqs. (52)–(55), into Y (resized only if needed), filling the cache.
template <class T>
void batchnorm_forward(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta, T eps,
                       BatchNormCache<T>& cache, Tensor<T>& Y);

/// Inference-mode forward, Eqs. (54)–(55) with the running statistics, into Y.
template <class T>
void batchnorm_forward_inference(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta,
                                 const Tensor<T>& running_mean, const Tensor<T>& running_var, T eps,
                                 BatchNormCache<T>& cache, Tensor<T>& Y);

/// Eqs. (56), (57) and (63) (or the inference form) into grads (resized as needed, overwritten).
template <class T>
void batchnorm_backward(const Tensor<T>& dY, const Tensor<T>& gamma, const BatchNormCache<T>& cache,
                        BatchNormGradients<T>& grads);

/// Training-mode forward of one share of a batch (nn::DataParallel): X holds the share's rows.
/// Each share writes the sums of its own rows into `exchange` (4·R·C values, R the whole
/// batch's, shared by the shares), meets the others, and adds every row's sum in row order, as
/// batchnorm_forward() adds them: μ and σ² are the same bits as one pass over the batch.
template <class T>
void batchnorm_forward_share(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta, T eps,
                             BatchNormCache<T>& cache, Tensor<T>& Y, const Share& share, T* exchange);

/// The backward pass of one share, after batchnorm_forward_share(): Σ δ and Σ δ X̂ over the
/// whole batch the same way. ∂L/∂γ and ∂L/∂β are the whole batch's in share 0 and 0 in the
/// others, so that nn::DataParallel's sum over the shares gives them unchanged.
template <class T>
void batchnorm_backward_share(const Tensor<T>& dY, const Tensor<T>& gamma, const BatchNormCache<T>& cache,
                              BatchNormGradients<T>& grads, const Share& share, T* exchange);

}  // namespace nn::kernels
