// Checks of the §4.1 exercises: activation derivatives (Eqs. (11)–(13)) and the central
// difference. Each derivative is compared with the library's analytic function to 1e-12 (so a
// difference quotient or a σ computed in float cannot pass), with a central difference, and in
// the tails up to |x| = 800, where a hand-made e^x overflows.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "check.hpp"
#include "ex/ch02_activations.hpp"
#include "nn/activations.hpp"
#include "nn/finite_difference.hpp"

namespace {

using ex::check::Answer;
using Scalar = double (*)(double);

std::string point_list(const std::vector<double>& xs) {
  std::string s;
  for (double x : xs) s += (s.empty() ? "" : ", ") + ex::check::num(x);
  return s;
}

std::vector<std::string> names(const std::vector<double>& xs) {
  std::vector<std::string> n;
  for (double x : xs) n.push_back("x = " + ex::check::num(x));
  return n;
}

// One region of the real line: the student's derivative against `truth` at every point.
void add_region(ex::check::Checker<Scalar>& check, const std::string& part, const std::string& region,
                const std::vector<double>& xs, std::function<double(double)> truth, double tol,
                const std::string& truth_name) {
  check.add({region + ": x = " + point_list(xs),
             {region},
             [=](Scalar f) {
               std::vector<double> v;
               for (double x : xs) v.push_back(f(x));
               return Answer{ex::check::values(part, v)};
             },
             [=] {
               std::vector<double> v;
               for (double x : xs) v.push_back(truth(x));
               return Answer{ex::check::values(part, v)};
             },
             tol, truth_name, names(xs)});
}

// A derivative's check: analytic values in four regions, then central differences (h = 1e-5
// in double: error ≈ f‴h²/6 + ε/h < 1e-9 here, so 1e-7 separates it from any real mistake).
void check_derivative(ex::check::Checker<Scalar>& check, const std::string& part, double (*f)(double),
                      double (*fprime)(double)) {
  const std::string lib = "the library's analytic derivative";
  add_region(check, part, "moderate x", {-3.0, -1.0, -0.3, 0.4, 1.0, 2.5}, fprime, 1e-12, lib);
  add_region(check, part, "x = 0", {0.0}, fprime, 1e-12, lib);
  add_region(check, part, "large |x|", {-30.0, -12.0, 12.0, 30.0}, fprime, 1e-12, lib);
  add_region(check, part, "far tails |x| = 800", {-800.0, 800.0}, fprime, 1e-12, lib);
  add_region(check, part, "moderate x", {-2.0, -0.7, 0.3, 1.5},
             [f](double x) { return nn::central_difference(f, x, 1e-5); }, 1e-7,
             "central differences of f (h = 1e-5)");
}

double sigmoid(double x) { return nn::sigmoid(x); }
double sigmoid_prime(double x) { return nn::sigmoid_prime(x); }
double tanh_(double x) { return std::tanh(x); }
double tanh_prime(double x) { return nn::tanh_prime(x); }
double relu_prime(double x) { return nn::relu_prime(x); }

}  // namespace

NN_EXERCISE_CHECK(sigmoid_prime, "4.1a", "Eq. (11)",
                  "σ′(x) = σ(x)(1 − σ(x)) with σ(x) = 1/(1 + e^(−x)) — note the minus sign inside (1 − σ)") {
  check.tag("far tails |x| = 800", "e^800 overflows to inf in double, and inf/inf is NaN: compute σ so that no "
                                   "exponential grows (e^x/(1 + e^x) for x < 0), then σ(1 − σ)");
  check.tag("large |x|", "for |x| ≥ 12 σ′ is below 1e-5: a formula that loses it (σ in float, or 1 − σ rounded to 0 "
                         "too early) shows here");
  check.tag("moderate x", "compare your formula with Eq. (11) at x = 1: σ(1) = 0.7311, σ′(1) = 0.1966");
  check_derivative(check, "σ′(x)", sigmoid, sigmoid_prime);
}

NN_EXERCISE_CHECK(tanh_prime, "4.1b", "Eq. (12)", "tanh′(x) = 1 − tanh²(x): square the tanh, don't square x") {
  check.tag("far tails |x| = 800", "a hand-made (e^x − e^(−x))/(e^x + e^(−x)) is inf/inf = NaN at |x| = 800: use "
                                   "std::tanh, which saturates at ±1");
  check.tag("large |x|", "for |x| ≥ 12 tanh′ = 4e^(−2|x|) is below 1e-10: a tanh computed in float (7 digits), or "
                         "1 − tanh² rounded too early, loses it; the checks compare to 1e-12");
  check.tag("moderate x", "at x = 1: tanh(1) = 0.7616, tanh′(1) = 1 − 0.7616² = 0.4200");
  check_derivative(check, "tanh′(x)", tanh_, tanh_prime);
}

