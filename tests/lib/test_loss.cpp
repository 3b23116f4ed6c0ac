// §4.1.2 losses: the L2 loss of Eq. (16) with the batch mean, its gradient (Eq. (25)
// corrected), softmax cross-entropy by log-sum-exp, accuracy.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "nn/finite_difference.hpp"
#include "nn/loss.hpp"
#include "lib/helpers.hpp"

using nn::Shape;
using nn::Tensor;

namespace {
Tensor<double> random_tensor(const Shape& s, std::mt19937_64& rng, double lo = -1.5, double hi = 1.5) {
  return test::uniform(s, rng, lo, hi);
}
}  // namespace

TEST_CASE("Eq. (16) L2 loss by hand: mean over the batch of squared norms", "[ch03][loss][eq16]") {
  // rows: ŷ − y = [1, -2] and [0, 3]: ‖·‖² = 5 and 9, mean 7
  Tensor<double> Yhat(Shape{2, 2}, {1, 0, 0, 3});
  Tensor<double> Y(Shape{2, 2}, {0, 2, 0, 0});
  CHECK(nn::l2_loss(Yhat, Y) == 7.0);
  // R = 1 is exactly Eq. (16): ‖ŷ − y‖²
  Tensor<double> yhat(Shape{3}, {1, 2, 3}), y(Shape{3}, {0, 0, 1});
  CHECK(nn::l2_loss(yhat, y) == 1 + 4 + 4);
  const auto g = nn::l2_loss_gradient(yhat, y);
  CHECK(g(0) == 2.0);  // 2(ŷ − y), the vector of the corrected Eq. (25)
  CHECK(g(1) == 4.0);
  CHECK(g(2) == 4.0);
  const auto G = nn::l2_loss_gradient(Yhat, Y);  // 2(ŷ − y)/R with R = 2
  CHECK(G(0, 1) == -2.0);
  CHECK(G(1, 1) == 3.0);
}

TEST_CASE("L2 loss gradient matches central differences, R = 1 and R > 1", "[ch03][loss][eq16][eq25]") {
  // Threshold 1e-8: L is quadratic, so the central difference has no truncation error at all;
  // only round-off ≈ ε·|L|/h ≈ 1e-11 remains, against gradient elements of order 0.1–1.
  const std::size_t R = GENERATE(1, 5);
  CAPTURE(R);
  std::mt19937_64 rng(3 + R);
  const auto Yhat = random_tensor(Shape{R, 4}, rng), Y = random_tensor(Shape{R, 4}, rng);
  Tensor<double> g;
  const double L = nn::l2_loss_gradient(Yhat, Y, g);
  CHECK(L == Approx(nn::l2_loss(Yhat, Y)).epsilon(1e-14));
  const auto n = nn::numerical_gradient([&](const Tensor<double>& v) { return nn::l2_loss(v, Y); }, Yhat);
  const auto cmp = nn::compare_gradients(g, n);
  CAPTURE(cmp.str());
  REQUIRE(cmp.within(1e-8));
}

TEST_CASE("softmax cross-entropy: gradient, stability, by hand", "[ch03][loss][softmax]") {
  SECTION("gradient matches central differences") {
    // Smooth, double, h = 1e-5, values O(1): same reasoning as the dense checks (≤ 1e-7).
    std::mt19937_64 rng(8);
    const auto Z = random_tensor(Shape{4, 3}, rng, -3, 3);
    const std::vector<std::size_t> labels{0, 2, 1, 2};
    Tensor<double> g;
    nn::softmax_cross_entropy(Z, labels, g);
    const auto n =
        nn::numerical_gradient([&](const Tensor<double>& v) { return nn::softmax_cross_entropy(v, labels); }, Z);
    const auto cmp = nn::compare_gradients(g, n);
    CAPTURE(cmp.str());
    REQUIRE(cmp.within(1e-7));
  }
  SECTION("by hand: equal scores give log K") {
    Tensor<double> Z(Shape{1, 4}, {2, 2, 2, 2});
    CHECK(nn::softmax_cross_entropy(Z, {1}) == Approx(std::log(4.0)).epsilon(1e-15));
  }
  SECTION("log-sum-exp: scores of 1000 neither overflow nor lose the answer") {
    Tensor<float> Z(Shape{2, 2}, {1000.f, 0.f, -1000.f, 1000.f});
    Tensor<float> g;
    const float L = nn::softmax_cross_entropy(Z, {0, 0}, g);
    CHECK(std::isfinite(L));
    CHECK(L == Approx(1000.0f).epsilon(1e-6));  // row 0: 0, row 1: 2000; mean 1000
    for (float v : g) CHECK(std::isfinite(v));
    CHECK(g(1, 0) == Approx(-0.5f));  // (p − 1)/R with p ≈ 0
    const auto P = nn::softmax(Z);
    CHECK(P(0, 0) == 1.0f);
  }
  SECTION("accuracy and label errors") {
    Tensor<double> Z(Shape{3, 2}, {1, 0, 0, 1, 5, 4});
    CHECK(nn::accuracy(Z, {0, 1, 1}) == Approx(2.0 / 3.0));
    CHECK_THROWS_AS(nn::accuracy(Z, {0, 1}), nn::shape_error);
    CHECK_THROWS_AS(nn::softmax_cross_entropy(Z, {0, 1, 2}), std::out_of_range);
  }
}

TEST_CASE("loss shape errors name both shapes and the equation", "[ch03][loss][eq16]") {
  Tensor<double> a(Shape{2, 3}), b(Shape{3, 2});
  CHECK_THROWS_WITH(nn::l2_loss(a, b), Catch::Contains("Eq. (16)") && Catch::Contains("(2, 3)") && Catch::Contains("(3, 2)"));
  CHECK_THROWS_WITH(nn::l2_loss_gradient(a, b), Catch::Contains("Eq. (25)") && Catch::Contains("(3, 2)"));
}
