/// @file dense.cpp
/// @brief Eq. (7) and Eqs. (29)–(33) (corrected): dense forward and backward as matrix products
///        (our small kernels up to 2^20 weights, OpenBLAS beyond).
#include "nn/dense.hpp"

#include <cblas.h>

#include "small_gemm.hpp"

#include <algorithm>

namespace nn {

namespace {

// C = alpha·op(A)·op(B) + beta·C, row-major; op(A) is M×K, op(B) is K×N.
void gemm(bool ta, bool tb, std::size_t M, std::size_t N, std::size_t K, const float* A, std::size_t lda,
          const float* B, std::size_t ldb, float beta, float* C) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M), int(N), int(K),
              1.0f, A, int(lda), B, int(ldb), beta, C, int(N));
}
void gemm(bool ta, bool tb, std::size_t M, std::size_t N, std::size_t K, const double* A, std::size_t lda,
          const double* B, std::size_t ldb, double beta, double* C) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M), int(N), int(K),
              1.0, A, int(lda), B, int(ldb), beta, C, int(N));
}

// Layers with W of up to 2^20 entries (every network of ch08) use the register-blocked kernels
// of small_gemm.hpp with the rows shared out among the threads. Measured per batch against
// OpenBLAS (single-threaded in training, see nn::SingleThreadedBlas; Prescott kernel here):
// 256 → 120 backward 0.53 → 0.19 ms; Fashion's 3136 → 128 forward 5.0 → 1.3 ms, backward
// 9.2 → 2.8 ms. Larger layers go to OpenBLAS, whose cache blocking pays off once W no longer
// fits in the caches.
inline bool small_layer(std::size_t n, std::size_t m) { return n * m <= (std::size_t(1) << 20); }

// Z = X W + b (Eq. (7) inside f).
template <class T>
void affine_into(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, Tensor<T>& Z) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  if (small_layer(n, m)) {
    detail::gemm_nn_parallel(R, m, n, X.data(), n, 1, W.data(), m, Z.data(), m);  // X W
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t j = 0; j < m; ++j) Z[r * m + j] += b[j];                   // + b
    return;
  }
  for (std::size_t r = 0; r < R; ++r) std::copy(b.begin(), b.end(), Z.data() + r * m);
  gemm(false, false, R, m, n, X.data(), n, W.data(), m, T(1), Z.data());
}

// dX = G Wᵀ (Eq. (31)), dW = Xᵀ G (Eq. (32)), db = Σ_r G_r (Eq. (33)). `WT` is scratch space
// for Wᵀ (the small kernels read B by rows).
template <class T>
void affine_backward_into(const Tensor<T>& G, const Tensor<T>& X, const Tensor<T>& W, Tensor<T>& dX, Tensor<T>& dW,
                          Tensor<T>& db, Tensor<T>& WT, bool input_gradient = true) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  if (small_layer(n, m)) {
    if (input_gradient) {
      if (WT.size() != n * m) WT.resize(Shape{m, n});
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < m; ++j) WT[j * n + i] = W[i * m + j];
      detail::gemm_nn_parallel(R, n, m, G.data(), m, 1, WT.data(), n, dX.data(), n);  // δ^(l) = G W^(l)T
    }
    detail::gemm_nn_parallel(n, m, R, X.data(), 1, n, G.data(), m, dW.data(), m);  // ∂L/∂W = X^(l)T G
  } else {
    if (input_gradient) gemm(false, true, R, n, m, G.data(), m, W.data(), m, T(0), dX.data());
    gemm(true, false, n, m, R, X.data(), n, G.data(), m, T(0), dW.data());
  }
  db.fill(T(0));
  for (std::size_t r = 0; r < R; ++r)  // ∂L/∂b = Σ_r G_{r,·}
    for (std::size_t j = 0; j < m; ++j) db[j] += G[r * m + j];
}

}  // namespace

void require_dense_shapes(const Shape& X, const Shape& W, const Shape& b) {
  if (X.rank() != 2 || W.rank() != 2 || X[1] != W[0])
    throw shape_error("Eq. (7) X W + b: X of shape " + X.str() + " and W of shape " + W.str() +
                      " do not fit (needs X (R, n) and W (n, m))");
  if (b.rank() != 1 || b[0] != W[1])
    throw shape_error("Eq. (7) X W + b: b of shape " + b.str() + " does not fit W of shape " + W.str() +
                      " (needs b (m) for W (n, m))");
}

