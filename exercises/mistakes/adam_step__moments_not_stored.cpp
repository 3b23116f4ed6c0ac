// Typical mistake: the new moments kept in local variables, so m and v never change.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::moments_not_stored {
void adam_step(nn::Tensor<double>& theta, nn::Tensor<double>& m, nn::Tensor<double>& v,
               const nn::Tensor<double>& gradient, std::size_t t, double alpha, double beta1, double beta2,
               double epsilon) {
  const double c1 = 1 - std::pow(beta1, double(t)), c2 = 1 - std::pow(beta2, double(t));
  for (std::size_t i = 0; i < theta.size(); ++i) {
    const double g = gradient[i];
    const double mi = beta1 * m[i] + (1 - beta1) * g;      // local copies:
    const double vi = beta2 * v[i] + (1 - beta2) * g * g;  // m and v never change
    theta[i] -= alpha * (mi / c1) / (std::sqrt(vi / c2) + epsilon);
  }
}
}  // namespace ex::mistake::moments_not_stored

EX_MISTAKE(adam_step, moments_not_stored,
           "your m and v are not updated: the new moments are computed but not written back",
           "m and v are Adam's memory of the past gradients and must be updated in place for the next step (nn::Adam keeps them per parameter); if they stay 0 every step sees only its own gradient, and the first step is right only by luck");
