/// @file conv2d.cpp
/// @brief Eqs. (34)–(43): convolution forward and backward, naive loops and im2row + GEMM.
#include "nn/conv2d.hpp"
#include "small_gemm.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <cmath>
#include <random>
#include <type_traits>

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
    const std::size_t Ho = conv_out_size(X[2], W[2], spec.stride, spec.pad);  // Eq. (35)
    const std::size_t Wo = conv_out_size(X[3], W[3], spec.stride, spec.pad);  // Eq. (34)
    return Shape{X[0], W[0], Ho, Wo};                                          // Eq. (36): C' kernels
  } catch (const shape_error& e) {
    throw shape_error(std::string(e.what()) + " — conv2d input " + X.str() + ", kernels " + W.str() + ", " +
                      spec.str());
  }
}

namespace {

template <class T>
void require_bias(const Tensor<T>& b, const Shape& W) {
  if (b.rank() != 1 || b.dim(0) != W[0])
    throw shape_error("Eq. (39) conv2d: bias " + b.shape().str() + " must have one entry per kernel, (" +
                      std::to_string(W[0]) + "), for kernels " + W.str());
}

template <class T>
void require_delta(const Tensor<T>& dY, const Shape& out, const char* where) {
  if (dY.shape() != out)
    throw shape_error(std::string(where) + ": δ^(l+1) " + dY.shape().str() +
                      " must have the forward output's shape " + out.str());
}

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

Geometry geometry(const Shape& X, const Shape& W, ConvSpec spec) {
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

// ---- naive ------------------------------------------------------------------------------------

template <class T>
Tensor<T> conv2d_forward_naive(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ConvSpec spec) {
  const Shape out = conv2d_output_shape(X.shape(), W.shape(), spec);  // Eqs. (34)–(36)
  require_bias(b, W.shape());
  const std::size_t R = out[0], Cp = out[1], Ho = out[2], Wo = out[3];
  const std::size_t C = X.dim(1), kH = W.dim(2), kW = W.dim(3);
  const Index s = Index(spec.stride), p = Index(spec.pad), H = Index(X.dim(2)), Wd = Index(X.dim(3));
  // X̃: X padded with p zeros on every side (Figure 7); (hp, wp) are coordinates in X̃.
  auto X_padded = [&](std::size_t r, std::size_t c, Index hp, Index wp) -> T {
    const Index h = hp - p, w = wp - p;
    return (h < 0 || h >= H || w < 0 || w >= Wd) ? T(0) : X(r, c, std::size_t(h), std::size_t(w));
  };
  Tensor<T> Y(out);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t cp = 0; cp < Cp; ++cp)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) {
          T sum = 0;
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t j = 0; j < kH; ++j)
              for (std::size_t i = 0; i < kW; ++i)  // Eq. (39) with h = s·h' + j, w = s·w' + i (Eqs. (37)–(38))
                sum += X_padded(r, c, s * Index(ho) + Index(j), s * Index(wo) + Index(i)) * W(cp, c, j, i);
          Y(r, cp, ho, wo) = sum + b(cp);
        }
  return Y;
}

