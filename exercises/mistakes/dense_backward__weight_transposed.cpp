// Typical mistake: the weight read transposed in the δ recursion: W(j, i) from W's memory as if it were m×n, instead of Eq. (31)'s G W^(l)T.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::weight_transposed {
DenseGradients dense_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                              const nn::Tensor<double>& b, nn::ActivationFunction f) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  nn::Tensor<double> G(nn::Shape{R, m});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) {
      double z = b(j);
      for (std::size_t i = 0; i < n; ++i) z += X(r, i) * W(i, j);
      G(r, j) = dY(r, j) * nn::activate_prime(f, z);
    }
  DenseGradients g{nn::Tensor<double>(X.shape()), nn::Tensor<double>(W.shape()), nn::Tensor<double>(b.shape())};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) {
        g.dX(r, i) += G(r, j) * W[j * n + i];
        g.dW(i, j) += X(r, i) * G(r, j);
      }
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) g.db(j) += G(r, j);
  return g;
}
}  // namespace ex::mistake::weight_transposed

EX_MISTAKE(dense_backward, weight_transposed,
           "your dX reads W as if it were stored m×n: element W[j·n + i] where W(i, j) belongs",
           "dX = G W^(l)T, Eq. (31): dX(r, i) = Σ_j G(r, j) W(i, j), with W of shape n×m (inputs × outputs); W[j·n + i] is a different element unless W is symmetric, and is W's transpose only when n = m");
