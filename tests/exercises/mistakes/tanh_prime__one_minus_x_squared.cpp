// Typical mistake: 1 − x² (squaring the input) instead of Eq. (12)'s 1 − tanh²(x).
#include "ex/ch02_activations.hpp"

namespace ex {
double tanh_prime(double x) { return 1 - x * x; }
}  // namespace ex
