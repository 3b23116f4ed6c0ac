// Typical mistake: db takes δ at (h', w') = (0, 0) only.
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::bias_not_summed_over_positions {

nn::Conv2dGradients<double> conv2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                            const nn::Tensor<double>& W, nn::ConvSpec spec) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), Wd = X.dim(3);
  const std::size_t Cp = W.dim(0), kH = W.dim(2), kW = W.dim(3), s = spec.stride, p = spec.pad;
  const std::size_t Ho = nn::conv_out_size(H, kH, s, p), Wo = nn::conv_out_size(Wd, kW, s, p);
  auto X_padded = [&](std::size_t r, std::size_t c, std::size_t hp, std::size_t wp) {
    return (hp < p || wp < p || hp - p >= H || wp - p >= Wd) ? 0.0 : X(r, c, hp - p, wp - p);
  };
  nn::Conv2dGradients<double> g{nn::Tensor<double>(X.shape()), nn::Tensor<double>(W.shape()),
                                nn::Tensor<double>(nn::Shape{Cp})};

  // db: every example and every position
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t cp = 0; cp < Cp; ++cp)
      g.db(cp) += dY(r, cp, 0, 0);

  // Eq. (43) without 1/R
  for (std::size_t cp = 0; cp < Cp; ++cp)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t j = 0; j < kH; ++j)
        for (std::size_t i = 0; i < kW; ++i)
          for (std::size_t r = 0; r < R; ++r)
            for (std::size_t ho = 0; ho < Ho; ++ho)
              for (std::size_t wo = 0; wo < Wo; ++wo)
                g.dW(cp, c, j, i) += X_padded(r, c, s * ho + j, s * wo + i) * dY(r, cp, ho, wo);

  // Eq. (42): 1. dilate δ by s and pad it with k − 1 zeros
  const std::size_t Hd = H + 2 * p + kH - 1, Wdd = Wd + 2 * p + kW - 1;
  nn::Tensor<double> D(nn::Shape{R, Cp, Hd, Wdd});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t cp = 0; cp < Cp; ++cp)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) D(r, cp, kH - 1 + s * ho, kW - 1 + s * wo) = dY(r, cp, ho, wo);
  // 2.–4. full convolution with the rotated kernels, then crop p on every side
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < Wd; ++w) {
          double sum = 0;
          for (std::size_t cp = 0; cp < Cp; ++cp)
            for (std::size_t j = 0; j < kH; ++j)
              for (std::size_t i = 0; i < kW; ++i)
                sum += W(cp, c, kH - 1 - j, kW - 1 - i) * D(r, cp, h + p + j, w + p + i);
          g.dX(r, c, h, w) = sum;
        }
  return g;
}

}  // namespace ex::mistake::bias_not_summed_over_positions

EX_MISTAKE(conv2d_backward, bias_not_summed_over_positions,
           "your db takes δ at the output pixel (h′, w′) = (0, 0) only, not summed over the positions",
           "b(c′) is added to every output pixel (h′, w′) of channel c′ (Eq. (39)), so its gradient is the sum of δ(r, c′, h′, w′) over all H′·W′ positions, and over the batch");
