// Exercise 4.2.6a — maxpool2d_backward, Eqs. (50)–(51). Replace the throw with your code.
#include "ex/ch06_maxpool.hpp"
#include "nn/errors.hpp"

namespace ex {

nn::Tensor<double> maxpool2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, std::size_t k,
                                      std::size_t s) {
  (void)X;
  (void)dY;
  (void)k;
  (void)s;
  // Start from δ^(l) = 0 of X's shape. For each (r, c, h', w') of dY: scan the window
  // X(r, c, h'·s + j, w'·s + i), 0 ≤ j < k, 0 ≤ i < k (not ≤ k: Eq. (49) has one too many),
  // keep the first maximum (strict '>'), and ADD dY(r, c, h', w') at its position.
  throw nn::not_done("Exercise 4.2.6a — maxpool2d_backward, Eqs. (49)–(51)");
}

}  // namespace ex
