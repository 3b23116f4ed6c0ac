// Typical mistake: suppression by every earlier box, including boxes that were themselves suppressed.
#include <algorithm>
#include <numeric>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::by_suppressed {
std::vector<std::size_t> non_max_suppression(const std::vector<nn::Detection>& detections, double iou_threshold) {
  // the order of decreasing score; stable_sort keeps equal scores in input order
  std::vector<std::size_t> order(detections.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return detections[a].score > detections[b].score; });
  std::vector<std::size_t> kept, seen;
  for (std::size_t n : order) {
    const nn::Detection& d = detections[n];
    bool suppressed = false;
    for (std::size_t k : seen) {
      const nn::Detection& e = detections[k];
      if (e.image == d.image && e.label == d.label && nn::iou(e.box, d.box) > iou_threshold) suppressed = true;
    }
    if (!suppressed) kept.push_back(n);
    seen.push_back(n);
  }
  return kept;
}

}  // namespace ex::mistake::by_suppressed

EX_MISTAKE(non_max_suppression, by_suppressed,
           "your NMS lets a box that was itself suppressed suppress others: it compares with every higher-scoring box, not only the kept ones",
           "in greedy NMS only kept boxes suppress: if A suppresses B, and C overlaps B but not A, then C is a different object and is kept. Comparing with suppressed boxes too removes C");
