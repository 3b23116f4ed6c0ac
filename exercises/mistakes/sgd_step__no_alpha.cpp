// Typical mistake: θ − ∂L/∂θ: the learning rate forgotten.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::no_alpha {
void sgd_step(nn::Tensor<double>& theta, const nn::Tensor<double>& gradient, double alpha) {
  (void)alpha;
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] -= gradient[i];
}
}  // namespace ex::mistake::no_alpha

EX_MISTAKE(sgd_step, no_alpha,
           "your step is θ − ∂L/∂θ: α is not used",
           "Eq. (20) moves θ by α times the gradient: the gradient gives the direction and its size at θ, the learning rate α how far to trust it; without α the step is the step for α = 1");
