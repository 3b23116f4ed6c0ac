// Typical mistake: the draft's Eq. (43): dW divided by the batch size R.
#include "mistake.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex::mistake::divides_by_R {

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
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) g.db(cp) += dY(r, cp, ho, wo);

  // Eq. (43) without 1/R
  for (std::size_t cp = 0; cp < Cp; ++cp)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t j = 0; j < kH; ++j)
        for (std::size_t i = 0; i < kW; ++i)
          for (std::size_t r = 0; r < R; ++r)
            for (std::size_t ho = 0; ho < Ho; ++ho)
              for (std::size_t wo = 0; wo < Wo; ++wo)
                g.dW(cp, c, j, i) += X_padded(r, c, s * ho + j, s * wo + i) * dY(r, cp, ho, wo);

  for (auto& v : g.dW) v /= double(R);

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

}  // namespace ex::mistake::divides_by_R

EX_MISTAKE(conv2d_backward, divides_by_R,
           "your dW is the right one divided by R — the draft's 1/R of Eq. (43)",
           "the 1/R of the batch mean already sits in δ, from the loss's gradient; dividing again makes dW R times too small, and inconsistent with db and dX, which have none (design notes, \"One gradient convention\"; errata of chapter 4)");
