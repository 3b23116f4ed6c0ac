/// @file conv2d_im2row.cpp
/// @brief The fast convolution: equals conv2d_forward_naive() and conv2d_backward_naive() of
///        lib/src/conv2d.cpp (test `naive loops and im2row + GEMM agree to 1e-12 on many shapes`).
///
/// Per example, im2row copies every window into a matrix (stored transposed, see below), one
/// product with the kernels gives the output (Eq. (39)), two more give ∂L/∂W (Eq. (43)) and the
/// window gradients, which row2im adds back onto the input (Eq. (42)). The examples of a batch
/// run in parallel, as PyTorch's CPU convolution does: each thread takes whole examples, builds
/// one example's window matrix (small enough to stay in cache) and multiplies it with the
/// single-threaded kernels of small_gemm.hpp (OpenBLAS is not called, so its threads never
/// compete with these).
#include "kernels/conv2d_im2row.hpp"

#include <algorithm>
#include <type_traits>

#include "kernels/parallel.hpp"
#include "kernels/small_gemm.hpp"
#include "kernels/sums.hpp"

namespace nn::kernels {

namespace {

using Index = std::ptrdiff_t;

/// Geometry of one convolution, from the shapes (all sizes through conv_out_size).
struct Geometry {
  std::size_t R, C, H, W, Cp, kH, kW, Ho, Wo, s, p;
  std::size_t N() const { return Ho * Wo; }      // output pixels per example
  std::size_t K() const { return C * kH * kW; }  // entries per window
  /// the range [lo, hi) of w' whose tap i lands inside the unpadded row: 0 ≤ s·w' + i − p < W
  void valid_range(std::size_t i, std::size_t n_out, std::size_t n_in, std::size_t& lo, std::size_t& hi) const {
    const Index off = Index(i) - Index(p);
    lo = off >= 0 ? 0 : std::size_t((-off + Index(s) - 1) / Index(s));
    const Index last = Index(n_in) - 1 - off;  // s·w' ≤ last
    hi = last < 0 ? 0 : std::min(n_out, std::size_t(last) / s + 1);
    lo = std::min(lo, hi);
  }
};

Geometry geometry(const Shape& X, const Shape& W, ConvSpec spec) {  // sizes from Eqs. (34)–(36)
  const Shape out = conv2d_output_shape(X, W, spec);
  return Geometry{X[0], X[1], X[2], X[3], W[0], W[2], W[3], out[2], out[3], spec.stride, spec.pad};
}

// The fast path stores one example's im2row matrix transposed: rowsT (K × N), entry
// ((c·kH + j)·kW + i, h'·W' + w') = X̃_{c, s·h'+j, s·w'+i}. Stored this way, both the reads
// from X and the writes run along w. (Other libraries call this layout im2col.) `ld` is the
// distance between two rows of rowsT (N).
//
// These first two are the general loops, for any stride and padding; stride-1 layers take the
// faster copies further down (im2row_example).
template <class T>
void im2row_transposed(const T* x, const Geometry& g, T* rowsT, std::size_t ld) {
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t j = 0; j < g.kH; ++j)
      for (std::size_t i = 0; i < g.kW; ++i) {
        T* dst = rowsT + ((c * g.kH + j) * g.kW + i) * ld;
        std::size_t lo, hi;
        g.valid_range(i, g.Wo, g.W, lo, hi);
        for (std::size_t ho = 0; ho < g.Ho; ++ho, dst += g.Wo) {
          const Index h = Index(ho * g.s + j) - Index(g.p);
          if (h < 0 || h >= Index(g.H)) {
            std::fill(dst, dst + g.Wo, T(0));
            continue;
          }
          const T* row = x + (c * g.H + std::size_t(h)) * g.W;  // row[s·w' + i − p] = X_{c,h,s·w'+i−p}
          std::fill(dst, dst + lo, T(0));
          for (std::size_t wo = lo; wo < hi; ++wo) dst[wo] = row[wo * g.s + i - g.p];
          std::fill(dst + hi, dst + g.Wo, T(0));
        }
      }
}

// The adjoint of im2row_transposed: adds every entry back to where it was copied from.
template <class T>
void row2im_transposed_add(const T* rowsT, const Geometry& g, T* x, std::size_t ld) {
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t j = 0; j < g.kH; ++j)
      for (std::size_t i = 0; i < g.kW; ++i) {
        const T* src = rowsT + ((c * g.kH + j) * g.kW + i) * ld;
        std::size_t lo, hi;
        g.valid_range(i, g.Wo, g.W, lo, hi);
        for (std::size_t ho = 0; ho < g.Ho; ++ho, src += g.Wo) {
          const Index h = Index(ho * g.s + j) - Index(g.p);
          if (h < 0 || h >= Index(g.H)) continue;  // a padding row: its gradient is dropped
          T* row = x + (c * g.H + std::size_t(h)) * g.W;
          for (std::size_t wo = lo; wo < hi; ++wo) row[wo * g.s + i - g.p] += src[wo];
        }
      }
}

