// §4.1 dense layer: Eq. (7) forward, Eqs. (29)–(33) backward (corrected), checked against
// central differences in double for every gradient (dX, dW, db), R = 1 and R > 1, unequal
// widths, every activation; the float path against the double path; the GEMM layer object
// against the free functions; buffer reuse; shape errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <tuple>

#include "nn/activation_layer.hpp"
#include "nn/dense.hpp"
#include "nn/finite_difference.hpp"
#include "nn/layer.hpp"
#include "lib/helpers.hpp"

using nn::ActivationFunction;
using nn::Shape;
using nn::Tensor;

namespace {

// Values with |v| in [0.25, 1.25] and a random sign: no element is tiny, so no gradient
// element is a product with a near-zero factor whose relative error would be noise.
Tensor<double> random_tensor(const Shape& s, std::mt19937_64& rng) {
  return test::signed_magnitudes(s, rng, 0.25, 1.25);
}

// L = sum(G ⊙ Y): a scalar whose gradient with respect to Y is the fixed random G (= δ^(l+1)).
double weighted_sum(const Tensor<double>& G, const Tensor<double>& Y) { return test::probe(G, Y); }

std::optional<ActivationFunction> activation_of(int k) {
  if (k == 0) return std::nullopt;
  return ActivationFunction(k - 1);
}
std::string activation_name(int k) { return k == 0 ? "none" : nn::to_string(ActivationFunction(k - 1)); }

Tensor<double> forward(const Tensor<double>& X, const Tensor<double>& W, const Tensor<double>& b,
                       std::optional<ActivationFunction> f, nn::DenseCache<double>& cache) {
  return f ? nn::dense_forward(X, W, b, *f, cache) : nn::dense_forward(X, W, b, cache);
}

// The smallest |Z| of X W + b: ReLU's kink at 0 must be further than the perturbation h·|x|.
double min_abs_pre_activation(const Tensor<double>& X, const Tensor<double>& W, const Tensor<double>& b) {
  nn::DenseCache<double> c;
  const auto Z = nn::dense_forward(X, W, b, c);
  double m = 1e300;
  for (double z : Z) m = std::min(m, std::abs(z));
  return m;
}

}  // namespace

TEST_CASE("dense backward matches central differences for dX, dW, db (Eqs. (31)-(33))",
          "[ch03][dense][eq7][eq22][eq23][eq24][eq26][eq27][eq28][eq29][eq30][eq31][eq32][eq33]") {
  // Threshold 1e-7: in double, central differences with h = 1e-5 err by ≈ h²·|L‴|/6 ≈ 1e-11
  // (truncation) plus ≈ ε·|L|/h ≈ 1e-11·|L| (round-off) in absolute terms; gradient elements
  // here are ≥ ~1e-3, so a correct backward stays below ~1e-7 while any wrong term is O(1).
  const double tol = 1e-7;
  double worst = 0;
  const int sizes[][3] = {{1, 3, 2}, {1, 5, 4}, {4, 3, 5}, {7, 6, 2}};  // (R, n, m): R = 1 and > 1, n ≠ m
  for (const auto& size : sizes) {
    const std::size_t R = std::size_t(size[0]), n = std::size_t(size[1]), m = std::size_t(size[2]);
    for (int k = 0; k < 4; ++k) {  // none, sigmoid, tanh, relu
      const auto f = activation_of(k);
      CAPTURE(R, n, m, activation_name(k));
      std::mt19937_64 rng(1000 + 17 * R + 5 * n + m + 101 * std::size_t(k));
      Tensor<double> X, W, b;
      // Re-draw until every |Z| > 0.05, far beyond the ≤ 1.25e-5 that a step h = 1e-5 moves Z
      // (only ReLU needs it: its kink at 0 must not lie between Z − h·|x| and Z + h·|x|).
      do {
        X = random_tensor(Shape{R, n}, rng);
        W = random_tensor(Shape{n, m}, rng);
        b = random_tensor(Shape{m}, rng);
      } while (min_abs_pre_activation(X, W, b) < 0.05);
      const Tensor<double> G = random_tensor(Shape{R, m}, rng);

      nn::DenseCache<double> cache;
      const auto Y = forward(X, W, b, f, cache);
      REQUIRE(Y.shape() == Shape{R, m});
      const auto grads = nn::dense_backward(G, W, cache);  // δ^(l+1) = ∂L/∂Y = G

      auto loss_of = [&](const Tensor<double>& Xv, const Tensor<double>& Wv, const Tensor<double>& bv) {
        nn::DenseCache<double> c;
        return weighted_sum(G, forward(Xv, Wv, bv, f, c));
      };
      const auto nX = nn::numerical_gradient([&](const Tensor<double>& v) { return loss_of(v, W, b); }, X);
      const auto nW = nn::numerical_gradient([&](const Tensor<double>& v) { return loss_of(X, v, b); }, W);
      const auto nb = nn::numerical_gradient([&](const Tensor<double>& v) { return loss_of(X, W, v); }, b);

      const std::tuple<const char*, const Tensor<double>*, const Tensor<double>*> checks[] = {
          {"dX (Eq. 31)", &grads.dX, &nX}, {"dW (Eq. 32)", &grads.dW, &nW}, {"db (Eq. 33)", &grads.db, &nb}};
      for (const auto& [name, analytic, numeric] : checks) {
        REQUIRE(analytic->shape() == numeric->shape());
        const auto cmp = nn::compare_gradients(*analytic, *numeric);
        CAPTURE(name, cmp.str(), cmp.worst_index, cmp.analytic, cmp.numeric);
        REQUIRE(cmp.within(tol));  // NaN fails
        worst = std::max(worst, cmp.max_relative_error);
      }
    }
  }
  // The number quoted in docs/ch03_dense.md; run with -s to see it.
  INFO("worst relative error over all 48 dense gradient checks: " << worst);
  CHECK(worst <= tol);
  std::cout << "[ch03] dense gradient checks: worst relative error " << worst << "\n";
}

