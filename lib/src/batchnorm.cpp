/// @file batchnorm.cpp
/// @brief Eqs. (52)–(63): batch normalization forward (training and inference), backward in the
///        compact form of Eq. (63) and in the naive chain-rule form of Eqs. (58)–(62).
#include "nn/batchnorm.hpp"

#include <cmath>
#include <sstream>

namespace nn {

namespace {

// The three extents of a channel's values: (r, c, hw) lies at (r·C + c)·HW + hw, where HW = H·W
// for rank 4 and 1 for rank 2 (features of a dense batch).
struct Layout {
  std::size_t R, C, HW;
  std::size_t N() const { return R * HW; }  // values per channel, N = R·H·W
  std::size_t at(std::size_t r, std::size_t c, std::size_t hw) const { return (r * C + c) * HW + hw; }
};

Layout layout_of(const Shape& s) {
  const std::size_t C = batchnorm_channels(s);
  return Layout{s[0], C, s.rank() == 4 ? s[2] * s[3] : 1};
}

template <class T>
void require_per_channel(const Tensor<T>& v, std::size_t C, const Shape& X, const char* what, const char* eq) {
  if (v.rank() != 1 || v.dim(0) != C)
    throw shape_error(std::string(eq) + " batchnorm: " + what + " of shape " + v.shape().str() +
                      " must be of shape (" + std::to_string(C) + "), one entry per channel of X " + X.str());
}


/// Σ over the N = R·H·W values of channel c of f(i) (i the flat index), each row of H·W values
/// summed in vector lanes (a scalar chain of additions was the bottleneck for 28×28 maps).
template <class T, class F>
T channel_sum(const Layout& L, std::size_t c, const F& f) {
  T sum = 0;
  for (std::size_t r = 0; r < L.R; ++r) {
    const std::size_t i0 = L.at(r, c, 0);
    T row = 0;
#pragma omp simd reduction(+ : row)
    for (std::size_t hw = 0; hw < L.HW; ++hw) row += f(i0 + hw);
    sum += row;
  }
  return sum;
}

/// Eqs. (54)–(55) on channel c: X̂ = (X − μ_c)(σ²_c + ε)^{-1/2}, Y = γ_c X̂ + β_c.
template <class T>
void normalize_channel(const Layout& L, std::size_t c, const T* x, T mu, T inv_std, T g, T b, T* xh, T* y) {
  for (std::size_t r = 0; r < L.R; ++r) {
    const std::size_t i0 = L.at(r, c, 0);
#pragma omp simd
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
#pragma omp parallel for schedule(static) if (L.R * L.C * L.HW > 32768 && L.C > 1)
  for (std::ptrdiff_t c = 0; c < std::ptrdiff_t(L.C); ++c) f(std::size_t(c));
}
}  // namespace

std::size_t batchnorm_channels(const Shape& s) {
  if (s.rank() != 4 && s.rank() != 2)
    throw shape_error("Eqs. (52)-(55) batchnorm: input must be (R, C, H, W) or (R, C), got " + s.str());
  return s[1];
}

template <class T>
void batchnorm_forward_into(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta,
                            BatchNormCache<T>& cache, T eps, Tensor<T>& Y) {
  const Layout L = layout_of(X.shape());
  require_per_channel(gamma, L.C, X.shape(), "γ", "Eq. (55)");
  require_per_channel(beta, L.C, X.shape(), "β", "Eq. (55)");
  if (L.N() < 2)
    throw shape_error("Eqs. (52)-(53) batchnorm: training mode needs at least 2 values per channel, X " +
                      X.shape().str() + " has N = R·H·W = " + std::to_string(L.N()) + " (σ² would be 0)");
  if (Y.shape() != X.shape()) Y.resize(X.shape());
  if (cache.X_hat.shape() != X.shape()) cache.X_hat.resize(X.shape());
  cache.mean.assign(L.C, T(0));
  cache.var.assign(L.C, T(0));
  cache.inv_std.assign(L.C, T(0));
  cache.batch_statistics = true;
  const T N = T(L.N());
  const T* x = X.data();
  T* xh = cache.X_hat.data();
  T* y = Y.data();
  for_each_channel(L, [&](std::size_t c) {
    const T mu = channel_sum<T>(L, c, [x](std::size_t i) { return x[i]; }) / N;  // Eq. (52)
    const T var = channel_sum<T>(L, c, [x, mu](std::size_t i) { return (x[i] - mu) * (x[i] - mu); }) /
                  N;  // Eq. (53): biased, divided by N
    const T inv_std = T(1) / std::sqrt(var + eps);  // (σ²_c + ε)^{-1/2}
    cache.mean[c] = mu;
    cache.var[c] = var;
    cache.inv_std[c] = inv_std;
    normalize_channel(L, c, x, mu, inv_std, gamma[c], beta[c], xh, y);
  });
}

template <class T>
Tensor<T> batchnorm_forward(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta,
                            BatchNormCache<T>& cache, T eps) {
  Tensor<T> Y;
  batchnorm_forward_into(X, gamma, beta, cache, eps, Y);
  return Y;
}

template <class T>
void batchnorm_forward_inference_into(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta,
                                      const Tensor<T>& running_mean, const Tensor<T>& running_var,
                                      BatchNormCache<T>& cache, T eps, Tensor<T>& Y) {
  const Layout L = layout_of(X.shape());
  require_per_channel(gamma, L.C, X.shape(), "γ", "Eq. (55)");
  require_per_channel(beta, L.C, X.shape(), "β", "Eq. (55)");
  require_per_channel(running_mean, L.C, X.shape(), "running mean", "Eq. (54) (inference)");
  require_per_channel(running_var, L.C, X.shape(), "running variance", "Eq. (54) (inference)");
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
Tensor<T> batchnorm_forward_inference(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta,
                                      const Tensor<T>& running_mean, const Tensor<T>& running_var,
                                      BatchNormCache<T>& cache, T eps) {
  Tensor<T> Y;
  batchnorm_forward_inference_into(X, gamma, beta, running_mean, running_var, cache, eps, Y);
  return Y;
}

template <class T>
void batchnorm_backward_into(const Tensor<T>& dY, const Tensor<T>& gamma, const BatchNormCache<T>& cache,
                             BatchNormGradients<T>& g) {
  if (cache.X_hat.empty())
    throw shape_error("Eq. (63) batchnorm backward: the cache is empty (run batchnorm_forward first)");
  require_same_shape(dY.shape(), cache.X_hat.shape(), "Eq. (63) batchnorm backward (δ^(l+1) and X^(l))");
  const Layout L = layout_of(dY.shape());
  require_per_channel(gamma, L.C, dY.shape(), "γ", "Eq. (63)");
  if (g.dX.shape() != dY.shape()) g.dX.resize(dY.shape());
  if (g.dgamma.shape() != gamma.shape()) g.dgamma.resize(gamma.shape());
  if (g.dbeta.shape() != gamma.shape()) g.dbeta.resize(gamma.shape());
  const T N = T(L.N());
  const T* d = dY.data();
  const T* xh = cache.X_hat.data();
  T* dx = g.dX.data();
  for_each_channel(L, [&](std::size_t c) {
    // Σ δ and Σ δ X̂ over (r', h', w') of channel c
    const T sum_d = channel_sum<T>(L, c, [d](std::size_t i) { return d[i]; });
    const T sum_dx = channel_sum<T>(L, c, [d, xh](std::size_t i) { return d[i] * xh[i]; });
    g.dgamma[c] = sum_dx;  // corrected Eq. (56): no 1/R
    g.dbeta[c] = sum_d;    // corrected Eq. (57): no 1/R
    const T k = gamma[c] * cache.inv_std[c];
    for (std::size_t r = 0; r < L.R; ++r) {
      const std::size_t i0 = L.at(r, c, 0);
      if (!cache.batch_statistics) {
        // inference: μ̂, σ̂² are constants, so ∂X̂/∂X = (σ̂² + ε)^{-1/2} on the diagonal only
#pragma omp simd
        for (std::size_t i = i0; i < i0 + L.HW; ++i) dx[i] = d[i] * k;
        continue;
      }
      // corrected Eq. (63): γ_c (σ²_c+ε)^{-1/2} / N · (N δ − Σ δ − X̂ Σ δ X̂)
#pragma omp simd
      for (std::size_t i = i0; i < i0 + L.HW; ++i) dx[i] = k / N * (N * d[i] - sum_d - xh[i] * sum_dx);
    }
  });
}

template <class T>
BatchNormGradients<T> batchnorm_backward(const Tensor<T>& dY, const Tensor<T>& gamma, const BatchNormCache<T>& cache) {
  BatchNormGradients<T> g;
  batchnorm_backward_into(dY, gamma, cache, g);
  return g;
}

template <class T>
BatchNormGradients<T> batchnorm_backward_naive(const Tensor<T>& dY, const Tensor<T>& X, const Tensor<T>& gamma,
                                               const BatchNormCache<T>& cache) {
  if (!cache.batch_statistics)
    throw shape_error("Eqs. (58)-(62) batchnorm_backward_naive: needs a training-mode cache (batch statistics)");
  require_same_shape(dY.shape(), X.shape(), "Eq. (58) batchnorm backward (δ^(l+1) and X^(l))");
  require_same_shape(cache.X_hat.shape(), X.shape(), "Eq. (58) batchnorm backward (cache X̂ and X^(l))");
  const Layout L = layout_of(X.shape());
  require_per_channel(gamma, L.C, X.shape(), "γ", "Eq. (59)");
  BatchNormGradients<T> g{Tensor<T>(X.shape()), Tensor<T>(gamma.shape()), Tensor<T>(gamma.shape())};
  const T N = T(L.N());
  for (std::size_t c = 0; c < L.C; ++c) {
    const T mu = cache.mean[c], s = cache.inv_std[c];  // μ_c and (σ²_c + ε)^{-1/2}
    for (std::size_t r = 0; r < L.R; ++r)
      for (std::size_t hw = 0; hw < L.HW; ++hw) {
        const std::size_t i = L.at(r, c, hw);  // the input X_{r,c,h,w} we differentiate by
        // Eq. (62): ∂σ²_c/∂X_{r,c,h,w} = 2/N (X_{r,c,h,w} − μ_c)
        const T dvar = T(2) / N * (X[i] - mu);
        T sum = 0;  // Eq. (58): Σ over every output (r', c' = c, h', w') that X_{r,c,h,w} reaches
        for (std::size_t rp = 0; rp < L.R; ++rp)
          for (std::size_t hwp = 0; hwp < L.HW; ++hwp) {
            const std::size_t ip = L.at(rp, c, hwp);
            // Eq. (61): ∂(X' − μ)/∂X = I_{r'r} I_{h'h} I_{w'w} − 1/N   (c' = c; other channels give 0)
            const T dcentered = (ip == i ? T(1) : T(0)) - T(1) / N;
            // Eq. (60): ∂X̂'/∂X = s ∂(X' − μ)/∂X − ½ (X' − μ) s³ ∂σ²/∂X
            const T dxhat = s * dcentered - T(0.5) * (X[ip] - mu) * s * s * s * dvar;
            sum += dY[ip] * gamma(c) * dxhat;  // Eq. (59): ∂X^(l+1)/∂X̂ = γ_c
          }
        g.dX[i] = sum;
        g.dgamma(c) += dY[i] * cache.X_hat[i];  // Eq. (56), corrected (no 1/R)
        g.dbeta(c) += dY[i];                     // Eq. (57), corrected (no 1/R)
      }
  }
  return g;
}

template <class T>
void batchnorm_update_running(Tensor<T>& running_mean, Tensor<T>& running_var, const BatchNormCache<T>& cache,
                              T momentum) {
  if (!cache.batch_statistics)
    throw shape_error("batchnorm_update_running: needs a training-mode cache (batch statistics)");
  const Layout L = layout_of(cache.X_hat.shape());
  require_per_channel(running_mean, L.C, cache.X_hat.shape(), "running mean", "running statistics");
  require_per_channel(running_var, L.C, cache.X_hat.shape(), "running variance", "running statistics");
  const T unbias = T(L.N()) / T(L.N() - 1);  // N/(N−1): unbiased estimate of the population variance
  for (std::size_t c = 0; c < L.C; ++c) {
    running_mean(c) = (T(1) - momentum) * running_mean(c) + momentum * cache.mean[c];
    running_var(c) = (T(1) - momentum) * running_var(c) + momentum * unbias * cache.var[c];
  }
}

// ---- layer objects ------------------------------------------------------------------------

template <class T>
BatchNormLayer<T>::BatchNormLayer(std::size_t channels, std::size_t rank, T eps, T momentum)
    : channels_(channels),
      rank_(rank),
      eps_(eps),
      momentum_(momentum),
      gamma_(Shape{channels}, T(1)),
      beta_(Shape{channels}, T(0)),
      running_mean_(Shape{channels}, T(0)),
      running_var_(Shape{channels}, T(1)) {}

template <class T>
std::string BatchNormLayer<T>::name() const {
  std::ostringstream os;
  os << (rank_ == 4 ? "BatchNorm2d(" : "BatchNorm1d(") << channels_ << ", ε=" << eps_ << ", momentum=" << momentum_
     << ")";
  return os.str();
}

template <class T>
Shape BatchNormLayer<T>::output_shape(const Shape& in) const {
  if (in.rank() != rank_ || in[1] != channels_)
    throw shape_error("Eqs. (52)-(55) " + name() + ": input must be " +
                      (rank_ == 4 ? "(R, " + std::to_string(channels_) + ", H, W)"
                                  : "(R, " + std::to_string(channels_) + ")") +
                      ", got " + in.str());
  return in;
}

template <class T>
const Tensor<T>& BatchNormLayer<T>::forward(const Tensor<T>& X) {
  output_shape(X.shape());
  if (this->training_) {
    batchnorm_forward_into(X, gamma_, beta_, cache_, eps_, Y_);
    batchnorm_update_running(running_mean_, running_var_, cache_, momentum_);
  } else {
    batchnorm_forward_inference_into(X, gamma_, beta_, running_mean_, running_var_, cache_, eps_, Y_);
  }
  return Y_;
}

template <class T>
const Tensor<T>& BatchNormLayer<T>::backward(const Tensor<T>& dY) {
  batchnorm_backward_into(dY, gamma_, cache_, grads_);
  return grads_.dX;
}

template <class T>
std::vector<Parameter<T>> BatchNormLayer<T>::parameters() {
  if (grads_.dgamma.shape() != gamma_.shape()) {
    grads_.dgamma.resize(gamma_.shape());
    grads_.dgamma.fill(T(0));
    grads_.dbeta.resize(beta_.shape());
    grads_.dbeta.fill(T(0));
  }
  return {{"gamma", &gamma_, &grads_.dgamma}, {"beta", &beta_, &grads_.dbeta}};
}

template <class T>
std::vector<Parameter<T>> BatchNormLayer<T>::buffers() {
  return {{"running_mean", &running_mean_, nullptr}, {"running_var", &running_var_, nullptr}};
}

#define NN_INSTANTIATE_BATCHNORM(T)                                                                               \
  template Tensor<T> batchnorm_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, BatchNormCache<T>&, T); \
  template void batchnorm_forward_into(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, BatchNormCache<T>&, T,  \
                                       Tensor<T>&);                                                                 \
  template Tensor<T> batchnorm_forward_inference(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&,               \
                                                 const Tensor<T>&, const Tensor<T>&, BatchNormCache<T>&, T);         \
  template void batchnorm_forward_inference_into(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&,               \
                                                 const Tensor<T>&, const Tensor<T>&, BatchNormCache<T>&, T,          \
                                                 Tensor<T>&);                                                       \
  template BatchNormGradients<T> batchnorm_backward(const Tensor<T>&, const Tensor<T>&, const BatchNormCache<T>&);  \
  template void batchnorm_backward_into(const Tensor<T>&, const Tensor<T>&, const BatchNormCache<T>&,               \
                                        BatchNormGradients<T>&);                                                    \
  template BatchNormGradients<T> batchnorm_backward_naive(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&,     \
                                                          const BatchNormCache<T>&);                                \
  template void batchnorm_update_running(Tensor<T>&, Tensor<T>&, const BatchNormCache<T>&, T);                      \
  template class BatchNormLayer<T>;                                                                                 \
  template class BatchNorm2d<T>;                                                                                    \
  template class BatchNorm1d<T>;
NN_INSTANTIATE_BATCHNORM(float)
NN_INSTANTIATE_BATCHNORM(double)
#undef NN_INSTANTIATE_BATCHNORM

}  // namespace nn
