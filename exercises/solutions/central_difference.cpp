// Solution of exercise 4.1d — central_difference.
#include "ex/ch02_activations.hpp"

namespace ex {

double central_difference(const std::function<double(double)>& f, double x, double h) {
  return (f(x + h) - f(x - h)) / (2 * h);
}

}  // namespace ex
