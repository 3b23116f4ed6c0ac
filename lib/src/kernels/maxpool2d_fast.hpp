/// @file maxpool2d_fast.hpp
/// @brief Internal: max-pooling into reused buffers, with a branch-free 2×2 window; equals the
///        reference of lib/src/maxpool2d.cpp.
#pragma once

#include "nn/maxpool2d.hpp"

namespace nn::kernels {

/// Eq. (49) into Y (resized only if its shape differs), filling the argmax cache.
template <class T>
void maxpool2d_forward(const Tensor<T>& X, PoolSpec spec, MaxPoolCache& cache, Tensor<T>& Y);

/// Eqs. (50)–(51) into dX (resized if needed, overwritten, not accumulated into).
template <class T>
void maxpool2d_backward(const Tensor<T>& dY, const MaxPoolCache& cache, Tensor<T>& dX);

}  // namespace nn::kernels
