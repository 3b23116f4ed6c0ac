// Typical mistake: the 11-point AP of PASCAL VOC 2007 instead of the all-point AP.
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::eleven_point {
double average_precision(const nn::PrecisionRecall& curve) {
  double ap = 0;
  for (int t = 0; t <= 10; ++t) {  // recall levels 0, 0.1, …, 1
    double best = 0;
    for (std::size_t k = 0; k < curve.recall.size(); ++k)
      if (curve.recall[k] >= t / 10.0) best = std::max(best, curve.precision[k]);
    ap += best / 11;
  }
  return ap;
}
}  // namespace ex::mistake::eleven_point

EX_MISTAKE(average_precision, eleven_point,
           "your AP is the 11-point average of PASCAL VOC 2007 (the interpolated precision at recall 0, 0.1, …, 1)",
           "Eq. (D13) is the all-point AP of VOC 2010 and later: every increase of recall ρ_n − ρ_{n−1} is weighted by the interpolated precision there, the exact area under the interpolated curve. The 11-point mean samples it only at 11 recall levels");