template <class T>
Tensor<T> dense_forward(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, DenseCache<T>& cache) {
  require_dense_shapes(X.shape(), W.shape(), b.shape());
  cache.X = X;
  cache.Z.resize(Shape{X.dim(0), W.dim(1)});
  affine_into(X, W, b, cache.Z);  // Z = X W + b
  cache.f.reset();
  return cache.Z;
}

template <class T>
Tensor<T> dense_forward(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ActivationFunction f,
                        DenseCache<T>& cache) {
  dense_forward(X, W, b, cache);
  cache.f = f;
  return activate(f, cache.Z);  // Eq. (7): X^(l+1) = f(X^(l) W^(l) + b^(l))
}

template <class T>
DenseGradients<T> dense_backward(const Tensor<T>& dY, const Tensor<T>& W, const DenseCache<T>& cache) {
  require_same_shape(dY.shape(), cache.Z.shape(), "Eq. (31) dense backward (δ^(l+1) and X^(l)W^(l) + b^(l))");
  require_dense_shapes(cache.X.shape(), W.shape(), Shape{W.dim(1)});
  // G = δ^(l+1) ⊙ f′(X^(l)W^(l) + b^(l)), the factor shared by Eqs. (31)–(33)
  Tensor<T> G = dY;
  if (cache.f)
    for (std::size_t i = 0; i < G.size(); ++i) G[i] *= activate_prime(*cache.f, cache.Z[i]);
  DenseGradients<T> g{Tensor<T>(cache.X.shape()), Tensor<T>(W.shape()), Tensor<T>(Shape{W.dim(1)})};
  Tensor<T> WT;
  affine_backward_into(G, cache.X, W, g.dX, g.dW, g.db, WT);
  return g;
}

// ---- the layer object ----------------------------------------------------------------------

template <class T>
Dense<T>::Dense(std::size_t inputs, std::size_t outputs)
    : W_(Shape{inputs, outputs}), b_(Shape{outputs}), dW_(Shape{inputs, outputs}), db_(Shape{outputs}) {}

template <class T>
Dense<T>::Dense(std::size_t inputs, std::size_t outputs, Init scheme, std::mt19937_64& rng) : Dense(inputs, outputs) {
  initialize(W_, scheme, inputs, outputs, rng);
}

template <class T>
std::string Dense<T>::name() const {
  return "Dense(" + std::to_string(inputs()) + " → " + std::to_string(outputs()) + ")";
}

template <class T>
Shape Dense<T>::output_shape(const Shape& input) const {
  if (input.rank() != 2 || input[1] != inputs())
    throw shape_error("Eq. (7) " + name() + ": input of shape " + input.str() + " does not fit W of shape " +
                      W_.shape().str() + " (needs (R, " + std::to_string(inputs()) + "))");
  return Shape{input[0], outputs()};
}

template <class T>
const Tensor<T>& Dense<T>::forward(const Tensor<T>& X) {
  const Shape out = output_shape(X.shape());
  if (X_.shape() != X.shape()) X_.resize(X.shape());  // buffers are reused across batches
  if (Y_.shape() != out) Y_.resize(out);
  std::copy(X.begin(), X.end(), X_.begin());
  affine_into(X, W_, b_, Y_);  // X^(l+1) = X^(l) W^(l) + b^(l)
  return Y_;
}

template <class T>
const Tensor<T>& Dense<T>::backward(const Tensor<T>& dY) {
  if (Y_.empty()) throw shape_error("Eq. (31) " + name() + " backward: called before forward");
  require_same_shape(dY.shape(), Y_.shape(), "Eq. (31) " + name() + " backward (δ^(l+1) and X^(l+1))");
  if (dX_.shape() != X_.shape()) dX_.resize(X_.shape());
  // overwrites dW, db (layer.hpp convention); the first layer of a network skips δ for the images
  affine_backward_into(dY, X_, W_, dX_, dW_, db_, WT_, this->input_gradient());
  return dX_;
}

template <class T>
std::vector<Parameter<T>> Dense<T>::parameters() {
  return {{"W", &W_, &dW_}, {"b", &b_, &db_}};
}

#define NN_INSTANTIATE(T)                                                                                      \
  template Tensor<T> dense_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, DenseCache<T>&);      \
  template Tensor<T> dense_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ActivationFunction, \
                                   DenseCache<T>&);                                                            \
  template DenseGradients<T> dense_backward(const Tensor<T>&, const Tensor<T>&, const DenseCache<T>&);         \
  template class Dense<T>;
NN_INSTANTIATE(float)
NN_INSTANTIATE(double)
#undef NN_INSTANTIATE

}  // namespace nn
