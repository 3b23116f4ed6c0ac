// Typical mistake: "/ 2 * h", which C++ reads as (… / 2) · h.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::precedence {
double central_difference(const std::function<double(double)>& f, double x, double h) {
  return (f(x + h) - f(x - h)) / 2 * h;
}
}  // namespace ex::mistake::precedence

EX_MISTAKE(central_difference, precedence,
           "your quotient is (f(x + h) − f(x − h))/2 · h: written '/ 2 * h'",
           "C++ evaluates / and * from left to right, so a / 2 * h is (a / 2) · h, not a / (2h); write / (2 * h)");
