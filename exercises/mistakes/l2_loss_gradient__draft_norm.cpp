// Typical mistake: the draft's Eq. (25), ∂L/∂ŷ = 2‖ŷ − y‖ — a norm (one positive number) where
// the vector 2(ŷ − y) belongs (here divided by R like the right answer, and put in every element).
#include <cmath>

#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::draft_norm {
nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y) {
  double sq = 0;
  for (std::size_t i = 0; i < Y.size(); ++i) sq += (Yhat[i] - Y[i]) * (Yhat[i] - Y[i]);
  return nn::Tensor<double>(Yhat.shape(), 2 * std::sqrt(sq) / double(Yhat.dim(0)));
}
}  // namespace ex::mistake::draft_norm

EX_MISTAKE(l2_loss_gradient, draft_norm,
           "your gradient is the draft's Eq. (25), 2‖ŷ − y‖/R, one positive number copied into every element",
           "the gradient of a scalar with respect to ŷ has one component per element of ŷ: ∂/∂ŷ_i of (1/R) Σ (ŷ_j − y_j)² is 2(ŷ_i − y_i)/R, a tensor with the sign of each ŷ_i − y_i (errata of Eq. (25))");
