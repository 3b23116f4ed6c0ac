/// @file ch08_detection.hpp
/// @brief Exercises of the detection chapter (§1.3; @ref ch08_detection): IoU, Eq. (D11),
///        non-maximum suppression and average precision, Eq. (D13): declarations.
///
/// Complete the bodies in `exercises/stubs/iou.cpp`, `non_max_suppression.cpp` and
/// `average_precision.cpp`, then run `bash scripts/exercises.sh`. The library's own versions
/// are nn::iou, nn::non_max_suppression and nn::average_precision.
#pragma once

#include <cstddef>
#include <vector>

#include "nn/apps/detection.hpp"
#include "nn/data/boxes.hpp"

namespace ex {

/// @brief Exercise 1.3a — intersection over union of two boxes, Eq. (D11):
///        IoU(A, B) = |A ∩ B| / (|A| + |B| − |A ∩ B|).
///
/// A box covers [x1, x2) × [y1, y2) (nn::Box: x2 and y2 are exclusive, the width is x2 − x1).
/// The intersection is the overlap of the x intervals times that of the y intervals, each 0 if
/// the intervals do not overlap. Return 0 when the union is empty (two zero-area boxes).
/// @param a  the first box
/// @param b  the second box
/// @return   the IoU, in [0, 1]
double iou(const nn::Box& a, const nn::Box& b);

/// @brief Exercise 1.3b — greedy non-maximum suppression, per image and per class.
///
/// Take the detections in order of decreasing score (equal scores: earlier in the input first).
/// Keep a detection unless its IoU (Eq. (D11), nn::iou may be used) with an already *kept*
/// detection of the same image and the same class is greater than `iou_threshold`.
/// @param detections     the detections, in any order
/// @param iou_threshold  a detection overlapping a kept one by more than this is suppressed
/// @return               the indices (into `detections`) of the kept ones, by decreasing score
std::vector<std::size_t> non_max_suppression(const std::vector<nn::Detection>& detections, double iou_threshold);

/// @brief Exercise 1.3c — average precision of a precision–recall curve, all-point
///        interpolated (PASCAL VOC 2010 and later), Eq. (D13):
///        AP = Σ_n (ρ_n − ρ_{n−1}) · max_{n′ ≥ n} π_{n′}, with ρ_0 = 0.
/// @param curve  recall ρ_n and precision π_n after each detection, by decreasing score (recall
///               non-decreasing), at least one point
/// @return       the AP, in [0, 1]
double average_precision(const nn::PrecisionRecall& curve);

}  // namespace ex
