// Typical mistake: the kept detections' positions in the sorted order returned, not their indices.
#include <algorithm>
#include <numeric>

#include "mistake.hpp"
#include "ex/ch08_detection.hpp"

namespace ex::mistake::sorted_positions {
std::vector<std::size_t> non_max_suppression(const std::vector<nn::Detection>& detections, double iou_threshold) {
  std::vector<nn::Detection> sorted = detections;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const nn::Detection& a, const nn::Detection& b) { return a.score > b.score; });
  std::vector<std::size_t> kept;
  for (std::size_t n = 0; n < sorted.size(); ++n) {
    bool suppressed = false;
    for (std::size_t k : kept)
      if (sorted[k].image == sorted[n].image && sorted[k].label == sorted[n].label &&
          nn::iou(sorted[k].box, sorted[n].box) > iou_threshold)
        suppressed = true;
    if (!suppressed) kept.push_back(n);  // n counts in the sorted copy, not in `detections`
  }
  return kept;
}
}  // namespace ex::mistake::sorted_positions

EX_MISTAKE(non_max_suppression, sorted_positions,
           "your indices count positions in your sorted copy of the detections, not in the list you were given",
           "the function returns indices into `detections`, the input: after sorting a copy by score, remember where each detection came from (sort indices, not the detections), or the caller picks the wrong boxes whenever the input was not already sorted");
