// Checks of the §4.1 dense-layer exercises: Eq. (7) forward, Eqs. (31)–(33) backward, the L2
// loss gradient (Eqs. (16), (25)), the SGD step (Eq. (20)), its momentum and Adam variants, and
// the softmax cross-entropy gradient. Every case compares with the library (nn::dense_forward,
// nn::dense_backward, nn::l2_loss_gradient, nn::sgd_step, nn::SGD, nn::Adam,
// nn::softmax_cross_entropy) to 1e-12, and the gradients also with central differences. The
// inputs have batches R = 1 … 6 with n ≠ m and R ≠ K, values of both signs, every activation,
// pre-activations away from ReLU's kink, logits of ±1000, and optimizer runs of several steps.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"
#include "ex/ch03_dense.hpp"
#include "nn/dense.hpp"
#include "nn/finite_difference.hpp"
#include "nn/loss.hpp"
#include "nn/optim.hpp"

namespace {

using ex::check::Answer;
using ex::check::Part;
using nn::ActivationFunction;
using nn::Shape;
using nn::Tensor;

// Our own uniform draw from the generator's bits, so that the inputs are the same with every
// standard library (std::uniform_real_distribution is not specified bit for bit).
struct Rng {
  std::mt19937_64 g;
  explicit Rng(std::uint64_t seed) : g(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * double(g() >> 11) * 0x1.0p-53; }
  // |v| in [lo, hi] with a random sign
  double signed_in(double lo, double hi) { return (g() & 1) ? uniform(lo, hi) : -uniform(lo, hi); }
};

Tensor<double> random_tensor(const Shape& s, Rng& rng, double lo = 0.3, double hi = 1.3) {
  Tensor<double> t(s);
  for (auto& v : t) v = rng.signed_in(lo, hi);
  return t;
}

bool has_negative(const Tensor<double>& t) {
  for (double v : t)
    if (v < 0) return true;
  return false;
}

std::string dims(std::size_t R, std::size_t n, std::size_t m, const char* a = "n", const char* b = "m") {
  return "R=" + std::to_string(R) + ", " + a + "=" + std::to_string(n) + ", " + b + "=" + std::to_string(m);
}

std::string f_name(ActivationFunction f) {
  switch (f) {
    case ActivationFunction::sigmoid: return "σ";
    case ActivationFunction::tanh: return "tanh";
    case ActivationFunction::relu: return "ReLU";
  }
  return "?";
}

// ---- the dense layer: shared inputs ---------------------------------------------------------

// One layer's inputs. The values are drawn in ±[0.3, 1.3] and drawn again until every
// pre-activation Z = X W + b has |Z| ≥ 0.1 (so that no ReLU input is near its kink, where a
// central difference with h = 1e-5 would straddle it) and, for ReLU, Z has both signs and
// (if b ≠ 0) the bias flips the sign of some X W, so that b decides which units are on.
struct Dense {
  std::size_t R, n, m;
  ActivationFunction f;
  bool zero_bias;
  Tensor<double> X, W, b, dY;
};

Dense make_dense(std::size_t R, std::size_t n, std::size_t m, ActivationFunction f, bool zero_bias,
                 std::uint64_t seed) {
  Rng rng(seed);
  for (;;) {
    Dense d{R, n, m, f, zero_bias, random_tensor(Shape{R, n}, rng), random_tensor(Shape{n, m}, rng),
            random_tensor(Shape{m}, rng), random_tensor(Shape{R, m}, rng)};
    if (zero_bias) d.b = Tensor<double>(Shape{m}, 0.0);
    nn::DenseCache<double> cache;
    const auto Z = nn::dense_forward(d.X, d.W, d.b, cache);
    const auto XW = nn::dense_forward(d.X, d.W, Tensor<double>(Shape{m}, 0.0), cache);
    bool ok = true, neg = false, pos = false, flips = zero_bias;
    for (std::size_t i = 0; i < Z.size(); ++i) {
      ok = ok && std::abs(Z[i]) >= 0.1;
      (Z[i] < 0 ? neg : pos) = true;
      flips = flips || (Z[i] < 0) != (XW[i] < 0);
    }
    if (ok && (f != ActivationFunction::relu || (neg && pos && flips))) return d;
  }
}

std::vector<std::string> dense_tags(const Dense& d) {
  std::vector<std::string> t;
  if (d.R > 1) t.push_back("R > 1");
  if (d.n != d.m) t.push_back("n ≠ m");
  if (d.n > d.m) t.push_back("n > m");
  if (d.n < d.m) t.push_back("n < m");
  if (d.m > 1) t.push_back("m > 1");
  if (!d.zero_bias) t.push_back("b ≠ 0");
  t.push_back("f = " + f_name(d.f));
  return t;
}

std::string dense_label(const Dense& d, bool with_dY) {
  return dims(d.R, d.n, d.m) + ", f = " + f_name(d.f) + (d.zero_bias ? ", b = 0" : ", b ≠ 0") + "; X, W" +
         (d.zero_bias ? "" : ", b") + (with_dY ? ", δ^(l+1)" : "") + " in ±[0.3, 1.3], |XW + b| ≥ 0.1" +
         (d.f == ActivationFunction::relu ? " of both signs" : "");
}

// The configurations of the library cases: the simplest first (R = 1, n = m), then each adds
// a batch, n ≠ m, another activation. Every activation also has a case with R = 1, one with a
// single output (m = 1) and one with b = 0 (and R = 1), so that a mistake that shows only with a
// batch, with m > 1 or with a bias fails across all three activations and no f looks guilty.
struct DenseConfig {
  std::size_t R, n, m;
  ActivationFunction f;
  bool zero_bias;
};
const DenseConfig kDense[] = {
    {1, 2, 2, ActivationFunction::tanh, false},    {3, 4, 2, ActivationFunction::sigmoid, false},
    {3, 4, 2, ActivationFunction::tanh, false},    {3, 4, 2, ActivationFunction::relu, false},
    {1, 3, 5, ActivationFunction::sigmoid, false}, {2, 3, 4, ActivationFunction::relu, false},
    {5, 2, 3, ActivationFunction::tanh, false},    {1, 4, 2, ActivationFunction::relu, false},
    {6, 5, 1, ActivationFunction::relu, false},    {4, 3, 1, ActivationFunction::sigmoid, false},
    {3, 2, 1, ActivationFunction::tanh, false},    {1, 3, 2, ActivationFunction::relu, true},
    {1, 4, 3, ActivationFunction::sigmoid, true},  {1, 2, 3, ActivationFunction::tanh, true},
    {1, 2, 3, ActivationFunction::tanh, false},
};

void dense_tag_hints(ex::check::Checker<decltype(&ex::dense_forward)>* fwd,
                     ex::check::Checker<decltype(&ex::dense_backward)>* bwd) {
  auto tag = [&](const std::string& t, const std::string& h) {
    if (fwd) fwd->tag(t, h);
    if (bwd) bwd->tag(t, h);
  };
  tag("n > m", "the sum over the inputs runs over i < n (X's columns, W's rows); with n > m a bound taken from m "
               "stops too early");
  tag("n < m", "the sum over the inputs runs over i < n (X's columns, W's rows) and the outputs over j < m; with "
               "n < m a bound taken from the other dimension runs past the end or stops early");
  tag("f = σ", "use the f you are given, nn::activate(f, z) and nn::activate_prime(f, z): the σ cases fail");
  tag("f = tanh", "use the f you are given, nn::activate(f, z) and nn::activate_prime(f, z): the tanh cases fail");
  tag("f = ReLU", "with ReLU, Z has entries of both signs here: ReLU(z) = 0 and ReLU′(z) = 0 where z < 0, and "
                  "ReLU′(z) = 1 (not z) where z > 0");
}

}  // namespace

