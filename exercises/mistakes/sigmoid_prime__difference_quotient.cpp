// Typical mistake: a difference quotient of σ returned instead of Eq. (11).
#include <cmath>

#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::difference_quotient {
double sigmoid_prime(double x) {
  const auto s = [](double t) { return t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t)); };
  const double h = 1e-7;
  return (s(x + h) - s(x - h)) / (2 * h);
}
}  // namespace ex::mistake::difference_quotient

EX_MISTAKE(sigmoid_prime, difference_quotient,
           "your σ′ is close to the truth but off by about 1e-10: it is a difference quotient of σ, not Eq. (11)",
           "a difference quotient approximates the derivative (Eq. (21)) with an error of order h² plus round-off ε/h; the exercise asks for the exact σ(1 − σ), which the checks compare to 1e-12");
