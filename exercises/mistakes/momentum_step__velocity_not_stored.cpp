// Typical mistake: the new velocity kept in a local variable, so `velocity` never changes.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::velocity_not_stored {
void momentum_step(nn::Tensor<double>& theta, nn::Tensor<double>& velocity, const nn::Tensor<double>& gradient,
                   double alpha, double mu) {
  for (std::size_t i = 0; i < theta.size(); ++i) {
    const double v = mu * velocity[i] + gradient[i];  // a local v: velocity never changes
    theta[i] -= alpha * v;
  }
}
}  // namespace ex::mistake::velocity_not_stored

EX_MISTAKE(momentum_step, velocity_not_stored,
           "your velocity is never updated: v ← μv + g is computed but not stored",
           "the velocity is the optimizer's memory: the next step must start from this step's v (nn::SGD keeps it per parameter). If it stays 0, every step is plain Eq. (20), θ ← θ − αg, and the momentum is lost");
