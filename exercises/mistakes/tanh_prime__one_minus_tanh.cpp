// Typical mistake: 1 − tanh(x), the square forgotten.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::one_minus_tanh {
double tanh_prime(double x) { return 1 - std::tanh(x); }
}  // namespace ex::mistake::one_minus_tanh

EX_MISTAKE(tanh_prime, one_minus_tanh,
           "your tanh′ is 1 − tanh(x), without the square",
           "the derivative of sinh/cosh is (cosh² − sinh²)/cosh² = 1 − tanh², Eq. (12); 1 − tanh(x) is not even symmetric, although tanh′ is an even function");
