// Exercise 1.3b — non_max_suppression (greedy NMS, IoU of Eq. (D11)). Replace the throw with your code.
#include "ex/ch08_detection.hpp"
#include "nn/errors.hpp"

namespace ex {

std::vector<std::size_t> non_max_suppression(const std::vector<nn::Detection>& detections, double iou_threshold) {
  (void)detections;
  (void)iou_threshold;
  // 1. The indices 0 … n−1 in order of decreasing score (std::stable_sort keeps ties in input order).
  // 2. Go down that order; keep index n unless a detection kept before it has the same image,
  //    the same label and nn::iou(kept box, box n) > iou_threshold (strictly greater).
  // 3. Return the kept indices in the order they were kept.
  throw nn::not_done("Exercise 1.3b — non_max_suppression, Eq. (D11), greedy");
}

}  // namespace ex
