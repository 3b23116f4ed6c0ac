// Typical mistake: Eq. (11)'s first form e^(−x)/(1+e^(−x))², which is right for moderate x but
// gives ∞/∞ = NaN for x < −710 in double.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::overflows {
double sigmoid_prime(double x) {
  const double e = std::exp(-x);
  return e / ((1 + e) * (1 + e));
}
}  // namespace ex::mistake::overflows

EX_MISTAKE(sigmoid_prime, overflows,
           "your σ′ is e^(−x)/(1 + e^(−x))², which is NaN for x below about −710",
           "the form is algebraically Eq. (11), but e^(−x) overflows to inf for x < −709.8 and inf/inf is NaN; σ(1 − σ) with a σ that never exponentiates a large positive number is finite everywhere");
