// Solution of exercise 4.2.6a — maxpool2d_backward, Eqs. (50)–(51).
#include "ex/ch06_maxpool.hpp"

namespace ex {

nn::Tensor<double> maxpool2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, std::size_t k,
                                      std::size_t s) {
  nn::Tensor<double> dX(X.shape(), 0.0);  // Eq. (51): 0 wherever no window's maximum lies
  for (std::size_t r = 0; r < dY.dim(0); ++r)
    for (std::size_t c = 0; c < dY.dim(1); ++c)
      for (std::size_t hp = 0; hp < dY.dim(2); ++hp)
        for (std::size_t wp = 0; wp < dY.dim(3); ++wp) {
          // Eq. (49): the window 0 ≤ j < k, 0 ≤ i < k; the first maximum in row-major order wins
          std::size_t bh = hp * s, bw = wp * s;
          for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i)
              if (X(r, c, hp * s + j, wp * s + i) > X(r, c, bh, bw)) {
                bh = hp * s + j;
                bw = wp * s + i;
              }
          dX(r, c, bh, bw) += dY(r, c, hp, wp);  // Eq. (51): routed to the argmax, summed over windows
        }
  return dX;
}

}  // namespace ex
