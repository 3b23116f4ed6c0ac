// Exercise 4.1f — dense_backward, Eqs. (31)–(33). Replace the throw with your code.
#include "ex/ch03_dense.hpp"
#include "nn/errors.hpp"

namespace ex {

DenseGradients dense_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                              const nn::Tensor<double>& b, nn::ActivationFunction f) {
  (void)X, (void)W, (void)b, (void)f, (void)dY;
  // 1. Z = X W + b (Eq. (7) without f), and G = dY ⊙ f′(Z).
  // 2. dX = G Wᵀ      (Eq. (31) — with this layer's W, shape (R, n))
  // 3. dW = Xᵀ G      (Eq. (32), shape (n, m))
  // 4. db = Σ_r G(r,·) (Eq. (33) — summed over the batch, shape (m))
  throw nn::not_done("Exercise 4.1f — dense_backward, Eqs. (31)–(33)");
}

}  // namespace ex
