// Typical mistake: both steps taken, but divided by h instead of the distance 2h.
#include "ex/ch02_activations.hpp"

namespace ex {
double central_difference(const std::function<double(double)>& f, double x, double h) {
  return (f(x + h) - f(x - h)) / h;
}
}  // namespace ex
