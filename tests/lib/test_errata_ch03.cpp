// Errata for §4.1 (docs/errata_ch03.md): for every erratum that numbers can decide, the draft's
// form fails the check against central differences and the corrected form passes. The same
// numbers are printed by chapters/ch03_dense/errata.cpp.
#include <catch2/catch.hpp>

#include <random>

#include "../../chapters/ch03_dense/draft_equations.hpp"
#include "nn/finite_difference.hpp"
#include "lib/helpers.hpp"

using nn::Shape;
using nn::Tensor;

namespace {

Tensor<double> random_tensor(const Shape& s, std::mt19937_64& rng) { return test::uniform(s, rng, -1.0, 1.0); }

// The network of the report's Figure 1 (3 → 3 → 3 → 1, see figure1_network.cpp), tanh.
ch03::Mlp figure1_net(std::mt19937_64& rng) {
  ch03::Mlp net;
  net.f = nn::ActivationFunction::tanh;
  const std::size_t widths[] = {3, 3, 3, 1};
  for (std::size_t l = 0; l < 3; ++l) {
    net.W.push_back(random_tensor(Shape{widths[l], widths[l + 1]}, rng));
    net.b.push_back(random_tensor(Shape{widths[l + 1]}, rng));
  }
  return net;
}

// Passing and failing thresholds: a correct gradient agrees with central differences to
// ≤ 1e-7 (smooth, double, h = 1e-5; see test_dense.cpp); a wrong form is off by O(1), and we
// require > 1e-2 so that a draft form cannot "fail" by round-off alone.
constexpr double kPass = 1e-7;
constexpr double kFail = 1e-2;

}  // namespace

TEST_CASE("Erratum Eqs. (25)/(30): dL/dŷ is the vector 2(ŷ − y), not the number 2‖ŷ − y‖",
          "[ch03][errata][eq25][eq30]") {
  std::mt19937_64 rng(1);
  const auto yhat = random_tensor(Shape{1, 3}, rng), y = random_tensor(Shape{1, 3}, rng);  // R = 1: Eq. (16) as printed
  const auto numeric = nn::numerical_gradient([&](const Tensor<double>& v) { return nn::l2_loss(v, y); }, yhat);
  const auto drafted = nn::compare_gradients(ch03::draft::l2_gradient(yhat, y), numeric);
  const auto corrected = nn::compare_gradients(nn::l2_loss_gradient(yhat, y), numeric);
  CAPTURE(drafted.str(), corrected.str());
  CHECK(drafted.max_relative_error > kFail);
  CHECK(corrected.within(kPass));
}

TEST_CASE("Erratum Eq. (31): δ^(l) uses W^(l), not W^(l+1)", "[ch03][errata][eq31]") {
  std::mt19937_64 rng(2);
  const auto net = figure1_net(rng);
  const auto X = random_tensor(Shape{2, 3}, rng), Y = random_tensor(Shape{2, 1}, rng);
  const auto pass = ch03::forward(net, X);
  const auto bp = ch03::backprop(net, pass, Y);
  // δ^(0) = ∂L/∂X^(0) by central differences
  const auto numeric = nn::numerical_gradient([&](const Tensor<double>& v) { return ch03::loss(net, v, Y); }, X);
  const auto corrected = nn::compare_gradients(bp.delta[0], numeric);
  const auto drafted = nn::compare_gradients(ch03::draft::delta(bp.G[0], net.W[1]), numeric);  // W^(1) for l = 0
  CAPTURE(drafted.str(), corrected.str());
  CHECK(drafted.max_relative_error > kFail);
  CHECK(corrected.within(kPass));
  // For l = 1 the draft needs W^(2) (3×1): (R×3)(1×3) does not even fit.
  CHECK_THROWS_AS(ch03::draft::delta(bp.G[1], net.W[2]), nn::shape_error);
}

TEST_CASE("Erratum Eq. (33): ∂L/∂b sums δ ⊙ f′ over the batch", "[ch03][errata][eq33]") {
  std::mt19937_64 rng(3);
  auto net = figure1_net(rng);
  const std::size_t R = GENERATE(1, 4);
  CAPTURE(R);
  const auto X = random_tensor(Shape{R, 3}, rng), Y = random_tensor(Shape{R, 1}, rng);
  const auto pass = ch03::forward(net, X);
  const auto bp = ch03::backprop(net, pass, Y);
  const auto b0 = net.b[0];
  const auto numeric = nn::numerical_gradient(
      [&](const Tensor<double>& v) {
        net.b[0] = v;
        return ch03::loss(net, X, Y);
      },
      b0);
  net.b[0] = b0;
  const auto corrected = nn::compare_gradients(bp.db[0], numeric);
  CAPTURE(corrected.str());
  CHECK(corrected.within(kPass));
  const auto drafted = ch03::draft::bias_gradient(bp.G[0]);  // (R, 3)
  // Its row 0 has the shape of b; it is the right answer only when the batch has one row.
  const auto row0 = Tensor<double>(Shape{3}, std::vector<double>(drafted.begin(), drafted.begin() + 3));
  const auto cmp = nn::compare_gradients(row0, numeric);
  CAPTURE(cmp.str());
  if (R == 1)
    CHECK(cmp.within(kPass));  // not an error for a single example
  else
    CHECK(cmp.max_relative_error > kFail);
}

TEST_CASE("Erratum Eq. (6): the second line drops two of the three terms", "[ch03][errata][eq6]") {
  std::mt19937_64 rng(4);
  const auto X2 = random_tensor(Shape{1, 3}, rng), W2 = random_tensor(Shape{3, 1}, rng);
  const double b2 = 0.3;
  const auto f = nn::ActivationFunction::sigmoid;
  // The first line is Eq. (7) for this neuron:
  nn::DenseCache<double> cache;
  const auto X3 = nn::dense_forward(X2, W2, Tensor<double>(Shape{1}, b2), f, cache);
  CHECK(ch03::eq6_first_line(X2, W2, b2, f) == Approx(X3(0, 0)).epsilon(1e-15));
  CHECK(std::abs(ch03::draft::eq6_second_line(X2, W2, b2, f) - X3(0, 0)) > kFail);
}

TEST_CASE("Eq. (16) has no batch convention: 2(ŷ − y) without 1/R is the gradient of the sum, not the mean",
          "[ch03][errata][eq16]") {
  std::mt19937_64 rng(5);
  const auto yhat = random_tensor(Shape{4, 2}, rng), y = random_tensor(Shape{4, 2}, rng);
  const auto numeric = nn::numerical_gradient([&](const Tensor<double>& v) { return nn::l2_loss(v, y); }, yhat);
  Tensor<double> no_mean = yhat - y;
  no_mean *= 2.0;
  CHECK(nn::compare_gradients(no_mean, numeric).max_relative_error > kFail);
  CHECK(nn::compare_gradients(nn::l2_loss_gradient(yhat, y), numeric).within(kPass));
}
