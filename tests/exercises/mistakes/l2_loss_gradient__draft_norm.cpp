// Typical mistake: the draft's Eq. (25), ∂L/∂ŷ = 2‖ŷ − y‖ — a norm (one positive number) where
// the vector 2(ŷ − y) belongs (here divided by R like the right answer, and put in every element).
#include <cmath>

#include "ex/ch03_dense.hpp"

namespace ex {
nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y) {
  double sq = 0;
  for (std::size_t i = 0; i < Y.size(); ++i) sq += (Yhat[i] - Y[i]) * (Yhat[i] - Y[i]);
  return nn::Tensor<double>(Yhat.shape(), 2 * std::sqrt(sq) / double(Yhat.dim(0)));
}
}  // namespace ex
