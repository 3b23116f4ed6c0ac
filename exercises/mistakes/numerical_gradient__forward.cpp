// Typical mistake: the forward difference (L(X + h e_i) − L(X))/h of Eq. (21) as written.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::forward {
nn::Tensor<double> numerical_gradient(const std::function<double(const nn::Tensor<double>&)>& L,
                                      const nn::Tensor<double>& X, double h) {
  nn::Tensor<double> Xp = X;
  nn::Tensor<double> g(X.shape());
  const double L0 = L(X);
  for (std::size_t i = 0; i < X.size(); ++i) {
    const double x = X[i];
    Xp[i] = x + h;
    g[i] = (L(Xp) - L0) / h;  // one-sided
    Xp[i] = x;
  }
  return g;
}
}  // namespace ex::mistake::forward

EX_MISTAKE(numerical_gradient, forward,
           "your gradient is the forward difference (L(X + h e_i) − L(X))/h, off by about h·∂²L/∂x_i²/2",
           "the draft's Eq. (21) is the one-sided quotient, of first order: its error h·L″/2 halves when h halves; nn::numerical_gradient, and this exercise, use the central (L(X + h e_i) − L(X − h e_i))/(2h), whose error h²L‴/6 is far smaller (1e-10 instead of 1e-5 for h = 1e-5)");