NN_EXERCISE_CHECK(dense_forward, "4.1e", "Eq. (7)",
                  "Y(r, j) = f(Σ_i X(r, i) W(i, j) + b(j)): W is n×m (inputs × outputs), b is added to every row "
                  "r of the batch, and f comes last") {
  check.part("Y", "Eq. (7)", "Y = X^(l+1): Y(r, j) = f(Σ_{i<n} X(r, i) W(i, j) + b(j)) for every row r < R and output j < m");
  check.tag("R > 1", "each row r of X is one example, and each gets the same bias: Y(r, ·) = f(X(r, ·) W + b) for "
                     "every r < R (a bias added to one row only, or a loop over r that stops early, passes R = 1)");
  check.tag("n ≠ m", "W is n×m, inputs × outputs: the sum runs over i < n with W(i, j) at i·m + j; a bound swapped "
                     "with m, or W read as m×n, shows only when n ≠ m");
  check.tag("b ≠ 0", "the bias goes inside f: f(X W + b), not f(X W) + b (the cases with b = 0 pass)");
  check.tag("m > 1", "with a single output (m = 1) W is one column and its layout cannot go wrong; with m > 1, W(i, j) "
                     "(input i, output j) sits at i·m + j: check how you index W and b");
  dense_tag_hints(&check, nullptr);
  std::uint64_t seed = 701;
  for (const auto& c : kDense) {
    const Dense d = make_dense(c.R, c.n, c.m, c.f, c.zero_bias, seed++);
    check.add({dense_label(d, false), dense_tags(d),
               [d](decltype(&ex::dense_forward) fn) { return Answer{{"Y", fn(d.X, d.W, d.b, d.f)}}; },
               [d] {
                 nn::DenseCache<double> cache;
                 return Answer{{"Y", nn::dense_forward(d.X, d.W, d.b, d.f, cache)}};
               },
               1e-12, "nn::dense_forward"});
  }
}

namespace {
// L = Σ δ^(l+1) ⊙ f(X W + b): its gradients with respect to X, W and b are exactly what
// dense_backward returns for the upstream gradient δ^(l+1) = dY.
double dense_probe(const Dense& d, const Tensor<double>& X, const Tensor<double>& W, const Tensor<double>& b) {
  nn::DenseCache<double> cache;
  const auto Y = nn::dense_forward(X, W, b, d.f, cache);
  double s = 0;
  for (std::size_t i = 0; i < Y.size(); ++i) s += d.dY[i] * Y[i];
  return s;
}
Answer dense_gradients(const ex::DenseGradients& g) { return Answer{{"dX", g.dX}, {"dW", g.dW}, {"db", g.db}}; }
}  // namespace

