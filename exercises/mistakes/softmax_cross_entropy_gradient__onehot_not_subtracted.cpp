// Typical mistake: p/R: the one-hot term of the label forgotten.
#include <algorithm>
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::onehot_not_subtracted {
nn::Tensor<double> softmax_cross_entropy_gradient(const nn::Tensor<double>& Z, const std::vector<std::size_t>& labels) {
  (void)labels;
  const std::size_t R = Z.dim(0), K = Z.dim(1);
  nn::Tensor<double> dZ(Z.shape());
  for (std::size_t r = 0; r < R; ++r) {
    double mx = Z(r, 0);
    for (std::size_t k = 1; k < K; ++k) mx = std::max(mx, Z(r, k));
    double sum = 0;
    for (std::size_t k = 0; k < K; ++k) sum += std::exp(Z(r, k) - mx);
    for (std::size_t k = 0; k < K; ++k) {
      const double p = std::exp(Z(r, k) - mx) / sum;
      dZ(r, k) = p / double(R);  // the −[k = labels[r]] is missing
    }
  }
  return dZ;
}
}  // namespace ex::mistake::onehot_not_subtracted

EX_MISTAKE(softmax_cross_entropy_gradient, onehot_not_subtracted,
           "your dZ is p/R: the −[k = y_r] of the label is missing",
           "L = (1/R) Σ_r (log Σ_k e^{z_rk} − z_{r,y_r}) has two terms: the log-sum-exp gives p_rk, and −z_{r,y_r} gives −1 at the label. Without it every component is positive and descent lowers every score, the right class's too");
