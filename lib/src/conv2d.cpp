/// @file conv2d.cpp
/// @brief The reference convolution, Eqs. (34)–(43): the report's loops in the report's index
///        order, one equation a line. The fast path that the layer uses is
///        kernels/conv2d_im2row.cpp; the tests hold the two equal.
#include "nn/conv2d.hpp"

#include <string>

#include "nn/output_size.hpp"

namespace nn {

std::string ConvSpec::str() const { return "s=" + std::to_string(stride) + ", p=" + std::to_string(pad); }

Shape conv2d_output_shape(const Shape& X, const Shape& W, ConvSpec spec) {
  if (X.rank() != 4 || W.rank() != 4)
    throw shape_error("Eq. (39) conv2d: input " + X.str() + " must be (R, C, H, W) and kernels " + W.str() +
                      " must be (C', C, kH, kW)");
  if (X[1] != W[1])
    throw shape_error("Eq. (39) conv2d: input " + X.str() + " has C=" + std::to_string(X[1]) +
                      " channels but kernels " + W.str() + " expect C=" + std::to_string(W[1]));
  try {
    // [eq36]
    // Eq. (34)
    const std::size_t Wo = conv_out_size(X[3], W[3], spec.stride, spec.pad);
    // Eq. (35)
    const std::size_t Ho = conv_out_size(X[2], W[2], spec.stride, spec.pad);
    return Shape{X[0], W[0], Ho, Wo};  // Eq. (36): C′ kernels, C′ channels out
    // [eq36]
  } catch (const shape_error& e) {
    throw shape_error(std::string(e.what()) + " — conv2d input " + X.str() + ", kernels " + W.str() + ", " +
                      spec.str());
  }
}

void require_conv2d_bias(const Shape& b, const Shape& W) {
  if (b.rank() != 1 || b[0] != W[0])
    throw shape_error("Eq. (39) conv2d: bias " + b.str() + " must have one entry per kernel, (" +
                      std::to_string(W[0]) + "), for kernels " + W.str());
}

namespace {

using Index = std::ptrdiff_t;

/// Figure 7's X̃: X with p zeros on every side. (h, w) are coordinates in X̃; the pixel there is
/// X_{r,c,h−p,w−p}, or 0 in the padding. The one padded-index test of the reference code.
template <class T>
bool in_image(const Tensor<T>& X, Index h, Index w, std::size_t p) {
  return h >= Index(p) && h < Index(X.dim(2) + p) && w >= Index(p) && w < Index(X.dim(3) + p);
}

template <class T>
T X_padded(const Tensor<T>& X, std::size_t r, std::size_t c, Index h, Index w, std::size_t p) {
  return in_image(X, h, w, p) ? X(r, c, std::size_t(h) - p, std::size_t(w) - p) : T(0);
}

}  // namespace

// ---- forward, Eqs. (37)–(39) ------------------------------------------------------------------

template <class T>
Tensor<T> conv2d_forward_naive(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ConvSpec spec) {
  const Shape out = conv2d_output_shape(X.shape(), W.shape(), spec);  // Eqs. (34)–(36)
  require_conv2d_bias(b.shape(), W.shape());
  const std::size_t R = out[0], Cp = out[1], Ho = out[2], Wo = out[3];
  const std::size_t C = X.dim(1), kH = W.dim(2), kW = W.dim(3), s = spec.stride, p = spec.pad;
  Tensor<T> Y(out);
  // [eq39]
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t cp = 0; cp < Cp; ++cp)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) {
          // the window of output pixel (h′, w′) starts in X̃ at
          const Index w = Index(s * wo);  // Eq. (37): w = s·w′
          const Index h = Index(s * ho);  // Eq. (38): h = s·h′
          T sum = 0;
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t j = 0; j < kH; ++j)
              for (std::size_t i = 0; i < kW; ++i)  // Eq. (39):
                sum += X_padded(X, r, c, h + Index(j), w + Index(i), p)
                       * W(cp, c, j, i);
          Y(r, cp, ho, wo) = sum + b(cp);  // Eq. (39): + b_{c′}
        }
  // [eq39]
  return Y;
}

