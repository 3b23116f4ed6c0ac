// Typical mistake: α folded into the velocity: v ← μv + αg, θ ← θ − v.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::alpha_in_velocity {
void momentum_step(nn::Tensor<double>& theta, nn::Tensor<double>& velocity, const nn::Tensor<double>& gradient,
                   double alpha, double mu) {
  for (std::size_t i = 0; i < theta.size(); ++i) {
    velocity[i] = mu * velocity[i] + alpha * gradient[i];  // α folded into v
    theta[i] -= velocity[i];
  }
}
}  // namespace ex::mistake::alpha_in_velocity

EX_MISTAKE(momentum_step, alpha_in_velocity,
           "your velocity is v ← μv + αg (with θ ← θ − v): α sits inside v instead of in the step",
           "the θ of this other convention equals nn::SGD's while α stays fixed, but the velocity it keeps is α times nn::SGD's v, and once α changes (a schedule) the θ differ too: the old velocity carries the old α. The exercise asks for nn::SGD's v ← μv + g, θ ← θ − αv");
