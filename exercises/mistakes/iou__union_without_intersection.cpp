// Typical mistake: the union taken as |A| + |B|, the intersection not subtracted.
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::union_without_intersection {
double iou(const nn::Box& a, const nn::Box& b) {
  const double iw = std::max(0.0, std::min(a.x2, b.x2) - std::max(a.x1, b.x1));
  const double ih = std::max(0.0, std::min(a.y2, b.y2) - std::max(a.y1, b.y1));
  const double uni = a.area() + b.area();
  return uni > 0 ? iw * ih / uni : 0.0;
}
}  // namespace ex::mistake::union_without_intersection

EX_MISTAKE(iou, union_without_intersection,
           "your IoU divides by |A| + |B|: the intersection is not subtracted from the union",
           "|A| + |B| counts the overlap twice; the union is |A| + |B| − |A ∩ B| (Eq. (D11)). With it two identical boxes give 1, without it 1/2");
