// expect: wrong naming conv2d_backward__divides_by_R
// A student's conv2d_backward that is right except for the draft's 1/R in Eq. (43), written with
// its own loop order (dX by scattering, not by the rotated full convolution): the checker must
// name the catalogued mistake although the sums are added in another order.
#include "ex/ch04_convolution.hpp"
#include "nn/output_size.hpp"

namespace ex {

nn::Conv2dGradients<double> conv2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                            const nn::Tensor<double>& W, nn::ConvSpec spec) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), Wd = X.dim(3);
  const std::size_t Cp = W.dim(0), kH = W.dim(2), kW = W.dim(3), s = spec.stride, p = spec.pad;
  const std::size_t Ho = nn::conv_out_size(H, kH, s, p), Wo = nn::conv_out_size(Wd, kW, s, p);
  nn::Conv2dGradients<double> g{nn::Tensor<double>(X.shape()), nn::Tensor<double>(W.shape()),
                                nn::Tensor<double>(nn::Shape{Cp})};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t cp = 0; cp < Cp; ++cp)
      for (std::size_t ho = 0; ho < Ho; ++ho)
        for (std::size_t wo = 0; wo < Wo; ++wo) {
          const double d = dY(r, cp, ho, wo);
          g.db(cp) += d;
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t j = 0; j < kH; ++j)
              for (std::size_t i = 0; i < kW; ++i) {
                const std::size_t hp = s * ho + j, wp = s * wo + i;  // in the padded input
                if (hp < p || wp < p || hp - p >= H || wp - p >= Wd) continue;
                g.dW(cp, c, j, i) += X(r, c, hp - p, wp - p) * d / double(R);  // the draft's 1/R
                g.dX(r, c, hp - p, wp - p) += W(cp, c, j, i) * d;
              }
        }
  return g;
}

}  // namespace ex
