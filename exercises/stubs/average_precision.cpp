// Exercise 1.3c — average_precision, Eq. (D13). Replace the throw with your code.
#include "ex/ch08_detection.hpp"
#include "nn/errors.hpp"

namespace ex {

double average_precision(const nn::PrecisionRecall& curve) {
  (void)curve;
  // 1. Interpolate: p_n = max over n' ≥ n of π_{n'} (scan from the last point backwards).
  // 2. AP = Σ_n (ρ_n − ρ_{n−1}) · p_n, starting from ρ_0 = 0 (Eq. (D13)).
  throw nn::not_done("Exercise 1.3c — average_precision, Eqs. (D12)–(D13)");
}

}  // namespace ex