NN_EXERCISE_CHECK(dense_backward, "4.1f", "Eqs. (31)–(33)",
                  "G = δ^(l+1) ⊙ f′(XW + b) (f′ at the pre-activation Z, not at f(Z)); dX = G Wᵀ with this "
                  "layer's W (the draft's Eq. (31) says W^(l+1): wrong); dW = Xᵀ G; db = Σ_r G(r, ·), summed over "
                  "the batch (the draft's Eq. (33) forgets the sum)") {
  check.part("dX", "Eq. (31)", "dX(r, i) = Σ_j G(r, j) W(i, j) with G = δ^(l+1) ⊙ f′(X W + b): the factor f′(Z) "
                               "and this layer's W, read as n×m");
  check.part("dW", "Eq. (32)", "dW(i, j) = Σ_r X(r, i) G(r, j): Xᵀ G, summed over the batch, shape n×m");
  check.part("db", "Eq. (33)", "db(j) = Σ_r G(r, j): every row of the batch contributes (the draft forgets the sum)");
  check.tag("R > 1", "with a batch, dW = Xᵀ G and db = Σ_r G(r, ·) collect one term per row: sum over every r < R "
                     "(don't overwrite, don't take one row), and don't divide by R (the 1/R is already in δ, from "
                     "the loss)");
  check.tag("n ≠ m", "W is n×m: dX = G Wᵀ is R×n with dX(r, i) = Σ_j G(r, j) W(i, j), dW = Xᵀ G is n×m; a W read as "
                     "m×n or a loop bound swapped between n and m shows when n ≠ m");
  check.tag("b ≠ 0", "f′ is taken at the pre-activation Z = X W + b, bias included (the cases with b = 0 pass)");
  check.tag("m > 1", "with a single output (m = 1) W is one column and its layout cannot go wrong; with m > 1, "
                     "W(i, j) (input i, output j) sits at i·m + j: dX(r, i) = Σ_j G(r, j) W(i, j)");
  dense_tag_hints(nullptr, &check);
  std::uint64_t seed = 801;
  for (const auto& c : kDense) {
    const Dense d = make_dense(c.R, c.n, c.m, c.f, c.zero_bias, seed++);
    check.add({dense_label(d, true), dense_tags(d),
               [d](decltype(&ex::dense_backward) fn) { return dense_gradients(fn(d.dY, d.X, d.W, d.b, d.f)); },
               [d] {
                 nn::DenseCache<double> cache;
                 nn::dense_forward(d.X, d.W, d.b, d.f, cache);
                 const auto g = nn::dense_backward(d.dY, d.W, cache);
                 return Answer{{"dX", g.dX}, {"dW", g.dW}, {"db", g.db}};
               },
               1e-12, "nn::dense_backward"});
  }
  // The definition of the derivative as a second, independent truth: central differences of
  // L = Σ δ^(l+1) ⊙ f(X W + b) with h = 1e-5. Their error is h²·L‴/6 + ε·|L|/h ≈ 1e-10 here
  // (|Z| ≥ 0.1 keeps ReLU's kink out of reach of ±h), so 1e-6 passes every right answer and
  // no mistake: the catalogued ones are off by 1e-2 or more.
  const DenseConfig cd[] = {{3, 4, 2, ActivationFunction::tanh, false},
                            {2, 3, 4, ActivationFunction::sigmoid, false},
                            {2, 2, 3, ActivationFunction::relu, false}};
  for (const auto& c : cd) {
    const Dense d = make_dense(c.R, c.n, c.m, c.f, c.zero_bias, seed++);
    check.add({dense_label(d, true), dense_tags(d),
               [d](decltype(&ex::dense_backward) fn) { return dense_gradients(fn(d.dY, d.X, d.W, d.b, d.f)); },
               [d] {
                 using F = std::function<double(const Tensor<double>&)>;
                 const F LX = [&](const Tensor<double>& v) { return dense_probe(d, v, d.W, d.b); };
                 const F LW = [&](const Tensor<double>& v) { return dense_probe(d, d.X, v, d.b); };
                 const F Lb = [&](const Tensor<double>& v) { return dense_probe(d, d.X, d.W, v); };
                 return Answer{{"dX", nn::numerical_gradient(LX, d.X)},
                               {"dW", nn::numerical_gradient(LW, d.W)},
                               {"db", nn::numerical_gradient(Lb, d.b)}};
               },
               1e-6, "central differences of L = Σ δ^(l+1) ⊙ f(XW + b) (h = 1e-5)"});
  }
}

// ---- the L2 loss gradient -------------------------------------------------------------------

namespace {
using L2 = decltype(&ex::l2_loss_gradient);
void add_l2(ex::check::Checker<L2>& check, const Tensor<double>& Yhat, const Tensor<double>& Y, bool numeric) {
  const std::size_t R = Yhat.dim(0), m = Yhat.dim(1);
  std::vector<std::string> tags;
  if (R > 1) tags.push_back("R > 1");
  if (m > 1) tags.push_back("m > 1");
  if (has_negative(Yhat - Y)) tags.push_back("some ŷ − y < 0");
  if (R != m) tags.push_back("R ≠ m");
  std::string label = "R=" + std::to_string(R) + ", m=" + std::to_string(m);
  if (Yhat.size() == 1)
    label += ", ŷ = " + ex::check::num(Yhat[0]) + ", y = " + ex::check::num(Y[0]);
  else
    label += ", ŷ and y in ±[0.3, 1.3]" +
             std::string(has_negative(Yhat - Y) ? ", ŷ − y of both signs" : ", ŷ − y > 0 everywhere");
  const std::string part = "∂L/∂ŷ";
  if (!numeric) {
    check.add({label, tags, [=](L2 f) { return Answer{{part, f(Yhat, Y)}}; },
               [=] { return Answer{{part, nn::l2_loss_gradient(Yhat, Y)}}; }, 1e-12, "nn::l2_loss_gradient"});
  } else {
    // L is quadratic in ŷ, so the central difference is exact up to round-off, ε·L/h ≈ 1e-11
    check.add({label, tags, [=](L2 f) { return Answer{{part, f(Yhat, Y)}}; },
               [=] {
                 return Answer{{part, nn::numerical_gradient([&](const Tensor<double>& v) { return nn::l2_loss(v, Y); },
                                                             Yhat)}};
               },
               1e-8, "central differences of nn::l2_loss, Eq. (16) (h = 1e-5)"});
  }
}
}  // namespace

