/// @file conv2d.hpp
/// @brief The convolution layer — report §4.2.1–4.2.2, Eqs. (34)–(43): forward with stride
///        and zero padding, backward (input, kernel and bias gradients), two ways each.
///
/// **Reference** (conv2d_forward_naive(), conv2d_backward_naive(), im2row(), row2im(), in
/// lib/src/conv2d.cpp): the loops of Eq. (39) in the report's index order, and the backward pass
/// exactly as Eqs. (41)–(43) derive it — the input gradient is a *full* convolution of δ with
/// the 180°-rotated kernels (Eq. (42)). Readable, slow, the oracle of the tests.
///
/// **Fast** (conv2d_forward_im2row(), conv2d_backward_im2row() and the layer nn::Conv2d, in
/// lib/src/kernels/conv2d_im2row.cpp): every window of the padded input copied into one row of a
/// matrix, so that the whole convolution becomes one matrix product per example and the two
/// gradients two more, computed by the library's own register-blocked kernels; the window
/// gradients are routed back onto the input as row2im() does. Same results as the reference
/// (test `naive loops and im2row + GEMM agree to 1e-12 on many shapes`).
///
/// Conventions (one for all layers, design notes, "One gradient convention" and
/// "Forward/backward"):
/// - shapes: X (R, C, H, W); kernels W (C′, C, k_H, k_W); bias b (C′); Y (R, C′, H′, W′) with
///   H′, W′ from nn::conv_out_size() (Eqs. (34)–(35));
/// - the report's corrected Eq. (39) with stride s and zero padding p and a bias:
///   @f$Y_{r,c',h',w'} = \sum_c\sum_j\sum_i \tilde X_{r,c,sh'+j,sw'+i} W_{c',c,j,i} + b_{c'}@f$,
///   where @f$\tilde X@f$ is X padded with p zeros on every side;
/// - backward takes δ^(l+1) = ∂L/∂Y first, then what the forward pass saw (X, W, spec), of a
///   loss that already contains the batch mean, and returns the exact derivatives: **no 1/R**
///   in dW (the draft's Eq. (43) has one; see @ref errata_ch04).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief Stride s ("kliv") and zero padding p of a convolution (§4.2.1), the same in both
///        directions.
struct ConvSpec {
  std::size_t stride = 1;  ///< s ≥ 1: how far the kernel moves between windows (Eqs. (37)–(38))
  std::size_t pad = 0;     ///< p: zeros added on each side of H and W (Figure 7)
  /// "s=2, p=1"
  std::string str() const;
};

/// @brief The output shape (R, C′, H′, W′) of Eq. (39) for input and kernel shapes
///        (Eqs. (34)–(36), through nn::conv_out_size()).
/// @param X  input shape (R, C, H, W)
/// @param W  kernel shape (C′, C, k_H, k_W)
/// @param spec  stride and padding
/// @throws shape_error if either is not rank 4, the channels C differ, or the kernel does not
///         fit the padded input (naming both shapes and the equation)
Shape conv2d_output_shape(const Shape& X, const Shape& W, ConvSpec spec);

/// @brief Gradients of one convolution backward pass, {dX, dW, db} (design notes,
///        "Forward/backward").
template <class T>
struct Conv2dGradients {
  Tensor<T> dX;  ///< δ^(l) = ∂L/∂X, shape (R, C, H, W) — Eqs. (40)–(42)
  Tensor<T> dW;  ///< ∂L/∂W, shape (C′, C, k_H, k_W) — Eq. (43), without the draft's 1/R
  Tensor<T> db;  ///< ∂L/∂b, shape (C′): δ summed over the batch and all positions
};

/// @brief Checks that the bias b has one entry per kernel of W, shape (C′).
/// @throws shape_error naming both shapes and Eq. (39) otherwise
void require_conv2d_bias(const Shape& b, const Shape& W);

// ---- reference: the report's loops (lib/src/conv2d.cpp) --------------------------------------------------------------

