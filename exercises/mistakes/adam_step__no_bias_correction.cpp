// Typical mistake: θ stepped with m and v themselves, without the bias corrections 1 − β^t.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::no_bias_correction {
void adam_step(nn::Tensor<double>& theta, nn::Tensor<double>& m, nn::Tensor<double>& v,
               const nn::Tensor<double>& gradient, std::size_t t, double alpha, double beta1, double beta2,
               double epsilon) {
  (void)t;
  for (std::size_t i = 0; i < theta.size(); ++i) {
    const double g = gradient[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    theta[i] -= alpha * m[i] / (std::sqrt(v[i]) + epsilon);  // m and v used uncorrected
  }
}
}  // namespace ex::mistake::no_bias_correction

EX_MISTAKE(adam_step, no_bias_correction,
           "your step uses m/(√v + ε): the bias corrections m̂ = m/(1 − β₁^t), v̂ = v/(1 − β₂^t) are missing",
           "m and v start at 0, so in the first steps they are far too small: after step 1, m = (1 − β₁)g and v = (1 − β₂)g². Dividing by 1 − β^t undoes exactly that, so the first step is ≈ α·sign(g); without it the step is (1 − β₁)/√(1 − β₂) ≈ 3.2 times too long for the default β");