NN_EXERCISE_CHECK(l2_loss_gradient, "4.1g", "Eqs. (16), (25)",
                  "L = (1/R) Σ_r ‖ŷ_r − y_r‖² has the gradient 2(ŷ − y)/R: a tensor with the shape of ŷ and the "
                  "sign of each ŷ_i − y_i (the draft's 2‖ŷ − y‖ is one positive number), divided by the batch "
                  "size R") {
  check.part("∂L/∂ŷ", "Eq. (25), corrected", "2(ŷ − y)/R, element by element, with R = ŷ.dim(0) the batch size");
  check.tag("R > 1", "the loss is the mean over the R rows of the batch, so the gradient carries 1/R: 2(ŷ − y)/R "
                     "with R = ŷ.dim(0)");
  check.tag("m > 1", "Eq. (16) sums the squares over the m components of each row, ‖ŷ_r − y_r‖²; the mean is over "
                     "the R rows only, not over all R·m numbers, and every component gets its own 2(ŷ_i − y_i)/R");
  check.tag("R ≠ m", "ŷ is R×m, one row per example: R is ŷ.dim(0), the number of rows, not the width m = ŷ.dim(1)");
  check.tag("some ŷ − y < 0", "the gradient has the sign of each ŷ_i − y_i: it is the tensor 2(ŷ − y)/R, not a "
                              "norm (the draft's 2‖ŷ − y‖ is always positive)");
  Rng rng(901);
  add_l2(check, Tensor<double>(Shape{1, 1}, {0.7}), Tensor<double>(Shape{1, 1}, {0.2}), false);
  add_l2(check, Tensor<double>(Shape{1, 1}, {-0.4}), Tensor<double>(Shape{1, 1}, {0.9}), false);
  {  // a batch with ŷ > y everywhere
    Tensor<double> Yhat = random_tensor(Shape{2, 3}, rng), Y(Shape{2, 3});
    for (std::size_t i = 0; i < Y.size(); ++i) Y[i] = Yhat[i] - rng.uniform(0.3, 1.3);
    add_l2(check, Yhat, Y, false);
  }
  for (const auto& s : {Shape{1, 3}, Shape{4, 1}, Shape{3, 2}, Shape{2, 5}, Shape{2, 2}}) {
    Tensor<double> Yhat, Y;
    do {  // ŷ − y of both signs
      Yhat = random_tensor(s, rng);
      Y = random_tensor(s, rng);
    } while (!has_negative(Yhat - Y) || !has_negative(Y - Yhat));
    add_l2(check, Yhat, Y, false);
  }
  for (const auto& s : {Shape{3, 2}, Shape{1, 2}, Shape{1, 4}}) add_l2(check, random_tensor(s, rng), random_tensor(s, rng), true);
}

// ---- the SGD step ---------------------------------------------------------------------------

namespace {
using Sgd = decltype(&ex::sgd_step);
std::vector<std::string> sgd_tags(const Tensor<double>& theta, double alpha) {
  std::vector<std::string> t;
  if (alpha != 1) t.push_back("α ≠ 1");
  if (alpha > 1) t.push_back("α > 1");
  if (theta.rank() > 1) t.push_back("θ of rank > 1");
  return t;
}
Answer sgd_run(Sgd f, Tensor<double> theta, const Tensor<double>& g, double alpha) {
  f(theta, g, alpha);
  return Answer{{"θ", theta}};
}
}  // namespace

NN_EXERCISE_CHECK(sgd_step, "4.1h", "Eq. (20)", "θ ← θ − α ∂L/∂θ: step against the gradient (minus), scaled by α") {
  check.part("θ", "Eq. (20)", "θ_i − α·g_i for every element i, written into θ itself");
  check.part("L(θ)", "Eq. (20)", "a small step against the gradient of L = ‖θ‖² must lower L");
  check.tag("α ≠ 1", "multiply the gradient by α exactly once: θ − α g (the case with α = 1 passes)");
  check.tag("θ of rank > 1", "θ may be a matrix or a rank-3 tensor: step every one of its θ.size() elements (θ[i] "
                             "runs over them all), not only θ.dim(0)");
  check.tag("α > 1", "α is a plain factor, also when it is above 1: θ − α g");
  {
    const Tensor<double> theta(Shape{3}, {1.0, -2.0, 0.5}), g(Shape{3}, {0.25, 0.5, -1.0});
    check.add({"θ = (1, −2, 0.5), g = (0.25, 0.5, −1), α = 1", sgd_tags(theta, 1.0),
               [=](Sgd f) { return sgd_run(f, theta, g, 1.0); },
               [] { return Answer{{"θ", Tensor<double>(Shape{3}, {0.75, -2.5, 1.5})}}; }, 1e-12,
               "θ − g by hand"});
  }
  {
    const Tensor<double> theta(Shape{2, 2}, {1.0, -2.0, 0.5, 0.0}), g(Shape{2, 2}, {0.5, -1.0, 2.0, 0.25});
    check.add({"θ = ((1, −2), (0.5, 0)), g = ((0.5, −1), (2, 0.25)), α = 0.1", sgd_tags(theta, 0.1),
               [=](Sgd f) { return sgd_run(f, theta, g, 0.1); },
               [] { return Answer{{"θ", Tensor<double>(Shape{2, 2}, {0.95, -1.9, 0.3, -0.025})}}; },
               1e-12, "θ − α g by hand"});
  }
  Rng rng(1001);
  const std::pair<Shape, double> lib[] = {{Shape{3, 4}, 0.01}, {Shape{2, 3, 2}, 2.5}, {Shape{5}, 0.3}};
  for (const auto& [s, alpha] : lib) {
    const auto theta = random_tensor(s, rng), g = random_tensor(s, rng);
    const double a = alpha;
    check.add({"θ and g of shape " + s.str() + " in ±[0.3, 1.3], α = " + ex::check::num(alpha), sgd_tags(theta, a),
               [=](Sgd f) { return sgd_run(f, theta, g, a); },
               [=] {
                 Tensor<double> t = theta;
                 nn::sgd_step(t, g, a);
                 return Answer{{"θ", t}};
               },
               1e-12, "nn::sgd_step"});
  }
  // one step on L(θ) = ‖θ‖², whose gradient is 2θ: with α = 0.1, θ shrinks by 0.8 and L by 0.64
  {
    const Tensor<double> theta(Shape{3}, {1.0, -1.0, 2.0});
    auto L = [](const Tensor<double>& v) {
      double s = 0;
      for (double x : v) s += x * x;
      return s;
    };
    check.add({"L(θ) = ‖θ‖² at θ = (1, −1, 2), g = ∂L/∂θ = 2θ, α = 0.1", sgd_tags(theta, 0.1),
               [=](Sgd f) {
                 Tensor<double> t = theta;
                 f(t, 2.0 * theta, 0.1);
                 return Answer{{"θ", t}, ex::check::scalar("L(θ)", L(t))};
               },
               [=] {
                 Tensor<double> t = theta;
                 nn::sgd_step(t, 2.0 * theta, 0.1);
                 return Answer{{"θ", t}, ex::check::scalar("L(θ)", L(t))};
               },
               1e-12, "nn::sgd_step (L falls from 6 to 3.84)"});
  }
}