// Unpadded stride-1 convolutions (LeNet's) copy whole rows of W′ values from X. With W′ a
// compile-time constant each row is one or two vector moves; with a run-time length the compiler
// falls back to a loop of scalar copies for short rows (measured for LeNet's second layer, W′ = 8:
// 4.2 → 0.6 µs per example). WO = 0 means W′ is known only at run time.
template <std::size_t WO, class T>
void im2row_unpadded(const T* __restrict__ x, const Geometry& g, T* __restrict__ rowsT, std::size_t ld) {
  const std::size_t Wo = WO ? WO : g.Wo;
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t j = 0; j < g.kH; ++j)
      for (std::size_t i = 0; i < g.kW; ++i) {
        T* dst = rowsT + ((c * g.kH + j) * g.kW + i) * ld;
        const T* src = x + (c * g.H + j) * g.W + i;  // X_{c, h′+j, w′+i} for h′ = 0
        for (std::size_t ho = 0; ho < g.Ho; ++ho, dst += Wo, src += g.W) {
          if constexpr (WO > 0)
            __builtin_memcpy(dst, src, WO * sizeof(T));  // a constant size: inlined as vector moves
          else
            for (std::size_t wo = 0; wo < Wo; ++wo) dst[wo] = src[wo];
        }
      }
}

template <std::size_t WO, class T>
void row2im_unpadded_add(const T* __restrict__ rowsT, const Geometry& g, T* __restrict__ x, std::size_t ld) {
  const std::size_t Wo = WO ? WO : g.Wo;
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t j = 0; j < g.kH; ++j)
      for (std::size_t i = 0; i < g.kW; ++i) {
        const T* src = rowsT + ((c * g.kH + j) * g.kW + i) * ld;
        T* dst = x + (c * g.H + j) * g.W + i;
        for (std::size_t ho = 0; ho < g.Ho; ++ho, src += Wo, dst += g.W)
          for (std::size_t wo = 0; wo < Wo; ++wo) dst[wo] += src[wo];
      }
}

/// Calls f(std::integral_constant<std::size_t, W′>) for the widths compiled as constants (the
/// outputs of 5×5 and 3×3 kernels on 28×28, 14×14 and 12×12 inputs, and powers of two), and
/// f(integral_constant<…, 0>) — the run-time loop, same result — for any other.
template <class F>
void with_constant_width(std::size_t Wo, const F& f) {
  switch (Wo) {
#define NN_CASE(w) \
  case w: return f(std::integral_constant<std::size_t, w>{});
    NN_CASE(4) NN_CASE(8) NN_CASE(10) NN_CASE(12) NN_CASE(14) NN_CASE(16) NN_CASE(24) NN_CASE(26) NN_CASE(28)
    NN_CASE(32)
#undef NN_CASE
    default: return f(std::integral_constant<std::size_t, 0>{});
  }
}

// Stride-1 layers with padding (3×3 with p = 1, say) first copy the example into X̃ of Figure 7,
// (H + 2p) × (W + 2p) with the zeros around it, so that the row copies above apply to them too.
// `pad` is scratch space of padded_size() values.
std::size_t padded_size(const Geometry& g) {
  return g.s == 1 && g.p > 0 ? g.C * (g.H + 2 * g.p) * (g.W + 2 * g.p) : 0;
}

Geometry unpadded(const Geometry& g) {
  Geometry q = g;
  q.H += 2 * g.p;
  q.W += 2 * g.p;
  q.p = 0;
  return q;
}

/// One example's im2row matrix (transposed): the general loops for strides above 1, else the
/// row copies with W′ as a constant, from X̃ when the layer is padded.
template <class T>
void im2row_example(const T* x, const Geometry& g, T* rowsT, std::size_t ld, T* pad) {
  if (g.s != 1) return im2row_transposed(x, g, rowsT, ld);
  const Geometry q = unpadded(g);
  if (g.p > 0) {
    std::fill(pad, pad + padded_size(g), T(0));
    for (std::size_t c = 0; c < g.C; ++c)
      for (std::size_t h = 0; h < g.H; ++h)
        std::copy(x + (c * g.H + h) * g.W, x + (c * g.H + h + 1) * g.W, pad + (c * q.H + h + g.p) * q.W + g.p);
    x = pad;
  }
  with_constant_width(q.Wo, [&](auto w) { im2row_unpadded<decltype(w)::value>(x, q, rowsT, ld); });
}

