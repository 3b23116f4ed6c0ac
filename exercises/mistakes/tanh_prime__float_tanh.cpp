// Typical mistake: tanh computed in float, then Eq. (12) in double.
#include <cmath>

#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::float_tanh {
double tanh_prime(double x) {
  const float t = std::tanh(float(x));
  return 1.0 - double(t) * double(t);
}
}  // namespace ex::mistake::float_tanh

EX_MISTAKE(tanh_prime, float_tanh,
           "your tanh′ agrees with the truth to about 7 digits only: tanh is computed in float",
           "a float keeps 24 bits (7 digits), so tanh(x) and 1 − tanh²(x) are only that exact, and for |x| ≥ 9 the float tanh is exactly ±1, so 1 − tanh² is 0 where the truth is 4e^(−2|x|); the exercise is in double, which gradient checks need");
