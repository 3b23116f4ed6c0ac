// Typical mistake: ReLU′(0) = 0 (x > 0 instead of x ≥ 0), against Eq. (13)'s choice of 1.
#include "ex/ch02_activations.hpp"

namespace ex {
double relu_prime(double x) { return x > 0 ? 1.0 : 0.0; }
}  // namespace ex