// ---- optimizer runs of several steps --------------------------------------------------------

namespace {
// The states after steps 1 … K stacked into one tensor of shape (K, θ's shape), so that a part
// shows the whole run and the first wrong element names its step.
Tensor<double> stack(const std::vector<Tensor<double>>& steps) {
  std::vector<std::size_t> d{steps.size()};
  for (std::size_t i = 0; i < steps[0].rank(); ++i) d.push_back(steps[0].dim(i));
  Tensor<double> out{Shape(d)};
  std::size_t k = 0;
  for (const auto& s : steps)
    for (double v : s) out[k++] = v;
  return out;
}
std::vector<std::string> step_names(std::size_t K, const Shape& s) {
  std::vector<std::string> n;
  for (std::size_t k = 0; k < K; ++k)
    for (std::size_t i = 0; i < s.size(); ++i)
      n.push_back("step " + std::to_string(k + 1) + ", element " + ex::check::multi_index(s, i));
  return n;
}
std::string list(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += (s.empty() ? "" : ", ") + ex::check::num(x);
  return s;
}

// ---- momentum ----
using Momentum = decltype(&ex::momentum_step);
struct MomentumRun {
  Tensor<double> theta0, v0;
  std::vector<Tensor<double>> g;
  std::vector<double> alpha;  // one per step
  double mu;
};
Answer momentum_student(Momentum f, const MomentumRun& r) {
  Tensor<double> theta = r.theta0, v = r.v0;
  std::vector<Tensor<double>> ts, vs;
  for (std::size_t k = 0; k < r.g.size(); ++k) {
    f(theta, v, r.g[k], r.alpha[k], r.mu);
    ts.push_back(theta);
    vs.push_back(v);
  }
  return Answer{{"θ", stack(ts)}, {"v", stack(vs)}};
}
// θ from nn::SGD (which starts from v = 0 and keeps v to itself), v re-derived as v ← μv + g
Answer momentum_library(const MomentumRun& r) {
  Tensor<double> theta = r.theta0, grad = r.g[0], v = r.v0;
  nn::SGD<double> opt(r.alpha[0], r.mu);
  const std::vector<nn::Parameter<double>> params{{"θ", &theta, &grad}};
  std::vector<Tensor<double>> ts, vs;
  for (std::size_t k = 0; k < r.g.size(); ++k) {
    grad = r.g[k];
    opt.set_learning_rate(r.alpha[k]);
    opt.step(params);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = r.mu * v[i] + r.g[k][i];
    ts.push_back(theta);
    vs.push_back(v);
  }
  return Answer{{"θ", stack(ts)}, {"v", stack(vs)}};
}
// the same steps re-derived in the check, for a run that starts from v ≠ 0
Answer momentum_by_hand(const MomentumRun& r) {
  Tensor<double> theta = r.theta0, v = r.v0;
  std::vector<Tensor<double>> ts, vs;
  for (std::size_t k = 0; k < r.g.size(); ++k) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      v[i] = r.mu * v[i] + r.g[k][i];
      theta[i] -= r.alpha[k] * v[i];
    }
    ts.push_back(theta);
    vs.push_back(v);
  }
  return Answer{{"θ", stack(ts)}, {"v", stack(vs)}};
}
}  // namespace

