/// @file activation_layer.cpp
/// @brief Eqs. (44)–(45).
#include "nn/activation_layer.hpp"

#include <cmath>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace nn {

template <class T>
Tensor<T> activation_forward(const Tensor<T>& X, ActivationFunction f) {
  return activate(f, X);  // Eq. (44)
}

template <class T>
Tensor<T> activation_backward(const Tensor<T>& X, const Tensor<T>& dY, ActivationFunction f) {
  require_same_shape(X.shape(), dY.shape(), "Eq. (45) activation backward (X and δ)");
  Tensor<T> dX(X.shape());
  for (std::size_t i = 0; i < X.size(); ++i) dX[i] = dY[i] * activate_prime(f, X[i]);  // Eq. (45)
  return dX;
}

namespace {

/// Runs body(lo, hi) on [0, n) split into one contiguous share per thread (one share when n is
/// small: below ~32k elements a fork costs more than it saves). Each share is a plain loop the
/// compiler vectorises (`omp simd`: the buffers are distinct); `omp parallel for simd` with an
/// `if` clause measured 5× slower when it ran serially.
template <class Body>
void in_shares(std::size_t n, const Body& body) {
#ifdef _OPENMP
  const int threads = n >= 32768 ? omp_get_max_threads() : 1;
  if (threads > 1) {
#pragma omp parallel num_threads(threads)
    {
      const std::size_t t = std::size_t(omp_get_thread_num()), k = std::size_t(omp_get_num_threads());
      body(n * t / k, n * (t + 1) / k);
    }
    return;
  }
#endif
  body(std::size_t(0), n);
}

}  // namespace

// The loops below are written once per function (the switch outside the loop) so that the
// compiler vectorises them; they compute exactly Eqs. (44) and (45).
template <class T>
const Tensor<T>& Activation<T>::forward(const Tensor<T>& X) {
  if (X_.shape() != X.shape()) {
    X_.resize(X.shape());
    Y_.resize(X.shape());
  }
  const std::size_t n = X.size();
  const T* x = X.data();
  T* xc = X_.data();
  T* y = Y_.data();
  switch (f_) {
    case ActivationFunction::relu:
      in_shares(n, [x, xc, y](std::size_t lo, std::size_t hi) {
        const T* in = x;  // local copies: pointers captured by reference would be reloaded
        T *cache = xc, *out = y;
#pragma omp simd
        for (std::size_t i = lo; i < hi; ++i) {
          cache[i] = in[i];                      // the cache: Eq. (45) needs X^(l)
          out[i] = in[i] < T(0) ? T(0) : in[i];  // Eq. (44) with Eq. (10)
        }
      });
      return Y_;
    default:
      std::copy(x, x + n, xc);  // the cache: Eq. (45) needs X^(l)
      break;
  }
  switch (f_) {
    case ActivationFunction::relu:
      break;
    case ActivationFunction::sigmoid:
      for (std::size_t i = 0; i < n; ++i) y[i] = sigmoid(x[i]);  // Eq. (44) with Eq. (8)
      break;
    case ActivationFunction::tanh:
      for (std::size_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);  // Eq. (44) with Eq. (9)
      break;
  }
  return Y_;
}

template <class T>
const Tensor<T>& Activation<T>::backward(const Tensor<T>& dY) {
  require_same_shape(X_.shape(), dY.shape(), "Eq. (45) " + name() + " backward (X and δ)");
  if (dX_.shape() != dY.shape()) dX_.resize(dY.shape());
  const std::size_t n = dY.size();
  const T* d = dY.data();
  const T* x = X_.data();
  const T* y = Y_.data();
  T* dx = dX_.data();
  switch (f_) {
    case ActivationFunction::relu:  // Eq. (45) with Eq. (13): ReLU′(x) = [x ≥ 0]
      in_shares(n, [x, d, dx](std::size_t lo, std::size_t hi) {
        const T *in = x, *delta = d;
        T* out = dx;
#pragma omp simd
        for (std::size_t i = lo; i < hi; ++i) out[i] = in[i] < T(0) ? T(0) : delta[i];
      });
      break;
    case ActivationFunction::sigmoid:  // Eq. (45) with Eq. (11): σ′ = σ(1 − σ), σ = Y
      for (std::size_t i = 0; i < n; ++i) dx[i] = d[i] * (y[i] * (T(1) - y[i]));
      break;
    case ActivationFunction::tanh:  // Eq. (45) with Eq. (12): tanh′ = 1 − tanh², tanh = Y
      for (std::size_t i = 0; i < n; ++i) dx[i] = d[i] * (T(1) - y[i] * y[i]);
      break;
  }
  return dX_;
}

template Tensor<float> activation_forward(const Tensor<float>&, ActivationFunction);
template Tensor<double> activation_forward(const Tensor<double>&, ActivationFunction);
template Tensor<float> activation_backward(const Tensor<float>&, const Tensor<float>&, ActivationFunction);
template Tensor<double> activation_backward(const Tensor<double>&, const Tensor<double>&, ActivationFunction);
template class Activation<float>;
template class Activation<double>;

}  // namespace nn
