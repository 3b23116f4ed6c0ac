// expect: wrong naming sigmoid_prime__one_plus_sigma
// A student's σ′ with the sign slip σ(1 + σ), written independently of the catalogue (a stable
// σ, a different order of operations): the checker must still recognise the mistake.
#include <cmath>

#include "ex/ch02_activations.hpp"

namespace ex {

double sigmoid_prime(double x) {
  const double s = x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
  return s + s * s;
}

}  // namespace ex
