// Typical mistake: the gradient scaled by α twice: θ − α²g.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::alpha_squared {
void sgd_step(nn::Tensor<double>& theta, const nn::Tensor<double>& gradient, double alpha) {
  nn::Tensor<double> step = alpha * gradient;  // α g ...
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] -= alpha * step[i];  // ... times α again
}
}  // namespace ex::mistake::alpha_squared

EX_MISTAKE(sgd_step, alpha_squared,
           "your step is θ − α²·∂L/∂θ: the gradient is scaled by α twice",
           "Eq. (20) scales the gradient by the learning rate once, θ ← θ − α ∂L/∂θ; scaling a step that already holds α g by α again makes the steps α times too short (or, for α > 1, too long)");
