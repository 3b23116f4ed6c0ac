// Typical mistake: '≥' instead of '>': a box whose IoU equals the threshold is suppressed.
#include <algorithm>
#include <numeric>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::ge_threshold {
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
      if (e.image == d.image && e.label == d.label && nn::iou(e.box, d.box) >= iou_threshold) suppressed = true;
    }
    if (!suppressed) kept.push_back(n);
  }
  return kept;
}

}  // namespace ex::mistake::ge_threshold

EX_MISTAKE(non_max_suppression, ge_threshold,
           "your NMS also suppresses a box whose IoU with a kept one equals the threshold: '>=' instead of '>'",
           "the rule is 'suppressed if the IoU exceeds the threshold' (nn::non_max_suppression): at exactly the threshold the box is kept. IoUs such as 1/2 are exact in double, so the boundary is met in practice");
