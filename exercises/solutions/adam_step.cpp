// Solution of exercise 4.1k — adam_step, Eq. (20) with Adam's step (as nn::Adam).
#include "ex/ch03_dense.hpp"

#include <cmath>

namespace ex {

void adam_step(nn::Tensor<double>& theta, nn::Tensor<double>& m, nn::Tensor<double>& v,
               const nn::Tensor<double>& gradient, std::size_t t, double alpha, double beta1, double beta2,
               double epsilon) {
  const double c1 = 1 - std::pow(beta1, double(t));  // bias corrections of step t
  const double c2 = 1 - std::pow(beta2, double(t));
  for (std::size_t i = 0; i < theta.size(); ++i) {
    const double g = gradient[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;                  // first moment
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;              // second moment
    const double mhat = m[i] / c1, vhat = v[i] / c2;        // bias-corrected
    theta[i] -= alpha * mhat / (std::sqrt(vhat) + epsilon);  // ε outside the root
  }
}

}  // namespace ex
