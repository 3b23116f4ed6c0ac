/// @file batchnorm_fast.hpp
/// @brief Internal: batch normalization into reused buffers, vectorised and threaded by
///        channel; equals the reference of lib/src/batchnorm.cpp.
#pragma once

#include "nn/batchnorm.hpp"

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

}  // namespace nn::kernels
