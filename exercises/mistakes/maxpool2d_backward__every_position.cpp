// Typical mistake: δ of a window sent to every position of the window (as if pooling averaged
// without dividing), instead of only to its maximum (Eq. (51)).
#include "mistake.hpp"
#include "ex/ch06_maxpool.hpp"

namespace ex::mistake::every_position {
nn::Tensor<double> maxpool2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, std::size_t k,
                                      std::size_t s) {
  nn::Tensor<double> dX(X.shape(), 0.0);
  for (std::size_t r = 0; r < dY.dim(0); ++r)
    for (std::size_t c = 0; c < dY.dim(1); ++c)
      for (std::size_t hp = 0; hp < dY.dim(2); ++hp)
        for (std::size_t wp = 0; wp < dY.dim(3); ++wp)
          for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i) dX(r, c, hp * s + j, wp * s + i) += dY(r, c, hp, wp);
  return dX;
}
}  // namespace ex::mistake::every_position

EX_MISTAKE(maxpool2d_backward, every_position,
           "your δ^(l) gives every position of a window that window's δ, as if the pooling were a sum",
           "max depends only on the window's maximum: ∂ max/∂X is 1 at the argmax and 0 at the other k² − 1 positions (Eq. (50)), so δ goes to the argmax alone (corrected Eq. (51), Figure 8)");
