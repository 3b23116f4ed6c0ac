// Solution of exercise 4.1a — sigmoid_prime, Eq. (11).
#include "ex/ch02_activations.hpp"

#include <cmath>

namespace ex {

double sigmoid_prime(double x) {
  // Eq. (8), in the form that cannot overflow for large |x|
  const double s = x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x));
  return s * (1 - s);  // Eq. (11)
}

}  // namespace ex
