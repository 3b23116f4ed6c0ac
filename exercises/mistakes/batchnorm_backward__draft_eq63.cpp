// Typical mistake: the draft's Eq. (63) as written — a stray "− μ_c'" inside the bracket and
// (σ²+ε)^(-3/2) (instead of (σ²+ε)^(-1)) in front of the last sum, under the common factor
// γ(σ²+ε)^(-1/2)/N. Eqs. (56)–(57) are taken correctly here, so only Eq. (63) is at fault.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch07_batchnorm.hpp"

namespace ex::mistake::draft_eq63 {
BatchNormGrads batchnorm_backward(const nn::Tensor<double>& dY_in, const nn::Tensor<double>& X_in,
                                  const nn::Tensor<double>& gamma, double eps) {
  // a rank-2 input (R, C) is (R, C, 1, 1): the same formulas with H = W = 1
  const std::size_t R = X_in.dim(0), C = X_in.dim(1), H = X_in.rank() == 4 ? X_in.dim(2) : 1,
                    W = X_in.rank() == 4 ? X_in.dim(3) : 1;
  const nn::Tensor<double> X = X_in.reshaped(nn::Shape{R, C, H, W}), dY = dY_in.reshaped(nn::Shape{R, C, H, W});
  const double N = double(R * H * W);
  BatchNormGrads g{nn::Tensor<double>(X.shape()), nn::Tensor<double>(nn::Shape{C}), nn::Tensor<double>(nn::Shape{C})};
  for (std::size_t c = 0; c < C; ++c) {
    double mu = 0, var = 0;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) mu += X(r, c, h, w) / N;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) var += (X(r, c, h, w) - mu) * (X(r, c, h, w) - mu) / N;
    const double s = 1 / std::sqrt(var + eps);
    double sum_d = 0, sum_dxc = 0, sum_dxh = 0;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          sum_d += dY(r, c, h, w);
          sum_dxc += dY(r, c, h, w) * (X(r, c, h, w) - mu);
          sum_dxh += dY(r, c, h, w) * (X(r, c, h, w) - mu) * s;
        }
    g.dgamma(c) = sum_dxh;
    g.dbeta(c) = sum_d;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w)
          g.dX(r, c, h, w) = gamma(c) * s / N *
                             (N * dY(r, c, h, w) - sum_d - mu - (X(r, c, h, w) - mu) * s * s * s * sum_dxc);
  }
  g.dX = g.dX.reshaped(X_in.shape());
  return g;
}
}  // namespace ex::mistake::draft_eq63

EX_MISTAKE(batchnorm_backward, draft_eq63,
           "your δ^(l) is the draft's Eq. (63) as printed: a stray − μ_c inside the bracket and (σ² + ε)^(-3/2) in front of Σ δ(X − μ)",
           "differentiating Eqs. (52)–(55) gives no μ term (the derivative of Σ(X − μ) is 0) and, written with X̂, the last term is X̂ Σ δX̂, i.e. (X − μ)(σ² + ε)^(-1) Σ δ(X − μ) under the common factor γ(σ² + ε)^(-1/2)/N; see the errata of Eq. (63)");
