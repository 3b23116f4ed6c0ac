// Typical mistake: both steps taken, but divided by h instead of the distance 2h.
#include "mistake.hpp"
#include "ex/ch02_activations.hpp"

namespace ex::mistake::divides_by_h {
double central_difference(const std::function<double(double)>& f, double x, double h) {
  return (f(x + h) - f(x - h)) / h;
}
}  // namespace ex::mistake::divides_by_h

EX_MISTAKE(central_difference, divides_by_h,
           "your quotient divides f(x + h) − f(x − h) by h",
           "the two points are 2h apart, so the slope is their difference over 2h; over h the result is twice the derivative");
