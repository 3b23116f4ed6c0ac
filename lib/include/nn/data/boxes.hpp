/// @file boxes.hpp
/// @brief Axis-aligned boxes in pixel coordinates, their IoU (Eq. (D11) of @ref ch08_detection)
///        and labelled boxes: what the scene and WIDER FACE readers produce and the detector
///        consumes.
#pragma once

#include <string>

namespace nn {

// ---- boxes and IoU ----------------------------------------------------------------------------

/// @brief An axis-aligned box in pixel coordinates covering [x1, x2) × [y1, y2): a box around
///        pixel columns 3…7 has x1 = 3, x2 = 8 (width 5).
struct Box {
  double x1 = 0;  ///< left edge
  double y1 = 0;  ///< top edge
  double x2 = 0;  ///< right edge (exclusive), ≥ x1 for a valid box
  double y2 = 0;  ///< bottom edge (exclusive), ≥ y1 for a valid box
  double width() const { return x2 - x1; }   ///< x2 − x1
  double height() const { return y2 - y1; }  ///< y2 − y1
  /// The area, 0 for an empty or inverted box.
  double area() const { return (x2 > x1 && y2 > y1) ? (x2 - x1) * (y2 - y1) : 0.0; }
  /// "[x1, y1, x2, y2]" with two decimals.
  std::string str() const;
};

/// @brief Intersection over union of two boxes — Eq. (D11), THE one IoU of the library:
/// @f[ \mathrm{IoU}(A, B) = \frac{|A \cap B|}{|A| + |B| - |A \cap B|} @f]
/// @param a, b  the boxes
/// @return a value in [0, 1]; 0 when they do not overlap or when the union is empty
double iou(const Box& a, const Box& b);

/// @brief A labelled box: a true object (ground truth) of one image.
struct LabeledBox {
  Box box;        ///< where it is
  int label = 0;  ///< its class, 0 … K − 1
};

}  // namespace nn
