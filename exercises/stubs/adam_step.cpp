// Exercise 4.1k — adam_step, Eq. (20) with Adam's step. Replace the throw with your code.
#include "ex/ch03_dense.hpp"
#include "nn/errors.hpp"

#include <cmath>

namespace ex {

void adam_step(nn::Tensor<double>& theta, nn::Tensor<double>& m, nn::Tensor<double>& v,
               const nn::Tensor<double>& gradient, std::size_t t, double alpha, double beta1, double beta2,
               double epsilon) {
  (void)theta, (void)m, (void)v, (void)gradient, (void)t, (void)alpha, (void)beta1, (void)beta2, (void)epsilon;
  // For every element i, with g = gradient and t the step number (1 for the first step):
  //   m_i ← β₁ m_i + (1 − β₁) g_i          (kept in m for the next step)
  //   v_i ← β₂ v_i + (1 − β₂) g_i²         (kept in v for the next step)
  //   m̂ = m_i / (1 − β₁^t),  v̂ = v_i / (1 − β₂^t)   (bias corrections; not stored)
  //   θ_i ← θ_i − α m̂ / (√v̂ + ε)           (ε outside the square root)
  throw nn::not_done("Exercise 4.1k — adam_step, Eq. (20) with Adam");
}

}  // namespace ex
