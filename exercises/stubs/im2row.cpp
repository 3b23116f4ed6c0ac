// Exercise 4.2.1b — im2row: every window of the padded input as one row of a matrix.
// Replace the throw.
#include "ex/ch04_convolution.hpp"
#include "nn/errors.hpp"
#include "nn/output_size.hpp"

namespace ex {

nn::Tensor<double> im2row(const nn::Tensor<double>& X, std::size_t kH, std::size_t kW, nn::ConvSpec spec) {
  (void)X;
  (void)kH;
  (void)kW;
  (void)spec;
  // The matrix has R·H'·W' rows (one per output pixel) and C·kH·kW columns (one per kernel entry).
  // rows((r·H' + h')·W' + w', (c·kH + j)·kW + i) = X̃(r, c, s·h' + j, s·w' + i), 0 in the padding.
  // Then Eq. (39) is one matrix product: Y = im2row(X) · Wᵀ with W reshaped to (C', C·kH·kW).
  throw nn::not_done("Exercise 4.2.1b — im2row, Eq. (39) as a matrix product");
}

}  // namespace ex