NN_EXERCISE_CHECK(momentum_step, "4.1j", "Eq. (20) with momentum",
                  "first v ← μv + g (stored in `velocity`), then θ ← θ − αv with the new v, element by element") {
  check.part("θ", "Eq. (20) with v for ∂L/∂θ", "θ ← θ − α v, with the v of this step (after v ← μv + g)");
  check.part("v", "v ← μv + g", "the velocity after each step: μ times the previous v plus this step's gradient, "
                                "without α, written into `velocity`");
  check.tag("several steps", "the velocity carries over from call to call: the next step starts from the v you "
                             "stored, so v ← μv + g must be written into `velocity`");
  check.tag("v ≠ 0 at the start", "the velocity passed in holds the earlier steps: use it (μv + g), don't reset it");
  check.tag("α changes between steps", "α multiplies v in the θ update only: v = μv + g holds no α, so a new α "
                                       "rescales this step and not the memory of the earlier ones");
  check.tag("μ > 0", "with μ > 0 the velocity remembers: v ← μv + g adds the whole gradient g (not (1 − μ)g) to μ "
                     "times the old v; only with μ = 0 is the step plain Eq. (20)");
  Rng rng(1101);
  struct Spec {
    Shape s;
    std::vector<double> alpha;
    double mu;
    bool v0;
  };
  const Spec specs[] = {{Shape{3}, {0.1}, 0.9, false},
                        {Shape{2, 3}, {0.05, 0.05, 0.05, 0.05}, 0.9, false},
                        {Shape{4}, {0.1, 0.1, 0.1}, 0.0, false},
                        {Shape{2, 2}, {0.2, 0.2, 0.2}, 0.5, true},
                        {Shape{3, 2}, {0.1, 0.05, 0.02, 0.01}, 0.8, false},
                        {Shape{2, 1, 3}, {1.5, 1.5}, 0.3, false},
                        {Shape{3}, {0.3, 0.1}, 0.0, true}};
  for (const auto& sp : specs) {
    MomentumRun r{random_tensor(sp.s, rng), Tensor<double>(sp.s, 0.0), {}, sp.alpha, sp.mu};
    if (sp.v0) r.v0 = random_tensor(sp.s, rng);
    for (std::size_t k = 0; k < sp.alpha.size(); ++k) r.g.push_back(random_tensor(sp.s, rng));
    std::vector<std::string> tags;
    const std::size_t K = sp.alpha.size();
    if (K > 1) tags.push_back("several steps");
    if (sp.v0) tags.push_back("v ≠ 0 at the start");
    bool changes = false;
    for (double a : sp.alpha) changes = changes || a != sp.alpha[0];
    if (changes) tags.push_back("α changes between steps");
    if (sp.mu > 0) tags.push_back("μ > 0");
    const std::string label = std::to_string(K) + (K > 1 ? " steps" : " step") + " on θ of shape " + sp.s.str() +
                              ", μ = " + ex::check::num(sp.mu) + ", α = " + list(sp.alpha) +
                              (sp.v0 ? ", v ≠ 0 at the start" : ", v = 0 at the start") +
                              "; θ, g (and v) in ±[0.3, 1.3]";
    check.add({label, tags, [r](Momentum f) { return momentum_student(f, r); },
               [r, v0 = sp.v0] { return v0 ? momentum_by_hand(r) : momentum_library(r); }, 1e-12,
               sp.v0 ? "v ← μv + g, θ ← θ − αv re-derived in the check" : "nn::SGD (θ) and v ← μv + g (v)",
               step_names(K, sp.s)});
  }
}

// ---- Adam ----

namespace {
using Adam = decltype(&ex::adam_step);
struct AdamRun {
  Tensor<double> theta0, m0, v0;
  std::vector<Tensor<double>> g;
  std::size_t t0;  // the number of the first step
  double alpha, beta1, beta2, eps;
};
Answer adam_student(Adam f, const AdamRun& r) {
  Tensor<double> theta = r.theta0, m = r.m0, v = r.v0;
  std::vector<Tensor<double>> ts, ms, vs;
  for (std::size_t k = 0; k < r.g.size(); ++k) {
    f(theta, m, v, r.g[k], r.t0 + k, r.alpha, r.beta1, r.beta2, r.eps);
    ts.push_back(theta);
    ms.push_back(m);
    vs.push_back(v);
  }
  return Answer{{"θ", stack(ts)}, {"m", stack(ms)}, {"v", stack(vs)}};
}
// m and v re-derived (nn::Adam keeps them to itself); θ from nn::Adam when the run starts at
// t = 1 with m = v = 0, else re-derived too.
Answer adam_truth(const AdamRun& r, bool library) {
  Tensor<double> theta = r.theta0, grad = r.g[0], m = r.m0, v = r.v0;
  nn::Adam<double> opt(r.alpha, r.beta1, r.beta2, r.eps);
  const std::vector<nn::Parameter<double>> params{{"θ", &theta, &grad}};
  std::vector<Tensor<double>> ts, ms, vs;
  for (std::size_t k = 0; k < r.g.size(); ++k) {
    const double t = double(r.t0 + k);
    const double c1 = 1 - std::pow(r.beta1, t), c2 = 1 - std::pow(r.beta2, t);
    for (std::size_t i = 0; i < m.size(); ++i) {
      const double g = r.g[k][i];
      m[i] = r.beta1 * m[i] + (1 - r.beta1) * g;
      v[i] = r.beta2 * v[i] + (1 - r.beta2) * g * g;
      if (!library) theta[i] -= r.alpha * (m[i] / c1) / (std::sqrt(v[i] / c2) + r.eps);
    }
    if (library) {
      grad = r.g[k];
      opt.step(params);
    }
    ts.push_back(theta);
    ms.push_back(m);
    vs.push_back(v);
  }
  return Answer{{"θ", stack(ts)}, {"m", stack(ms)}, {"v", stack(vs)}};
}
}  // namespace