template <class T>
Conv2dGradients<T> conv2d_backward_naive(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& dY, ConvSpec spec) {
  const Shape out = conv2d_output_shape(X.shape(), W.shape(), spec);
  require_delta(dY, out, "Eqs. (40)-(43) conv2d backward");
  const std::size_t R = out[0], Cp = out[1], Ho = out[2], Wo = out[3];
  const std::size_t C = X.dim(1), H = X.dim(2), Wd = X.dim(3), kH = W.dim(2), kW = W.dim(3);
  const std::size_t s = spec.stride, p = spec.pad, Hpad = H + 2 * p, Wpad = Wd + 2 * p;
  auto X_padded = [&](std::size_t r, std::size_t c, std::size_t hp, std::size_t wp) -> T {
    return (hp < p || hp >= H + p || wp < p || wp >= Wd + p) ? T(0) : X(r, c, hp - p, wp - p);
  };

  Conv2dGradients<T> g{Tensor<T>(X.shape()), Tensor<T>(W.shape()), Tensor<T>(Shape{Cp})};

  // Bias gradient: b_{c'} is added to every output pixel of every example, so δ sums over r, h', w'.
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t cp = 0; cp < Cp; ++cp)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) g.db(cp) += dY(r, cp, ho, wo);

  // Eq. (43), corrected: ∂L/∂W_{c',c,j,i} = Σ_r Σ_h' Σ_w' X̃_{r,c,s·h'+j,s·w'+i} δ_{r,c',h',w'} (no 1/R).
  for (std::size_t cp = 0; cp < Cp; ++cp)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t j = 0; j < kH; ++j)
        for (std::size_t i = 0; i < kW; ++i) {
          T sum = 0;
          for (std::size_t r = 0; r < R; ++r)
            for (std::size_t ho = 0; ho < Ho; ++ho)
              for (std::size_t wo = 0; wo < Wo; ++wo) sum += X_padded(r, c, s * ho + j, s * wo + i) * dY(r, cp, ho, wo);
          g.dW(cp, c, j, i) = sum;
        }

  // Eq. (42), generalised. Step 1: dilate δ by s and pad it with k − 1 zeros (plus the rows and
  // columns of X̃ that no window reached because of the floor in Eq. (34)):
  //   D_{r,c',(kH−1)+s·h',(kW−1)+s·w'} = δ_{r,c',h',w'},  D of size (Hpad + kH − 1) × (Wpad + kW − 1).
  Tensor<T> D(Shape{R, Cp, Hpad + kH - 1, Wpad + kW - 1});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t cp = 0; cp < Cp; ++cp)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) D(r, cp, kH - 1 + s * ho, kW - 1 + s * wo) = dY(r, cp, ho, wo);
  // Step 2: rot(W), every kernel turned by 180°.
  Tensor<T> W_rot(W.shape());
  for (std::size_t cp = 0; cp < Cp; ++cp)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t j = 0; j < kH; ++j)
        for (std::size_t i = 0; i < kW; ++i) W_rot(cp, c, j, i) = W(cp, c, kH - 1 - j, kW - 1 - i);
  // Step 3: the full convolution Σ_c' rot(W_{c',c}) * δ_{r,c'} — a stride-1 convolution of D —
  // gives ∂L/∂X̃, the gradient of the padded input. Step 4: crop p from every side.
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t hp = p; hp < H + p; ++hp)      // only the rows and columns that
        for (std::size_t wp = p; wp < Wd + p; ++wp) {  // survive the crop are computed
          T sum = 0;
          for (std::size_t cp = 0; cp < Cp; ++cp)
            for (std::size_t j = 0; j < kH; ++j)
              for (std::size_t i = 0; i < kW; ++i) sum += W_rot(cp, c, j, i) * D(r, cp, hp + j, wp + i);
          g.dX(r, c, hp - p, wp - p) = sum;
        }
  return g;
}

// ---- im2row / row2im (the report's row layout) ------------------------------------------------

template <class T>
Tensor<T> im2row(const Tensor<T>& X, std::size_t kH, std::size_t kW, ConvSpec spec) {
  if (X.rank() != 4) throw shape_error("im2row: input " + X.shape().str() + " must be (R, C, H, W)");
  const Geometry g = geometry(X.shape(), Shape{1, X.dim(1), kH, kW}, spec);
  Tensor<T> rows(Shape{g.R * g.N(), g.K()});
  for (std::size_t r = 0; r < g.R; ++r)
    for (std::size_t ho = 0; ho < g.Ho; ++ho)
      for (std::size_t wo = 0; wo < g.Wo; ++wo)
        for (std::size_t c = 0; c < g.C; ++c)
          for (std::size_t j = 0; j < g.kH; ++j)
            for (std::size_t i = 0; i < g.kW; ++i) {
              const Index h = Index(g.s * ho + j) - Index(g.p), w = Index(g.s * wo + i) - Index(g.p);
              const bool inside = h >= 0 && h < Index(g.H) && w >= 0 && w < Index(g.W);
              rows((r * g.Ho + ho) * g.Wo + wo, (c * g.kH + j) * g.kW + i) =
                  inside ? X(r, c, std::size_t(h), std::size_t(w)) : T(0);
            }
  return rows;
}

