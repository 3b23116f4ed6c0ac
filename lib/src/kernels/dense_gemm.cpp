/// @file dense_gemm.cpp
/// @brief The fast dense layer behind nn::Dense: equals dense_forward() and dense_backward() of
///        lib/src/dense.cpp without f (test `the Dense layer (GEMM, reused buffers) equals
///        dense_forward/dense_backward`, and `Dense at LeNet's size, every batch size 1-70`).
#include "kernels/dense_gemm.hpp"

#ifndef NN_NO_BLAS  // the WebAssembly build has no BLAS: every layer takes the small kernels
#include <cblas.h>
#endif

#include <algorithm>

#include "kernels/small_gemm.hpp"

namespace nn::kernels {

#ifndef NN_NO_BLAS
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
bool small_layer(std::size_t n, std::size_t m) { return n * m <= (std::size_t(1) << 20); }

}  // namespace
#endif

template <class T>
void dense_forward(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, Tensor<T>& Z) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
#ifndef NN_NO_BLAS
  if (!small_layer(n, m)) {
    for (std::size_t r = 0; r < R; ++r) std::copy(b.begin(), b.end(), Z.data() + r * m);
    gemm(false, false, R, m, n, X.data(), n, W.data(), m, T(1), Z.data());
    return;
  }
#endif
  detail::gemm_nn_parallel(R, m, n, X.data(), n, 1, W.data(), m, Z.data(), m);  // X W
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) Z[r * m + j] += b[j];                   // + b
}

template <class T>
void dense_input_gradient(const Tensor<T>& G, const Tensor<T>& W, Tensor<T>& dX, Tensor<T>& WT) {
  const std::size_t R = G.dim(0), n = W.dim(0), m = W.dim(1);
#ifndef NN_NO_BLAS
  if (!small_layer(n, m)) return gemm(false, true, R, n, m, G.data(), m, W.data(), m, T(0), dX.data());
#endif
  if (WT.size() != n * m) WT.resize(Shape{m, n});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) WT[j * n + i] = W[i * m + j];
  detail::gemm_nn_parallel(R, n, m, G.data(), m, 1, WT.data(), n, dX.data(), n);  // δ^(l) = G W^(l)T
}

template <class T>
void dense_weight_gradient(const Tensor<T>& G, const Tensor<T>& X, Tensor<T>& dW, Tensor<T>& db, bool accumulate) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = G.dim(1);
#ifndef NN_NO_BLAS
  if (!small_layer(n, m)) {
    gemm(true, false, n, m, R, X.data(), n, G.data(), m, accumulate ? T(1) : T(0), dW.data());
  } else
#endif
  {
    // ∂L/∂W = X^(l)T G: each entry one sequential sum over r (from dW's value when accumulating)
    detail::gemm_nn_parallel(n, m, R, X.data(), 1, n, G.data(), m, dW.data(), m, accumulate);
  }
  if (!accumulate) db.fill(T(0));
  for (std::size_t r = 0; r < R; ++r)  // ∂L/∂b = Σ_r G_{r,·}
    for (std::size_t j = 0; j < m; ++j) db[j] += G[r * m + j];
}

template <class T>
void dense_backward(const Tensor<T>& G, const Tensor<T>& X, const Tensor<T>& W, Tensor<T>& dX, Tensor<T>& dW,
                    Tensor<T>& db, Tensor<T>& WT, bool input_gradient) {
  if (input_gradient) dense_input_gradient(G, W, dX, WT);
  dense_weight_gradient(G, X, dW, db, /*accumulate=*/false);
}

#define NN_DENSE_KERNELS_INSTANTIATE(T)                                                                  \
  template void dense_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, Tensor<T>&);          \
  template void dense_backward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, Tensor<T>&, Tensor<T>&, \
                               Tensor<T>&, Tensor<T>&, bool);                                              \
  template void dense_input_gradient(const Tensor<T>&, const Tensor<T>&, Tensor<T>&, Tensor<T>&);           \
  template void dense_weight_gradient(const Tensor<T>&, const Tensor<T>&, Tensor<T>&, Tensor<T>&, bool);
NN_DENSE_KERNELS_INSTANTIATE(float)
NN_DENSE_KERNELS_INSTANTIATE(double)
#undef NN_DENSE_KERNELS_INSTANTIATE

}  // namespace nn::kernels
