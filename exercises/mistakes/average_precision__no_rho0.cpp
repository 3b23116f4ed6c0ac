// Typical mistake: the first recall step ρ_1 − ρ_0 left out (the sum starts at the second point).
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::no_rho0 {
double average_precision(const nn::PrecisionRecall& curve) {
  const std::size_t n = curve.recall.size();
  std::vector<double> p(curve.precision);
  for (std::size_t k = n - 1; k-- > 0;) p[k] = std::max(p[k], p[k + 1]);
  double ap = 0;
  for (std::size_t k = 1; k < n; ++k) ap += (curve.recall[k] - curve.recall[k - 1]) * p[k];
  return ap;
}
}  // namespace ex::mistake::no_rho0

EX_MISTAKE(average_precision, no_rho0,
           "your AP leaves out the first step: the sum starts at n = 2, as if ρ_0 were ρ_1",
           "Eq. (D13) sums from n = 1 with ρ_0 = 0: the curve starts at recall 0, and the first true positive's step ρ_1 − 0 (times its interpolated precision) is part of the area. Leaving it out loses 1/(number of true objects) at once");