template <class T>
Tensor<T> row2im(const Tensor<T>& rows, const Shape& x_shape, std::size_t kH, std::size_t kW, ConvSpec spec) {
  if (x_shape.rank() != 4) throw shape_error("row2im: input shape " + x_shape.str() + " must be (R, C, H, W)");
  const Geometry g = geometry(x_shape, Shape{1, x_shape[1], kH, kW}, spec);
  require_same_shape(rows.shape(), Shape{g.R * g.N(), g.K()}, "row2im (rows and R·H'·W' × C·kH·kW)");
  Tensor<T> X(x_shape);
  for (std::size_t r = 0; r < g.R; ++r)
    for (std::size_t ho = 0; ho < g.Ho; ++ho)
      for (std::size_t wo = 0; wo < g.Wo; ++wo)
        for (std::size_t c = 0; c < g.C; ++c)
          for (std::size_t j = 0; j < g.kH; ++j)
            for (std::size_t i = 0; i < g.kW; ++i) {
              const Index h = Index(g.s * ho + j) - Index(g.p), w = Index(g.s * wo + i) - Index(g.p);
              if (h >= 0 && h < Index(g.H) && w >= 0 && w < Index(g.W))
                X(r, c, std::size_t(h), std::size_t(w)) += rows((r * g.Ho + ho) * g.Wo + wo, (c * g.kH + j) * g.kW + i);
            }
  return X;
}

// ---- fast: im2row + GEMM ----------------------------------------------------------------------

namespace {

// The fast path runs the examples of a batch in parallel, as PyTorch's CPU convolution does:
// each thread takes whole examples, builds one example's im2row matrix (small enough to stay
// in cache) and multiplies it with the single-threaded kernels of small_gemm.hpp (OpenBLAS is
// not called at all, so its threads never compete with these).
int worker_count(std::size_t examples) {
#ifdef _OPENMP
  return int(std::min<std::size_t>(std::size_t(omp_get_max_threads()), std::max<std::size_t>(1, examples)));
#else
  (void)examples;
  return 1;
#endif
}

int worker_id() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

}  // namespace

template <class T>
void conv2d_forward_gemm(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ConvSpec spec, Tensor<T>& Y,
                         Tensor<T>& rows) {
  const Geometry g = geometry(X.shape(), W.shape(), spec);
  require_bias(b, W.shape());
  const Shape out{g.R, g.Cp, g.Ho, g.Wo};
  const std::size_t N = g.N(), K = g.K();
  const int workers = worker_count(g.R);
  if (Y.shape() != out) Y.resize(out);
  // per worker: one example's im2row matrix, then room for X̃ (padded layers)
  const std::size_t per = K * N + padded_size(g);
  if (rows.size() != std::size_t(workers) * per) rows.resize(Shape{std::size_t(workers) * per});
#pragma omp parallel for num_threads(workers) schedule(static)
  for (std::ptrdiff_t rr = 0; rr < std::ptrdiff_t(g.R); ++rr) {
    const std::size_t r = std::size_t(rr);
    T* rowsT = rows.data() + std::size_t(worker_id()) * per;
    im2row_example(X.data() + r * g.C * g.H * g.W, g, rowsT, N, rowsT + K * N);
    T* y = Y.data() + r * g.Cp * N;
    // Eq. (39) as one product: Y_r (C′ × H′W′) = W (C′ × C·kH·kW) · rows_r^T (C·kH·kW × H′W′)
    detail::gemm_nn(g.Cp, N, K, W.data(), K, 1, rowsT, N, y, N);
    for (std::size_t cp = 0; cp < g.Cp; ++cp) {
      const T bias = b[cp];
      for (std::size_t k = 0; k < N; ++k) y[cp * N + k] += bias;  // + b_{c′}
    }
  }
}

