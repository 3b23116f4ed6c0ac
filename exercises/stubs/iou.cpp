// Exercise 1.3a — iou, Eq. (D11). Replace the throw with your code.
#include "ex/ch08_detection.hpp"
#include "nn/errors.hpp"

namespace ex {

double iou(const nn::Box& a, const nn::Box& b) {
  (void)a;
  (void)b;
  // Intersection: width min(x2) − max(x1) and height min(y2) − max(y1), each clamped at 0
  // (edges are exclusive, so no +1). Union: |A| + |B| − |A ∩ B|. IoU = |A ∩ B| / union,
  // and 0 if the union is 0 (Eq. (D11)).
  throw nn::not_done("Exercise 1.3a — iou, Eq. (D11)");
}

}  // namespace ex
