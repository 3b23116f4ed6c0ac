// Typical mistake: suppression across classes: the label is not compared.
#include <algorithm>
#include <numeric>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::across_classes {
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
      if (e.image == d.image && nn::iou(e.box, d.box) > iou_threshold) suppressed = true;
    }
    if (!suppressed) kept.push_back(n);
  }
  return kept;
}

}  // namespace ex::mistake::across_classes

EX_MISTAKE(non_max_suppression, across_classes,
           "your NMS lets a box suppress an overlapping box of another class",
           "NMS removes duplicate detections of one object; two overlapping boxes of different classes (a 1 and a 7 side by side, a face behind a hand) are different objects, so suppression is per image and per class, as in nn::non_max_suppression");
