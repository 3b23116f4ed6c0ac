// Checks of the §4.2.3–4.2.4 exercises: the activation layer, forward (Eq. (44)) and backward
// (Eq. (45)). For each of σ, tanh and ReLU: a rank-4 tensor with R ≠ C and H ≠ W of moderate
// values of both signs, one with tails up to |x| = 800 (where a hand-made e^x overflows), and
// for ReLU one with exact zeros (its kink, where Eq. (13) takes ReLU′(0) = 1). Truth: the
// library's nn::activation_forward / nn::activation_backward, to 1e-12.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"
#include "ex/ch05_activation_layer.hpp"
#include "nn/activation_layer.hpp"

namespace {

using ex::check::Answer;
using nn::ActivationFunction;

std::string name(ActivationFunction f) {
  switch (f) {
    case ActivationFunction::sigmoid: return "σ";
    case ActivationFunction::tanh: return "tanh";
    case ActivationFunction::relu: return "ReLU";
  }
  return "?";
}

std::string shape_text(const nn::Shape& s) {
  return "(R, C, H, W) = " + s.str();
}

// One input of the layer: the tensor X^(l) and what its values are like.
struct Input {
  std::string what;  // e.g. "uniform in [−3, 3]"
  nn::Tensor<double> X;
};

nn::Tensor<double> uniform(const nn::Shape& shape, double a, std::uint64_t seed) {
  return ex::check::uniform_tensor(shape, -a, a, seed);
}

// Moderate values of both signs, never exactly 0.
Input moderate(std::uint64_t seed) { return {"uniform in [−3, 3]", uniform(nn::Shape{2, 3, 4, 5}, 3.0, seed)}; }

// The tails: ±800 (e^800 overflows double), ±710, ±100, ±30, ±12 and a few moderate values.
Input tails() {
  const std::vector<double> v = {-800, 800, -710, 710, -100, 100, -30, 30, -12, 12, -5, 5,
                                 -800, -0.5, 0.25, 800, -710, 2,  -12, 30, -1, 1, -100, 7};
  return {"±800, ±710, ±100, ±30, ±12 and moderate values", nn::Tensor<double>(nn::Shape{2, 1, 3, 4}, v)};
}

// Every third value exactly 0, the others of both signs.
Input zeros(std::uint64_t seed) {
  auto X = uniform(nn::Shape{2, 3, 3, 2}, 2.0, seed);
  for (std::size_t i = 0; i < X.size(); i += 3) X[i] = 0.0;
  return {"every third value exactly 0, the others uniform in [−2, 2]", X};
}

double max_abs(const nn::Tensor<double>& X) {
  double m = 0;
  for (double v : X) m = std::max(m, std::abs(v));
  return m;
}

bool has_zero(const nn::Tensor<double>& X) {
  for (double v : X)
    if (v == 0) return true;
  return false;
}

const char* const kTails = "|x| up to 800";
const char* const kTanhTails = "f = tanh with |x| up to 800";
const char* const kKink = "ReLU at x = 0 (its kink)";

std::vector<std::string> tags(ActivationFunction f, const nn::Tensor<double>& X) {
  std::vector<std::string> t{"f = " + name(f)};
  if (max_abs(X) > 709) {  // e^x overflows double beyond x ≈ 709.78
    t.push_back(kTails);
    if (f == ActivationFunction::tanh) t.push_back(kTanhTails);
  }
  if (f == ActivationFunction::relu && has_zero(X)) t.push_back(kKink);
  return t;
}

// The inputs of both checks: every activation on moderate values and tails, ReLU also on zeros.
std::vector<std::pair<ActivationFunction, Input>> inputs() {
  std::vector<std::pair<ActivationFunction, Input>> in;
  std::uint64_t seed = 500;
  for (auto f : {ActivationFunction::sigmoid, ActivationFunction::tanh, ActivationFunction::relu}) {
    in.push_back({f, moderate(seed++)});
    in.push_back({f, tails()});
  }
  in.push_back({ActivationFunction::relu, zeros(seed++)});
  return in;
}

template <class Checker>
void common_hints(Checker& check) {
  check.tag("f = σ", "σ(x) = 1/(1 + e^(−x)), Eq. (8): nn::activate(ActivationFunction::sigmoid, x) computes it without overflow");
  check.tag("f = tanh", "tanh, Eq. (9): std::tanh, or nn::activate(ActivationFunction::tanh, x)");
  check.tag("f = ReLU", "ReLU(x) = max(0, x), Eq. (10)");
  check.tag(kTails, "e^800 overflows double to inf (the largest double is e^709.8), and inf/inf is NaN: use the "
                    "library's scalar functions, which never form a growing exponential");
  check.tag(kTanhTails, "Eq. (9) written out, (e^x − e^(−x))/(e^x + e^(−x)), is inf/inf = NaN for |x| > 710: std::tanh "
                        "saturates at ±1");
}

}  // namespace

