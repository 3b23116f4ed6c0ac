// Typical mistake: (ŷ − y)/R: the 2 of the derivative of the square forgotten.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::missing_two {
nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y) {
  const double R = double(Yhat.dim(0));
  nn::Tensor<double> g(Yhat.shape());
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = (Yhat[i] - Y[i]) / R;
  (void)R;
  return g;
}
}  // namespace ex::mistake::missing_two

EX_MISTAKE(l2_loss_gradient, missing_two,
           "your gradient is (ŷ − y)/R: half the right one",
           "d/du u² = 2u: Eq. (16) has no ½ in front (some texts put one there to cancel the 2), so the gradient is 2(ŷ − y)/R");
