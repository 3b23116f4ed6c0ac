// Typical mistake: 2(ŷ − y) without the 1/R of the batch mean — the gradient of the sum over the
// batch, not of the loss L = (1/R) Σ_r ‖ŷ_r − y_r‖².
#include "ex/ch03_dense.hpp"

namespace ex {
nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y) {
  nn::Tensor<double> g(Yhat.shape());
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = 2.0 * (Yhat[i] - Y[i]);
  return g;
}
}  // namespace ex
