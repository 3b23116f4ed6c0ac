// Exercise 4.1g — l2_loss_gradient, Eqs. (16) and (25). Replace the throw with your code.
#include "ex/ch03_dense.hpp"
#include "nn/errors.hpp"

namespace ex {

nn::Tensor<double> l2_loss_gradient(const nn::Tensor<double>& Yhat, const nn::Tensor<double>& Y) {
  (void)Yhat, (void)Y;
  // L = (1/R) Σ_r ‖ŷ_r − y_r‖²  (Eq. (16), mean over the R rows of the batch).
  // Its gradient has the shape of ŷ: one number per element (Eq. (25), corrected).
  throw nn::not_done("Exercise 4.1g — l2_loss_gradient, Eqs. (16), (25)");
}

}  // namespace ex