// ---- backward, Eqs. (40)–(43) -----------------------------------------------------------------

template <class T>
Conv2dGradients<T> conv2d_backward_naive(const Tensor<T>& dY, const Tensor<T>& X, const Tensor<T>& W, ConvSpec spec) {
  const Shape out = conv2d_output_shape(X.shape(), W.shape(), spec);
  require_same_shape(dY.shape(), out, "Eqs. (40)-(43) conv2d backward (δ^(l+1) and the forward output)");
  const std::size_t R = out[0], Cp = out[1], Ho = out[2], Wo = out[3];
  const std::size_t C = X.dim(1), H = X.dim(2), Wd = X.dim(3), kH = W.dim(2), kW = W.dim(3);
  const std::size_t s = spec.stride, p = spec.pad, Hpad = H + 2 * p, Wpad = Wd + 2 * p;
  Conv2dGradients<T> g{Tensor<T>(X.shape()), Tensor<T>(W.shape()), Tensor<T>(Shape{Cp})};

  // [eq42]
  // Eq. (42), generalised. X̃ is Hpad × Wpad = (H + 2p) × (W + 2p).
  // Step 1: dilate δ by s and pad it with k − 1 zeros (plus the rows and
  // columns of X̃ that no window reached because of the floor in Eq. (34)),
  // D of size (Hpad + kH − 1) × (Wpad + kW − 1).
  Tensor<T> D(Shape{R, Cp, Hpad + kH - 1, Wpad + kW - 1});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t cp = 0; cp < Cp; ++cp)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo)
          // step 1
          D(r, cp, kH - 1 + s * ho, kW - 1 + s * wo) = dY(r, cp, ho, wo);
  // Step 2: rot(W), every kernel turned by 180°.
  Tensor<T> W_rot(W.shape());
  for (std::size_t cp = 0; cp < Cp; ++cp)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t j = 0; j < kH; ++j)
        for (std::size_t i = 0; i < kW; ++i)
          W_rot(cp, c, j, i) = W(cp, c, kH - 1 - j, kW - 1 - i);  // step 2
  // Step 3: Σ_c′ D_{r,c′} ∗ rot(W_{c′,c}), Eq. (39)'s cross-correlation at
  // stride 1, map first, gives ∂L/∂X̃, the gradient of the padded input.
  // Step 4: crop p from every side.
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      // only the rows and columns that
      for (std::size_t hp = p; hp < H + p; ++hp)
        // survive the crop are computed
        for (std::size_t wp = p; wp < Wd + p; ++wp) {
          T sum = 0;
          for (std::size_t cp = 0; cp < Cp; ++cp)
            for (std::size_t j = 0; j < kH; ++j)
              for (std::size_t i = 0; i < kW; ++i)
                sum += W_rot(cp, c, j, i) * D(r, cp, hp + j, wp + i);  // step 3
          // step 4, Eq. (42): crop_p(Σ_c′ pad(dilate(δ)) ∗ rot(W))
          g.dX(r, c, hp - p, wp - p) = sum;
        }
  // [eq42]

  // [eq43]
  // Eq. (43), corrected (no 1/R):
  //   ∂L/∂W_{c′,c,j,i} = Σ_r Σ_h′ Σ_w′ X̃_{r,c,s·h′+j,s·w′+i} δ_{r,c′,h′,w′}
  for (std::size_t cp = 0; cp < Cp; ++cp)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t j = 0; j < kH; ++j)
        for (std::size_t i = 0; i < kW; ++i) {
          T sum = 0;
          for (std::size_t r = 0; r < R; ++r)
            for (std::size_t ho = 0; ho < Ho; ++ho)
              for (std::size_t wo = 0; wo < Wo; ++wo) {
                const Index h = Index(s * ho + j), w = Index(s * wo + i);
                const T x = X_padded(X, r, c, h, w, p);
                sum += x * dY(r, cp, ho, wo);  // Eq. (43)
              }
          g.dW(cp, c, j, i) = sum;
        }
  // [eq43]

  // [conv2d_db]
  // ∂L/∂b_{c′}: b_{c′} is added to every output pixel of every example,
  // so δ sums over r, h′, w′.
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t cp = 0; cp < Cp; ++cp)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo)
          g.db(cp) += dY(r, cp, ho, wo);  // ∂L/∂b_{c′} = Σ_{r,h′,w′} δ
  // [conv2d_db]
  return g;
}

