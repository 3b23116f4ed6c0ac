// Typical mistake: σ(x)(1 + σ(x)) instead of Eq. (11)'s σ(x)(1 − σ(x)).
#include <cmath>

#include "ex/ch02_activations.hpp"

namespace ex {
double sigmoid_prime(double x) {
  const double s = 1 / (1 + std::exp(-x));
  return s * (1 + s);
}
}  // namespace ex
