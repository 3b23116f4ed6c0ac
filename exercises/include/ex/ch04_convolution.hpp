/// @file ch04_convolution.hpp
/// @brief Exercises of §4.2.1–4.2.2 (the convolution layer, Eqs. (34)–(43)): declarations.
///
/// Complete the bodies in `exercises/stubs/NAME.cpp`, then run the exercise checker. The
/// checks compare your function with the library's nn::conv2d_forward_naive(),
/// nn::conv2d_backward_naive(), nn::im2row() and nn::row2im(), and your gradients with central
/// differences: from a single-channel case (R = C = C′ = 1, stride 1, no padding, but H ≠ W and
/// a kernel that is neither square nor symmetric) to cases that add one property each (R > 1,
/// C > 1, C ≠ C′, stride 2–3, padding 1–2, a row dropped by the floor of Eq. (34)), then all.
#pragma once

#include <cstddef>

#include "nn/conv2d.hpp"
#include "nn/tensor.hpp"

namespace ex {

/// @brief Exercise 4.2.1a — the convolution forward pass, Eq. (39) with stride and padding:
///        @f$Y_{r,c',h',w'} = \sum_c\sum_j\sum_i \tilde X_{r,c,sh'+j,sw'+i} W_{c',c,j,i} + b_{c'}@f$,
///        where @f$\tilde X@f$ is X with p zeros on every side and H′, W′ come from
///        nn::conv_out_size() (Eqs. (34)–(35)).
/// @param X  input (R, C, H, W)
/// @param W  kernels (C′, C, k_H, k_W)
/// @param b  biases (C′)
/// @param spec  stride s and padding p
/// @return Y of shape (R, C′, H′, W′)
nn::Tensor<double> conv2d_forward_naive(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                        const nn::Tensor<double>& b, nn::ConvSpec spec);

/// @brief Exercise 4.2.1b — im2row: row (r·H′ + h′)·W′ + w′ holds the window under output pixel
///        (h′, w′) of example r; column (c·k_H + j)·k_W + i holds @f$\tilde X_{r,c,sh'+j,sw'+i}@f$.
/// @param X  input (R, C, H, W)
/// @param kH, kW  kernel height and width
/// @param spec  stride and padding
/// @return matrix (R·H′·W′, C·k_H·k_W)
nn::Tensor<double> im2row(const nn::Tensor<double>& X, std::size_t kH, std::size_t kW, nn::ConvSpec spec);

/// @brief Exercise 4.2.1c — row2im, the adjoint of im2row(): every entry of row
///        (r·H′ + h′)·W′ + w′, column (c·k_H + j)·k_W + i is *added* to
///        @f$X_{r,c,sh'+j-p,sw'+i-p}@f$; windows that overlap (s < k) add up, and entries that
///        im2row() took from the padding are dropped. Then
///        @f$\langle \mathrm{im2row}(X), M\rangle = \langle X, \mathrm{row2im}(M)\rangle@f$ for all X, M.
/// @param rows  matrix M of shape (R·H′·W′, C·k_H·k_W)
/// @param x_shape  shape (R, C, H, W) of the input im2row() was applied to
/// @param kH, kW  kernel height and width
/// @param spec  stride and padding
/// @return tensor of shape x_shape
nn::Tensor<double> row2im(const nn::Tensor<double>& rows, const nn::Shape& x_shape, std::size_t kH, std::size_t kW,
                          nn::ConvSpec spec);

/// @brief Exercise 4.2.2a — the convolution backward pass, Eqs. (40)–(43) corrected: dX as the
///        full convolution of the dilated δ with the 180°-rotated kernels, cropped by p
///        (Eq. (42)); dW as Eq. (43) without 1/R; db as δ summed over the batch and all positions.
/// @param dY  δ^(l+1) = ∂L/∂Y, shape (R, C′, H′, W′)
/// @param X   the forward pass's input (R, C, H, W)
/// @param W   kernels (C′, C, k_H, k_W)
/// @param spec  stride and padding of the forward pass
/// @return {dX, dW, db}
nn::Conv2dGradients<double> conv2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                            const nn::Tensor<double>& W, nn::ConvSpec spec);

}  // namespace ex
