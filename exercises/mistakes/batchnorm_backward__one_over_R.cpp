// Typical mistake: the draft's 1/R in Eqs. (56)–(57). Under the project's convention the loss
// already takes the batch mean, so δ^(l+1) carries 1/R and a second 1/R makes ∂L/∂γ and ∂L/∂β
// R times too small. (δ^(l) is correct here.)
#include <cmath>

#include "mistake.hpp"
#include "ex/ch07_batchnorm.hpp"

namespace ex::mistake::one_over_R {
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
    g.dgamma(c) = sum_dxh / double(R);
    g.dbeta(c) = sum_d / double(R);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          const double xh = (X(r, c, h, w) - mu) * s;
          g.dX(r, c, h, w) = gamma(c) * s / N * (N * dY(r, c, h, w) - sum_d - xh * sum_dxh);
        }
  }
  g.dX = g.dX.reshaped(X_in.shape());
  return g;
}
}  // namespace ex::mistake::one_over_R

EX_MISTAKE(batchnorm_backward, one_over_R,
           "your ∂L/∂γ and ∂L/∂β are the right ones divided by R: the draft's 1/R of Eqs. (56)–(57)",
           "in this project δ^(l+1) already carries the loss's batch mean 1/R (design notes, 'One gradient convention'), so a second 1/R makes dγ and dβ R times too small; the errata of Eqs. (56)–(57) show the gradient check failing by that factor");