/// @brief Eq. (39), corrected for stride and padding, as plain loops in the report's index
///        order r, c′, h′, w′ (outer) and c, j, i (the sum).
/// @f[ Y_{r,c',h',w'} = \sum_{c=0}^{C-1}\sum_{j=0}^{k_H-1}\sum_{i=0}^{k_W-1}
///     \tilde X_{r,c,\,sh'+j,\,sw'+i}\, W_{c',c,j,i} + b_{c'} @f]
/// @param X  input, shape (R, C, H, W)
/// @param W  kernels, shape (C′, C, k_H, k_W)
/// @param b  one bias per kernel, shape (C′)
/// @param spec  stride s and zero padding p
/// @return output, shape (R, C′, H′, W′) with H′, W′ from Eqs. (34)–(35)
/// @throws shape_error naming the shapes and the equation if they do not fit
template <class T>
Tensor<T> conv2d_forward_naive(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ConvSpec spec);

/// @brief Eqs. (40)–(43), corrected and generalised, as plain loops.
///
/// - **dX, Eq. (42):** the full convolution of δ^(l+1) with the kernels rotated by 180°,
///   summed over c′. For stride s > 1, δ is first *dilated* (s − 1 zeros between its
///   elements: the windows of the forward pass were s apart); it is then padded with
///   k − 1 zeros so that every window that touched a pixel is counted (plus the rows and
///   columns the floor of Eq. (34) dropped); the result, the gradient of the padded input
///   @f$\tilde X@f$, is finally *cropped* by p on every side.
///   @f[ \delta^{(l)}_{r,c} = \mathrm{crop}_p\Big(\sum_{c'} \mathrm{rot}_{180}(W_{c',c}) * \mathrm{pad}_{k-1}(\mathrm{dilate}_s(\delta^{(l+1)}_{r,c'}))\Big) @f]
/// - **dW, Eq. (43)** without 1/R (and without the sum over c′, which is fixed):
///   @f$\frac{\partial L}{\partial W_{c',c,j,i}} = \sum_r\sum_{h'}\sum_{w'} \tilde X_{r,c,sh'+j,sw'+i}\,\delta^{(l+1)}_{r,c',h',w'}@f$
/// - **db:** @f$\frac{\partial L}{\partial b_{c'}} = \sum_r\sum_{h'}\sum_{w'} \delta^{(l+1)}_{r,c',h',w'}@f$
/// @param dY  δ^(l+1) = ∂L/∂Y, shape (R, C′, H′, W′)
/// @param X   the forward pass's input, shape (R, C, H, W)
/// @param W   the kernels, shape (C′, C, k_H, k_W)
/// @param spec  stride and padding of the forward pass
/// @return {dX, dW, db}
/// @throws shape_error naming both shapes and Eqs. (40)–(43) if dY is not the forward output's shape
template <class T>
Conv2dGradients<T> conv2d_backward_naive(const Tensor<T>& dY, const Tensor<T>& X, const Tensor<T>& W,
                                         ConvSpec spec);

// ---- im2row / row2im ----------------------------------------------------------------------

/// @brief im2row: every k_H×k_W×C window of the padded input as one row of a matrix.
///
/// Row (r·H′ + h′)·W′ + w′ holds the window under output pixel (h′, w′) of example r; column
/// (c·k_H + j)·k_W + i holds @f$\tilde X_{r,c,sh'+j,sw'+i}@f$ (0 in the padding). The column
/// order equals the row-major order of one kernel W_{c′}, so Eq. (39) becomes the matrix
/// product @f$Y = \mathrm{im2row}(X)\, \mathrm{vec}(W)^T@f$ (one row of vec(W) per kernel).
/// @param X  input, shape (R, C, H, W)
/// @param kH, kW  kernel height and width
/// @param spec  stride and padding
/// @return matrix of shape (R·H′·W′, C·k_H·k_W)
template <class T>
Tensor<T> im2row(const Tensor<T>& X, std::size_t kH, std::size_t kW, ConvSpec spec);

/// @brief row2im, the adjoint of im2row(): adds every row's entries back onto the input
///        position they were copied from (overlapping windows add up; padding is dropped).
/// @param rows  matrix of shape (R·H′·W′, C·k_H·k_W)
/// @param x_shape  shape (R, C, H, W) of the input im2row() was applied to
/// @param kH, kW  kernel height and width
/// @param spec  stride and padding
/// @return tensor of shape x_shape
template <class T>
Tensor<T> row2im(const Tensor<T>& rows, const Shape& x_shape, std::size_t kH, std::size_t kW, ConvSpec spec);

