// Typical mistake: the mean over all R·m elements instead of the R rows.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::mean_over_elements {
nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y) {
  const double R = double(Yhat.dim(0));
  nn::Tensor<double> g(Yhat.shape());
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = 2.0 * (Yhat[i] - Y[i]) / double(g.size());
  (void)R;
  return g;
}
}  // namespace ex::mistake::mean_over_elements

EX_MISTAKE(l2_loss_gradient, mean_over_elements,
           "your gradient is 2(ŷ − y)/(R·m): divided by the number of elements instead of the batch size R",
           "Eq. (16) sums the squares over the m components of each example, ‖ŷ_r − y_r‖² = Σ_j (ŷ_rj − y_rj)², and the batch mean divides by the R examples only; dividing by R·m is the gradient of a different loss (the mean squared error per element, as some libraries define it)");
