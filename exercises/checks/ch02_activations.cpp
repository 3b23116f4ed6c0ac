// Checks of the §4.1 exercises: activation derivatives (Eqs. (11)–(13)) and the central
// difference. Each compares with the library and with a difference quotient at points where
// the typical mistakes differ from the truth.
#include "check.hpp"
#include "ex/ch02_activations.hpp"
#include "nn/activations.hpp"
#include "nn/finite_difference.hpp"

#include <cmath>
#include <string>

namespace {
const double kPoints[] = {-6.0, -2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 2.0, 5.0};

template <class F, class FPrime>
void check_derivative(const char* name, F f, FPrime student) {
  for (double x : kPoints) {
    // Central difference in double with h = 1e-5: error ≈ f‴h²/6 + ε/h < 1e-9 here.
    const double numeric = nn::central_difference([&](double t) { return f(t); }, x, 1e-5);
    ex::check::expect_near(student(x), numeric, 1e-7, std::string(name) + "(" + std::to_string(x) + ") vs the central difference");
  }
}
}  // namespace

NN_EXERCISE_CHECK(sigmoid_prime, "4.1a", "Eq. (11)",
                  "σ′(x) = σ(x)(1 − σ(x)) with σ(x) = 1/(1 + e^(−x)) — note the minus sign inside (1 − σ)") {
  check_derivative("sigmoid_prime", [](double x) { return nn::sigmoid(x); }, ex::sigmoid_prime);
  // far tails: no overflow, no NaN
  for (double x : {-800.0, 800.0}) {
    const double d = ex::sigmoid_prime(x);
    ex::check::expect(std::isfinite(d) && d >= 0 && d < 1e-300, "sigmoid_prime(" + std::to_string(x) + ") must be a tiny non-negative number, got " + std::to_string(d));
  }
}

NN_EXERCISE_CHECK(tanh_prime, "4.1b", "Eq. (12)", "tanh′(x) = 1 − tanh²(x): square the tanh, don't square x") {
  check_derivative("tanh_prime", [](double x) { return std::tanh(x); }, ex::tanh_prime);
}

NN_EXERCISE_CHECK(relu_prime, "4.1c", "Eq. (13)",
                  "ReLU′ is 0 for x < 0 and 1 for x ≥ 0 (it is a step, not ReLU itself; and at exactly 0 the report chooses 1)") {
  for (double x : kPoints) {
    if (x == 0) continue;
    const double numeric = nn::central_difference([](double t) { return nn::relu(t); }, x, 1e-5);
    ex::check::expect_near(ex::relu_prime(x), numeric, 1e-7, "relu_prime(" + std::to_string(x) + ") vs the central difference");
  }
  ex::check::expect_near(ex::relu_prime(0.0), 1.0, 0.0, "relu_prime(0): Eq. (13) says 1 for x ≥ 0");
}

NN_EXERCISE_CHECK(central_difference, "4.1d", "Eq. (21)",
                  "(f(x+h) − f(x−h)) / (2h): both steps, divided by the distance 2h between them") {
  // On f = e^x at x = 1, h = 1e-2: the central quotient is e·(1 + h²/6 + …) — error 1.7e-5 —
  // while a forward quotient errs by e·h/2 ≈ 1.4e-2. A tolerance of 1e-4 separates them.
  const auto f = [](double x) { return std::exp(x); };
  const double got = ex::central_difference(f, 1.0, 1e-2);
  ex::check::expect_near(got, std::exp(1.0), 1e-4, "central_difference(exp, 1, h=0.01)");
  // second-order: halving h divides the error by about 4
  const double e1 = std::abs(ex::central_difference(f, 1.0, 0.1) - std::exp(1.0));
  const double e2 = std::abs(ex::central_difference(f, 1.0, 0.05) - std::exp(1.0));
  ex::check::expect(e1 / e2 > 3.5 && e1 / e2 < 4.5, "halving h should divide the error by ≈ 4 (second order); ratio was " + std::to_string(e1 / e2));
  // an odd function's quotient at 0: f = x³ at 0, exact (f(h) − f(−h))/2h = h²
  ex::check::expect_near(ex::central_difference([](double x) { return x * x * x; }, 0.0, 0.1), 0.01, 1e-12, "central_difference(x³, 0, h=0.1)");
}
