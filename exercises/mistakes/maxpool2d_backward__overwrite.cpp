// Typical mistake: overlapping windows (s < k) overwrite each other's δ at a shared maximum
// ('=' instead of '+='), instead of summing them (Eq. (51) and the text below it).
#include "mistake.hpp"
#include "ex/ch06_maxpool.hpp"

namespace ex::mistake::overwrite {
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
              if (X(r, c, hp * s + j, wp * s + i) > X(r, c, bh, bw)) {
                bh = hp * s + j;
                bw = wp * s + i;
              }
          dX(r, c, bh, bw) = dY(r, c, hp, wp);
        }
  return dX;
}
}  // namespace ex::mistake::overwrite

EX_MISTAKE(maxpool2d_backward, overwrite,
           "your δ^(l) keeps only one window's δ where overlapping windows (s < k) share a maximum: '=' instead of '+='",
           "with s < k an input can be the maximum of several windows, and the chain rule sums over all of them (Eq. (50) summed over (h′, w′), corrected Eq. (51)); assigning keeps only the last window's δ");
