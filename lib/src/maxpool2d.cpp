/// @file maxpool2d.cpp
/// @brief The reference max-pooling, Eqs. (46)–(51): the window scan of Eq. (49) with its
///        argmax cache, and the routing of δ. The layer object runs the same maths through
///        kernels/maxpool2d_fast.cpp; the tests hold the two equal, ties included.
#include "nn/maxpool2d.hpp"

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
  try {
    // [eq46]
    // Eq. (46): Eq. (34) with p = 0
    const std::size_t Wp = conv_out_size(in[3], spec.k_w, spec.s_w, 0);
    // Eq. (47): Eq. (35) with p = 0
    const std::size_t Hp = conv_out_size(in[2], spec.k_h, spec.s_h, 0);
    // Eq. (48): C′ = C
    return Shape{in[0], in[1], Hp, Wp};
    // [eq46]
  } catch (const shape_error& e) {
    throw shape_error("Eqs. (46)-(47) maxpool2d " + spec.str() + " on input " + in.str() + ": " + e.what());
  }
}

template <class T>
Tensor<T> maxpool2d_forward(const Tensor<T>& X, PoolSpec spec, MaxPoolCache& cache) {
  const Shape out = maxpool2d_output_shape(X.shape(), spec);
  const std::size_t R = out[0], C = out[1], Hp = out[2], Wp = out[3];
  Tensor<T> Y(out);
  cache.input_shape = X.shape();
  cache.output_shape = out;
  cache.argmax.assign(out.size(), 0);
  // [eq49]
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t hp = 0; hp < Hp; ++hp)
        for (std::size_t wp = 0; wp < Wp; ++wp) {
          // start at the window's corner (h′s, w′s)
          std::size_t h_max = hp * spec.s_h, w_max = wp * spec.s_w;
          // Eq. (49), corrected: 0 ≤ j < k_H, 0 ≤ i < k_W
          for (std::size_t j = 0; j < spec.k_h; ++j)
            for (std::size_t i = 0; i < spec.k_w; ++i) {
              const std::size_t h = hp * spec.s_h + j, w = wp * spec.s_w + i;
              // strict '>': on a tie the first maximum in the window's
              // row-major order stays
              if (X(r, c, h, w) > X(r, c, h_max, w_max)) {
                h_max = h;
                w_max = w;
              }
            }
          // Eq. (49): the window's maximum
          Y(r, c, hp, wp) = X(r, c, h_max, w_max);
          // the responsible neuron (§4.2.6), "whose index must be kept":
          const std::size_t o = Y.position(r, c, hp, wp);
          cache.argmax[o] = X.position(r, c, h_max, w_max);
        }
  // [eq49]
  return Y;
}

template <class T>
Tensor<T> maxpool2d_backward(const Tensor<T>& dY, const MaxPoolCache& cache) {
  if (cache.input_shape.rank() != 4)
    throw shape_error("Eq. (51) maxpool2d backward: the cache is empty (run maxpool2d_forward first)");
  require_same_shape(dY.shape(), cache.output_shape,
                     "Eq. (51) maxpool2d backward (δ^(l+1) and the forward output X^(l+1))");
  Tensor<T> dX(cache.input_shape);  // 0 where no window's maximum lies
  // [eq51]
  // Eqs. (50)–(51), corrected: every window's δ^(l+1) goes to its argmax, and
  // an input that is the argmax of several windows (overlap, s < k) receives
  // their sum.
  for (std::size_t o = 0; o < dY.size(); ++o) dX[cache.argmax[o]] += dY[o];
  // [eq51]
  return dX;
}

#define NN_INSTANTIATE_MAXPOOL(T)                                                    \
  template Tensor<T> maxpool2d_forward(const Tensor<T>&, PoolSpec, MaxPoolCache&); \
  template Tensor<T> maxpool2d_backward(const Tensor<T>&, const MaxPoolCache&);
NN_INSTANTIATE_MAXPOOL(float)
NN_INSTANTIATE_MAXPOOL(double)
#undef NN_INSTANTIATE_MAXPOOL

}  // namespace nn
