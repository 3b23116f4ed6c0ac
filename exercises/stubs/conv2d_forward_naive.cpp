// Exercise 4.2.1a — conv2d_forward_naive, Eq. (39) with stride s and zero padding p.
// Replace the throw with the loops of Eq. (39).
#include "ex/ch04_convolution.hpp"
#include "nn/errors.hpp"
#include "nn/output_size.hpp"

namespace ex {

nn::Tensor<double> conv2d_forward_naive(const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                                        const nn::Tensor<double>& b, nn::ConvSpec spec) {
  (void)X;
  (void)W;
  (void)b;
  (void)spec;
  // 1. H' = nn::conv_out_size(H, kH, s, p), W' likewise (Eqs. (34)-(35)); Y has shape (R, C', H', W').
  // 2. For every r, c', h', w': sum over c, j, i of X̃(r, c, s·h' + j, s·w' + i) · W(c', c, j, i),
  //    where X̃ is X with p zeros around it (Figure 7): X̃(.., hp, wp) = X(.., hp − p, wp − p)
  //    inside, 0 outside. Note the s: the draft's Eq. (39) forgets it (Eqs. (37)-(38) define it).
  // 3. Add b(c').
  throw nn::not_done("Exercise 4.2.1a — conv2d_forward_naive, Eqs. (34)–(39)");
}

}  // namespace ex
