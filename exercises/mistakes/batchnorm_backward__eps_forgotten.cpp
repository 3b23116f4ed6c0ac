// Typical mistake: ε left out of (σ² + ε)^(-1/2), so δ^(l) is off where σ² is not much larger than ε.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch07_batchnorm.hpp"

namespace ex::mistake::eps_forgotten {
BatchNormGrads batchnorm_backward(const nn::Tensor<double>& dY_in, const nn::Tensor<double>& X_in,
                                  const nn::Tensor<double>& gamma, double) {
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
        for (std::size_t w = 0; w < W; ++w) mu += X(r, c, h, w) / N;  // Eq. (52)
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) var += (X(r, c, h, w) - mu) * (X(r, c, h, w) - mu) / N;  // Eq. (53)
    const double s = 1 / std::sqrt(var);
    double sum_d = 0, sum_dxh = 0;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          sum_d += dY(r, c, h, w);
          sum_dxh += dY(r, c, h, w) * (X(r, c, h, w) - mu) * s;  // δ X̂, Eq. (54)
        }
    g.dgamma(c) = sum_dxh;  // Eq. (56), no 1/R
    g.dbeta(c) = sum_d;     // Eq. (57), no 1/R
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          const double xh = (X(r, c, h, w) - mu) * s;
          g.dX(r, c, h, w) = gamma(c) * s / N * (N * dY(r, c, h, w) - sum_d - xh * sum_dxh);  // Eq. (63)
        }
  }
  g.dX = g.dX.reshaped(X_in.shape());
  return g;
}

}  // namespace ex::mistake::eps_forgotten

EX_MISTAKE(batchnorm_backward, eps_forgotten,
           "your gradients use (σ²)^(-1/2) instead of (σ² + ε)^(-1/2): ε is left out",
           "the forward pass divides by √(σ² + ε) (Eq. (54)), so its derivative (Eqs. (56), (63)) carries the same (σ² + ε)^(-1/2); without ε the backward pass is the derivative of another function, far off where σ² is of the order of ε");
