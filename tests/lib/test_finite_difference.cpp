// Eq. (21) and the central difference: their orders, the numerical gradient, and a relative
// error that cannot let NaN pass.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "nn/finite_difference.hpp"

namespace {
const auto kExp = [](double x) { return std::exp(x); };
}

TEST_CASE("difference quotients have orders 1, 1 and 2", "[ch02][finite-difference][eq21]") {
  // f = e^x at x = 0.3: the truncation errors are e^x·h/2 (one-sided) and e^x·h²/6 (central),
  // far above round-off for h ≥ 1e-3. Halving h halves the first and quarters the second.
  const double x = 0.3, exact = std::exp(x);
  for (double h : {1e-1, 1e-2, 1e-3}) {
    CAPTURE(h);
    const double rf = std::abs(nn::forward_difference(kExp, x, h) - exact) / std::abs(nn::forward_difference(kExp, x, h / 2) - exact);
    const double rb = std::abs(nn::backward_difference(kExp, x, h) - exact) / std::abs(nn::backward_difference(kExp, x, h / 2) - exact);
    const double rc = std::abs(nn::central_difference(kExp, x, h) - exact) / std::abs(nn::central_difference(kExp, x, h / 2) - exact);
    CAPTURE(rf, rb, rc);
    CHECK(rf == Approx(2.0).epsilon(0.06));
    CHECK(rb == Approx(2.0).epsilon(0.06));
    CHECK(rc == Approx(4.0).epsilon(0.02));
  }
  // Eq. (21) exactly as the report writes it
  CHECK(nn::forward_difference([](double t) { return t * t; }, 3.0, 0.5) == 6.5);
  CHECK(nn::backward_difference([](double t) { return t * t; }, 3.0, 0.5) == 5.5);
  CHECK(nn::central_difference([](double t) { return t * t; }, 3.0, 0.5) == 6.0);
}

TEST_CASE("numerical_gradient of a scalar function of a tensor", "[ch02][finite-difference][eq21]") {
  // L(X) = Σ X_i² w_i + Π-free cross term X_0 X_1; ∂L/∂X_i = 2 w_i X_i (+ the cross term)
  nn::Tensor<double> X(nn::Shape{2, 3}, {0.5, -1.0, 2.0, 0.25, -0.75, 1.5});
  const auto L = [](const nn::Tensor<double>& T) {
    double s = T[0] * T[1];
    for (std::size_t i = 0; i < T.size(); ++i) s += (i + 1) * T[i] * T[i];
    return s;
  };
  nn::Tensor<double> analytic(X.shape());
  for (std::size_t i = 0; i < X.size(); ++i) analytic[i] = 2.0 * (i + 1) * X[i];
  analytic[0] += X[1];
  analytic[1] += X[0];
  const auto numeric = nn::numerical_gradient(L, X);
  const auto cmp = nn::compare_gradients(analytic, numeric);
  CAPTURE(cmp.str());
  // A quadratic has no third derivative: only round-off (≈ ε·|L|/h ≈ 1e-10) remains.
  CHECK(cmp.within(1e-8));
  CHECK(X[0] == 0.5);  // the point itself is not changed
}

TEST_CASE("relative_error and compare_gradients let no NaN pass", "[ch02][finite-difference]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(nn::relative_error(nan, 1.0)));
  CHECK(std::isnan(nn::relative_error(1.0, nan)));
  CHECK_FALSE(nn::relative_error(nan, 1.0) <= 1e-7);
  CHECK(nn::relative_error(1.0, 1.0) == 0.0);
  CHECK(nn::relative_error(0.0, 0.0) == 0.0);
  CHECK(nn::relative_error(2.0, 1.0) == 0.5);
  CHECK(nn::relative_error(0.0, 1e-13) == Approx(0.1));  // below the floor 1e-12 the error is absolute/floor

  nn::Tensor<double> a(nn::Shape{4}, {1.0, 2.0, 3.0, 4.0});
  nn::Tensor<double> n(nn::Shape{4}, {1.0, nan, 3.0, 4.5});
  const auto cmp = nn::compare_gradients(a, n);
  CHECK(std::isnan(cmp.max_relative_error));
  CHECK(cmp.worst_index == 1);
  CHECK_FALSE(cmp.within(1.0));
  nn::Tensor<double> n2(nn::Shape{4}, {1.0, 2.0, 3.0, 4.5});
  const auto cmp2 = nn::compare_gradients(a, n2);
  CHECK(cmp2.worst_index == 3);
  CHECK(cmp2.max_relative_error == Approx(0.5 / 4.5));
  CHECK_THROWS_AS(nn::compare_gradients(a, nn::Tensor<double>(nn::Shape{2, 2})), nn::shape_error);
}
