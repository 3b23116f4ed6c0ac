// Typical mistake: 2(y − ŷ)/R: the difference taken the wrong way round.
#include "mistake.hpp"
#include "ex/ch03_dense.hpp"

namespace ex::mistake::sign_flipped {
nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y) {
  const double R = double(Yhat.dim(0));
  nn::Tensor<double> g(Yhat.shape());
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = 2.0 * (Y[i] - Yhat[i]) / R;
  (void)R;
  return g;
}
}  // namespace ex::mistake::sign_flipped

EX_MISTAKE(l2_loss_gradient, sign_flipped,
           "your gradient is 2(y − ŷ)/R: the right size with the opposite sign",
           "∂/∂ŷ of (ŷ − y)² is +2(ŷ − y) (and of (y − ŷ)² too: the square makes both the same loss, but the chain rule through y − ŷ adds a factor −1). With the sign flipped, Eq. (20) would climb the loss");
