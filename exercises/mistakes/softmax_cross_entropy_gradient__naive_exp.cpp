// Typical mistake: softmax as e^z / Σ e^z, without subtracting the row maximum.
#include <algorithm>
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::naive_exp {
nn::Tensor<double> softmax_cross_entropy_gradient(const nn::Tensor<double>& Z, const std::vector<std::size_t>& labels) {
  const std::size_t R = Z.dim(0), K = Z.dim(1);
  nn::Tensor<double> dZ(Z.shape());
  for (std::size_t r = 0; r < R; ++r) {
    const double mx = 0;  // no shift: e^z overflows for z > 709
    double sum = 0;
    for (std::size_t k = 0; k < K; ++k) sum += std::exp(Z(r, k) - mx);
    for (std::size_t k = 0; k < K; ++k) {
      const double p = std::exp(Z(r, k) - mx) / sum;
      const double onehot = k == labels[r] ? 1.0 : 0.0;
      dZ(r, k) = (p - onehot) / double(R);
    }
  }
  return dZ;
}
}  // namespace ex::mistake::naive_exp

EX_MISTAKE(softmax_cross_entropy_gradient, naive_exp,
           "your dZ is NaN for large scores: softmax computed as e^z / Σ e^z without subtracting the row maximum",
           "e^z overflows to inf for z > 709 and underflows to 0 for z < −745, and inf/inf and 0/0 are NaN. softmax is unchanged when a constant is subtracted from a row, so subtract max_k z_rk first: then every e^(z − max) is in (0, 1] and the sum is at least 1 (nn::log_sum_exp does this)");
