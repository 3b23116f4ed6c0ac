// §4.2.3–4.2.4, Eqs. (44)–(45): the activation layer on rank-2 and rank-4 tensors — values,
// gradient checks against central differences for σ, tanh and ReLU, the layer object, and the
// shape errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>

#include "nn/activation_layer.hpp"
#include "nn/finite_difference.hpp"
#include "lib/helpers.hpp"

using nn::ActivationFunction;
using nn::Shape;
using nn::Tensor;

namespace {

const ActivationFunction kFunctions[] = {ActivationFunction::sigmoid, ActivationFunction::tanh, ActivationFunction::relu};

// Uniform values with 0.1 ≤ |x| ≤ 2: ReLU's kink at 0 stays 10⁴ steps h away, and σ′, tanh′
// stay ≥ 0.07, so no element of the gradient is so small that round-off dominates it.
Tensor<double> random_input(const Shape& s, unsigned seed) {
  std::mt19937 gen(seed);
  return test::signed_magnitudes(s, gen, 0.1, 2.0);
}

// δ^(l+1) = G with 0.5 ≤ |G| ≤ 1.5: the central difference's absolute round-off, ≈ ε|L|/h ≈ 1e-10,
// stays far below 1e-7 of every element of G ⊙ f′(X) (≥ 0.03 here).
Tensor<double> random_tensor(const Shape& s, unsigned seed) {
  std::mt19937 gen(seed);
  return test::signed_magnitudes(s, gen, 0.5, 1.5);
}

using test::probe;

}  // namespace

TEST_CASE("Eq. (44): the activation layer applies f element-wise and keeps the shape", "[ch05][activation][eq44]") {
  const auto X = random_input(Shape{2, 3, 4, 5}, 1);
  for (auto f : kFunctions) {
    CAPTURE(nn::to_string(f));
    const auto Y = nn::activation_forward(X, f);
    REQUIRE(Y.shape() == X.shape());
    for (std::size_t r = 0; r < 2; ++r)
      for (std::size_t c = 0; c < 3; ++c)
        for (std::size_t h = 0; h < 4; ++h)
          for (std::size_t w = 0; w < 5; ++w) {
            const double x = X(r, c, h, w);
            const double want = f == ActivationFunction::sigmoid ? 1 / (1 + std::exp(-x))
                                : f == ActivationFunction::tanh  ? std::tanh(x)
                                                                 : (x > 0 ? x : 0.0);
            REQUIRE(Y(r, c, h, w) == Approx(want).epsilon(1e-14));
          }
  }
}

TEST_CASE("Eq. (45): activation backward matches central differences, rank 2 and rank 4, every f",
          "[ch05][activation][eq45]") {
  // L = Σ G ⊙ f(X) for a fixed random G, so ∂L/∂X = δ^(l) with δ^(l+1) = G. Central differences
  // in double with h = 1e-5 err by about f‴h²/6 + ε|L|/h ≈ 1e-10 relative on these O(1)
  // values; ReLU is piecewise linear and its inputs stay ≥ 0.1 from the kink, so its quotients
  // are exact up to round-off. 1e-7 leaves a wide margin and still catches any wrong factor.
  const double tol = 1e-7;
  for (const Shape& s : {Shape{4, 6}, Shape{2, 3, 4, 5}}) {
    for (auto f : kFunctions) {
      CAPTURE(s.str(), nn::to_string(f));
      const auto X = random_input(s, 7);
      const auto G = random_tensor(s, 8);
      const auto dX = nn::activation_backward(G, X, f);
      const auto num = nn::numerical_gradient([&](const Tensor<double>& x) { return probe(G, nn::activation_forward(x, f)); }, X);
      const auto cmp = nn::compare_gradients(dX, num);
      CAPTURE(cmp.str(), cmp.worst_index, cmp.analytic, cmp.numeric);
      REQUIRE(cmp.within(tol));
    }
  }
}

