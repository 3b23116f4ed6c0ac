// Solution of exercise 1.3a — iou, Eq. (D11).
#include <algorithm>

#include "ex/ch08_detection.hpp"

namespace ex {

double iou(const nn::Box& a, const nn::Box& b) {
  // |A ∩ B|: the overlap of [x1, x2) and of [y1, y2), each clamped at 0 (edges exclusive: no +1)
  const double iw = std::max(0.0, std::min(a.x2, b.x2) - std::max(a.x1, b.x1));
  const double ih = std::max(0.0, std::min(a.y2, b.y2) - std::max(a.y1, b.y1));
  const double inter = iw * ih;
  const double area_a = std::max(0.0, a.x2 - a.x1) * std::max(0.0, a.y2 - a.y1);
  const double area_b = std::max(0.0, b.x2 - b.x1) * std::max(0.0, b.y2 - b.y1);
  const double uni = area_a + area_b - inter;  // Eq. (D11)'s denominator: the intersection counted once
  return uni > 0 ? inter / uni : 0.0;          // Eq. (D11); an empty union gives 0
}

}  // namespace ex
