// Typical mistake: the bias added to the first example only, not to every row of the batch (Eq. (7)).
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::bias_first_row_only {
nn::Tensor<double> dense_forward(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                 const nn::Tensor<double>& b, nn::ActivationFunction f) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  nn::Tensor<double> Y(nn::Shape{R, m});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) {
      double z = r == 0 ? b(j) : 0.0;
      for (std::size_t i = 0; i < n; ++i) z += X(r, i) * W(i, j);
      Y(r, j) = nn::activate(f, z);
    }
  return Y;
}
}  // namespace ex::mistake::bias_first_row_only

EX_MISTAKE(dense_forward, bias_first_row_only,
           "your Y has the bias b only in row 0; the other rows of the batch get f(X W) without b",
           "Eq. (7) adds the same b^(l) to every example: each row r of the batch is one example, Y(r, ·) = f(X(r, ·) W + b), so with R > 1 every row needs b");
