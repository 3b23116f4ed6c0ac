// Typical mistake: the perturbed copies X + h and X − h made once and never reset: x_i stays at x_i ± h.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::not_restored {
nn::Tensor<double> numerical_gradient(const std::function<double(const nn::Tensor<double>&)>& L,
                                      const nn::Tensor<double>& X, double h) {
  nn::Tensor<double> Xp = X, Xm = X;  // made once, before the loop ...
  nn::Tensor<double> g(X.shape());
  for (std::size_t i = 0; i < X.size(); ++i) {
    Xp[i] += h;  // ... and never reset: element i stays moved
    Xm[i] -= h;
    g[i] = (L(Xp) - L(Xm)) / (2 * h);
  }
  return g;
}
}  // namespace ex::mistake::not_restored

EX_MISTAKE(numerical_gradient, not_restored,
           "your element i is measured with the earlier elements still moved: X + h e_i and X − h e_i are made once, before the loop, and never reset",
           "Eq. (21) moves one coordinate and keeps the others at X: g_i = (L(X + h e_i) − L(X − h e_i))/(2h). With x_0 … x_{i−1} still at +h in one copy and at −h in the other, the difference L(X+) − L(X−) also holds their changes, so g_i gets the slopes of all earlier elements added to its own");
