/// @file maxpool2d.cpp
/// @brief Eqs. (46)–(51): max-pooling forward with an argmax cache, backward by routing.
#include "nn/maxpool2d.hpp"

#include <algorithm>

#include "nn/output_size.hpp"

namespace nn {

std::string PoolSpec::str() const {
  const std::string window = std::to_string(k_h) + "×" + std::to_string(k_w);
  const std::string stride =
      s_h == s_w ? std::to_string(s_h) : "(" + std::to_string(s_h) + ", " + std::to_string(s_w) + ")";
  return window + ", s=" + stride;
}

Shape maxpool2d_output_shape(const Shape& in, PoolSpec spec) {
  if (in.rank() != 4)
    throw shape_error("Eq. (49) maxpool2d: input must be of rank 4, (R, C, H, W), got " + in.str());
  // Eqs. (46)–(47) are the convolution's Eqs. (34)–(35) with p = 0; Eq. (48): C' = C.
  try {
    return Shape{in[0], in[1], conv_out_size(in[2], spec.k_h, spec.s_h, 0), conv_out_size(in[3], spec.k_w, spec.s_w, 0)};
  } catch (const shape_error& e) {
    throw shape_error("Eqs. (46)-(47) maxpool2d " + spec.str() + " on input " + in.str() + ": " + e.what());
  }
}

namespace {

/// Eq. (49) on one feature map, any window: scanning j outer, i inner with a strict '>' keeps the
/// FIRST maximum in row-major order of the window on ties.
template <class T>
void pool_map(const T* x, std::size_t map, std::size_t W, std::size_t Hp, std::size_t Wp, PoolSpec spec, T* y,
              std::size_t* argmax, std::size_t o) {
  for (std::size_t hp = 0; hp < Hp; ++hp)
    for (std::size_t wp = 0; wp < Wp; ++wp, ++o) {
      const std::size_t corner = map + (hp * spec.s_h) * W + wp * spec.s_w;
      std::size_t best = corner;
      for (std::size_t j = 0; j < spec.k_h; ++j)  // Eq. (49), corrected: 0 ≤ j < k_H, 0 ≤ i < k_W
        for (std::size_t i = 0; i < spec.k_w; ++i) {
          const std::size_t at = corner + j * W + i;
          if (x[at] > x[best]) best = at;
        }
      y[o] = x[best];
      argmax[o] = best;  // the responsible neuron (§4.2.6), kept for the backward pass
    }
}

/// The same for the common 2×2 window, as a tournament: the first maximum of each row of the
/// window, then the first of those two. It picks the same neuron as the scan above (a tie goes
/// to the earlier row, and within a row to the left one) but its comparisons are independent
/// selects, not a chain of branches on random data (measured 0.62 → 0.13 ms for LeNet's first
/// pooling layer on one core).
template <class T>
void pool_map_2x2(const T* x, std::size_t map, std::size_t W, std::size_t Hp, std::size_t Wp, PoolSpec spec, T* y,
                  std::size_t* argmax, std::size_t o) {
  for (std::size_t hp = 0; hp < Hp; ++hp) {
    const std::size_t top = map + hp * spec.s_h * W;  // row j = 0 of the windows; j = 1 is W further
    for (std::size_t wp = 0; wp < Wp; ++wp, ++o) {
      const std::size_t a = top + wp * spec.s_w, c = a + W;
      const bool right0 = x[a + 1] > x[a], right1 = x[c + 1] > x[c];
      const T m0 = right0 ? x[a + 1] : x[a], m1 = right1 ? x[c + 1] : x[c];
      const bool lower = m1 > m0;
      // arithmetic, not `lower ? … : …`, which the compiler turned into a branch again
      y[o] = std::max(m0, m1);  // m0 on a tie: the same value
      argmax[o] = a + right0 + std::size_t(lower) * (W + right1 - right0);  // c + right1 when lower
    }
  }
}

}  // namespace

template <class T>
void maxpool2d_forward_into(const Tensor<T>& X, PoolSpec spec, MaxPoolCache& cache, Tensor<T>& Y) {
  const Shape out = maxpool2d_output_shape(X.shape(), spec);
  const std::size_t R = out[0], C = out[1], H = X.dim(2), W = X.dim(3), Hp = out[2], Wp = out[3];
  if (Y.shape() != out) Y.resize(out);
  cache.input_shape = X.shape();
  cache.output_shape = out;
  cache.argmax.resize(out.size());
  const T* x = X.data();
  T* y = Y.data();
  std::size_t* argmax = cache.argmax.data();
  const bool two_by_two = spec.k_h == 2 && spec.k_w == 2;
  // The R·C feature maps are independent: they are shared out among the library's threads.
#pragma omp parallel for schedule(static) if (R * C * Hp * Wp > 16384)
  for (std::ptrdiff_t rc = 0; rc < std::ptrdiff_t(R * C); ++rc) {
    const std::size_t map = std::size_t(rc) * H * W;  // offset of feature map (r, c) in X^(l)
    const std::size_t o = std::size_t(rc) * Hp * Wp;  // row-major offset of (r, c, 0, 0) in X^(l+1)
    if (two_by_two)
      pool_map_2x2(x, map, W, Hp, Wp, spec, y, argmax, o);
    else
      pool_map(x, map, W, Hp, Wp, spec, y, argmax, o);
  }
}

template <class T>
Tensor<T> maxpool2d_forward(const Tensor<T>& X, PoolSpec spec, MaxPoolCache& cache) {
  Tensor<T> Y;
  maxpool2d_forward_into(X, spec, cache, Y);
  return Y;
}

template <class T>
void maxpool2d_backward_into(const Tensor<T>& dY, const MaxPoolCache& cache, Tensor<T>& dX) {
  if (cache.input_shape.rank() != 4)
    throw shape_error("Eq. (51) maxpool2d backward: the cache is empty (run maxpool2d_forward first)");
  require_same_shape(dY.shape(), cache.output_shape,
                     "Eq. (51) maxpool2d backward (δ^(l+1) and the forward output X^(l+1))");
  if (dX.shape() != cache.input_shape) dX.resize(cache.input_shape);
  T* dx = dX.data();
  const T* dy = dY.data();
  const Shape& in = cache.input_shape;
  const Shape& out = cache.output_shape;
  const std::size_t maps = in[0] * in[1], in_map = in[2] * in[3], out_map = out[2] * out[3];
  // Eqs. (50)–(51): δ^(l+1) of each window goes to its argmax; '+=' sums the windows that
  // share an argmax (overlap, s < k). Every argmax lies in its own window's feature map, so the
  // maps are independent and are shared out among the library's threads.
#pragma omp parallel for schedule(static) if (dY.size() > 16384)
  for (std::ptrdiff_t m = 0; m < std::ptrdiff_t(maps); ++m) {
    std::fill(dx + std::size_t(m) * in_map, dx + (std::size_t(m) + 1) * in_map, T(0));  // 0 where no maximum lies
    for (std::size_t o = std::size_t(m) * out_map; o < (std::size_t(m) + 1) * out_map; ++o) dx[cache.argmax[o]] += dy[o];
  }
}

template <class T>
Tensor<T> maxpool2d_backward(const Tensor<T>& dY, const MaxPoolCache& cache) {
  Tensor<T> dX;
  maxpool2d_backward_into(dY, cache, dX);
  return dX;
}

template <class T>
const Tensor<T>& MaxPool2d<T>::forward(const Tensor<T>& X) {
  maxpool2d_forward_into(X, spec_, cache_, Y_);
  return Y_;
}

template <class T>
const Tensor<T>& MaxPool2d<T>::backward(const Tensor<T>& dY) {
  maxpool2d_backward_into(dY, cache_, dX_);
  return dX_;
}

#define NN_INSTANTIATE_MAXPOOL(T)                                                               \
  template void maxpool2d_forward_into(const Tensor<T>&, PoolSpec, MaxPoolCache&, Tensor<T>&); \
  template Tensor<T> maxpool2d_forward(const Tensor<T>&, PoolSpec, MaxPoolCache&);            \
  template void maxpool2d_backward_into(const Tensor<T>&, const MaxPoolCache&, Tensor<T>&);    \
  template Tensor<T> maxpool2d_backward(const Tensor<T>&, const MaxPoolCache&);                \
  template class MaxPool2d<T>;
NN_INSTANTIATE_MAXPOOL(float)
NN_INSTANTIATE_MAXPOOL(double)
#undef NN_INSTANTIATE_MAXPOOL

}  // namespace nn
