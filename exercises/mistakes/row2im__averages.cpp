// Typical mistake: every pixel divided by the number of windows that cover it (the inverse, not the adjoint).
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::averages {

nn::Tensor<double> row2im(const nn::Tensor<double>& rows, const nn::Shape& x_shape, std::size_t kH, std::size_t kW,
                          nn::ConvSpec spec) {
  const std::size_t R = x_shape[0], C = x_shape[1], H = x_shape[2], Wd = x_shape[3], s = spec.stride, p = spec.pad;
  const std::size_t Ho = nn::conv_out_size(H, kH, s, p), Wo = nn::conv_out_size(Wd, kW, s, p);  // Eqs. (34)-(35)
  nn::Tensor<double> X(x_shape), count(x_shape);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t ho = 0; ho < Ho; ++ho)
      for (std::size_t wo = 0; wo < Wo; ++wo)
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t j = 0; j < kH; ++j)
            for (std::size_t i = 0; i < kW; ++i) {
              const std::size_t hp = s * ho + j, wp = s * wo + i;  // position in the padded input X̃
              const bool inside = hp >= p && wp >= p && hp - p < H && wp - p < Wd;  // padding is dropped
              if (inside) X(r, c, hp - p, wp - p) += rows((r * Ho + ho) * Wo + wo, (c * kH + j) * kW + i);
              if (inside) count(r, c, hp - p, wp - p) += 1;
            }
  for (std::size_t k = 0; k < X.size(); ++k)
    if (count[k] > 0) X[k] /= count[k];  // the mean of the windows
  return X;
}

}  // namespace ex::mistake::averages

EX_MISTAKE(row2im, averages,
           "your row2im divides every pixel by the number of windows that cover it: that undoes im2row (its inverse), it is not the adjoint",
           "the identity ⟨im2row(X), M⟩ = ⟨X, row2im(M)⟩, and the chain rule of Eq. (42), need the sum: every window that read a pixel adds its gradient to it. Averaging recovers X from im2row(X), which is a different question");
