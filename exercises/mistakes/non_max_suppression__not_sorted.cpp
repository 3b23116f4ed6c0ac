// Typical mistake: the detections taken in input order, not by decreasing score.
#include <algorithm>
#include <numeric>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::not_sorted {
std::vector<std::size_t> non_max_suppression(const std::vector<nn::Detection>& detections, double iou_threshold) {
  // the order of decreasing score; stable_sort keeps equal scores in input order
  std::vector<std::size_t> order(detections.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
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

}  // namespace ex::mistake::not_sorted

EX_MISTAKE(non_max_suppression, not_sorted,
           "your NMS goes through the detections in input order instead of by decreasing score",
           "greedy NMS keeps the best box of a cluster and removes its weaker duplicates, so it must visit the highest score first; in input order a weak box that comes first suppresses a stronger one. The kept list is also returned by decreasing score");
