// Typical mistake: returning ReLU(x) itself instead of its derivative, Eq. (13).
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::returns_relu {
double relu_prime(double x) { return x < 0 ? 0.0 : x; }
}  // namespace ex::mistake::returns_relu

EX_MISTAKE(relu_prime, returns_relu,
           "your ReLU′ returns ReLU(x) itself",
           "the derivative of ReLU(x) = x for x > 0 is the constant 1, not x; Eq. (13) is a step: 0 for x < 0 and 1 for x ≥ 0");
