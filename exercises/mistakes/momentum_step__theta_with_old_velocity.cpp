// Typical mistake: θ stepped with the previous velocity, then v updated: the two lines swapped.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::theta_with_old_velocity {
void momentum_step(nn::Tensor<double>& theta, nn::Tensor<double>& velocity, const nn::Tensor<double>& gradient,
                   double alpha, double mu) {
  for (std::size_t i = 0; i < theta.size(); ++i) {
    theta[i] -= alpha * velocity[i];                // θ moved with the old v ...
    velocity[i] = mu * velocity[i] + gradient[i];   // ... and v updated after
  }
}
}  // namespace ex::mistake::theta_with_old_velocity

EX_MISTAKE(momentum_step, theta_with_old_velocity,
           "your θ steps with the previous step's velocity: θ ← θ − αv is done before v ← μv + g",
           "nn::SGD first folds this step's gradient into the velocity, v ← μv + g, and then steps along the new v, θ ← θ − αv; in the other order the first step does not move θ at all (v is still 0) and every later step lags one gradient behind");
