// §4.1, Eqs. (8)–(15): activation values, derivatives against central differences, the
// overflow-free sigmoid, and ReLU′(0).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "nn/activations.hpp"
#include "nn/finite_difference.hpp"

TEST_CASE("activation values", "[ch02][activations][eq8][eq9][eq10]") {
  CHECK(nn::sigmoid(0.0) == 0.5);
  CHECK(nn::sigmoid(2.0) == Approx(1 / (1 + std::exp(-2.0))).epsilon(1e-15));
  CHECK(nn::sigmoid(-2.0) == Approx(1 / (1 + std::exp(2.0))).epsilon(1e-15));
  // Eq. (9) as written in the report
  for (double x : {-3.0, -0.2, 0.0, 0.7, 2.5})
    CHECK(nn::tanh_activation(x) == Approx((std::exp(x) - std::exp(-x)) / (std::exp(x) + std::exp(-x))).epsilon(1e-14));
  CHECK(nn::relu(-1.5) == 0.0);
  CHECK(nn::relu(0.0) == 0.0);
  CHECK(nn::relu(2.25) == 2.25);
}

TEST_CASE("the sigmoid neither overflows nor loses its tails for |x| > 100", "[ch02][activations][eq8]") {
  for (double x : {-1000.0, -745.0, -120.0, 120.0, 1000.0}) {
    CAPTURE(x);
    const double s = nn::sigmoid(x);
    const float sf = nn::sigmoid(float(x));
    CHECK(std::isfinite(s));
    CHECK(std::isfinite(sf));
    CHECK(std::isfinite(nn::sigmoid_prime(x)));
    CHECK(std::isfinite(nn::sigmoid_prime(float(x))));
  }
  // σ(−120) = e^−120/(1+e^−120) ≈ 7.7e-53: the tail is kept, not flushed to 0
  CHECK(nn::sigmoid(-120.0) == Approx(std::exp(-120.0)).epsilon(1e-12));
  CHECK(nn::sigmoid(120.0) == 1.0);
  CHECK(nn::sigmoid(-100.0f) >= 0.0f);
}

TEST_CASE("activation derivatives match central differences", "[ch02][activations][eq11][eq12][eq13]") {
  // h = 1e-5 in double: truncation |f'''|h²/6 < 2e-11 and round-off ≈ ε|f|/h ≈ 2e-11, both
  // absolute. On |x| ≤ 3 every derivative here is ≥ 0.0099, so the relative error stays below
  // ≈ 4e-9; the tolerance 1e-8 holds with margin. (Further out, tanh′ ≈ 4e-7 at x = −8 and the
  // same absolute round-off is a relative 1e-6: a check there must use a looser, stated bound.)
  for (double x : {-3.0, -1.0, -0.25, 0.3, 1.0, 2.0, 3.0}) {
    CAPTURE(x);
    const double ns = nn::central_difference([](double t) { return nn::sigmoid(t); }, x, 1e-5);
    const double nt = nn::central_difference([](double t) { return nn::tanh_activation(t); }, x, 1e-5);
    const double nr = nn::central_difference([](double t) { return nn::relu(t); }, x, 1e-5);
    CHECK(nn::relative_error(nn::sigmoid_prime(x), ns, 1e-10) <= 1e-8);
    CHECK(nn::relative_error(nn::tanh_prime(x), nt, 1e-10) <= 1e-8);
    CHECK(nn::relative_error(nn::relu_prime(x), nr, 1e-10) <= 1e-8);
  }
}

TEST_CASE("ReLU's one-sided difference quotients at 0 are 0 and 1 (Eqs. (14)-(15) corrected)", "[ch02][activations][eq13][eq14][eq15]") {
  for (double h : {1e-1, 1e-4, 1e-8}) {
    CHECK(nn::forward_difference([](double t) { return nn::relu(t); }, 0.0, h) == 1.0);   // from the right
    CHECK(nn::backward_difference([](double t) { return nn::relu(t); }, 0.0, h) == 0.0);  // from the left
    CHECK(nn::relu(h) == Approx(0.0).margin(h));  // ReLU itself tends to 0, not 1 (the draft's Eq. (14))
  }
  CHECK(nn::relu_prime(0.0) == 1.0);  // the documented choice, as Eq. (13)
  CHECK(nn::relu_prime(-0.0) == 1.0);
  CHECK(nn::relu_prime(-1e-300) == 0.0);
}

TEST_CASE("activate() on tensors applies Eqs. (3)-(4) with the chosen function", "[ch02][activations][eq3][eq4]") {
  nn::Tensor<double> X(nn::Shape{1, 2, 1, 3}, {-2, -0.5, 0, 0.5, 1, 3});
  for (auto f : {nn::ActivationFunction::sigmoid, nn::ActivationFunction::tanh, nn::ActivationFunction::relu}) {
    const auto Y = nn::activate(f, X);
    const auto dY = nn::activate_prime(f, X);
    REQUIRE(Y.shape() == X.shape());
    for (std::size_t i = 0; i < X.size(); ++i) {
      CHECK(Y[i] == nn::activate(f, X[i]));
      CHECK(dY[i] == nn::activate_prime(f, X[i]));
    }
  }
  CHECK(nn::to_string(nn::ActivationFunction::tanh) == "tanh");
}
