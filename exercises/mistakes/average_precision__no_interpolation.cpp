// Typical mistake: the raw precision π_n in place of the interpolated max_{n′ ≥ n} π_{n′}.
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::no_interpolation {
double average_precision(const nn::PrecisionRecall& curve) {
  double ap = 0, previous = 0;
  for (std::size_t k = 0; k < curve.recall.size(); ++k) {
    ap += (curve.recall[k] - previous) * curve.precision[k];
    previous = curve.recall[k];
  }
  return ap;
}
}  // namespace ex::mistake::no_interpolation

EX_MISTAKE(average_precision, no_interpolation,
           "your AP uses each point's own precision π_n: the interpolation max_{n′ ≥ n} π_{n′} is missing",
           "Eq. (D13) raises every precision to the best precision at the same or a larger recall before summing, so a curve that dips and recovers (a false positive followed by true ones) is not punished twice; without it the AP is the raw step area, smaller wherever a later precision is higher");