/// Its adjoint: adds every entry back to where it was copied from; a padded layer goes through
/// X̃ and the crop of Eq. (42) keeps its inner part.
template <class T>
void row2im_example_add(const T* rowsT, const Geometry& g, T* dx, std::size_t ld, T* pad) {
  if (g.s != 1) return row2im_transposed_add(rowsT, g, dx, ld);
  const Geometry q = unpadded(g);
  auto add_rows = [&](T* to) {
    with_constant_width(q.Wo, [&](auto w) { row2im_unpadded_add<decltype(w)::value>(rowsT, q, to, ld); });
  };
  if (g.p == 0) return add_rows(dx);
  std::fill(pad, pad + padded_size(g), T(0));
  add_rows(pad);
  for (std::size_t c = 0; c < g.C; ++c)
    for (std::size_t h = 0; h < g.H; ++h) {
      const T* from = pad + (c * q.H + h + g.p) * q.W + g.p;
      T* row = dx + (c * g.H + h) * g.W;
      for (std::size_t w = 0; w < g.W; ++w) row[w] += from[w];
    }
}

}  // namespace

template <class T>
void conv2d_forward(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ConvSpec spec, Tensor<T>& Y,
                    Tensor<T>& rows) {
  const Geometry g = geometry(X.shape(), W.shape(), spec);
  require_conv2d_bias(b.shape(), W.shape());
  const Shape out{g.R, g.Cp, g.Ho, g.Wo};
  const std::size_t N = g.N(), K = g.K();
  const int workers = threads_per_task(g.R);
  if (Y.shape() != out) Y.resize(out);
  // per worker: one example's im2row matrix, then room for X̃ (padded layers)
  const std::size_t per = K * N + padded_size(g);
  if (rows.size() != std::size_t(workers) * per) rows.resize(Shape{std::size_t(workers) * per});
  parallel_for(g.R, workers, [&](std::size_t r) {
    T* rowsT = rows.data() + std::size_t(thread_id()) * per;
    im2row_example(X.data() + r * g.C * g.H * g.W, g, rowsT, N, rowsT + K * N);
    T* y = Y.data() + r * g.Cp * N;
    // Eq. (39) as one product: Y_r (C′ × H′W′) = W (C′ × C·kH·kW) · rows_r^T (C·kH·kW × H′W′)
    detail::gemm_nn(g.Cp, N, K, W.data(), K, 1, rowsT, N, y, N);
    for (std::size_t cp = 0; cp < g.Cp; ++cp) {
      const T bias = b[cp];
      for (std::size_t k = 0; k < N; ++k) y[cp * N + k] += bias;  // + b_{c′}
    }
  });
}

