// Typical mistake: statistics per example — μ and σ² over the (h, w) of each example's map, not
// over the whole batch (the loop over r outside instead of inside the sums of Eqs. (52)–(53)).
#include <cmath>

#include "mistake.hpp"
#include "ex/ch07_batchnorm.hpp"

namespace ex::mistake::per_example_statistics {
BatchNormForward batchnorm_forward(const nn::Tensor<double>& X_in, const nn::Tensor<double>& gamma,
                                   const nn::Tensor<double>& beta, double eps) {
  // a rank-2 input (R, C) is (R, C, 1, 1): the same formulas with H = W = 1
  const std::size_t R = X_in.dim(0), C = X_in.dim(1), H = X_in.rank() == 4 ? X_in.dim(2) : 1,
                    W = X_in.rank() == 4 ? X_in.dim(3) : 1;
  const nn::Tensor<double> X = X_in.reshaped(nn::Shape{R, C, H, W});
  const double N = double(H * W);  // the values of one example's feature map
  BatchNormForward f{nn::Tensor<double>(X.shape()), nn::Tensor<double>(nn::Shape{C}), nn::Tensor<double>(nn::Shape{C})};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) {
      double mu = 0, var = 0;
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) mu += X(r, c, h, w) / N;
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) var += (X(r, c, h, w) - mu) * (X(r, c, h, w) - mu) / N;
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          const double xh = (X(r, c, h, w) - mu) / std::sqrt(var + eps);
          f.Y(r, c, h, w) = gamma(c) * xh + beta(c);
        }
      f.mean(c) = mu;  // the last example's
      f.var(c) = var;
    }
  f.Y = f.Y.reshaped(X_in.shape());
  return f;
}

}  // namespace ex::mistake::per_example_statistics

EX_MISTAKE(batchnorm_forward, per_example_statistics,
           "your μ and σ² are taken over the (h, w) of each example separately, not over the whole batch (r, h, w) of a channel",
           "batch normalization is per channel across the batch: Eqs. (52)–(53) sum over r as well as h and w (N = R·H·W). Per example it becomes instance normalisation, and for a rank-2 input (H = W = 1) every σ² is 0 and X̂ = 0");
