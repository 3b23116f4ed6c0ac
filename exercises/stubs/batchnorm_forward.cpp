// Exercise 4.2.7a — batchnorm_forward, training mode, Eqs. (52)–(55). Replace the throw with your code.
#include "ex/ch07_batchnorm.hpp"
#include "nn/errors.hpp"

namespace ex {

BatchNormForward batchnorm_forward(const nn::Tensor<double>& X, const nn::Tensor<double>& gamma,
                                   const nn::Tensor<double>& beta, double eps) {
  (void)X;
  (void)gamma;
  (void)beta;
  (void)eps;
  // Per channel c, over every (r, h, w) — N = R·H·W values (N = R for a rank-2 input (R, C),
  // which X.reshaped(nn::Shape{R, C, 1, 1}) turns into a rank-4 one):
  //   μ_c = Σ X / N (Eq. (52)),  σ²_c = Σ (X − μ_c)² / N (Eq. (53), divided by N, not N − 1),
  //   X̂ = (X − μ_c) / √(σ²_c + ε) (Eq. (54)),  Y = γ_c X̂ + β_c (Eq. (55)).
  // Return {Y in X's shape, μ of shape (C), σ² of shape (C)}.
  throw nn::not_done("Exercise 4.2.7a — batchnorm_forward, Eqs. (52)–(55)");
}

}  // namespace ex