NN_EXERCISE_CHECK(adam_step, "4.1k", "Eq. (20) with Adam",
                  "m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g² (both stored), then θ ← θ − α m̂/(√v̂ + ε) with "
                  "m̂ = m/(1 − β₁^t), v̂ = v/(1 − β₂^t)") {
  check.part("θ", "Adam's step", "θ ← θ − α m̂/(√v̂ + ε), with m̂ = m/(1 − β₁^t), v̂ = v/(1 − β₂^t) from this step's "
                                 "m and v, and ε outside the square root");
  check.part("m", "m ← β₁m + (1 − β₁)g", "the raw first moment, written into m (not m̂: the correction is not stored)");
  check.part("v", "v ← β₂v + (1 − β₂)g²", "the raw second moment of the squared gradient, written into v (not v̂)");
  check.tag("t > 1", "the bias corrections depend on the step: 1 − β₁^t and 1 − β₂^t with the t you are given (at "
                     "t = 1 they are 1 − β₁ and 1 − β₂, later they grow towards 1)");
  check.tag("several steps", "m and v carry over from call to call: update them in place, and keep their raw "
                             "values (the next step corrects them itself)");
  check.tag("m, v ≠ 0 at the start", "the m and v passed in hold the earlier steps: β₁m + (1 − β₁)g starts from them");
  check.tag("β₁, β₂ not 0.9, 0.999", "use the β₁ and β₂ you are given, not the usual defaults");
  check.tag("ε not small against |g|", "ε is added to √v̂, outside the square root: √v̂ + ε, not √(v̂ + ε); with "
                                       "ε close to |g| the two differ visibly");
  Rng rng(1201);
  struct Spec {
    Shape s;
    std::size_t K, t0;
    double alpha, beta1, beta2, eps, gmin, gmax;
  };
  const Spec specs[] = {{Shape{3}, 1, 1, 1e-3, 0.9, 0.999, 1e-8, 0.3, 1.3},
                        {Shape{2, 3}, 5, 1, 1e-2, 0.9, 0.999, 1e-8, 0.3, 1.3},
                        {Shape{4}, 3, 1, 0.1, 0.5, 0.8, 1e-3, 1e-3, 1e-2},
                        {Shape{3, 2}, 2, 6, 0.05, 0.9, 0.999, 1e-8, 0.3, 1.3},
                        {Shape{5}, 1, 3, 0.1, 0.9, 0.999, 1e-8, 0.3, 1.3},
                        {Shape{2, 2, 2}, 4, 1, 0.02, 0.8, 0.99, 1e-8, 0.1, 3.0}};
  for (const auto& sp : specs) {
    AdamRun r{random_tensor(sp.s, rng), Tensor<double>(sp.s, 0.0), Tensor<double>(sp.s, 0.0), {}, sp.t0,
              sp.alpha, sp.beta1, sp.beta2, sp.eps};
    if (sp.t0 > 1) {  // mid-run: m of either sign, v > 0
      r.m0 = random_tensor(sp.s, rng, 0.1, 0.5);
      for (auto& x : r.v0) x = rng.uniform(0.1, 0.5);
    }
    double gmin = 1e300;
    for (std::size_t k = 0; k < sp.K; ++k) {
      r.g.push_back(random_tensor(sp.s, rng, sp.gmin, sp.gmax));
      for (double x : r.g.back()) gmin = std::min(gmin, std::abs(x));
    }
    std::vector<std::string> tags;
    if (sp.t0 + sp.K - 1 > 1) tags.push_back("t > 1");
    if (sp.K > 1) tags.push_back("several steps");
    if (sp.t0 > 1) tags.push_back("m, v ≠ 0 at the start");
    if (sp.beta1 != 0.9 || sp.beta2 != 0.999) tags.push_back("β₁, β₂ not 0.9, 0.999");
    if (sp.eps >= 0.01 * gmin) tags.push_back("ε not small against |g|");
    const std::string label =
        (sp.K > 1 ? "steps t = " + std::to_string(sp.t0) + " … " + std::to_string(sp.t0 + sp.K - 1)
                  : "one step, t = " + std::to_string(sp.t0)) +
        ", on θ of shape " + sp.s.str() + ", α = " + ex::check::num(sp.alpha) + ", β₁ = " + ex::check::num(sp.beta1) +
        ", β₂ = " + ex::check::num(sp.beta2) + ", ε = " + ex::check::num(sp.eps) + ", |g| in [" +
        ex::check::num(sp.gmin) + ", " + ex::check::num(sp.gmax) + "] of both signs" +
        (sp.t0 > 1 ? ", m, v ≠ 0 at the start" : ", m = v = 0 at the start");
    const bool lib = sp.t0 == 1;
    check.add({label, tags, [r](Adam f) { return adam_student(f, r); }, [r, lib] { return adam_truth(r, lib); },
               1e-12, lib ? "nn::Adam (θ) and the moments re-derived (m, v)" : "Adam's step re-derived in the check",
               step_names(sp.K, sp.s)});
  }
  // t = 1 by hand: m̂ = g and v̂ = g² exactly, so the first step is θ − α g/(|g| + ε), ≈ α·sign(g)
  {
    const Tensor<double> theta(Shape{4}, {0.5, -0.5, 1.0, 2.0}), g(Shape{4}, {2.0, -0.25, 1e-3, -40.0});
    const double a = 0.1, eps = 1e-8;
    AdamRun r{theta, Tensor<double>(theta.shape(), 0.0), Tensor<double>(theta.shape(), 0.0), {g}, 1, a, 0.9,
              0.999, eps};
    check.add({"one step, t = 1, θ = (0.5, −0.5, 1, 2), g = (2, −0.25, 0.001, −40), α = 0.1, default β, ε = 1e-8",
               {}, [r](Adam f) { return adam_student(f, r); },
               [=] {
                 Tensor<double> t = theta, m(theta.shape()), v(theta.shape());
                 for (std::size_t i = 0; i < t.size(); ++i) {
                   t[i] -= a * g[i] / (std::abs(g[i]) + eps);
                   m[i] = 0.1 * g[i];
                   v[i] = 0.001 * g[i] * g[i];
                 }
                 return Answer{{"θ", stack({t})}, {"m", stack({m})}, {"v", stack({v})}};
               },
               1e-12, "the bias correction at t = 1 by hand: θ − α g/(|g| + ε)", step_names(1, theta.shape())});
  }
}

// ---- the softmax cross-entropy gradient -----------------------------------------------------

