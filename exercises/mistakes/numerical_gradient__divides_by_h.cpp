// Typical mistake: the central quotient divided by h instead of 2h.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::divides_by_h {
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
    Xp[i] = x;
    g[i] = (up - down) / h;  // the two points are 2h apart
  }
  return g;
}
}  // namespace ex::mistake::divides_by_h

EX_MISTAKE(numerical_gradient, divides_by_h,
           "every element of your gradient is twice the right one: the central quotient is divided by h",
           "L(X + h e_i) and L(X − h e_i) are taken 2h apart, so their difference over 2h is the slope (Eq. (21), central form); over h it is twice the slope");
