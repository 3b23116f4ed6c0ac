/// @file conv2d_im2row.hpp
/// @brief Internal: the fast convolution behind nn::Conv2d, nn::conv2d_forward_im2row() and
///        nn::conv2d_backward_im2row(); equals the reference loops of lib/src/conv2d.cpp.
#pragma once

#include "nn/conv2d.hpp"

namespace nn::kernels {

/// Eq. (39) into Y (resized only if its shape differs). `rows` is scratch space (one window
/// matrix per thread, and the padded copy X̃ of padded layers), kept by the layer between
/// batches so that nothing is allocated after the first.
template <class T>
void conv2d_forward(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ConvSpec spec, Tensor<T>& Y,
                    Tensor<T>& rows);

/// Eqs. (42)–(43) and ∂L/∂b into grads (resized as needed, overwritten). With
/// input_gradient = false dX is left unchanged: the first layer of a network needs no δ for its
/// input, and that product is a third of the backward pass. `rows` and `drows` are scratch
/// space (per thread: a window matrix and its gradient, partial dW and db, δ_r transposed).
template <class T>
void conv2d_backward(const Tensor<T>& dY, const Tensor<T>& X, const Tensor<T>& W, ConvSpec spec,
                     Conv2dGradients<T>& grads, Tensor<T>& rows, Tensor<T>& drows, bool input_gradient = true);

}  // namespace nn::kernels
