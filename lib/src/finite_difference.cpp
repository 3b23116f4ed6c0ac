/// @file finite_difference.cpp
/// @brief Difference quotients and numerical gradients (Eq. (21)).
#include "nn/finite_difference.hpp"

#include <cmath>
#include <sstream>

namespace nn {

// [eq21]
double forward_difference(const std::function<double(double)>& f, double x,
                          double h) {
  return (f(x + h) - f(x)) / h;  // Eq. (21): error of order h
}

double backward_difference(const std::function<double(double)>& f, double x,
                           double h) {
  return (f(x) - f(x - h)) / h;  // the same from the left: error of order h
}

double central_difference(const std::function<double(double)>& f, double x,
                          double h) {
  // the terms of order h cancel: error of order h²
  return (f(x + h) - f(x - h)) / (2 * h);
}
// [eq21]

Tensor<double> numerical_gradient(const std::function<double(const Tensor<double>&)>& L, const Tensor<double>& X,
                                  double h) {
  Tensor<double> Xp = X;
  Tensor<double> grad(X.shape());
  // [numerical_gradient]
  // one central difference per element of X
  for (std::size_t i = 0; i < X.size(); ++i) {
    const double x = X[i];
    Xp[i] = x + h;
    const double up = L(Xp);
    Xp[i] = x - h;
    const double down = L(Xp);
    Xp[i] = x;
    grad[i] = (up - down) / (2 * h);
  }
  // [numerical_gradient]
  return grad;
}

double relative_error(double a, double n, double floor) {
  if (std::isnan(a) || std::isnan(n)) return std::nan("");
  const double denom = std::max({std::abs(a), std::abs(n), floor});
  return std::abs(a - n) / denom;
}

std::string GradientComparison::str() const {
  std::ostringstream os;
  os.precision(3);
  os << "max rel. error " << std::scientific << max_relative_error << " at index " << worst_index << ": analytic ";
  os.precision(12);
  os << std::defaultfloat << analytic << ", numeric " << numeric;
  return os.str();
}

GradientComparison compare_gradients(const Tensor<double>& analytic, const Tensor<double>& numeric, double floor) {
  require_same_shape(analytic.shape(), numeric.shape(), "gradient check (analytic vs numeric)");
  GradientComparison g;
  for (std::size_t i = 0; i < analytic.size(); ++i) {
    const double e = relative_error(analytic[i], numeric[i], floor);
    if (!(e <= g.max_relative_error)) {  // NaN takes the place and keeps it
      if (std::isnan(g.max_relative_error)) continue;
      g.max_relative_error = e;
      g.worst_index = i;
      g.analytic = analytic[i];
      g.numeric = numeric[i];
    }
  }
  return g;
}

}  // namespace nn
