// Typical mistake: θ + α ∂L/∂θ — uphill, instead of Eq. (20)'s θ − α ∂L/∂θ.
#include "ex/ch03_dense.hpp"

namespace ex {
void sgd_step(nn::Tensor<double>& theta, const nn::Tensor<double>& gradient, double alpha) {
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] += alpha * gradient[i];
}
}  // namespace ex
