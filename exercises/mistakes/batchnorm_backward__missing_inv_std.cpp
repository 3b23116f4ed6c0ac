// Typical mistake: the factor (σ²+ε)^(-1/2) in front of Eq. (63) forgotten — δ^(l) comes out
// (σ²+ε)^{1/2} times too large (invisible only when σ² ≈ 1).
#include <cmath>

#include "mistake.hpp"
#include "ex/ch07_batchnorm.hpp"

namespace ex::mistake::missing_inv_std {
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
    double sum_d = 0, sum_dxh = 0;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          sum_d += dY(r, c, h, w);
          sum_dxh += dY(r, c, h, w) * (X(r, c, h, w) - mu) * s;
        }
    g.dgamma(c) = sum_dxh;
    g.dbeta(c) = sum_d;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          const double xh = (X(r, c, h, w) - mu) * s;
          g.dX(r, c, h, w) = gamma(c) / N * (N * dY(r, c, h, w) - sum_d - xh * sum_dxh);
        }
  }
  g.dX = g.dX.reshaped(X_in.shape());
  return g;
}
}  // namespace ex::mistake::missing_inv_std

EX_MISTAKE(batchnorm_backward, missing_inv_std,
           "your δ^(l) is √(σ² + ε) times too large: the factor (σ² + ε)^(-1/2) in front of Eq. (63) is missing",
           "X̂ = (X − μ)(σ² + ε)^(-1/2) (Eq. (54)), so every path from X to the output passes through that factor and Eq. (63) starts with γ_c(σ² + ε)^(-1/2)/N; it is invisible only when σ² ≈ 1");
