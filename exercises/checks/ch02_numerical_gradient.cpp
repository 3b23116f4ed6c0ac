// Check of exercise 4.1i, the numerical gradient of a scalar function of a tensor (Eq. (21) in
// its central form, one element at a time), against nn::numerical_gradient and, on a function
// whose central quotient is known exactly, against that value. The functions are chosen so that
// each kind of slip shows: a linear L (where only the loop over the elements matters), a sum of
// one-element terms (where a one-sided quotient errs but a perturbation left in place cancels),
// and functions that couple the elements (a product, a log-sum-exp, a tanh layer), where every
// element must be put back before the next one moves.
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
using nn::Shape;
using nn::Tensor;
using Fn = decltype(&ex::numerical_gradient);
using Scalar = std::function<double(const Tensor<double>&)>;

struct Function {
  std::string name;  // e.g. "L = Σ sin(x_i)"
  Scalar L;
  bool nonlinear, couples;
};

std::vector<std::string> tags_of(const Function& fn, const Tensor<double>& X) {
  std::vector<std::string> t;
  if (X.size() > 1) t.push_back("size > 1");
  if (X.rank() > 1) t.push_back("X of rank > 1");
  if (fn.nonlinear) t.push_back("a nonlinear L");
  if (fn.couples) t.push_back("an L that couples the elements");
  return t;
}

std::string values(const Tensor<double>& X) {
  std::string s;
  for (double x : X) s += (s.empty() ? "" : ", ") + ex::check::num(x);
  return "(" + s + ")";
}

// Against the library: the same quotient, so only round-off separates a right answer from it.
// Moving x_i by +h and back by −2h (instead of setting x ± h) changes x − h by one ulp, and the
// quotient by ε·|∂L/∂x|·|x|/h ≈ 1e-11 for h = 1e-5; 1e-9 leaves room for that, while the
// mistakes are off by h·L″/2 ≥ 5e-6 (a forward quotient) or by O(1) (a missing element).
void add_case(ex::check::Checker<Fn>& check, const Function& fn, const Tensor<double>& X, double h) {
  const Scalar L = fn.L;
  check.add({fn.name + ", X of shape " + X.shape().str() + " = " + values(X) + ", h = " + ex::check::num(h),
             tags_of(fn, X), [=](Fn f) { return Answer{{"∂L/∂X", f(L, X, h)}}; },
             [=] { return Answer{{"∂L/∂X", nn::numerical_gradient(L, X, h)}}; }, 1e-9, "nn::numerical_gradient"});
}

}  // namespace

