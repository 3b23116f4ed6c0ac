// Exercise 4.1e — dense_forward, Eq. (7). Replace the throw with your code.
#include "ex/ch03_dense.hpp"
#include "nn/errors.hpp"

namespace ex {

nn::Tensor<double> dense_forward(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                 const nn::Tensor<double>& b, nn::ActivationFunction f) {
  (void)X, (void)W, (void)b, (void)f;
  // Eq. (7): X^(l+1) = f(X^(l) W^(l) + b^(l)).  X is R×n, W is n×m, b has m elements and is
  // added to every row r:  Y(r, j) = f( Σ_i X(r, i) W(i, j) + b(j) ).
  throw nn::not_done("Exercise 4.1e — dense_forward, Eq. (7)");
}

}  // namespace ex
