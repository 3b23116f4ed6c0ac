// Typical mistake: returning ReLU(x) itself instead of its derivative, Eq. (13).
#include "ex/ch02_activations.hpp"

namespace ex {
double relu_prime(double x) { return x < 0 ? 0.0 : x; }
}  // namespace ex
