// Typical mistake: the factor (σ²+ε)^(-1/2) in front of Eq. (63) forgotten — δ^(l) comes out
// (σ²+ε)^{1/2} times too large (invisible only when σ² ≈ 1).
#include <cmath>

#include "ex/ch07_batchnorm.hpp"

namespace ex {
BatchNormGrads batchnorm_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                  const nn::Tensor<double>& gamma, double eps) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
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
  return g;
}
}  // namespace ex
