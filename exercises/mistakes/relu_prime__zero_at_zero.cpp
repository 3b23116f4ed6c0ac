// Typical mistake: ReLU′(0) = 0 (x > 0 instead of x ≥ 0), against Eq. (13)'s choice of 1.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::zero_at_zero {
double relu_prime(double x) { return x > 0 ? 1.0 : 0.0; }
}  // namespace ex::mistake::zero_at_zero

EX_MISTAKE(relu_prime, zero_at_zero,
           "your ReLU′(0) is 0 (a test x > 0 where Eq. (13) has x ≥ 0)",
           "at the kink x = 0 any value in [0, 1] is a subgradient, so 0 is not absurd, but Eq. (13) and the library choose 1, and the exercise asks for the report's convention (see the subgradient section of the activations chapter)");
