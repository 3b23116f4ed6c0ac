// Typical mistake: p − onehot without the 1/R of the batch mean.
#include <algorithm>
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::no_mean {
nn::Tensor<double> softmax_cross_entropy_gradient(const nn::Tensor<double>& Z, const std::vector<std::size_t>& labels) {
  const std::size_t R = Z.dim(0), K = Z.dim(1);
  nn::Tensor<double> dZ(Z.shape());
  for (std::size_t r = 0; r < R; ++r) {
    double mx = Z(r, 0);
    for (std::size_t k = 1; k < K; ++k) mx = std::max(mx, Z(r, k));
    double sum = 0;
    for (std::size_t k = 0; k < K; ++k) sum += std::exp(Z(r, k) - mx);
    for (std::size_t k = 0; k < K; ++k) {
      const double p = std::exp(Z(r, k) - mx) / sum;
      const double onehot = k == labels[r] ? 1.0 : 0.0;
      dZ(r, k) = p - onehot;
    }
  }
  return dZ;
}
}  // namespace ex::mistake::no_mean

EX_MISTAKE(softmax_cross_entropy_gradient, no_mean,
           "your dZ is p − onehot: the 1/R of the batch mean is missing",
           "the loss is the mean over the R rows, L = (1/R) Σ_r (log Σ_k e^{z_rk} − z_{r,y_r}), so every row's gradient carries 1/R, as in the L2 loss of Eq. (16); without it the gradient grows with the batch size");
