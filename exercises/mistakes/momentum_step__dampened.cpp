// Typical mistake: v ← μv + (1 − μ)g, the moving average of Adam's first moment.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::dampened {
void momentum_step(nn::Tensor<double>& theta, nn::Tensor<double>& velocity, const nn::Tensor<double>& gradient,
                   double alpha, double mu) {
  for (std::size_t i = 0; i < theta.size(); ++i) {
    velocity[i] = mu * velocity[i] + (1 - mu) * gradient[i];  // an average, not a sum
    theta[i] -= alpha * velocity[i];
  }
}
}  // namespace ex::mistake::dampened

EX_MISTAKE(momentum_step, dampened,
           "your velocity is μv + (1 − μ)g, a moving average of the gradients, where μv + g belongs",
           "that is Adam's first moment m (or 'dampened' momentum), not the heavy-ball momentum of nn::SGD: v ← μv + g adds the whole gradient, so on a constant slope v grows to g/(1 − μ) and the steps get longer; the average stays at g");
