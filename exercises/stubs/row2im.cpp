// Exercise 4.2.1c — row2im, the adjoint of im2row. Replace the throw.
#include "ex/ch04_convolution.hpp"
#include "nn/errors.hpp"
#include "nn/output_size.hpp"

namespace ex {

nn::Tensor<double> row2im(const nn::Tensor<double>& rows, const nn::Shape& x_shape, std::size_t kH, std::size_t kW,
                          nn::ConvSpec spec) {
  (void)rows;
  (void)x_shape;
  (void)kH;
  (void)kW;
  (void)spec;
  // X starts as zeros of shape x_shape = (R, C, H, W); H' and W' from nn::conv_out_size (Eqs. (34)-(35)).
  // For every row (r·H' + h')·W' + w' and column (c·kH + j)·kW + i, the entry came from X̃(r, c, s·h' + j, s·w' + i):
  //   X(r, c, s·h' + j − p, s·w' + i − p) += rows(...)   if that position lies inside X,
  //   nothing                                           if it lies in the padding.
  // Add (+=), don't assign: when s < k the windows overlap and one pixel is in several rows.
  throw nn::not_done("Exercise 4.2.1c — row2im, Eq. (42), the adjoint of im2row");
}

}  // namespace ex
