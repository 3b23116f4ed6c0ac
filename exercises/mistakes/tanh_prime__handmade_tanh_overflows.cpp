// Typical mistake: tanh written out by hand with exponentials, NaN in the tails.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::handmade_tanh_overflows {
double tanh_prime(double x) {
  const double t = (std::exp(x) - std::exp(-x)) / (std::exp(x) + std::exp(-x));
  return 1 - t * t;
}
}  // namespace ex::mistake::handmade_tanh_overflows

EX_MISTAKE(tanh_prime, handmade_tanh_overflows,
           "your tanh′ is NaN for |x| above about 710: tanh is written as (e^x − e^(−x))/(e^x + e^(−x))",
           "the formula is right, but e^800 overflows to inf and inf/inf is NaN; std::tanh saturates at ±1, so 1 − tanh² is 0 there, as it should be");
