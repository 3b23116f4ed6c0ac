// Typical mistake: every element perturbed at once: the slope along (1, …, 1), copied into every element.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::all_at_once {
nn::Tensor<double> numerical_gradient(const std::function<double(const nn::Tensor<double>&)>& L,
                                      const nn::Tensor<double>& X, double h) {
  nn::Tensor<double> Xp = X, Xm = X;
  for (std::size_t i = 0; i < X.size(); ++i) {
    Xp[i] += h;  // every element moved together
    Xm[i] -= h;
  }
  const double slope = (L(Xp) - L(Xm)) / (2 * h);
  return nn::Tensor<double>(X.shape(), slope);
}
}  // namespace ex::mistake::all_at_once

EX_MISTAKE(numerical_gradient, all_at_once,
           "your gradient has the same number in every element: all elements were moved by h at once",
           "moving every element together measures the derivative along the direction (1, 1, …, 1), which is the sum Σ_i ∂L/∂x_i, not any single ∂L/∂x_i. Eq. (21) moves one coordinate at a time: g_i needs X + h e_i, with e_i the i-th unit tensor");
