// Solution of exercise 4.1j — momentum_step, Eq. (20) with momentum (as nn::SGD).
#include "ex/ch03_dense.hpp"

namespace ex {

void momentum_step(nn::Tensor<double>& theta, nn::Tensor<double>& velocity, const nn::Tensor<double>& gradient,
                   double alpha, double mu) {
  for (std::size_t i = 0; i < theta.size(); ++i) {
    velocity[i] = mu * velocity[i] + gradient[i];  // v ← μ v + g
    theta[i] -= alpha * velocity[i];               // Eq. (20) with v: θ ← θ − α v
  }
}

}  // namespace ex
