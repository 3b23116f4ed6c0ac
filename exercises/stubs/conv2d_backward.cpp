// Exercise 4.2.2a — conv2d_backward, Eqs. (40)-(43) corrected. Replace the throw.
#include "ex/ch04_convolution.hpp"
#include "nn/errors.hpp"
#include "nn/output_size.hpp"

namespace ex {

nn::Conv2dGradients<double> conv2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                            const nn::Tensor<double>& W, nn::ConvSpec spec) {
  (void)X;
  (void)W;
  (void)dY;
  (void)spec;
  // db(c')          = Σ_r Σ_h' Σ_w' dY(r, c', h', w')                      (every example, every position)
  // dW(c', c, j, i) = Σ_r Σ_h' Σ_w' X̃(r, c, s·h' + j, s·w' + i) dY(r, c', h', w')   (Eq. (43), no 1/R)
  // dX, Eq. (42): 1. dilate δ: put dY(r, c', h', w') at (kH − 1 + s·h', kW − 1 + s·w') of a zero
  //                  tensor D of size (H + 2p + kH − 1) × (W + 2p + kW − 1);
  //               2. rotate every kernel by 180°: rot(W)(c', c, j, i) = W(c', c, kH−1−j, kW−1−i);
  //               3. dX̃(r, c, h, w) = Σ_c' Σ_j Σ_i rot(W)(c', c, j, i) D(r, c', h + j, w + i);
  //               4. crop: dX(r, c, h, w) = dX̃(r, c, h + p, w + p).
  throw nn::not_done("Exercise 4.2.2a — conv2d_backward, Eqs. (40)–(43)");
}

}  // namespace ex
