// Typical mistake: the intersection's width and height not clamped at 0, so boxes apart in one
// direction give a negative "intersection", and apart in both a positive one.
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::unclamped {
double iou(const nn::Box& a, const nn::Box& b) {
  const double iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const double ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  const double inter = iw * ih;
  const double uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0;
}
}  // namespace ex::mistake::unclamped

EX_MISTAKE(iou, unclamped,
           "your intersection's width or height goes negative where the boxes are apart: min(x2) − max(x1) is not clamped at 0",
           "two intervals that do not overlap have an empty intersection, of length 0, not the negative gap between them; a negative width times a positive height gives a negative IoU, and two negative ones a positive IoU for boxes that do not touch (Eq. (D11) needs |A ∩ B| ≥ 0)");
