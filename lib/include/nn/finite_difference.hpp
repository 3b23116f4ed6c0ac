/// @file finite_difference.hpp
/// @brief Difference quotients (Eq. (21)) and numerical gradients: the "check against the
///        definition of the derivative" of the report's §2, used by every gradient test.
///
/// All in double precision: in float the round-off error of a quotient, about ε/h with
/// ε ≈ 6e-8, is larger than the differences the checks must see.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "nn/tensor.hpp"

namespace nn {

/// @brief Eq. (21): forward difference @f$\frac{f(x+h)-f(x)}{h}@f$; error O(h).
double forward_difference(const std::function<double(double)>& f, double x, double h);
/// @brief Backward difference @f$\frac{f(x)-f(x-h)}{h}@f$; error O(h).
double backward_difference(const std::function<double(double)>& f, double x, double h);
/// @brief Central difference @f$\frac{f(x+h)-f(x-h)}{2h}@f$; error O(h²), because the h²
///        terms of the two Taylor series cancel.
double central_difference(const std::function<double(double)>& f, double x, double h);

/// @brief The full numerical gradient ∂L/∂X of a scalar function of a tensor, by central
///        differences, one element at a time (2·size evaluations of L).
/// @param L  the scalar function, e.g. a loss of the layer's output
/// @param X  the point; it is copied, and each element perturbed by ±h in the copy
/// @param h  step; 1e-5 balances truncation (∝ h²) and round-off (∝ ε/h) for smooth L of
///           order-one values in double
Tensor<double> numerical_gradient(const std::function<double(const Tensor<double>&)>& L, const Tensor<double>& X,
                                  double h = 1e-5);

/// @brief Relative error @f$\frac{|a-n|}{\max(|a|, |n|, \text{floor})}@f$ of an analytic value
///        `a` against a numerical one `n`.
///
/// Returns NaN when either value is NaN, so that a check written `err <= tol` fails. The floor
/// keeps a pair of values that are both (almost) zero from dividing by zero: below it, the
/// error is absolute.
double relative_error(double a, double n, double floor = 1e-12);

/// @brief The worst element of an element-wise comparison of two gradients.
struct GradientComparison {
  double max_relative_error = 0;  ///< the largest relative_error() over the elements (NaN wins)
  std::size_t worst_index = 0;    ///< its index in row-major order (vec())
  double analytic = 0;            ///< the analytic value there
  double numeric = 0;             ///< the numerical value there
  /// @brief True if the largest error is ≤ tol (false on NaN).
  bool within(double tol) const { return max_relative_error <= tol; }
  /// @brief "max rel. error 3.1e-10 at index 7: analytic 0.25, numeric 0.2500000001".
  std::string str() const;
};

/// @brief Compares two gradients element by element with relative_error().
/// @throws shape_error if the shapes differ
GradientComparison compare_gradients(const Tensor<double>& analytic, const Tensor<double>& numeric,
                                     double floor = 1e-12);

}  // namespace nn
