// Exercise 4.1h — sgd_step, Eq. (20). Replace the throw with your code.
#include "ex/ch03_dense.hpp"
#include "nn/errors.hpp"

namespace ex {

void sgd_step(nn::Tensor<double>& theta, const nn::Tensor<double>& gradient, double alpha) {
  (void)theta, (void)gradient, (void)alpha;
  // Eq. (20): every element θ_i ← θ_i − α ∂L/∂θ_i (downhill: against the gradient).
  throw nn::not_done("Exercise 4.1h — sgd_step, Eq. (20)");
}

}  // namespace ex
