// Typical mistake: W read as if it were stored m×n: W[j·n + i] for W(i, j).
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::weight_transposed {
nn::Tensor<double> dense_forward(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                 const nn::Tensor<double>& b, nn::ActivationFunction f) {
  const std::size_t R = X.dim(0), n = X.dim(1), m = W.dim(1);
  nn::Tensor<double> Y(nn::Shape{R, m});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = 0; j < m; ++j) {
      double z = b(j);
      for (std::size_t i = 0; i < n; ++i) z += X(r, i) * W[j * n + i];  // W as m×n
      Y(r, j) = nn::activate(f, z);
    }
  return Y;
}
}  // namespace ex::mistake::weight_transposed

EX_MISTAKE(dense_forward, weight_transposed,
           "your Y uses W as if it were stored m×n (outputs × inputs): W[j·n + i] where W(i, j) belongs",
           "the report's W^(l) is n×m, inputs × outputs, so that X^(l) W^(l) is (R×n)(n×m) = R×m (Eq. (7)); element (i, j) sits at i·m + j and connects input i to output j");
