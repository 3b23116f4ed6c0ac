// Solution of exercise 1.3c — average_precision, all-point interpolated, Eq. (D13).
#include <algorithm>

#include "ex/ch08_detection.hpp"

namespace ex {

double average_precision(const nn::PrecisionRecall& curve) {
  const std::size_t n = curve.recall.size();
  // the interpolated precision max_{n' ≥ n} π_{n'}, scanning from the end
  std::vector<double> p(curve.precision);
  for (std::size_t k = n - 1; k-- > 0;) p[k] = std::max(p[k], p[k + 1]);
  double ap = 0, previous = 0;  // ρ_0 = 0
  for (std::size_t k = 0; k < n; ++k) {
    ap += (curve.recall[k] - previous) * p[k];  // Eq. (D13): (ρ_n − ρ_{n−1}) · interpolated π_n
    previous = curve.recall[k];
  }
  return ap;
}

}  // namespace ex
