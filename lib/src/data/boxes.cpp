/// @file boxes.cpp
/// @brief Box::str and IoU, Eq. (D11).
#include "nn/data/boxes.hpp"

#include <algorithm>

#include <boost/format.hpp>

namespace nn {

std::string Box::str() const { return (boost::format("[%.2f, %.2f, %.2f, %.2f]") % x1 % y1 % x2 % y2).str(); }

double iou(const Box& a, const Box& b) {
  // |A ∩ B|: the overlap of the two intervals in x times that in y (0 if either is empty)
  const double iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const double ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  if (!(iw > 0) || !(ih > 0)) return 0.0;
  const double inter = iw * ih;
  const double uni = a.area() + b.area() - inter;  // Eq. (D11)'s denominator
  return uni > 0 ? inter / uni : 0.0;
}

}  // namespace nn