TEST_CASE("Eq. (45): the gradient check has teeth — δ·f(X) instead of δ·f′(X) fails", "[ch05][activation][eq45]") {
  const auto X = random_input(Shape{2, 2, 3, 3}, 3);
  const auto G = random_tensor(X.shape(), 4);
  const auto f = ActivationFunction::sigmoid;
  const auto wrong = nn::hadamard(G, nn::activation_forward(X, f));
  const auto num = nn::numerical_gradient([&](const Tensor<double>& x) { return probe(G, nn::activation_forward(x, f)); }, X);
  REQUIRE_FALSE(nn::compare_gradients(wrong, num).within(1e-7));
}

TEST_CASE("Activation layer object: same as the free functions, buffers reused, δ shape checked",
          "[ch05][activation][eq44][eq45]") {
  // The layer runs lib/src/kernels/activation_fast.cpp; 4 × 8 × 32 × 40 = 40,960 values is
  // large enough for its ReLU loops to be cut into one share per thread.
  for (const Shape& shape : {Shape{2, 3, 4, 4}, Shape{4, 8, 32, 40}})
  for (auto f : kFunctions) {
    CAPTURE(shape.str(), nn::to_string(f));
    nn::Activation<double> layer(f);
    CHECK(layer.parameters().empty());
    const auto X = random_input(shape, 11);
    const auto G = random_tensor(X.shape(), 12);
    const Tensor<double>& Y = layer.forward(X);
    CHECK(nn::max_abs_diff(Y, nn::activation_forward(X, f)) == 0.0);
    const double* y_buffer = Y.data();
    const Tensor<double>& dX = layer.backward(G);
    CHECK(nn::max_abs_diff(dX, nn::activation_backward(G, X, f)) == 0.0);
    // the next batch of the same shape reuses the same buffer (design notes, "Speed facts")
    CHECK(layer.forward(random_input(X.shape(), 13)).data() == y_buffer);
    // backward overwrites: a second call with the same δ gives the same δ^(l), nothing accumulates
    const auto once = Tensor<double>(layer.backward(G));
    CHECK(nn::max_abs_diff(Tensor<double>(layer.backward(G)), once) == 0.0);
    CHECK(layer.output_shape(Shape{5, 7}) == Shape{5, 7});
  }
}

TEST_CASE("Eq. (45): a δ of the wrong shape names both shapes and the equation", "[ch05][activation][eq45]") {
  const Tensor<double> X(Shape{2, 3, 4, 4}, 0.5);
  const Tensor<double> bad(Shape{2, 3, 4, 5}, 1.0);
  CHECK_THROWS_WITH(nn::activation_backward(bad, X, ActivationFunction::tanh),
                    Catch::Contains("Eq. (45)") && Catch::Contains("(2, 3, 4, 4)") && Catch::Contains("(2, 3, 4, 5)"));
  nn::Activation<float> layer(ActivationFunction::relu);
  layer.forward(Tensor<float>(Shape{2, 3, 4, 4}, 0.5f));
  CHECK_THROWS_AS(layer.backward(Tensor<float>(Shape{2, 3}, 1.0f)), nn::shape_error);
}

TEST_CASE("Eqs. (44)-(45) in float agree with double", "[ch05][activation][eq44][eq45]") {
  const auto X = random_input(Shape{2, 2, 3, 3}, 21);
  const auto G = random_tensor(X.shape(), 22);
  for (auto f : kFunctions) {
    CAPTURE(nn::to_string(f));
    const auto Yf = nn::activation_forward(nn::cast<float>(X), f);
    const auto dXf = nn::activation_backward(nn::cast<float>(G), nn::cast<float>(X), f);
    // float rounds each value to 2^-24 relative ≈ 6e-8; values here are ≤ 3 in size
    CHECK(nn::max_abs_diff(nn::cast<double>(Yf), nn::activation_forward(X, f)) < 1e-6);
    CHECK(nn::max_abs_diff(nn::cast<double>(dXf), nn::activation_backward(G, X, f)) < 1e-6);
  }
}
