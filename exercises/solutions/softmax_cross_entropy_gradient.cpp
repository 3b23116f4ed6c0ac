// Solution of exercise 4.1l — softmax_cross_entropy_gradient, (softmax(Z) − onehot)/R.
#include "ex/ch03_dense.hpp"

#include <algorithm>
#include <cmath>

namespace ex {

nn::Tensor<double> softmax_cross_entropy_gradient(const nn::Tensor<double>& Z, const std::vector<std::size_t>& labels) {
  const std::size_t R = Z.dim(0), K = Z.dim(1);
  nn::Tensor<double> dZ(Z.shape());
  for (std::size_t r = 0; r < R; ++r) {
    double mx = Z(r, 0);
    for (std::size_t k = 1; k < K; ++k) mx = std::max(mx, Z(r, k));  // row maximum
    double sum = 0;
    for (std::size_t k = 0; k < K; ++k) sum += std::exp(Z(r, k) - mx);  // every term ≤ 1
    for (std::size_t k = 0; k < K; ++k) {
      const double p = std::exp(Z(r, k) - mx) / sum;                    // softmax, row r
      dZ(r, k) = (p - (k == labels[r] ? 1.0 : 0.0)) / double(R);      // (p − onehot)/R
    }
  }
  return dZ;
}

}  // namespace ex
