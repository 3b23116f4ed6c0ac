// expect: wrong naming relu_prime__zero_at_zero
// A student's ReLU′ with a strict test, so ReLU′(0) = 0.
#include "ex/ch02_activations.hpp"

namespace ex {

double relu_prime(double x) {
  if (x > 0.0) return 1.0;
  return 0.0;
}

}  // namespace ex
