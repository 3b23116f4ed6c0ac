// Solution of exercise 4.1g — l2_loss_gradient, Eqs. (16) and (25) (corrected, batch mean).
#include "ex/ch03_dense.hpp"

namespace ex {

nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y) {
  const double R = double(Yhat.dim(0));
  nn::Tensor<double> g(Yhat.shape());
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = 2.0 * (Yhat[i] - Y[i]) / R;  // 2(ŷ − y)/R
  return g;
}

}  // namespace ex