namespace {
using Sce = decltype(&ex::softmax_cross_entropy_gradient);
void add_sce(ex::check::Checker<Sce>& check, const Tensor<double>& Z, const std::vector<std::size_t>& labels,
             const std::string& values, bool numeric) {
  const std::size_t R = Z.dim(0), K = Z.dim(1);
  std::vector<std::string> tags;
  if (R > 1) tags.push_back("R > 1");
  if (R != K) tags.push_back("R ≠ K");
  double zmax = 0;
  for (double z : Z) zmax = std::max(zmax, std::abs(z));
  if (zmax > 709) tags.push_back("|z| > 709 (e^z overflows)");
  bool label_not_0 = false;
  for (auto l : labels) label_not_0 = label_not_0 || l != 0;
  if (label_not_0) tags.push_back("a label ≠ 0");
  bool differ = false;
  for (auto l : labels) differ = differ || l != labels[0];
  if (differ) tags.push_back("labels differ between rows");
  std::string ls;
  for (auto l : labels) ls += (ls.empty() ? "" : ", ") + std::to_string(l);
  const std::string label = "R=" + std::to_string(R) + ", K=" + std::to_string(K) + ", " + values + ", labels (" + ls + ")";
  const std::string part = "∂L/∂Z";
  if (!numeric) {
    check.add({label, tags, [=](Sce f) { return Answer{{part, f(Z, labels)}}; },
               [=] {
                 Tensor<double> dZ;
                 nn::softmax_cross_entropy(Z, labels, dZ);
                 return Answer{{part, dZ}};
               },
               1e-12, "nn::softmax_cross_entropy"});
  } else {
    // central differences of L with h = 1e-5: error h²·L‴/6 + ε·L/h ≈ 1e-11, and every
    // catalogued mistake is off by 1e-2 or more
    check.add({label, tags, [=](Sce f) { return Answer{{part, f(Z, labels)}}; },
               [=] {
                 return Answer{{part, nn::numerical_gradient(
                                          [&](const Tensor<double>& v) { return nn::softmax_cross_entropy(v, labels); },
                                          Z)}};
               },
               1e-8, "central differences of nn::softmax_cross_entropy (h = 1e-5)"});
  }
}
}  // namespace

NN_EXERCISE_CHECK(softmax_cross_entropy_gradient, "4.1l", "§4.1.2",
                  "∂L/∂z_rk = (p_rk − [k = y_r])/R with p = softmax of row r, computed as e^(z − max_k z)/Σ e^(z − "
                  "max_k z) so that no exponential overflows") {
  check.part("∂L/∂Z", "(p − onehot)/R", "p_rk = e^{z_rk − max} / Σ_j e^{z_rj − max} for each row r, then subtract 1 at "
                                         "k = labels[r], and divide by the batch size R");
  check.tag("R > 1", "the loss is the mean over the R rows: every row's gradient carries 1/R");
  check.tag("R ≠ K", "Z is R×K: R = Z.dim(0) examples, K = Z.dim(1) classes. Divide by R, the number of rows (not K), "
                     "and run softmax along each row over its K entries; only with R ≠ K does mixing them up show");
  check.tag("|z| > 709 (e^z overflows)", "e^1000 is inf and e^−1000 is 0 in double, so e^z/Σe^z is inf/inf or 0/0 = "
                                         "NaN: subtract the row's maximum first, p = e^(z − max)/Σ e^(z − max)");
  check.tag("a label ≠ 0", "the −1 goes to the label's column, k = labels[r], in each row r");
  check.tag("labels differ between rows", "each row r has its own label: the −1 goes to column labels[r] of row r");
  Rng rng(1301);
  add_sce(check, Tensor<double>(Shape{1, 3}, {0.5, -1.2, 2.0}), {0}, "z = (0.5, −1.2, 2)", false);
  add_sce(check, Tensor<double>(Shape{2, 2}, {0.3, -0.8, 1.1, 0.4}), {1, 0}, "z = ((0.3, −0.8), (1.1, 0.4))", false);
  add_sce(check, random_tensor(Shape{3, 4}, rng, 0.3, 3.0), {3, 0, 1}, "z in ±[0.3, 3]", false);
  add_sce(check, random_tensor(Shape{4, 3}, rng, 0.3, 3.0), {1, 1, 0, 2}, "z in ±[0.3, 3]", false);
  add_sce(check, Tensor<double>(Shape{2, 3}, {1000, 998, 1001.5, -1000, -1003, -999}), {2, 0},
          "z = ((1000, 998, 1001.5), (−1000, −1003, −999))", false);
  add_sce(check, Tensor<double>(Shape{3, 2}, {1000, -1000, 0.5, 800, -800, -801}), {0, 1, 1},
          "z = ((1000, −1000), (0.5, 800), (−800, −801))", false);
  add_sce(check, Tensor<double>(Shape{1, 4}, {2, 2, 2, 2}), {3}, "z = (2, 2, 2, 2), tied", false);
  add_sce(check, random_tensor(Shape{3, 2}, rng, 0.3, 3.0), {1, 1, 1}, "z in ±[0.3, 3]", false);
  add_sce(check, random_tensor(Shape{3, 5}, rng, 0.3, 3.0), {4, 2, 0}, "z in ±[0.3, 3]", true);
  // R = K, so that a 1/K in place of 1/R (or swapped dimensions) passes here and fails above
  add_sce(check, random_tensor(Shape{3, 3}, rng, 0.3, 3.0), {2, 0, 1}, "z in ±[0.3, 3]", false);
  add_sce(check, random_tensor(Shape{4, 4}, rng, 0.3, 3.0), {1, 3, 3, 0}, "z in ±[0.3, 3]", false);
}