NN_EXERCISE_CHECK(relu_prime, "4.1c", "Eq. (13)",
                  "ReLU′ is 0 for x < 0 and 1 for x ≥ 0 (it is a step, not ReLU itself; and at exactly 0 the "
                  "report chooses 1)") {
  const std::string lib = "Eq. (13)";
  check.tag("x = 0", "at x = 0 ReLU has a kink and no derivative; Eq. (13) chooses 1 there (x ≥ 0). Any value in "
                     "[0, 1] is a subgradient, but the report's convention, and the library's, is 1");
  check.tag("x < 0", "for x < 0 ReLU is the constant 0, so its slope is 0");
  check.tag("x > 0", "for x > 0 ReLU(x) = x, so its slope is 1 whatever x is");
  add_region(check, "ReLU′(x)", "x < 0", {-800.0, -3.0, -0.3, -1e-300}, relu_prime, 0, lib);
  add_region(check, "ReLU′(x)", "x = 0", {0.0}, relu_prime, 0, lib);
  add_region(check, "ReLU′(x)", "x > 0", {1e-300, 0.4, 2.5, 800.0}, relu_prime, 0, lib);
}

namespace {
using Difference = decltype(&ex::central_difference);
double exp_(double x) { return std::exp(x); }
double cube(double x) { return x * x * x; }
double sin_(double x) { return std::sin(x); }
}  // namespace

NN_EXERCISE_CHECK(central_difference, "4.1d", "Eq. (21)",
                  "(f(x+h) − f(x−h)) / (2h): both steps, divided by the distance 2h between them") {
  check.tag("odd function at 0", "for f = x³ at 0, f(h) − f(−h) = 2h³: divided by 2h that is exactly h²");
  check.tag("second order", "a central quotient errs by f‴h²/6: halving h divides the error by 4, where a "
                            "one-sided (forward) quotient's error h·f″/2 only halves");
  check.tag("h = 0.01", "for e^x at 1 the central quotient is e·(1 + h²/6 + …), off by 1.7e-5; a forward "
                        "quotient is off by e·h/2 = 1.4e-2");
  // On f = e^x at x = 1, h = 1e-2: the central quotient errs by 1.7e-5 and a forward one by
  // 1.4e-2; a tolerance of 1e-4 separates them.
  check.add({"f = e^x at x = 1, h = 0.01, against e", {"h = 0.01"},
             [](Difference d) { return Answer{ex::check::scalar("quotient", d(exp_, 1.0, 1e-2))}; },
             [] { return Answer{ex::check::scalar("quotient", std::exp(1.0))}; }, 1e-4, "the exact derivative e"});
  check.add({"f = x³ at x = 0, h = 0.1", {"odd function at 0"},
             [](Difference d) { return Answer{ex::check::scalar("quotient", d(cube, 0.0, 0.1))}; },
             [] { return Answer{ex::check::scalar("quotient", 0.01)}; }, 1e-12, "(h³ + h³)/(2h) = h² by hand"});
  // second order: the error ratio for h = 0.1 and 0.05 is 4 + O(h²) (≈ 4.0 here), a forward
  // quotient's is ≈ 2
  check.add({"f = e^x at x = 1, the error for h = 0.1 over the error for h = 0.05", {"second order"},
             [](Difference d) {
               const double e1 = std::abs(d(exp_, 1.0, 0.1) - std::exp(1.0)), e2 = std::abs(d(exp_, 1.0, 0.05) - std::exp(1.0));
               return Answer{ex::check::scalar("error ratio", e1 / e2)};
             },
             [] { return Answer{ex::check::scalar("error ratio", 4.0)}; }, 0.125, "4, for a second-order quotient"});
  check.add({"f = sin at x = 0.5 (h = 1e-3) and 2 (h = 0.2), f = e^x at −1 (h = 0.05)", {"other f, x and h"},
             [](Difference d) {
               return Answer{ex::check::values("quotient", {d(sin_, 0.5, 1e-3), d(sin_, 2.0, 0.2), d(exp_, -1.0, 0.05)})};
             },
             [] {
               return Answer{ex::check::values("quotient", {nn::central_difference(sin_, 0.5, 1e-3),
                                                            nn::central_difference(sin_, 2.0, 0.2),
                                                            nn::central_difference(exp_, -1.0, 0.05)})};
             },
             1e-12, "nn::central_difference"});
}
