// Exercise 4.2.5a — maxpool2d_forward, Eqs. (46)–(49). Replace the throw with your code.
#include "ex/ch06_maxpool.hpp"
#include "nn/errors.hpp"
#include "nn/output_size.hpp"

namespace ex {

nn::Tensor<double> maxpool2d_forward(const nn::Tensor<double>& X, std::size_t k, std::size_t s) {
  (void)X;
  (void)k;
  (void)s;
  // 1. H' = nn::conv_out_size(H, k, s), W' = nn::conv_out_size(W, k, s) (Eqs. (46)-(47));
  //    Y has shape (R, C, H', W') (Eq. (48)).
  // 2. Eq. (49): Y(r, c, h', w') = the maximum of X(r, c, h'·s + j, w'·s + i) over 0 ≤ j < k,
  //    0 ≤ i < k (not ≤ k: the draft's window is one too wide). Start the running maximum from
  //    a value of the window, since every value of a window may be negative.
  throw nn::not_done("Exercise 4.2.5a — maxpool2d_forward, Eqs. (46)–(49)");
}

}  // namespace ex
