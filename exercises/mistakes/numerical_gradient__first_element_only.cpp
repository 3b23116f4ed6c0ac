// Typical mistake: only element 0 perturbed; the rest of the gradient left at 0.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::first_element_only {
nn::Tensor<double> numerical_gradient(const std::function<double(const nn::Tensor<double>&)>& L,
                                      const nn::Tensor<double>& X, double h) {
  nn::Tensor<double> Xp = X;
  nn::Tensor<double> g(X.shape());  // zeros
  Xp[0] = X[0] + h;
  const double up = L(Xp);
  Xp[0] = X[0] - h;
  g[0] = (up - L(Xp)) / (2 * h);  // element 0 only: the loop is missing
  return g;
}
}  // namespace ex::mistake::first_element_only

EX_MISTAKE(numerical_gradient, first_element_only,
           "your gradient has only its first element; the others are 0",
           "the gradient has one component per element of X, ∂L/∂x_i for every i: Eq. (21) is applied to each coordinate in turn, 2·size(X) evaluations of L in all");
