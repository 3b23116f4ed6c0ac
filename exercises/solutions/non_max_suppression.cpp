// Solution of exercise 1.3b — non_max_suppression: greedy, per image and class, IoU of Eq. (D11).
#include <algorithm>
#include <numeric>

#include "ex/ch08_detection.hpp"

namespace ex {

std::vector<std::size_t> non_max_suppression(const std::vector<nn::Detection>& detections, double iou_threshold) {
  // the order of decreasing score; stable_sort keeps equal scores in input order
  std::vector<std::size_t> order(detections.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return detections[a].score > detections[b].score; });
  std::vector<std::size_t> kept;
  for (std::size_t n : order) {
    const nn::Detection& d = detections[n];
    bool suppressed = false;
    for (std::size_t k : kept) {  // only kept detections suppress
      const nn::Detection& e = detections[k];
      if (e.image == d.image && e.label == d.label && nn::iou(e.box, d.box) > iou_threshold) suppressed = true;
    }
    if (!suppressed) kept.push_back(n);
  }
  return kept;
}

}  // namespace ex
