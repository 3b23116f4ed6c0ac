// Typical mistake: element i moved to x_i + h and x_i − h, but never put back to x_i.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::not_put_back {
nn::Tensor<double> numerical_gradient(const std::function<double(const nn::Tensor<double>&)>& L,
                                      const nn::Tensor<double>& X, double h) {
  nn::Tensor<double> Xp = X;
  nn::Tensor<double> g(X.shape());
  for (std::size_t i = 0; i < X.size(); ++i) {
    const double x = X[i];
    Xp[i] = x + h;
    const double up = L(Xp);
    Xp[i] = x - h;
    const double down = L(Xp);
    g[i] = (up - down) / (2 * h);  // Xp[i] = x is missing: x_i stays at x_i − h
  }
  return g;
}
}  // namespace ex::mistake::not_put_back

EX_MISTAKE(numerical_gradient, not_put_back,
           "your element i is measured with the earlier elements left at x_j − h: element i is never put back to x_i after its two evaluations",
           "Eq. (21) moves one coordinate and keeps the others at X: g_i = (L(X + h e_i) − L(X − h e_i))/(2h). With x_0 … x_{i−1} left at −h, g_i is the slope at another point; for an L that is a sum of one-element terms the shift cancels in the difference, but as soon as the elements interact (a product, a log-sum-exp, a layer's loss) it does not");