TEST_CASE("Eq. (7) forward by hand: one row of X W + b through σ", "[ch03][dense][eq7]") {
  // X = [1, 2], W = [[1, -1, 0], [0.5, 1, 2]], b = [0, 0.5, -4]:
  // X W + b = [1 + 1, -1 + 2 + 0.5, 0 + 4 - 4] = [2, 1.5, 0]
  Tensor<double> X(Shape{1, 2}, {1, 2});
  Tensor<double> W(Shape{2, 3}, {1, -1, 0, 0.5, 1, 2});
  Tensor<double> b(Shape{3}, {0, 0.5, -4});
  nn::DenseCache<double> cache;
  const auto Z = nn::dense_forward(X, W, b, cache);
  CHECK(Z(0, 0) == 2.0);
  CHECK(Z(0, 1) == 1.5);
  CHECK(Z(0, 2) == 0.0);
  const auto Y = nn::dense_forward(X, W, b, ActivationFunction::sigmoid, cache);
  CHECK(Y(0, 0) == Approx(1 / (1 + std::exp(-2.0))).epsilon(1e-15));
  CHECK(Y(0, 2) == 0.5);
}

TEST_CASE("the float path agrees with the double path", "[ch03][dense][eq7][eq22][eq23][eq24][eq26][eq27][eq28][eq29][eq30][eq31][eq32][eq33]") {
  // Tolerance 1e-5 relative to the largest |value| of each tensor: each output is a sum of at
  // most K = 6 products of O(1) numbers, so float round-off is ≤ K·u·Σ|terms| with
  // u = 2^-24 ≈ 6e-8, i.e. ≈ 6·6e-8·6 ≈ 2e-6 in the worst case, plus the float activation.
  const double tol = 1e-5;
  const int k = GENERATE(0, 1, 2, 3);
  const auto f = activation_of(k);
  CAPTURE(activation_name(k));
  std::mt19937_64 rng(77 + k);
  const auto X = random_tensor(Shape{5, 6}, rng), W = random_tensor(Shape{6, 4}, rng),
             b = random_tensor(Shape{4}, rng), G = random_tensor(Shape{5, 4}, rng);
  nn::DenseCache<double> cd;
  nn::DenseCache<float> cf;
  const auto Yd = forward(X, W, b, f, cd);
  const auto Yf = f ? nn::dense_forward(nn::cast<float>(X), nn::cast<float>(W), nn::cast<float>(b), *f, cf)
                    : nn::dense_forward(nn::cast<float>(X), nn::cast<float>(W), nn::cast<float>(b), cf);
  const auto gd = nn::dense_backward(G, W, cd);
  const auto gf = nn::dense_backward(nn::cast<float>(G), nn::cast<float>(W), cf);
  auto scaled_diff = [](const Tensor<double>& d, const Tensor<float>& fl) {
    double scale = 1;
    for (double v : d) scale = std::max(scale, std::abs(v));
    return nn::max_abs_diff(d, nn::cast<double>(fl)) / scale;
  };
  CHECK(scaled_diff(Yd, Yf) <= tol);
  CHECK(scaled_diff(gd.dX, gf.dX) <= tol);
  CHECK(scaled_diff(gd.dW, gf.dW) <= tol);
  CHECK(scaled_diff(gd.db, gf.db) <= tol);
}

