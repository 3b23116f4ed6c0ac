// Typical mistake: the step taken on a copy of θ, which is thrown away.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::updates_copy {
void sgd_step(nn::Tensor<double>& theta, const nn::Tensor<double>& gradient, double alpha) {
  nn::Tensor<double> t = theta;  // a copy: the caller's θ never changes
  for (std::size_t i = 0; i < t.size(); ++i) t[i] -= alpha * gradient[i];
}
}  // namespace ex::mistake::updates_copy

EX_MISTAKE(sgd_step, updates_copy,
           "your θ is unchanged: the step was taken on a copy of θ",
           "θ is passed by reference and must be updated in place (Eq. (20), θ ← θ − α ∂L/∂θ); `nn::Tensor<double> t = theta;` makes a copy, and its update is lost when the function returns");