template <class T>
void conv2d_backward_gemm(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& dY, ConvSpec spec,
                          Conv2dGradients<T>& grads, Tensor<T>& rows, Tensor<T>& drows, bool input_gradient) {
  const Geometry g = geometry(X.shape(), W.shape(), spec);
  require_delta(dY, Shape{g.R, g.Cp, g.Ho, g.Wo}, "Eqs. (40)-(43) conv2d backward");
  const std::size_t N = g.N(), K = g.K(), Cp = g.Cp;
  const int workers = worker_count(g.R);
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
#pragma omp parallel for num_threads(workers) schedule(static)
  for (std::ptrdiff_t rr = 0; rr < std::ptrdiff_t(g.R); ++rr) {
    const std::size_t r = std::size_t(rr);
    const std::size_t t = std::size_t(worker_id());
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
    for (std::size_t cp = 0; cp < Cp; ++cp) {  // ∂L/∂b_{c′} = Σ δ
      T sum = 0;  // in vector lanes: a chain of scalar additions cost more than the products here
#pragma omp simd reduction(+ : sum)
      for (std::size_t k = 0; k < N; ++k) sum += delta[cp * N + k];
      db[cp] += sum;
    }
    if (!input_gradient) continue;
    // Eq. (42): every window's gradient W^T δ_r, routed back by row2im (rotation, dilation, crop)
    detail::gemm_nn(K, N, Cp, W.data(), 1, K, delta, N, drowsT, N);
    T* dx = grads.dX.data() + r * g.C * g.H * g.W;
    std::fill(dx, dx + g.C * g.H * g.W, T(0));
    row2im_example_add(drowsT, g, dx, N, pad);
  }
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

template <class T>
Tensor<T> conv2d_forward(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ConvSpec spec,
                         Conv2dCache<T>& cache) {
  Tensor<T> Y, rows;
  conv2d_forward_gemm(X, W, b, spec, Y, rows);
  cache.X = X;
  cache.spec = spec;
  return Y;
}

template <class T>
Conv2dGradients<T> conv2d_backward(const Tensor<T>& dY, const Tensor<T>& W, const Conv2dCache<T>& cache) {
  Conv2dGradients<T> grads;
  Tensor<T> rows, drows;
  conv2d_backward_gemm(cache.X, W, dY, cache.spec, grads, rows, drows);
  return grads;
}

// ---- layer ------------------------------------------------------------------------------------

template <class T>
Conv2d<T>::Conv2d(std::size_t in_channels, std::size_t out_channels, std::size_t kH, std::size_t kW, ConvSpec spec,
                  std::uint64_t seed)
    : spec_(spec), W_(Shape{out_channels, in_channels, kH, kW}), b_(Shape{out_channels}) {
  if (spec.stride == 0) throw shape_error("Conv2d: stride s must be at least 1 (Eqs. (34)-(35))");
  // He initialisation: Var(W) = 2 / fan_in keeps the variance of ReLU activations constant.
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, std::sqrt(2.0 / double(in_channels * kH * kW)));
  for (auto& w : W_) w = T(normal(rng));
  grads_.dW = Tensor<T>(W_.shape());
  grads_.db = Tensor<T>(b_.shape());
}

template <class T>
std::string Conv2d<T>::name() const {
  return "Conv2d(" + std::to_string(W_.dim(1)) + " → " + std::to_string(W_.dim(0)) + ", " + std::to_string(W_.dim(2)) +
         "×" + std::to_string(W_.dim(3)) + ", " + spec_.str() + ")";
}

template <class T>
Shape Conv2d<T>::output_shape(const Shape& input) const {
  return conv2d_output_shape(input, W_.shape(), spec_);
}

template <class T>
const Tensor<T>& Conv2d<T>::forward(const Tensor<T>& X) {
  if (X_.shape() != X.shape()) X_.resize(X.shape());
  std::copy(X.begin(), X.end(), X_.begin());  // the cache of the backward pass, buffer reused
  conv2d_forward_gemm(X_, W_, b_, spec_, Y_, rows_);
  return Y_;
}

template <class T>
const Tensor<T>& Conv2d<T>::backward(const Tensor<T>& dY) {
  if (X_.empty()) throw shape_error(name() + ": backward() called before forward()");
  // The first layer of a network needs no δ for its input (the images): skip that product.
  conv2d_backward_gemm(X_, W_, dY, spec_, grads_, rows_, drows_, this->input_gradient());
  return grads_.dX;
}

template <class T>
std::vector<Parameter<T>> Conv2d<T>::parameters() {
  return {{"W", &W_, &grads_.dW}, {"b", &b_, &grads_.db}};
}

#define NN_CONV2D_INSTANTIATE(T)                                                                                    \
  template Tensor<T> conv2d_forward_naive(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ConvSpec);          \
  template Conv2dGradients<T> conv2d_backward_naive(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ConvSpec); \
  template Tensor<T> im2row(const Tensor<T>&, std::size_t, std::size_t, ConvSpec);                                 \
  template Tensor<T> row2im(const Tensor<T>&, const Shape&, std::size_t, std::size_t, ConvSpec);                   \
  template void conv2d_forward_gemm(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ConvSpec, Tensor<T>&,     \
                                    Tensor<T>&);                                                                    \
  template void conv2d_backward_gemm(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ConvSpec,               \
                                     Conv2dGradients<T>&, Tensor<T>&, Tensor<T>&, bool);                            \
  template Tensor<T> conv2d_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ConvSpec,                 \
                                    Conv2dCache<T>&);                                                               \
  template Conv2dGradients<T> conv2d_backward(const Tensor<T>&, const Tensor<T>&, const Conv2dCache<T>&);           \
  template class Conv2d<T>;

NN_CONV2D_INSTANTIATE(float)
NN_CONV2D_INSTANTIATE(double)

}  // namespace nn
