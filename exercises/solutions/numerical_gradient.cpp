// Solution of exercise 4.1i — numerical_gradient, Eq. (21) (central form) for every element.
#include "ex/ch02_activations.hpp"

namespace ex {

nn::Tensor<double> numerical_gradient(const std::function<double(const nn::Tensor<double>&)>& L,
                                      const nn::Tensor<double>& X, double h) {
  nn::Tensor<double> Xp = X;  // the copy we perturb
  nn::Tensor<double> g(X.shape());
  for (std::size_t i = 0; i < X.size(); ++i) {
    const double x = X[i];
    Xp[i] = x + h;
    const double up = L(Xp);            // L(X + h e_i)
    Xp[i] = x - h;
    const double down = L(Xp);          // L(X − h e_i)
    Xp[i] = x;                          // element i back, before the next one moves
    g[i] = (up - down) / (2 * h);       // Eq. (21), central form
  }
  return g;
}

}  // namespace ex