// ---- im2row / row2im (§4.2.2, the report's row layout) ----------------------------------------

template <class T>
Tensor<T> im2row(const Tensor<T>& X, std::size_t kH, std::size_t kW, ConvSpec spec) {
  if (X.rank() != 4) throw shape_error("im2row: input " + X.shape().str() + " must be (R, C, H, W)");
  const Shape out = conv2d_output_shape(X.shape(), Shape{1, X.dim(1), kH, kW}, spec);
  const std::size_t R = out[0], Ho = out[2], Wo = out[3], C = X.dim(1), s = spec.stride, p = spec.pad;
  Tensor<T> rows(Shape{R * Ho * Wo, C * kH * kW});
  // [im2row]
  // Row (r·H′ + h′)·W′ + w′ is the window under output pixel (h′, w′) of
  // example r; its column (c·kH + j)·kW + i is X̃_{r,c,s·h′+j,s·w′+i}, so
  // Eq. (39) becomes rows · vec(W)ᵀ.
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t ho = 0; ho < Ho; ++ho)
      for (std::size_t wo = 0; wo < Wo; ++wo)
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t j = 0; j < kH; ++j)
            for (std::size_t i = 0; i < kW; ++i)
              rows((r * Ho + ho) * Wo + wo, (c * kH + j) * kW + i) =
                  X_padded(X, r, c, Index(s * ho + j), Index(s * wo + i), p);
  // [im2row]
  return rows;
}

template <class T>
Tensor<T> row2im(const Tensor<T>& rows, const Shape& x_shape, std::size_t kH, std::size_t kW, ConvSpec spec) {
  if (x_shape.rank() != 4) throw shape_error("row2im: input shape " + x_shape.str() + " must be (R, C, H, W)");
  const Shape out = conv2d_output_shape(x_shape, Shape{1, x_shape[1], kH, kW}, spec);
  const std::size_t R = out[0], Ho = out[2], Wo = out[3], C = x_shape[1], s = spec.stride, p = spec.pad;
  require_same_shape(rows.shape(), Shape{R * Ho * Wo, C * kH * kW}, "row2im (rows and R·H'·W' × C·kH·kW)");
  Tensor<T> X(x_shape);
  // [row2im]
  // The adjoint of im2row: every entry goes back to the pixel it was copied
  // from, windows that overlap add up, and entries copied from the padding are
  // dropped (the crop of Eq. (42)).
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t ho = 0; ho < Ho; ++ho)
      for (std::size_t wo = 0; wo < Wo; ++wo)
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t j = 0; j < kH; ++j)
            for (std::size_t i = 0; i < kW; ++i) {
              // in X̃
              const Index h = Index(s * ho + j), w = Index(s * wo + i);
              if (in_image(X, h, w, p))
                X(r, c, std::size_t(h) - p, std::size_t(w) - p) +=
                    rows((r * Ho + ho) * Wo + wo, (c * kH + j) * kW + i);
            }
  // [row2im]
  return X;
}

#define NN_CONV2D_INSTANTIATE(T)                                                                                    \
  template Tensor<T> conv2d_forward_naive(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ConvSpec);          \
  template Conv2dGradients<T> conv2d_backward_naive(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ConvSpec); \
  template Tensor<T> im2row(const Tensor<T>&, std::size_t, std::size_t, ConvSpec);                                 \
  template Tensor<T> row2im(const Tensor<T>&, const Shape&, std::size_t, std::size_t, ConvSpec);
NN_CONV2D_INSTANTIATE(float)
NN_CONV2D_INSTANTIATE(double)
#undef NN_CONV2D_INSTANTIATE

}  // namespace nn
