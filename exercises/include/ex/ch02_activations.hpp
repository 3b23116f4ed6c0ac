/// @file ch02_activations.hpp
/// @brief Exercises of §4.1 (activations and finite differences): declarations.
///
/// Complete the bodies in `exercises/stubs/NAME.cpp`, then run `bash scripts/exercises.sh`.
#pragma once

#include <functional>

#include "nn/tensor.hpp"

/// @namespace ex
/// @brief The exercises: library functions with their bodies removed, for you to write in
///        `exercises/stubs/` and check with `bash scripts/exercises.sh`.
namespace ex {

/// @brief Exercise 4.1a — the derivative of the sigmoid, Eq. (11): σ′(x) = σ(x)(1 − σ(x)).
double sigmoid_prime(double x);

/// @brief Exercise 4.1b — the derivative of tanh, Eq. (12): tanh′(x) = 1 − tanh²(x).
double tanh_prime(double x);

/// @brief Exercise 4.1c — the derivative of ReLU, Eq. (13), with ReLU′(0) = 1 as in Eq. (13).
double relu_prime(double x);

/// @brief Exercise 4.1d — the central difference quotient (f(x+h) − f(x−h)) / 2h, the
///        second-order cousin of Eq. (21).
double central_difference(const std::function<double(double)>& f, double x, double h);

/// @brief Exercise 4.1i — the numerical gradient of a scalar function of a tensor, Eq. (21) in
///        its central form for every element: @f$g_i = \frac{L(X + h e_i) - L(X - h e_i)}{2h}@f$,
///        where @f$e_i@f$ perturbs element i alone, as nn::numerical_gradient() does.
/// @param L  the scalar function, e.g. a loss of a layer's output
/// @param X  the point; leave it unchanged (perturb a copy, one element at a time)
/// @param h  the step
/// @return   the gradient estimate, shape of X
nn::Tensor<double> numerical_gradient(const std::function<double(const nn::Tensor<double>&)>& L,
                                      const nn::Tensor<double>& X, double h);

}  // namespace ex
