// Typical mistake: γ and β swapped in Eq. (55): Y = β X̂ + γ.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch07_batchnorm.hpp"

namespace ex::mistake::gamma_beta_swapped {
BatchNormForward batchnorm_forward(const nn::Tensor<double>& X_in, const nn::Tensor<double>& gamma,
                                   const nn::Tensor<double>& beta, double eps) {
  // a rank-2 input (R, C) is (R, C, 1, 1): the same formulas with H = W = 1
  const std::size_t R = X_in.dim(0), C = X_in.dim(1), H = X_in.rank() == 4 ? X_in.dim(2) : 1,
                    W = X_in.rank() == 4 ? X_in.dim(3) : 1;
  const nn::Tensor<double> X = X_in.reshaped(nn::Shape{R, C, H, W});
  const double N = double(R * H * W);  // the values of one channel
  BatchNormForward f{nn::Tensor<double>(X.shape()), nn::Tensor<double>(nn::Shape{C}), nn::Tensor<double>(nn::Shape{C})};
  for (std::size_t c = 0; c < C; ++c) {
    double mu = 0, var = 0;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) mu += X(r, c, h, w) / N;  // Eq. (52)
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) var += (X(r, c, h, w) - mu) * (X(r, c, h, w) - mu) / N;  // Eq. (53)
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          const double xh = (X(r, c, h, w) - mu) / std::sqrt(var + eps);  // Eq. (54)
          f.Y(r, c, h, w) = beta(c) * xh + gamma(c);
        }
    f.mean(c) = mu;
    f.var(c) = var;
  }
  f.Y = f.Y.reshaped(X_in.shape());
  return f;
}

}  // namespace ex::mistake::gamma_beta_swapped

EX_MISTAKE(batchnorm_forward, gamma_beta_swapped,
           "your Y is β X̂ + γ: γ and β are swapped",
           "Eq. (55) is X^(l+1) = γ_c X̂ + β_c: γ scales (it restores a variance) and β shifts (it restores a mean). μ and σ² are right, so the mistake is in the last line only");
