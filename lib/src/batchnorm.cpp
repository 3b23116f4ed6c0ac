/// @file batchnorm.cpp
/// @brief The reference batch normalization, Eqs. (52)–(63): the forward pass in training mode
///        (batch statistics) and inference mode (running statistics), the backward pass in the
///        compact form of Eq. (63) and in the naive chain-rule form of Eqs. (58)–(62), one
///        equation a line. The layer objects run the same maths through
///        kernels/batchnorm_fast.cpp; the tests hold the two equal.
#include "nn/batchnorm.hpp"

#include <cmath>

#include "batchnorm_layout.hpp"

namespace nn {

std::size_t batchnorm_channels(const Shape& s) {
  if (s.rank() != 4 && s.rank() != 2)
    throw shape_error("Eqs. (52)-(55) batchnorm: input must be (R, C, H, W) or (R, C), got " + s.str());
  return s[1];
}

template <class T>
Tensor<T> batchnorm_forward(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta,
                            BatchNormCache<T>& cache, T eps) {
  const bn::Layout L = bn::check_forward(X, gamma, beta);
  Tensor<T> Y(X.shape());
  cache.X_hat = Tensor<T>(X.shape());
  cache.mean.assign(L.C, T(0));
  cache.var.assign(L.C, T(0));
  cache.inv_std.assign(L.C, T(0));
  cache.batch_statistics = true;
  const T N = T(L.N());  // the values of one channel: N = R·H·W
  for (std::size_t c = 0; c < L.C; ++c) {
    // [eq52]
    T mu = 0;
    for (std::size_t r = 0; r < L.R; ++r)
      for (std::size_t hw = 0; hw < L.HW; ++hw) mu += X[L.at(r, c, hw)];
    mu /= N;  // Eq. (52): μ_c = (1/N) Σ_{r,h,w} X_{r,c,h,w}
    // [eq52]
    // [eq53]
    T var = 0;
    for (std::size_t r = 0; r < L.R; ++r)
      for (std::size_t hw = 0; hw < L.HW; ++hw) {
        const T centred = X[L.at(r, c, hw)] - mu;
        var += centred * centred;
      }
    // Eq. (53): σ²_c = (1/N) Σ (X_{r,c,h,w} − μ_c)², the biased variance
    var /= N;
    // [eq53]
    // [eq54]
    // Eq. (54): (σ²_c + ε)^{-1/2}
    const T inv_std = T(1) / std::sqrt(var + eps);
    for (std::size_t r = 0; r < L.R; ++r)
      for (std::size_t hw = 0; hw < L.HW; ++hw) {
        const std::size_t i = L.at(r, c, hw);
        // Eq. (54): X̂ = (X − μ_c)(σ²_c + ε)^{-1/2}
        cache.X_hat[i] = (X[i] - mu) * inv_std;
        // Eq. (55): X^(l+1) = γ_c X̂ + β_c
        Y[i] = gamma(c) * cache.X_hat[i] + beta(c);
      }
    // [eq54]
    cache.mean[c] = mu;
    cache.var[c] = var;
    cache.inv_std[c] = inv_std;
  }
  return Y;
}

template <class T>
Tensor<T> batchnorm_forward_inference(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta,
                                      const Tensor<T>& running_mean, const Tensor<T>& running_var,
                                      BatchNormCache<T>& cache, T eps) {
  const bn::Layout L = bn::check_inference(X, gamma, beta, running_mean, running_var);
  Tensor<T> Y(X.shape());
  cache.X_hat = Tensor<T>(X.shape());
  cache.mean.assign(running_mean.begin(), running_mean.end());
  cache.var.assign(running_var.begin(), running_var.end());
  cache.inv_std.assign(L.C, T(0));
  cache.batch_statistics = false;
  for (std::size_t c = 0; c < L.C; ++c) {
    cache.inv_std[c] = T(1) / std::sqrt(cache.var[c] + eps);  // the running σ̂²_c in place of σ²_c
    for (std::size_t r = 0; r < L.R; ++r)
      for (std::size_t hw = 0; hw < L.HW; ++hw) {
        const std::size_t i = L.at(r, c, hw);
        cache.X_hat[i] = (X[i] - cache.mean[c]) * cache.inv_std[c];  // Eq. (54) with μ̂_c, σ̂²_c
        Y[i] = gamma(c) * cache.X_hat[i] + beta(c);                  // Eq. (55)
      }
  }
  return Y;
}

template <class T>
BatchNormGradients<T> batchnorm_backward_naive(const Tensor<T>& dY, const Tensor<T>& X, const Tensor<T>& gamma,
                                               const BatchNormCache<T>& cache) {
  if (!cache.batch_statistics)
    throw shape_error("Eqs. (58)-(62) batchnorm_backward_naive: needs a training-mode cache (batch statistics)");
  require_same_shape(dY.shape(), X.shape(), "Eq. (58) batchnorm backward (δ^(l+1) and X^(l))");
  require_same_shape(cache.X_hat.shape(), X.shape(), "Eq. (58) batchnorm backward (cache X̂ and X^(l))");
  const bn::Layout L = bn::layout_of(X.shape());
  bn::require_per_channel(gamma, L.C, X.shape(), "γ", "Eq. (59)");
  BatchNormGradients<T> g{Tensor<T>(X.shape()), Tensor<T>(gamma.shape()), Tensor<T>(gamma.shape())};
  const T N = T(L.N());
  // [eq58]
  for (std::size_t c = 0; c < L.C; ++c) {
    // μ_c and (σ²_c + ε)^{-1/2}
    const T mu = cache.mean[c], s = cache.inv_std[c];
    for (std::size_t r = 0; r < L.R; ++r)
      for (std::size_t hw = 0; hw < L.HW; ++hw) {
        // the input X_{r,c,h,w} we differentiate by
        const std::size_t i = L.at(r, c, hw);
        // Eq. (62): ∂σ²_c/∂X_{r,c,h,w} = 2/N (X_{r,c,h,w} − μ_c)
        const T dvar = T(2) / N * (X[i] - mu);
        // Eq. (58): Σ over every output (r', c' = c, h', w')
        // that X_{r,c,h,w} reaches
        T sum = 0;
        for (std::size_t rp = 0; rp < L.R; ++rp)
          for (std::size_t hwp = 0; hwp < L.HW; ++hwp) {
            const std::size_t ip = L.at(rp, c, hwp);
            // Eq. (61): ∂(X' − μ)/∂X = I_{r'r} I_{h'h} I_{w'w} − 1/N
            //   (c' = c; other channels give 0)
            const T dcentered = (ip == i ? T(1) : T(0)) - T(1) / N;
            // Eq. (60): ∂X̂'/∂X = s ∂(X' − μ)/∂X − ½ (X' − μ) s³ ∂σ²/∂X
            const T dxhat =
                s * dcentered - T(0.5) * (X[ip] - mu) * s * s * s * dvar;
            sum += dY[ip] * gamma(c) * dxhat;  // Eq. (59): ∂X^(l+1)/∂X̂ = γ_c
          }
        g.dX[i] = sum;
        g.dgamma(c) += dY[i] * cache.X_hat[i];  // Eq. (56), corrected (no 1/R)
        g.dbeta(c) += dY[i];                     // Eq. (57), corrected (no 1/R)
      }
  }
  // [eq58]
  return g;
}

template <class T>
BatchNormGradients<T> batchnorm_backward(const Tensor<T>& dY, const Tensor<T>& gamma, const BatchNormCache<T>& cache) {
  const bn::Layout L = bn::check_backward(dY, gamma, cache);
  BatchNormGradients<T> g{Tensor<T>(dY.shape()), Tensor<T>(gamma.shape()), Tensor<T>(gamma.shape())};
  const T N = T(L.N());
  const Tensor<T>& X_hat = cache.X_hat;
  for (std::size_t c = 0; c < L.C; ++c) {
    // [eq56]
    // Σ δ and Σ δ X̂ over (r′, h′, w′) of channel c
    T sum_d = 0, sum_d_xhat = 0;
    for (std::size_t r = 0; r < L.R; ++r)
      for (std::size_t hw = 0; hw < L.HW; ++hw) {
        sum_d += dY[L.at(r, c, hw)];
        sum_d_xhat += dY[L.at(r, c, hw)] * X_hat[L.at(r, c, hw)];
      }
    g.dgamma(c) = sum_d_xhat;  // Eq. (56), corrected: ∂L/∂γ_c = Σ δ X̂ (no 1/R)
    g.dbeta(c) = sum_d;        // Eq. (57), corrected: ∂L/∂β_c = Σ δ (no 1/R)
    // [eq56]
    // [eq63]
    const T k = gamma(c) * cache.inv_std[c];  // γ_c (σ²_c + ε)^{-1/2}
    for (std::size_t r = 0; r < L.R; ++r)
      for (std::size_t hw = 0; hw < L.HW; ++hw) {
        const std::size_t i = L.at(r, c, hw);
        if (cache.batch_statistics)  // Eq. (63), corrected:
          g.dX[i] = k / N * (N * dY[i] - sum_d - X_hat[i] * sum_d_xhat);
        else  // inference: μ̂, σ̂² are constants, so ∂X̂/∂X = (σ̂² + ε)^{-1/2}
          g.dX[i] = k * dY[i];
      }
    // [eq63]
  }
  return g;
}

template <class T>
void batchnorm_update_running(Tensor<T>& running_mean, Tensor<T>& running_var, const BatchNormCache<T>& cache,
                              T momentum, std::size_t values) {
  if (!cache.batch_statistics)
    throw shape_error("batchnorm_update_running: needs a training-mode cache (batch statistics)");
  const bn::Layout L = bn::layout_of(cache.X_hat.shape());
  bn::require_per_channel(running_mean, L.C, cache.X_hat.shape(), "running mean", "running statistics");
  bn::require_per_channel(running_var, L.C, cache.X_hat.shape(), "running variance", "running statistics");
  const std::size_t N = values ? values : L.N();
  const T unbias = T(N) / T(N - 1);  // N/(N−1): unbiased estimate of the population variance
  for (std::size_t c = 0; c < L.C; ++c) {
    running_mean(c) = (T(1) - momentum) * running_mean(c) + momentum * cache.mean[c];  // μ̂ ← (1−m)μ̂ + mμ
    running_var(c) = (T(1) - momentum) * running_var(c) + momentum * unbias * cache.var[c];  // σ̂², unbiased
  }
}

#define NN_INSTANTIATE_BATCHNORM(T)                                                                               \
  template Tensor<T> batchnorm_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, BatchNormCache<T>&, T); \
  template Tensor<T> batchnorm_forward_inference(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&,               \
                                                 const Tensor<T>&, const Tensor<T>&, BatchNormCache<T>&, T);         \
  template BatchNormGradients<T> batchnorm_backward(const Tensor<T>&, const Tensor<T>&, const BatchNormCache<T>&);  \
  template BatchNormGradients<T> batchnorm_backward_naive(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&,     \
                                                          const BatchNormCache<T>&);                                \
  template void batchnorm_update_running(Tensor<T>&, Tensor<T>&, const BatchNormCache<T>&, T, std::size_t);
NN_INSTANTIATE_BATCHNORM(float)
NN_INSTANTIATE_BATCHNORM(double)
#undef NN_INSTANTIATE_BATCHNORM

}  // namespace nn
