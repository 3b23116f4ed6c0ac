// Typical mistake: the bias corrections 1 − β₁ and 1 − β₂ of step 1 used at every step: t ignored.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::t_ignored {
void adam_step(nn::Tensor<double>& theta, nn::Tensor<double>& m, nn::Tensor<double>& v,
               const nn::Tensor<double>& gradient, std::size_t t, double alpha, double beta1, double beta2,
               double epsilon) {
  (void)t;
  const double c1 = 1 - beta1, c2 = 1 - beta2;  // the corrections of step 1, at every step
  for (std::size_t i = 0; i < theta.size(); ++i) {
    const double g = gradient[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    theta[i] -= alpha * (m[i] / c1) / (std::sqrt(v[i] / c2) + epsilon);
  }
}
}  // namespace ex::mistake::t_ignored

EX_MISTAKE(adam_step, t_ignored,
           "your bias corrections are 1 − β₁ and 1 − β₂ at every step, those of t = 1: the power β^t is missing",
           "after t steps from 0 the weights of the gradients in m sum to 1 − β₁^t, not 1 − β₁: the correction must grow towards 1 with t (by t = 100, 1 − 0.9^t ≈ 1). With t ignored only the first step is right: the next steps are too long, and once t is large too short, by the factor √(1 − β₂)/(1 − β₁) ≈ 0.32 for the default β");
