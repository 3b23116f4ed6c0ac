// Typical mistake: the running maximum starts at 0 (with the argmax at the window's corner), so
// in a window whose values are all negative δ goes to the corner instead of the maximum.
#include "mistake.hpp"
#include "ex/ch06_maxpool.hpp"

namespace ex::mistake::max_from_zero {
nn::Tensor<double> maxpool2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, std::size_t k,
                                      std::size_t s) {
  nn::Tensor<double> dX(X.shape(), 0.0);
  for (std::size_t r = 0; r < dY.dim(0); ++r)
    for (std::size_t c = 0; c < dY.dim(1); ++c)
      for (std::size_t hp = 0; hp < dY.dim(2); ++hp)
        for (std::size_t wp = 0; wp < dY.dim(3); ++wp) {
          double m = 0;
          std::size_t bh = hp * s, bw = wp * s;
          for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i)
              if (X(r, c, hp * s + j, wp * s + i) > m) {
                m = X(r, c, hp * s + j, wp * s + i);
                bh = hp * s + j;
                bw = wp * s + i;
              }
          dX(r, c, bh, bw) += dY(r, c, hp, wp);
        }
  return dX;
}
}  // namespace ex::mistake::max_from_zero

EX_MISTAKE(maxpool2d_backward, max_from_zero,
           "your δ^(l) puts a window's δ at its top-left corner when all its values are negative: the running maximum starts at 0",
           "no value of an all-negative window beats 0, so the argmax is never found; Eq. (49)'s maximum is over the window's own values: start the search from the window's first value (or −∞)");
