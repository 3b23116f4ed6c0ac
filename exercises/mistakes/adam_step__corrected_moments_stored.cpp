// Typical mistake: the corrected m̂ and v̂ written back into m and v.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::corrected_moments_stored {
void adam_step(nn::Tensor<double>& theta, nn::Tensor<double>& m, nn::Tensor<double>& v,
               const nn::Tensor<double>& gradient, std::size_t t, double alpha, double beta1, double beta2,
               double epsilon) {
  const double c1 = 1 - std::pow(beta1, double(t)), c2 = 1 - std::pow(beta2, double(t));
  for (std::size_t i = 0; i < theta.size(); ++i) {
    const double g = gradient[i];
    m[i] = (beta1 * m[i] + (1 - beta1) * g) / c1;      // m̂ stored in m
    v[i] = (beta2 * v[i] + (1 - beta2) * g * g) / c2;  // v̂ stored in v
    theta[i] -= alpha * m[i] / (std::sqrt(v[i]) + epsilon);
  }
}
}  // namespace ex::mistake::corrected_moments_stored

EX_MISTAKE(adam_step, corrected_moments_stored,
           "your m and v hold the corrected m̂ and v̂: the bias corrections are stored, and then corrected again at the next step",
           "the bias correction only rescales what the step uses; the running averages m ← β₁m + (1 − β₁)g and v ← β₂v + (1 − β₂)g² must keep their raw values (as nn::Adam keeps them), or step t + 1 divides an already corrected moment by 1 − β^(t+1) once more");
