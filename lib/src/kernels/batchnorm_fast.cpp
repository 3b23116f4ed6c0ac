/// @file batchnorm_fast.cpp
/// @brief The fast batch normalization behind nn::BatchNorm2d and nn::BatchNorm1d: equals
///        batchnorm_forward(), batchnorm_forward_inference() and batchnorm_backward() of
///        lib/src/batchnorm.cpp (test `batch norm layers equal the reference functions`). Each
///        row of a channel is summed in vector lanes, and large tensors share their channels
///        among the threads (each channel done by one thread, in a fixed order, so the result
///        does not depend on the thread count).
#include "kernels/batchnorm_fast.hpp"

#include <cmath>

#include "batchnorm_layout.hpp"
#include "kernels/parallel.hpp"
#include "kernels/sums.hpp"

namespace nn::kernels {

namespace {

using bn::check_backward;
using bn::check_forward;
using bn::check_inference;
using bn::Layout;

/// Σ over the N = R·H·W values of channel c: row_sum(i0) sums the row of H·W values that starts
/// at flat index i0, in vector lanes (a scalar chain of additions was the bottleneck for 28×28
/// maps). A channel's rows are summed one after another, so its later passes find them in cache.
template <class T, class F>
T channel_sum(const Layout& L, std::size_t c, const F& row_sum) {
  T sum = 0;
  for (std::size_t r = 0; r < L.R; ++r) sum += row_sum(L.at(r, c, 0));
  return sum;
}

/// Eqs. (54)–(55) on channel c: X̂ = (X − μ_c)(σ²_c + ε)^{-1/2}, Y = γ_c X̂ + β_c.
template <class T>
void normalize_channel(const Layout& L, std::size_t c, const T* x, T mu, T inv_std, T g, T b, T* xh, T* y) {
  for (std::size_t r = 0; r < L.R; ++r) {
    const std::size_t i0 = L.at(r, c, 0);
    NN_OMP_SIMD
    for (std::size_t i = i0; i < i0 + L.HW; ++i) {
      xh[i] = (x[i] - mu) * inv_std;  // Eq. (54)
      y[i] = g * xh[i] + b;           // Eq. (55)
    }
  }
}

/// Runs f(c) for every channel c. The channels are independent: large tensors share them out
/// among the library's threads (each channel is done by one thread, in a fixed order).
template <class F>
void for_each_channel(const Layout& L, const F& f) {
  parallel_for(L.C, threads_for(L.C, L.R * L.C * L.HW, kMinValuesPerFork), f);
}

/// Sizes Y and the cache for a training-mode pass over X (reused buffers: resized only if needed).
template <class T>
void start_training_pass(const Tensor<T>& X, const Layout& L, BatchNormCache<T>& cache, Tensor<T>& Y) {
  if (Y.shape() != X.shape()) Y.resize(X.shape());
  if (cache.X_hat.shape() != X.shape()) cache.X_hat.resize(X.shape());
  cache.mean.assign(L.C, T(0));
  cache.var.assign(L.C, T(0));
  cache.inv_std.assign(L.C, T(0));
  cache.batch_statistics = true;
}

}  // namespace

template <class T>
void batchnorm_forward(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta, T eps,
                       BatchNormCache<T>& cache, Tensor<T>& Y) {
  const Layout L = check_forward(X, gamma, beta);
  start_training_pass(X, L, cache, Y);
  const T N = T(L.N());
  const T* x = X.data();
  T* xh = cache.X_hat.data();
  T* y = Y.data();
  for_each_channel(L, [&](std::size_t c) {
    const T mu = channel_sum<T>(L, c, [&](std::size_t i0) { return lane_sum(x + i0, L.HW); }) / N;  // Eq. (52)
    const T var = channel_sum<T>(L, c, [&](std::size_t i0) { return lane_sum_squares(x + i0, L.HW, mu); }) /
                  N;  // Eq. (53): biased, divided by N
    const T inv_std = T(1) / std::sqrt(var + eps);  // (σ²_c + ε)^{-1/2}
    cache.mean[c] = mu;
    cache.var[c] = var;
    cache.inv_std[c] = inv_std;
    normalize_channel(L, c, x, mu, inv_std, gamma[c], beta[c], xh, y);
  });
}

template <class T>
void batchnorm_forward_inference(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta,
                                 const Tensor<T>& running_mean, const Tensor<T>& running_var, T eps,
                                 BatchNormCache<T>& cache, Tensor<T>& Y) {
  const Layout L = check_inference(X, gamma, beta, running_mean, running_var);
  if (Y.shape() != X.shape()) Y.resize(X.shape());
  if (cache.X_hat.shape() != X.shape()) cache.X_hat.resize(X.shape());
  cache.mean.assign(running_mean.begin(), running_mean.end());
  cache.var.assign(running_var.begin(), running_var.end());
  cache.inv_std.resize(L.C);
  cache.batch_statistics = false;
  const T* x = X.data();
  T* xh = cache.X_hat.data();
  T* y = Y.data();
  for_each_channel(L, [&](std::size_t c) {
    cache.inv_std[c] = T(1) / std::sqrt(cache.var[c] + eps);
    normalize_channel(L, c, x, cache.mean[c], cache.inv_std[c], gamma[c], beta[c], xh, y);  // running μ̂, σ̂²
  });
}

template <class T>
void batchnorm_backward(const Tensor<T>& dY, const Tensor<T>& gamma, const BatchNormCache<T>& cache,
                        BatchNormGradients<T>& g) {
  const Layout L = check_backward(dY, gamma, cache);
  if (g.dX.shape() != dY.shape()) g.dX.resize(dY.shape());
  if (g.dgamma.shape() != gamma.shape()) g.dgamma.resize(gamma.shape());
  if (g.dbeta.shape() != gamma.shape()) g.dbeta.resize(gamma.shape());
  const T N = T(L.N());
  const T* d = dY.data();
  const T* xh = cache.X_hat.data();
  T* dx = g.dX.data();
  for_each_channel(L, [&](std::size_t c) {
    // Σ δ and Σ δ X̂ over (r', h', w') of channel c, in one pass
    T sum_d = 0, sum_dx = 0;
    for (std::size_t r = 0; r < L.R; ++r) {
      const std::size_t i0 = L.at(r, c, 0);
      lane_sum_and_dot(d + i0, xh + i0, L.HW, sum_d, sum_dx);
    }
    g.dgamma[c] = sum_dx;  // corrected Eq. (56): no 1/R
    g.dbeta[c] = sum_d;    // corrected Eq. (57): no 1/R
    const T k = gamma[c] * cache.inv_std[c];
    for (std::size_t r = 0; r < L.R; ++r) {
      const std::size_t i0 = L.at(r, c, 0);
      if (!cache.batch_statistics) {
        // inference: μ̂, σ̂² are constants, so ∂X̂/∂X = (σ̂² + ε)^{-1/2} on the diagonal only
        NN_OMP_SIMD
        for (std::size_t i = i0; i < i0 + L.HW; ++i) dx[i] = d[i] * k;
        continue;
      }
      // corrected Eq. (63): γ_c (σ²_c+ε)^{-1/2} / N · (N δ − Σ δ − X̂ Σ δ X̂)
      NN_OMP_SIMD
      for (std::size_t i = i0; i < i0 + L.HW; ++i) dx[i] = k / N * (N * d[i] - sum_d - xh[i] * sum_dx);
    }
  });
}

template <class T>
void batchnorm_forward_share(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta, T eps,
                             BatchNormCache<T>& cache, Tensor<T>& Y, const Share& share, T* exchange) {
  const Layout L = check_forward(X, gamma, beta, share.batch);  // the share's rows, the batch's N
  start_training_pass(X, L, cache, Y);
  const std::size_t B = share.batch, C = L.C, first = share.first;
  const T N = T(B * L.HW);  // the whole batch's values per channel
  T* sums = exchange;       // row b, channel c at b·C + c
  T* squares = exchange + B * C;
  const T* x = X.data();
  for (std::size_t r = 0; r < L.R; ++r)
    for (std::size_t c = 0; c < C; ++c) sums[(first + r) * C + c] = lane_sum(x + L.at(r, c, 0), L.HW);
  share.barrier->wait();
  for (std::size_t c = 0; c < C; ++c) {
    T sum = 0;
    for (std::size_t b = 0; b < B; ++b) sum += sums[b * C + c];
    cache.mean[c] = sum / N;  // Eq. (52)
  }
  for (std::size_t r = 0; r < L.R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      squares[(first + r) * C + c] = lane_sum_squares(x + L.at(r, c, 0), L.HW, cache.mean[c]);
  share.barrier->wait();
  T* xh = cache.X_hat.data();
  T* y = Y.data();
  for (std::size_t c = 0; c < C; ++c) {
    T sum = 0;
    for (std::size_t b = 0; b < B; ++b) sum += squares[b * C + c];
    cache.var[c] = sum / N;  // Eq. (53): biased, divided by N
    cache.inv_std[c] = T(1) / std::sqrt(cache.var[c] + eps);
    normalize_channel(L, c, x, cache.mean[c], cache.inv_std[c], gamma[c], beta[c], xh, y);
  }
}

template <class T>
void batchnorm_backward_share(const Tensor<T>& dY, const Tensor<T>& gamma, const BatchNormCache<T>& cache,
                              BatchNormGradients<T>& g, const Share& share, T* exchange) {
  const Layout L = check_backward(dY, gamma, cache);
  if (g.dX.shape() != dY.shape()) g.dX.resize(dY.shape());
  if (g.dgamma.shape() != gamma.shape()) g.dgamma.resize(gamma.shape());
  if (g.dbeta.shape() != gamma.shape()) g.dbeta.resize(gamma.shape());
  const std::size_t B = share.batch, C = L.C, first = share.first;
  const T N = T(B * L.HW);
  T* sums_d = exchange + 2 * B * C;  // after the forward pass's two
  T* sums_dx = exchange + 3 * B * C;
  const T* d = dY.data();
  const T* xh = cache.X_hat.data();
  T* dx = g.dX.data();
  for (std::size_t r = 0; r < L.R; ++r)
    for (std::size_t c = 0; c < C; ++c) {
      const std::size_t i0 = L.at(r, c, 0), b = first + r;
      sums_d[b * C + c] = 0, sums_dx[b * C + c] = 0;
      lane_sum_and_dot(d + i0, xh + i0, L.HW, sums_d[b * C + c], sums_dx[b * C + c]);
    }
  share.barrier->wait();
  for (std::size_t c = 0; c < C; ++c) {
    T sum_d = 0, sum_dx = 0;
    for (std::size_t b = 0; b < B; ++b) sum_d += sums_d[b * C + c], sum_dx += sums_dx[b * C + c];
    g.dgamma[c] = share.index == 0 ? sum_dx : T(0);  // corrected Eq. (56), once over the shares
    g.dbeta[c] = share.index == 0 ? sum_d : T(0);    // corrected Eq. (57)
    const T k = gamma[c] * cache.inv_std[c];
    for (std::size_t r = 0; r < L.R; ++r) {
      const std::size_t i0 = L.at(r, c, 0);
      // corrected Eq. (63), as in batchnorm_backward()
      NN_OMP_SIMD
      for (std::size_t i = i0; i < i0 + L.HW; ++i) dx[i] = k / N * (N * d[i] - sum_d - xh[i] * sum_dx);
    }
  }
}

#define NN_INSTANTIATE_BATCHNORM_KERNELS(T)                                                                        \
  template void batchnorm_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, T, BatchNormCache<T>&,       \
                                  Tensor<T>&);                                                                     \
  template void batchnorm_forward_inference(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, \
                                            const Tensor<T>&, T, BatchNormCache<T>&, Tensor<T>&);                  \
  template void batchnorm_backward(const Tensor<T>&, const Tensor<T>&, const BatchNormCache<T>&,                   \
                                   BatchNormGradients<T>&);                                                        \
  template void batchnorm_forward_share(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, T, BatchNormCache<T>&, \
                                        Tensor<T>&, const Share&, T*);                                             \
  template void batchnorm_backward_share(const Tensor<T>&, const Tensor<T>&, const BatchNormCache<T>&,             \
                                         BatchNormGradients<T>&, const Share&, T*);
NN_INSTANTIATE_BATCHNORM_KERNELS(float)
NN_INSTANTIATE_BATCHNORM_KERNELS(double)
#undef NN_INSTANTIATE_BATCHNORM_KERNELS

}  // namespace nn::kernels
