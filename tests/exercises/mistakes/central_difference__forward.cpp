// Typical mistake: a forward difference (Eq. (21)) where the central one is asked.
#include "ex/ch02_activations.hpp"

namespace ex {
double central_difference(const std::function<double(double)>& f, double x, double h) {
  return (f(x + h) - f(x)) / h;
}
}  // namespace ex
