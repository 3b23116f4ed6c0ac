// Typical mistake: (onehot − p)/R: the gradient with the wrong sign.
#include <algorithm>
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::sign_flipped {
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
      dZ(r, k) = (onehot - p) / double(R);
    }
  }
  return dZ;
}
}  // namespace ex::mistake::sign_flipped

EX_MISTAKE(softmax_cross_entropy_gradient, sign_flipped,
           "your dZ is (onehot − p)/R: the right size with the opposite sign",
           "∂/∂z_rk of log Σ_j e^{z_rj} is +p_rk and of −z_{r,y_r} is −[k = y_r], so ∂L/∂z = (p − onehot)/R; its negative, onehot − p, is the direction that lowers the loss, which Eq. (20) takes by subtracting the gradient");