// ---- fast: im2row + GEMM (lib/src/kernels/conv2d_im2row.cpp) -------------------------------

/// @brief Eq. (39) by im2row + GEMM: the same result as conv2d_forward_naive(), to rounding.
///        Per example r: rows_r = im2row(X_r), then @f$Y_r = W\,\mathrm{rows}_r^T + b@f$
///        (C′ × H′W′), one matrix product; the examples run in parallel.
/// @param X  input, shape (R, C, H, W)
/// @param W  kernels, shape (C′, C, k_H, k_W)
/// @param b  one bias per kernel, shape (C′)
/// @param spec  stride s and zero padding p
/// @return output, shape (R, C′, H′, W′)
template <class T>
Tensor<T> conv2d_forward_im2row(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ConvSpec spec);

/// @brief Eqs. (42)–(43) by im2row + GEMM: the same result as conv2d_backward_naive(), to
///        rounding. Per example r: @f$dW \mathrel{+}= \delta_r\,\mathrm{rows}_r@f$ (Eq. (43)),
///        @f$d\mathrm{rows}_r = W^T \delta_r@f$ and @f$dX_r = \mathrm{row2im}(d\mathrm{rows}_r)@f$
///        (Eq. (42): row2im does the rotation, dilation and cropping implicitly), db = Σ δ.
/// @param dY  δ^(l+1), shape (R, C′, H′, W′)
/// @param X   the forward pass's input, shape (R, C, H, W)
/// @param W   kernels, shape (C′, C, k_H, k_W)
/// @param spec  stride and padding of the forward pass
/// @return {dX, dW, db}
template <class T>
Conv2dGradients<T> conv2d_backward_im2row(const Tensor<T>& dY, const Tensor<T>& X, const Tensor<T>& W,
                                          ConvSpec spec);

// ---- layer object ---------------------------------------------------------------------------

/// @brief Convolution layer for Sequential: kernels W (C′, C, k_H, k_W) and biases b (C′),
///        forward and backward by the fast im2row path (lib/src/layers/conv2d_layer.cpp), every
///        buffer kept between batches.
template <class T>
class Conv2d final : public Layer<T> {
 public:
  /// @brief Kernels drawn by nn::initialize with Init::he_normal, N(0, 2/(C·k_H·k_W)), biases 0.
  /// @param in_channels   C
  /// @param out_channels  C′ (the number of kernels, Eq. (36))
  /// @param kH, kW        kernel height and width
  /// @param spec          stride and padding
  /// @param seed          seed of the initialisation (same seed, same kernels)
  Conv2d(std::size_t in_channels, std::size_t out_channels, std::size_t kH, std::size_t kW, ConvSpec spec = {},
         std::uint64_t seed = 42);
  std::string name() const override;
  const Tensor<T>& forward(const Tensor<T>& X) override;
  const Tensor<T>& backward(const Tensor<T>& dY) override;
  Shape output_shape(const Shape& input) const override;
  std::vector<Parameter<T>> parameters() override;
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Conv2d>(*this); }

  Tensor<T>& weights() { return W_; }              ///< W, shape (C′, C, k_H, k_W)
  Tensor<T>& bias() { return b_; }                 ///< b, shape (C′)
  const Tensor<T>& weights() const { return W_; }  ///< W, shape (C′, C, k_H, k_W)
  const Tensor<T>& bias() const { return b_; }     ///< b, shape (C′)
  ConvSpec spec() const { return spec_; }          ///< stride and padding

 private:
  ConvSpec spec_;
  Tensor<T> W_, b_;
  Tensor<T> X_, Y_;
  Conv2dGradients<T> grads_;
  Tensor<T> rows_, drows_;  // the fast path's scratch space (kernels/conv2d_im2row.hpp)
};

extern template class Conv2d<float>;
extern template class Conv2d<double>;

}  // namespace nn