NN_EXERCISE_CHECK(numerical_gradient, "4.1i", "Eq. (21)",
                  "for every element i of X, on a copy in which only x_i moves: g_i = (L(X + h e_i) − L(X − h e_i)) "
                  "/ (2h), then x_i back to its value before the next element") {
  check.part("∂L/∂X", "Eq. (21), central form", "one central quotient per element, with all other elements at X");
  check.tag("size > 1", "every element gets its own quotient: loop over all X.size() elements and move one at a "
                        "time, x_i ± h with the others unchanged (not all of them at once)");
  check.tag("X of rank > 1", "X may be a matrix or a rank-3 tensor: loop over all X.size() elements (X[i] is the "
                            "row-major index), not over X.dim(0), and return a tensor of X's shape");
  check.tag("a nonlinear L", "for a curved L a one-sided quotient (L(X + h e_i) − L(X))/h errs by h·L″/2: step both "
                           "ways and divide by 2h");
  check.tag("an L that couples the elements", "when L mixes the elements, the others must sit at X while x_i moves: put x_i "
                                  "back after its two evaluations (a copy made once and never reset keeps x_0 … "
                                  "x_{i−1} moved)");

  const Function cube{"L = x³", [](const Tensor<double>& x) { return x[0] * x[0] * x[0]; }, true, false};
  const Function linear{"L = x_0 − 2x_1 + 3x_2 + 0.5x_3",
                        [](const Tensor<double>& x) { return x[0] - 2 * x[1] + 3 * x[2] + 0.5 * x[3]; }, false, false};
  const Function sines{"L = Σ_i sin(x_i)",
                       [](const Tensor<double>& x) {
                         double s = 0;
                         for (double v : x) s += std::sin(v);
                         return s;
                       },
                       true, false};
  const Function chain{"L = Σ_i x_i x_{i+1} + Σ_i x_i²",
                       [](const Tensor<double>& x) {
                         double s = 0;
                         for (std::size_t i = 0; i < x.size(); ++i) s += x[i] * x[i] + (i + 1 < x.size() ? x[i] * x[i + 1] : 0.0);
                         return s;
                       },
                       true, true};
  const Function lse{"L = log Σ_i e^(x_i)",
                     [](const Tensor<double>& x) {
                       double s = 0;
                       for (double v : x) s += std::exp(v);
                       return std::log(s);
                     },
                     true, true};
  // a tanh layer's loss as a function of its weights W (3×2): L = Σ dY ⊙ tanh(X0 W + b)
  const Tensor<double> X0(Shape{2, 3}, {0.5, -1.1, 0.8, -0.3, 0.9, 1.2}), b(Shape{2}, {0.2, -0.4}),
      dY(Shape{2, 2}, {1.0, -0.5, 0.7, 1.3});
  const Function layer{"L(W) = Σ dY ⊙ tanh(X W + b) of a 2×3 batch X",
                       [=](const Tensor<double>& W) {
                         double s = 0;
                         for (std::size_t r = 0; r < 2; ++r)
                           for (std::size_t j = 0; j < 2; ++j) {
                             double z = b(j);
                             for (std::size_t i = 0; i < 3; ++i) z += X0(r, i) * W(i, j);
                             s += dY(r, j) * std::tanh(z);
                           }
                         return s;
                       },
                       true, true};

  add_case(check, cube, Tensor<double>(Shape{1}, {0.7}), 1e-3);
  add_case(check, linear, Tensor<double>(Shape{4}, {0.5, -1.2, 0.8, 2.0}), 1e-2);
  add_case(check, sines, Tensor<double>(Shape{3}, {0.4, -1.3, 2.2}), 1e-3);
  add_case(check, chain, Tensor<double>(Shape{2, 3}, {0.9, -0.6, 1.4, -1.1, 0.3, 0.7}), 1e-3);
  add_case(check, layer, Tensor<double>(Shape{3, 2}, {0.6, -0.9, 1.1, 0.4, -0.7, 0.8}), 1e-5);
  add_case(check, lse, Tensor<double>(Shape{2, 1, 3}, {0.2, -1.5, 1.0, 0.6, -0.4, 2.1}), 1e-4);
  add_case(check, chain, Tensor<double>(Shape{5}, {1.2, -0.8, 0.3, -1.6, 0.9}), 0.1);

  // By hand: for L = (Σ x)² + Σ x³ the central quotient is exactly 2Σx + 3x_i² + h² (the
  // square's quotient is exact, and ((x + h)³ − (x − h)³)/(2h) = 3x² + h²); round-off is
  // ε·|L|/h ≈ 1e-12 for h = 1e-3.
  {
    const Function poly{"L = (Σ_i x_i)² + Σ_i x_i³",
                        [](const Tensor<double>& x) {
                          double s = 0, c = 0;
                          for (double v : x) {
                            s += v;
                            c += v * v * v;
                          }
                          return s * s + c;
                        },
                        true, true};
    const Tensor<double> X(Shape{2, 2}, {0.5, -1.5, 1.25, 2.0});
    const double h = 1e-3;
    const Scalar L = poly.L;
    check.add({poly.name + ", X of shape " + X.shape().str() + " = " + values(X) + ", h = " + ex::check::num(h),
               tags_of(poly, X), [=](Fn f) { return Answer{{"∂L/∂X", f(L, X, h)}}; },
               [=] {
                 double S = 0;
                 for (double v : X) S += v;
                 Tensor<double> g(X.shape());
                 for (std::size_t i = 0; i < X.size(); ++i) g[i] = 2 * S + 3 * X[i] * X[i] + h * h;
                 return Answer{{"∂L/∂X", g}};
               },
               1e-9, "the exact central quotient 2Σx + 3x_i² + h², by hand"});
  }
}