template <class T>
void conv2d_backward(const Tensor<T>& dY, const Tensor<T>& X, const Tensor<T>& W, ConvSpec spec,
                     Conv2dGradients<T>& grads, Tensor<T>& rows, Tensor<T>& drows, bool input_gradient) {
  const Geometry g = geometry(X.shape(), W.shape(), spec);
  require_same_shape(dY.shape(), Shape{g.R, g.Cp, g.Ho, g.Wo},
                     "Eqs. (40)-(43) conv2d backward (δ^(l+1) and the forward output)");
  const std::size_t N = g.N(), K = g.K(), Cp = g.Cp;
  const int workers = threads_per_task(g.R);
  if (grads.dX.shape() != X.shape()) grads.dX.resize(X.shape());
  if (grads.dW.shape() != W.shape()) grads.dW.resize(W.shape());
  if (grads.db.shape() != Shape{Cp}) grads.db.resize(Shape{Cp});
  // Eq. (43) sums over the batch: each worker adds its examples into its own partial sums of dW
  // and db, and the partials are added at the end. With enough kernels dW is accumulated
  // transposed, dW^T (K × C′) += rows_r^T δ_r^T, which streams contiguous rows like the forward
  // product (three times faster than dot products for LeNet's second layer); with few kernels
  // and long rows (LeNet's first layer) it is one dot product per entry.
  const bool transposed = Cp >= 8;
  // per worker: the gradient of its im2row matrix, its partial dW and db, and δ_r transposed
  const std::size_t per = K * N + Cp * K + Cp + N * Cp;
  const std::size_t per_rows = K * N + padded_size(g);  // as in the forward pass
  if (rows.size() != std::size_t(workers) * per_rows) rows.resize(Shape{std::size_t(workers) * per_rows});
  if (drows.size() != std::size_t(workers) * per) drows.resize(Shape{std::size_t(workers) * per});
  for (int t = 0; t < workers; ++t) {
    T* partial = drows.data() + std::size_t(t) * per + K * N;
    std::fill(partial, partial + Cp * K + Cp, T(0));
  }
  parallel_for(g.R, workers, [&](std::size_t r) {
    const std::size_t t = std::size_t(thread_id());
    T* rowsT = rows.data() + t * per_rows;
    T* pad = rowsT + K * N;  // X̃ for im2row, then reused for its gradient
    T* drowsT = drows.data() + t * per;
    T* dW = drowsT + K * N;  // (C′ × K), or (K × C′) when transposed
    T* db = dW + Cp * K;
    T* deltaT = db + Cp;
    const T* delta = dY.data() + r * Cp * N;  // δ_r as a (C′ × H′W′) matrix
    im2row_example(X.data() + r * g.C * g.H * g.W, g, rowsT, N, pad);
    // Eq. (43): dW (C′ × K) += δ_r · rows_r (no 1/R: the loss has it)
    if (transposed) {
      for (std::size_t cp = 0; cp < Cp; ++cp)
        for (std::size_t k = 0; k < N; ++k) deltaT[k * Cp + cp] = delta[cp * N + k];
      detail::gemm_nn(K, Cp, N, rowsT, N, 1, deltaT, Cp, dW, Cp, /*accumulate=*/true);
    } else {
      detail::gemm_nt_add(Cp, K, N, delta, N, rowsT, N, dW, K);
    }
    for (std::size_t cp = 0; cp < Cp; ++cp) db[cp] += lane_sum(delta + cp * N, N);  // ∂L/∂b_{c′} = Σ δ
    if (!input_gradient) return;
    // Eq. (42): every window's gradient W^T δ_r, routed back by row2im (rotation, dilation, crop)
    detail::gemm_nn(K, N, Cp, W.data(), 1, K, delta, N, drowsT, N);
    T* dx = grads.dX.data() + r * g.C * g.H * g.W;
    std::fill(dx, dx + g.C * g.H * g.W, T(0));
    row2im_example_add(drowsT, g, dx, N, pad);
  });
  grads.dW.fill(T(0));
  grads.db.fill(T(0));
  for (int t = 0; t < workers; ++t) {
    const T* dW = drows.data() + std::size_t(t) * per + K * N;
    if (transposed) {
      for (std::size_t k = 0; k < K; ++k)
        for (std::size_t cp = 0; cp < Cp; ++cp) grads.dW[cp * K + k] += dW[k * Cp + cp];
    } else {
      for (std::size_t k = 0; k < Cp * K; ++k) grads.dW[k] += dW[k];
    }
    for (std::size_t cp = 0; cp < Cp; ++cp) grads.db[cp] += dW[Cp * K + cp];
  }
}

#define NN_CONV2D_KERNELS_INSTANTIATE(T)                                                                       \
  template void conv2d_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ConvSpec, Tensor<T>&,         \
                               Tensor<T>&);                                                                       \
  template void conv2d_backward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ConvSpec, Conv2dGradients<T>&, \
                                Tensor<T>&, Tensor<T>&, bool);
NN_CONV2D_KERNELS_INSTANTIATE(float)
NN_CONV2D_KERNELS_INSTANTIATE(double)
#undef NN_CONV2D_KERNELS_INSTANTIATE

}  // namespace nn::kernels

namespace nn {

template <class T>
Tensor<T> conv2d_forward_im2row(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ConvSpec spec) {
  Tensor<T> Y, rows;
  kernels::conv2d_forward(X, W, b, spec, Y, rows);
  return Y;
}

template <class T>
Conv2dGradients<T> conv2d_backward_im2row(const Tensor<T>& dY, const Tensor<T>& X, const Tensor<T>& W, ConvSpec spec) {
  Conv2dGradients<T> grads;
  Tensor<T> rows, drows;
  kernels::conv2d_backward(dY, X, W, spec, grads, rows, drows);
  return grads;
}

template Tensor<float> conv2d_forward_im2row(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&, ConvSpec);
template Tensor<double> conv2d_forward_im2row(const Tensor<double>&, const Tensor<double>&, const Tensor<double>&,
                                              ConvSpec);
template Conv2dGradients<float> conv2d_backward_im2row(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&,
                                                       ConvSpec);
template Conv2dGradients<double> conv2d_backward_im2row(const Tensor<double>&, const Tensor<double>&,
                                                        const Tensor<double>&, ConvSpec);

}  // namespace nn
