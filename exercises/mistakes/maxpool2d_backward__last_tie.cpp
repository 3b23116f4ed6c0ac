// Typical mistake: '>=' in the argmax search, so on a tie the LAST maximum of the window (in
// row-major order) receives δ instead of the first.
#include "mistake.hpp"
#include "ex/ch06_maxpool.hpp"

namespace ex::mistake::last_tie {
nn::Tensor<double> maxpool2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, std::size_t k,
                                      std::size_t s) {
  nn::Tensor<double> dX(X.shape(), 0.0);
  for (std::size_t r = 0; r < dY.dim(0); ++r)
    for (std::size_t c = 0; c < dY.dim(1); ++c)
      for (std::size_t hp = 0; hp < dY.dim(2); ++hp)
        for (std::size_t wp = 0; wp < dY.dim(3); ++wp) {
          std::size_t bh = hp * s, bw = wp * s;
          for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i)
              if (X(r, c, hp * s + j, wp * s + i) >= X(r, c, bh, bw)) {
                bh = hp * s + j;
                bw = wp * s + i;
              }
          dX(r, c, bh, bw) += dY(r, c, hp, wp);
        }
  return dX;
}
}  // namespace ex::mistake::last_tie

EX_MISTAKE(maxpool2d_backward, last_tie,
           "your δ^(l) gives a tied window's δ to its LAST maximum in row-major order: '>=' instead of '>' in the argmax search",
           "at a tie any tied position gives a valid subgradient, but the exercise, like nn::maxpool2d_backward and the cache the forward pass keeps, fixes one: the first maximum in row-major order (j outer, i inner), found with a strict '>'");
