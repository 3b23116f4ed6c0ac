// Typical mistake: σ(x)(1 + σ(x)) instead of Eq. (11)'s σ(x)(1 − σ(x)).
#include <cmath>

#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::one_plus_sigma {
double sigmoid_prime(double x) {
  const double s = 1 / (1 + std::exp(-x));
  return s * (1 + s);
}
}  // namespace ex::mistake::one_plus_sigma

EX_MISTAKE(sigmoid_prime, one_plus_sigma,
           "your σ′ is σ(1 + σ), with a plus",
           "differentiating σ = (1 + e^(−x))^(−1) gives e^(−x)/(1 + e^(−x))² = σ · (1 − σ), because e^(−x)/(1 + e^(−x)) = 1 − σ (Eq. (11)); σ(1 + σ) even exceeds 1, while σ′ never exceeds 1/4");
