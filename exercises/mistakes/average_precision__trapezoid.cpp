// Typical mistake: the area under the raw curve by the trapezoid rule.
#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::trapezoid {
double average_precision(const nn::PrecisionRecall& curve) {
  double ap = 0, previous_recall = 0, previous_precision = 1;  // the curve starts at (0, 1)
  for (std::size_t k = 0; k < curve.recall.size(); ++k) {
    ap += (curve.recall[k] - previous_recall) * (curve.precision[k] + previous_precision) / 2;
    previous_recall = curve.recall[k];
    previous_precision = curve.precision[k];
  }
  return ap;
}
}  // namespace ex::mistake::trapezoid

EX_MISTAKE(average_precision, trapezoid,
           "your AP is the trapezoid-rule area under the raw precision–recall curve",
           "Eq. (D13) is a sum of rectangles: each recall step ρ_n − ρ_(n−1) times the interpolated precision max_(n′ ≥ n) π_(n′), the best precision at that recall or beyond; a trapezoid averages neighbouring raw precisions instead, which neither interpolates nor matches PASCAL VOC's AP");
