// Typical mistake: ε added under the square root, √(v̂ + ε), where nn::Adam adds it to √v̂.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::epsilon_inside_sqrt {
void adam_step(nn::Tensor<double>& theta, nn::Tensor<double>& m, nn::Tensor<double>& v,
               const nn::Tensor<double>& gradient, std::size_t t, double alpha, double beta1, double beta2,
               double epsilon) {
  const double c1 = 1 - std::pow(beta1, double(t)), c2 = 1 - std::pow(beta2, double(t));
  for (std::size_t i = 0; i < theta.size(); ++i) {
    const double g = gradient[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    theta[i] -= alpha * (m[i] / c1) / std::sqrt(v[i] / c2 + epsilon);  // ε under the root
  }
}
}  // namespace ex::mistake::epsilon_inside_sqrt

EX_MISTAKE(adam_step, epsilon_inside_sqrt,
           "your denominator is √(v̂ + ε) instead of √v̂ + ε: ε is inside the square root",
           "nn::Adam (like Kingma & Ba's Algorithm 1) divides by √v̂ + ε. Under the root ε acts like √ε (1e-4 for ε = 1e-8), which matters as soon as |g| is that small; it is another optimizer, not a rounding difference");