TEST_CASE("the Dense layer (GEMM, reused buffers) equals dense_forward/dense_backward", "[ch03][dense][eq7][eq22][eq23][eq24][eq26][eq27][eq28][eq29][eq30][eq31][eq32][eq33]") {
  std::mt19937_64 rng(5);
  nn::Dense<double> layer(4, 3);
  layer.weight() = random_tensor(Shape{4, 3}, rng);
  layer.bias() = random_tensor(Shape{3}, rng);
  const auto X = random_tensor(Shape{6, 4}, rng), G = random_tensor(Shape{6, 3}, rng);
  const auto& Y = layer.forward(X);
  nn::DenseCache<double> cache;
  const auto Yref = nn::dense_forward(X, layer.weight(), layer.bias(), cache);
  CHECK(nn::max_abs_diff(Y, Yref) <= 1e-14);
  const auto& dX = layer.backward(G);
  const auto ref = nn::dense_backward(G, layer.weight(), cache);
  CHECK(nn::max_abs_diff(dX, ref.dX) <= 1e-14);
  CHECK(nn::max_abs_diff(layer.weight_gradient(), ref.dW) <= 1e-14);
  CHECK(nn::max_abs_diff(layer.bias_gradient(), ref.db) <= 1e-14);

  // The second batch of the same size reuses every buffer, and backward overwrites (does not add).
  const double* y_before = Y.data();
  const double* dx_before = dX.data();
  const auto& Y2 = layer.forward(X);
  const auto& dX2 = layer.backward(G);
  CHECK(Y2.data() == y_before);
  CHECK(dX2.data() == dx_before);
  CHECK(nn::max_abs_diff(layer.weight_gradient(), ref.dW) <= 1e-14);  // not 2·dW

  const auto params = layer.parameters();
  REQUIRE(params.size() == 2);
  CHECK(params[0].name == "W");
  CHECK(params[0].value->shape() == Shape{4, 3});
  CHECK(params[1].gradient->shape() == Shape{3});
}

TEST_CASE("Dense at LeNet's size, every batch size 1-70: forward, δ and ∂L/∂W against plain loops",
          "[ch03][dense][eq7][eq31][eq32]") {
  // Large enough (256 → 120) that the products are shared among threads by rows; batch sizes
  // that do not divide evenly once lost a row of X W (a batch of 17 on 2 threads).
  std::mt19937_64 rng(9);
  std::normal_distribution<double> g(0, 1);
  const std::size_t n = 256, m = 120;
  nn::Dense<double> layer(n, m);
  for (auto& w : layer.weight()) w = g(rng) / 16;
  for (auto& b : layer.bias()) b = g(rng);
  std::size_t bad = 0;
  for (std::size_t R = 1; R <= 70; ++R) {
    Tensor<double> X(Shape{R, n}), G(Shape{R, m});
    for (auto& x : X) x = g(rng);
    for (auto& x : G) x = g(rng);
    const Tensor<double>& Y = layer.forward(X);
    const Tensor<double>& dX = layer.backward(G);
    const auto& W = layer.weight();
    double worst = 0;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t j = 0; j < m; ++j) {  // Eq. (7): Y = X W + b
        double y = layer.bias()[j];
        for (std::size_t i = 0; i < n; ++i) y += X(r, i) * W(i, j);
        worst = std::max(worst, std::fabs(Y(r, j) - y));
      }
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t i = 0; i < n; ++i) {  // Eq. (31): δ^(l) = G Wᵀ
        double d = 0;
        for (std::size_t j = 0; j < m; ++j) d += G(r, j) * W(i, j);
        worst = std::max(worst, std::fabs(dX(r, i) - d));
      }
    const auto& dW = layer.weight_gradient();
    for (std::size_t i = 0; i < n; i += 17)
      for (std::size_t j = 0; j < m; ++j) {  // Eq. (32): ∂L/∂W = Xᵀ G
        double d = 0;
        for (std::size_t r = 0; r < R; ++r) d += X(r, i) * G(r, j);
        worst = std::max(worst, std::fabs(dW(i, j) - d));
      }
    bad += worst > 1e-11;  // sums of ≤ 256 products of size ~1 in double
  }
  CHECK(bad == 0);
}