NN_EXERCISE_CHECK(activation_forward, "4.2.3a", "Eq. (44)",
                  "X^(l+1)(r,c,h,w) = f(X^(l)(r,c,h,w)) for every element: f itself (not f′), the same shape (R, C, H, W)") {
  using Fn = decltype(&ex::activation_forward);
  check.part("f(X)", "Eq. (44)", "Y(r, c, h, w) = f(X(r, c, h, w)), Y of X's shape (R, C, H, W)");
  common_hints(check);
  for (const auto& [f, in] : inputs()) {
    const auto X = in.X;
    const auto fn = f;
    check.add({"f = " + name(f) + ", X " + shape_text(X.shape()) + " " + in.what, tags(f, X),
               [X, fn](Fn g) { return Answer{{"f(X)", g(X, fn)}}; },
               [X, fn] { return Answer{{"f(X)", nn::activation_forward(X, fn)}}; }, 1e-12, "nn::activation_forward"});
  }
}

NN_EXERCISE_CHECK(activation_backward, "4.2.4a", "Eq. (45)",
                  "δ^(l)(r,c,h,w) = δ^(l+1)(r,c,h,w) · f′(X^(l)(r,c,h,w)): δ times f′ taken at the layer's input X, "
                  "with ReLU′(0) = 1 (Eq. (13))") {
  using Fn = decltype(&ex::activation_backward);
  check.part("δ^(l)", "Eq. (45)", "δ^(l) = δ^(l+1) ⊙ f′(X^(l)): multiply δ by f′ at the input X, element by element");
  common_hints(check);
  check.tag("f = σ", "σ′(x) = σ(x)(1 − σ(x)) at the input x (Eq. (11)): nn::activate_prime(ActivationFunction::sigmoid, x)");
  check.tag("f = tanh", "tanh′(x) = 1 − tanh²(x) at the input x (Eq. (12))");
  check.tag("f = ReLU", "ReLU′(x) = 0 for x < 0 and 1 for x ≥ 0 (Eq. (13)): δ passes where X ≥ 0 and is 0 elsewhere");
  check.tag(kTails, "far in the tails σ′ and tanh′ are 0, so δ^(l) is 0 there: f′(±800) must not be NaN");
  check.tag(kKink, "ReLU has no derivative at 0; Eq. (13) takes ReLU′(0) = 1, so δ passes where X is exactly 0");
  std::uint64_t seed = 600;
  for (const auto& [f, in] : inputs()) {
    const auto X = in.X;
    const auto dY = uniform(X.shape(), 1.0, seed++);
    const auto fn = f;
    check.add({"f = " + name(f) + ", X " + shape_text(X.shape()) + " " + in.what + ", δ^(l+1) uniform in [−1, 1]",
               tags(f, X), [X, dY, fn](Fn g) { return Answer{{"δ^(l)", g(dY, X, fn)}}; },
               [X, dY, fn] { return Answer{{"δ^(l)", nn::activation_backward(dY, X, fn)}}; }, 1e-12,
               "nn::activation_backward"});
  }
}
