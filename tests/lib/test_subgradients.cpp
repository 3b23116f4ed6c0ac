// Subgradients at the kinks, where Eqs. (13) and (51) have no derivative to agree with: the
// library's choice at ReLU's 0 and at a tied max-pool window lies between the one-sided
// difference quotients, and it satisfies the subgradient inequality f(x + v) ≥ f(x) + g·v of a
// convex f, while a value outside that range (δ sent to every tied maximum) violates it.
#include <catch2/catch.hpp>

#include <random>

#include "nn/activations.hpp"
#include "nn/finite_difference.hpp"
#include "nn/maxpool2d.hpp"

using nn::Shape;
using nn::Tensor;

namespace {

// L(X) = Σ δ ⊙ maxpool(X), convex in X when every δ ≥ 0 (a sum of maxima with positive weights).
double pooled_loss(const Tensor<double>& X, const Tensor<double>& delta, nn::PoolSpec spec) {
  nn::MaxPoolCache cache;
  const auto Y = nn::maxpool2d_forward(X, spec, cache);
  double L = 0;
  for (std::size_t i = 0; i < Y.size(); ++i) L += delta[i] * Y[i];
  return L;
}

double dot(const Tensor<double>& a, const Tensor<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// The largest violation of L(X + t·V) ≥ L(X) + t·<g, V> over random directions V and steps t.
// Piecewise linear L: exact up to round-off (≈ 1e-15 here), so 1e-12 separates 0 from a violation.
double worst_violation(const Tensor<double>& X, const Tensor<double>& delta, nn::PoolSpec spec, const Tensor<double>& g) {
  std::mt19937 gen(5);
  std::normal_distribution<double> n01;
  const double L0 = pooled_loss(X, delta, spec);
  double worst = 0;
  for (int trial = 0; trial < 200; ++trial) {
    Tensor<double> V(X.shape());
    for (auto& v : V) v = n01(gen);
    if (trial % 4 == 0) {  // also directions that move only the tied elements
      for (auto& v : V) v = 0;
      V(0, 0, 0, 0) = n01(gen);
      V(0, 0, 0, 1) = n01(gen);
    }
    for (double t : {1e-3, 0.1, 2.0}) {
      Tensor<double> Xt = X;
      for (std::size_t i = 0; i < X.size(); ++i) Xt[i] += t * V[i];
      worst = std::max(worst, L0 + t * dot(g, V) - pooled_loss(Xt, delta, spec));
    }
  }
  return worst;
}

}  // namespace

TEST_CASE("ReLU′(0) = 1 lies between the one-sided quotients 0 and 1 and is a subgradient", "[ch02][subgradient][eq13]") {
  const auto relu = [](double t) { return nn::relu(t); };
  for (double h : {1e-1, 1e-6}) {
    const double left = nn::backward_difference(relu, 0.0, h), right = nn::forward_difference(relu, 0.0, h);
    CHECK(left == 0.0);
    CHECK(right == 1.0);
    CHECK(left <= nn::relu_prime(0.0));
    CHECK(nn::relu_prime(0.0) <= right);
  }
  // the subgradient inequality relu(y) ≥ relu(0) + g·y holds for every y exactly when g ∈ [0, 1]
  auto holds = [](double g) {
    for (double y = -3; y <= 3; y += 0.25)
      if (nn::relu(y) < nn::relu(0.0) + g * y) return false;
    return true;
  };
  CHECK(holds(nn::relu_prime(0.0)));
  CHECK(holds(0.0));
  CHECK(holds(0.5));
  CHECK_FALSE(holds(1.25));  // outside [0, 1]: the inequality fails, so the test can fail
  CHECK_FALSE(holds(-0.25));
}

TEST_CASE("a tied max-pool window: the library's δ to the first maximum is a subgradient", "[ch06][subgradient][eq51]") {
  // One 2×2 window (k = s = 2) of a 2×4 map with the maximum 3 twice, and a second window with
  // one maximum; δ ≥ 0 makes L convex.
  const Tensor<double> X(Shape{1, 1, 2, 4}, {3, 3, 0.5, -1, 1, 2, 2, -2});
  const Tensor<double> delta(Shape{1, 1, 1, 2}, {0.7, 1.3});
  const auto spec = nn::PoolSpec::square(2, 2);
  nn::MaxPoolCache cache;
  nn::maxpool2d_forward(X, spec, cache);
  const auto g = nn::maxpool2d_backward(delta, cache);
  REQUIRE(g(0, 0, 0, 0) == 0.7);  // the convention: all of δ to the first maximum in row-major order
  REQUIRE(g(0, 0, 0, 1) == 0.0);

  // one-sided quotients of each tied element: 0 from the left (the other tie stays the max),
  // δ from the right (it becomes the only max); the library's value lies between them. L is
  // linear on each side, so the quotients are exact up to round-off, about 4ε·|L|/h ≈ 2e-9 for
  // h = 1e-6: a margin of 1e-8.
  const auto L = [&](const Tensor<double>& x) { return pooled_loss(x, delta, spec); };
  for (std::size_t w : {0u, 1u}) {
    for (double h : {1e-1, 1e-6}) {
      Tensor<double> up = X, down = X;
      up(0, 0, 0, w) += h;
      down(0, 0, 0, w) -= h;
      const double right = (L(up) - L(X)) / h, left = (L(X) - L(down)) / h;
      CHECK(left == Approx(0.0).margin(1e-8));
      CHECK(right == Approx(0.7).margin(1e-8));
      CHECK(left - 1e-8 <= g(0, 0, 0, w));
      CHECK(g(0, 0, 0, w) <= right + 1e-8);
    }
  }
  // the split over the tie sums to δ: the slope of raising both together
  CHECK(g(0, 0, 0, 0) + g(0, 0, 0, 1) == Approx(0.7));

  // the subgradient inequality, along random directions and along the tie
  CHECK(worst_violation(X, delta, spec, g) <= 1e-12);
  Tensor<double> split = g;  // any split of δ between the ties is a subgradient too
  split(0, 0, 0, 0) = 0.2;
  split(0, 0, 0, 1) = 0.5;
  CHECK(worst_violation(X, delta, spec, split) <= 1e-12);
  Tensor<double> both = g;  // δ to every tied maximum (the draft's Eq. (51) read literally) is not
  both(0, 0, 0, 1) = 0.7;
  CHECK(worst_violation(X, delta, spec, both) > 0.1);
}

TEST_CASE("overlapping windows that share a tied maximum: the library's δ^(l) is still a subgradient", "[ch06][subgradient][eq51]") {
  // k = 2, s = 1 on a 2×3 map: two windows overlap in column 1, which holds a tie with column 0
  // and the single maximum of the second window's other entries is smaller.
  const Tensor<double> X(Shape{1, 1, 2, 3}, {4, 4, 1, 0, 2, 3});
  const Tensor<double> delta(Shape{1, 1, 1, 2}, {0.5, 2.0});
  const auto spec = nn::PoolSpec::square(2, 1);
  nn::MaxPoolCache cache;
  nn::maxpool2d_forward(X, spec, cache);
  const auto g = nn::maxpool2d_backward(delta, cache);
  CHECK(g(0, 0, 0, 0) == 0.5);  // window 1: the first of the tie (4, 4)
  CHECK(g(0, 0, 0, 1) == 2.0);  // window 2: its only maximum, the shared 4
  CHECK(worst_violation(X, delta, spec, g) <= 1e-12);
  // the shared 4: from the left only window 2 moves with it (slope 2.0), from the right both
  // (2.0 + 0.5); the library's 2.0 lies between, on the lower edge (margin as above)
  const auto L = [&](const Tensor<double>& x) { return pooled_loss(x, delta, spec); };
  for (double h : {1e-1, 1e-6}) {
    Tensor<double> up = X, down = X;
    up(0, 0, 0, 1) += h;
    down(0, 0, 0, 1) -= h;
    const double right = (L(up) - L(X)) / h, left = (L(X) - L(down)) / h;
    CHECK(left == Approx(2.0).margin(1e-8));
    CHECK(right == Approx(2.5).margin(1e-8));
    CHECK(left - 1e-8 <= g(0, 0, 0, 1));
    CHECK(g(0, 0, 0, 1) <= right + 1e-8);
  }
}
