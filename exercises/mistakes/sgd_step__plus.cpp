// Typical mistake: θ + α ∂L/∂θ — uphill, instead of Eq. (20)'s θ − α ∂L/∂θ.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::plus {
void sgd_step(nn::Tensor<double>& theta, const nn::Tensor<double>& gradient, double alpha) {
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] += alpha * gradient[i];
}
}  // namespace ex::mistake::plus

EX_MISTAKE(sgd_step, plus,
           "your step is θ + α ∂L/∂θ: uphill",
           "the gradient points where L grows fastest, so Eq. (20) steps against it, θ ← θ − α ∂L/∂θ; with + every step increases the loss");
