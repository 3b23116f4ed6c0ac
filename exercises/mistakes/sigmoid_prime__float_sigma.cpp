// Typical mistake: σ computed in float, then Eq. (11) in double.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::float_sigma {
double sigmoid_prime(double x) {
  const float s = 1.0f / (1.0f + std::exp(-float(x)));
  return double(s) * (1.0 - double(s));
}
}  // namespace ex::mistake::float_sigma

EX_MISTAKE(sigmoid_prime, float_sigma,
           "your σ′ is off by about 1e-8: σ is computed in float",
           "a float keeps 7 significant digits, so σ and σ(1 − σ) are only that exact; the exercise is in double, which keeps 16, and gradient checks need them");
