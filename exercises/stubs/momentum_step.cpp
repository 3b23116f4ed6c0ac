// Exercise 4.1j — momentum_step, Eq. (20) with momentum. Replace the throw with your code.
#include "ex/ch03_dense.hpp"
#include "nn/errors.hpp"

namespace ex {

void momentum_step(nn::Tensor<double>& theta, nn::Tensor<double>& velocity, const nn::Tensor<double>& gradient,
                   double alpha, double mu) {
  (void)theta, (void)velocity, (void)gradient, (void)alpha, (void)mu;
  // For every element i, in this order:
  //   v_i ← μ v_i + g_i        (the velocity, kept in `velocity` for the next step)
  //   θ_i ← θ_i − α v_i        (Eq. (20) with the new v in place of ∂L/∂θ)
  throw nn::not_done("Exercise 4.1j — momentum_step, Eq. (20) with momentum");
}

}  // namespace ex
