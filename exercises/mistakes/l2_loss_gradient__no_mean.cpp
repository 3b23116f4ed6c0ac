// Typical mistake: 2(ŷ − y) without the 1/R of the batch mean — the gradient of the sum over the
// batch, not of the loss L = (1/R) Σ_r ‖ŷ_r − y_r‖².
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::no_mean {
nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y) {
  nn::Tensor<double> g(Yhat.shape());
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = 2.0 * (Yhat[i] - Y[i]);
  return g;
}
}  // namespace ex::mistake::no_mean

EX_MISTAKE(l2_loss_gradient, no_mean,
           "your gradient is 2(ŷ − y): the 1/R of the batch mean is missing",
           "the loss is the mean over the batch, L = (1/R) Σ_r ‖ŷ_r − y_r‖² (Eq. (16) with the library's batch convention), so its gradient carries the same 1/R: 2(ŷ − y)/R. This 1/R enters here, once; the layers' backward passes do not divide again");
