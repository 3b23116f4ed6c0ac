// Solution of exercise 4.1b — tanh_prime, Eq. (12).
#include "ex/ch02_activations.hpp"

#include <cmath>

namespace ex {

double tanh_prime(double x) {
  const double t = std::tanh(x);
  return 1 - t * t;  // Eq. (12)
}

}  // namespace ex
