// Solution of exercise 4.1h — sgd_step, Eq. (20).
#include "ex/ch03_dense.hpp"

namespace ex {

void sgd_step(nn::Tensor<double>& theta, const nn::Tensor<double>& gradient, double alpha) {
  for (std::size_t i = 0; i < theta.size(); ++i) theta[i] -= alpha * gradient[i];  // θ ← θ − α ∂L/∂θ
}

}  // namespace ex
