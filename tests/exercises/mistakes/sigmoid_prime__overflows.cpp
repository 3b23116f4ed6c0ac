// Typical mistake: Eq. (11)'s first form e^(−x)/(1+e^(−x))², which is right for moderate x but
// gives ∞/∞ = NaN for x < −710 in double.
#include <cmath>

#include "ex/ch02_activations.hpp"

namespace ex {
double sigmoid_prime(double x) {
  const double e = std::exp(-x);
  return e / ((1 + e) * (1 + e));
}
}  // namespace ex
