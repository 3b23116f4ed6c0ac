// Typical mistake: pixel edges taken as inclusive (width x2 − x1 + 1), as in some older
// detection code, although nn::Box's x2 and y2 are exclusive.
#include <algorithm>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::inclusive_edges {
double iou(const nn::Box& a, const nn::Box& b) {
  const double iw = std::max(0.0, std::min(a.x2, b.x2) - std::max(a.x1, b.x1) + 1);
  const double ih = std::max(0.0, std::min(a.y2, b.y2) - std::max(a.y1, b.y1) + 1);
  const double inter = iw * ih;
  const double uni = (a.x2 - a.x1 + 1) * (a.y2 - a.y1 + 1) + (b.x2 - b.x1 + 1) * (b.y2 - b.y1 + 1) - inter;
  return uni > 0 ? inter / uni : 0.0;
}
}  // namespace ex::mistake::inclusive_edges

EX_MISTAKE(iou, inclusive_edges,
           "your widths and heights are x2 − x1 + 1: the boxes' right and bottom edges are taken as inclusive",
           "an nn::Box covers [x1, x2) × [y1, y2): x2 is the first column outside, so the width is x2 − x1 (a box around columns 3…7 has x1 = 3, x2 = 8). The +1 makes boxes that only touch overlap, and gives every box one row and column too many");
