// Typical mistake: the mean taken over the K classes instead of the R examples.
#include <algorithm>
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::divides_by_K {
nn::Tensor<double> softmax_cross_entropy_gradient(const nn::Tensor<double>& Z, const std::vector<std::size_t>& labels) {
  const std::size_t R = Z.dim(0), K = Z.dim(1);
  nn::Tensor<double> dZ(Z.shape());
  for (std::size_t r = 0; r < R; ++r) {
    double mx = Z(r, 0);
    for (std::size_t k = 1; k < K; ++k) mx = std::max(mx, Z(r, k));
    double sum = 0;
    for (std::size_t k = 0; k < K; ++k) sum += std::exp(Z(r, k) - mx);
    for (std::size_t k = 0; k < K; ++k)
      dZ(r, k) = (std::exp(Z(r, k) - mx) / sum - (k == labels[r] ? 1.0 : 0.0)) / double(K);  // 1/K, not 1/R
  }
  return dZ;
}
}  // namespace ex::mistake::divides_by_K

EX_MISTAKE(softmax_cross_entropy_gradient, divides_by_K,
           "your ∂L/∂Z is divided by K, the number of classes, instead of R, the number of examples",
           "the loss is the mean over the batch, L = (1/R) Σ_r −log p_r,y_r, so each row's gradient p − onehot carries 1/R; K only counts the entries of a row, and the two agree only when R = K");