TEST_CASE("a Sequential Dense → Activation → Dense network matches central differences",
          "[ch03][dense][sequential][eq17][eq18][eq19][eq29][eq30][eq31][eq32][eq33]") {
  // The whole recursion of Eq. (31): δ flows back through two dense layers and one activation.
  const double tol = 1e-7;  // as for one layer: smooth (tanh), double, h = 1e-5
  std::mt19937_64 rng(11);
  nn::Sequential<double> net;
  auto& d1 = net.add<nn::Dense<double>>(3, 5, nn::Init::xavier_uniform, rng);
  net.add<nn::Activation<double>>(ActivationFunction::tanh);
  auto& d2 = net.add<nn::Dense<double>>(5, 2, nn::Init::xavier_uniform, rng);
  d1.bias() = random_tensor(Shape{5}, rng);
  d2.bias() = random_tensor(Shape{2}, rng);
  const auto X = random_tensor(Shape{4, 3}, rng), G = random_tensor(Shape{4, 2}, rng);
  net.forward(X);
  const Tensor<double> dX = net.backward(G);
  auto L = [&]() { return weighted_sum(G, net.forward(X)); };
  for (auto& p : net.parameters()) {
    const Tensor<double> analytic = *p.gradient;
    const Tensor<double> saved = *p.value;
    const auto numeric = nn::numerical_gradient(
        [&](const Tensor<double>& v) {
          *p.value = v;
          return L();
        },
        saved);
    *p.value = saved;
    const auto cmp = nn::compare_gradients(analytic, numeric);
    CAPTURE(p.name, cmp.str());
    REQUIRE(cmp.within(tol));
  }
  const auto nX = nn::numerical_gradient([&](const Tensor<double>& v) { return weighted_sum(G, net.forward(v)); }, X);
  const auto cmp = nn::compare_gradients(dX, nX);
  CAPTURE(cmp.str());
  REQUIRE(cmp.within(tol));
  CHECK(net.parameter_count() == 3 * 5 + 5 + 5 * 2 + 2);
}

TEST_CASE("dense shape errors name both shapes and the equation", "[ch03][dense][eq7]") {
  const Tensor<double> X(Shape{2, 3}), W(Shape{4, 5}), b(Shape{5}), b_bad(Shape{4});
  nn::DenseCache<double> cache;
  CHECK_THROWS_WITH(nn::dense_forward(X, W, b, cache),
                    Catch::Contains("Eq. (7)") && Catch::Contains("(2, 3)") && Catch::Contains("(4, 5)"));
  const Tensor<double> W_ok(Shape{3, 5});
  CHECK_THROWS_WITH(nn::dense_forward(X, W_ok, b_bad, cache),
                    Catch::Contains("Eq. (7)") && Catch::Contains("(4)") && Catch::Contains("(3, 5)"));
  nn::dense_forward(X, W_ok, b, cache);
  const Tensor<double> dY_bad(Shape{2, 4});
  CHECK_THROWS_WITH(nn::dense_backward(dY_bad, W_ok, cache),
                    Catch::Contains("Eq. (31)") && Catch::Contains("(2, 4)") && Catch::Contains("(2, 5)"));
  nn::Dense<float> layer(3, 5);
  CHECK_THROWS_WITH(layer.forward(Tensor<float>(Shape{2, 4})),
                    Catch::Contains("Eq. (7)") && Catch::Contains("(2, 4)") && Catch::Contains("(3, 5)"));
  CHECK_THROWS_AS(layer.backward(Tensor<float>(Shape{2, 5})), nn::shape_error);  // before forward
}
