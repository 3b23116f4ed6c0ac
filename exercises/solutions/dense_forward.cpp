// Solution of exercise 4.1e — dense_forward, Eq. (7).
#include "ex/ch03_dense.hpp"

namespace ex {

nn::Tensor<double> dense_forward(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                 const nn::Tensor<double>& b, nn::ActivationFunction f) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  nn::Tensor<double> Y(nn::Shape{R, m});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) {
      double z = b(j);                                  // the bias, added to every row
      for (std::size_t i = 0; i < n; ++i) z += X(r, i) * W(i, j);  // (X W)_{r,j}
      Y(r, j) = nn::activate(f, z);                     // Eq. (7)
    }
  return Y;
}

}  // namespace ex
