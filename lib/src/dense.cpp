/// @file dense.cpp
/// @brief The reference dense layer: Eq. (7) forward and Eqs. (29)–(33) backward (corrected) as
///        plain loops in the report's order. The layer object runs the same maths through the
///        matrix kernels of kernels/dense_gemm.cpp; the tests hold the two equal.
#include "nn/dense.hpp"

namespace nn {

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
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  Tensor<T> Z(Shape{R, m});
  // [eq7]
  // Z = X^(l) W^(l) + b^(l): row r of X is example r,
  // W_{k,j} joins input k to output j.
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) {
      T z = 0;
      // Eq. (7): Σ_k X_{r,k} W_{k,j}
      for (std::size_t k = 0; k < n; ++k) z += X(r, k) * W(k, j);
      // Eq. (7): + b_j, the same for every row
      Z(r, j) = z + b(j);
    }
  // [eq7]
  cache.X = X;
  cache.Z = Z;
  cache.f.reset();
  return Z;
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
  const Tensor<T>& X = cache.X;
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  DenseGradients<T> g{Tensor<T>(X.shape()), Tensor<T>(W.shape()), Tensor<T>(Shape{m})};
  // [eq31]
  // G, the factor that Eqs. (31)–(33) share (f′ = 1 without f):
  Tensor<T> G = dY;
  if (cache.f)
    for (std::size_t i = 0; i < G.size(); ++i)
      // G = δ^(l+1) ⊙ f′(X^(l)W^(l) + b^(l))
      G[i] *= activate_prime(*cache.f, cache.Z[i]);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t k = 0; k < n; ++k) {
      T sum = 0;
      // Eq. (31): δ^(l) = G W^(l)T
      for (std::size_t j = 0; j < m; ++j) sum += G(r, j) * W(k, j);
      g.dX(r, k) = sum;
    }
  // [eq31]
  // [eq32]
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t j = 0; j < m; ++j) {
      T sum = 0;
      // Eq. (32): ∂L/∂W^(l) = X^(l)T G
      for (std::size_t r = 0; r < R; ++r) sum += X(r, k) * G(r, j);
      g.dW(k, j) = sum;
    }
  // [eq32]
  // [eq33]
  for (std::size_t r = 0; r < R; ++r)
    // Eq. (33): ∂L/∂b^(l) = Σ_r G_{r,·}, over the batch
    for (std::size_t j = 0; j < m; ++j) g.db(j) += G(r, j);
  // [eq33]
  return g;
}

#define NN_INSTANTIATE(T)                                                                                      \
  template Tensor<T> dense_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, DenseCache<T>&);      \
  template Tensor<T> dense_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, ActivationFunction, \
                                   DenseCache<T>&);                                                            \
  template DenseGradients<T> dense_backward(const Tensor<T>&, const Tensor<T>&, const DenseCache<T>&);
NN_INSTANTIATE(float)
NN_INSTANTIATE(double)
#undef NN_INSTANTIATE

}  // namespace nn
