// Typical mistake: the draft's Eq. (51) condition read literally — every position whose value
// equals the window's maximum receives δ, so a tie counts δ twice.
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch06_maxpool.hpp"

namespace ex::mistake::every_tie {
nn::Tensor<double> maxpool2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, std::size_t k,
                                      std::size_t s) {
  nn::Tensor<double> dX(X.shape(), 0.0);
  for (std::size_t r = 0; r < dY.dim(0); ++r)
    for (std::size_t c = 0; c < dY.dim(1); ++c)
      for (std::size_t hp = 0; hp < dY.dim(2); ++hp)
        for (std::size_t wp = 0; wp < dY.dim(3); ++wp) {
          double m = X(r, c, hp * s, wp * s);
          for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i) m = std::max(m, X(r, c, hp * s + j, wp * s + i));
          for (std::size_t j = 0; j < k; ++j)
            for (std::size_t i = 0; i < k; ++i)
              if (X(r, c, hp * s + j, wp * s + i) == m) dX(r, c, hp * s + j, wp * s + i) += dY(r, c, hp, wp);
        }
  return dX;
}
}  // namespace ex::mistake::every_tie

EX_MISTAKE(maxpool2d_backward, every_tie,
           "your δ^(l) gives a window's δ to every position equal to its maximum, so a tie receives it twice",
           "the draft's Eq. (51) condition X = max, read literally; at a tie max has no derivative, and the library (and the report's 'responsible neuron') picks one subgradient: the first maximum in row-major order alone gets δ, which keeps Σδ^(l) = Σδ^(l+1)");
