// §4.1.2 gradient descent (Eq. (20)), momentum, Adam, schedules; Xavier/He initialisation.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "nn/dense.hpp"
#include "nn/init.hpp"
#include "nn/optim.hpp"

using nn::Shape;
using nn::Tensor;

TEST_CASE("Eq. (20) SGD step by hand: θ ← θ − α ∂L/∂θ", "[ch03][optim][eq20]") {
  Tensor<double> theta(Shape{3}, {1.0, -2.0, 0.5});
  const Tensor<double> g(Shape{3}, {0.5, -1.0, 0.0});
  nn::sgd_step(theta, g, 0.1);
  CHECK(theta(0) == Approx(0.95).epsilon(1e-15));
  CHECK(theta(1) == Approx(-1.9).epsilon(1e-15));
  CHECK(theta(2) == 0.5);
  CHECK_THROWS_WITH(nn::sgd_step(theta, Tensor<double>(Shape{2}), 0.1),
                    Catch::Contains("Eq. (20)") && Catch::Contains("(3)") && Catch::Contains("(2)"));
}

TEST_CASE("SGD with momentum by hand over two steps", "[ch03][optim][eq20]") {
  Tensor<double> w(Shape{1}, {1.0}), gw(Shape{1}, {2.0});
  std::vector<nn::Parameter<double>> params{{"w", &w, &gw}};
  nn::SGD<double> opt(0.1, 0.9);
  opt.step(params);  // v = 2, w = 1 − 0.2 = 0.8
  CHECK(w(0) == Approx(0.8).epsilon(1e-15));
  gw(0) = 1.0;
  opt.step(params);  // v = 0.9·2 + 1 = 2.8, w = 0.8 − 0.28 = 0.52
  CHECK(w(0) == Approx(0.52).epsilon(1e-14));
  nn::SGD<double> plain(0.5);
  plain.step(params);  // μ = 0: Eq. (20), w = 0.52 − 0.5 = 0.02
  CHECK(w(0) == Approx(0.02).epsilon(1e-12));
  Tensor<double> other(Shape{2}), gother(Shape{2});
  std::vector<nn::Parameter<double>> changed{{"w", &w, &gw}, {"u", &other, &gother}};
  CHECK_THROWS_AS(opt.step(changed), std::invalid_argument);
}

TEST_CASE("Adam by hand over two steps", "[ch03][optim][adam]") {
  Tensor<double> w(Shape{2}, {1.0, -1.0}), g(Shape{2}, {0.5, -2.0});
  std::vector<nn::Parameter<double>> params{{"w", &w, &g}};
  const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  nn::Adam<double> opt(lr, b1, b2, eps);
  opt.step(params);
  // t = 1: m̂ = g, v̂ = g², step = α g/(|g| + ε) ≈ α sign(g)
  CHECK(w(0) == Approx(1.0 - lr * 0.5 / (0.5 + eps)).epsilon(1e-15));
  CHECK(w(1) == Approx(-1.0 + lr * 2.0 / (2.0 + eps)).epsilon(1e-15));
  const double w0 = w(0);
  g(0) = 1.5;
  opt.step(params);
  const double m = b1 * (1 - b1) * 0.5 + (1 - b1) * 1.5;
  const double v = b2 * (1 - b2) * 0.25 + (1 - b2) * 2.25;
  const double expected = w0 - lr * (m / (1 - b1 * b1)) / (std::sqrt(v / (1 - b2 * b2)) + eps);
  CHECK(w(0) == Approx(expected).epsilon(1e-14));
  CHECK(opt.steps() == 2);
}

TEST_CASE("learning-rate schedules", "[ch03][optim]") {
  CHECK(nn::step_decay(0.1, 0, 10, 0.5) == 0.1);
  CHECK(nn::step_decay(0.1, 9, 10, 0.5) == 0.1);
  CHECK(nn::step_decay(0.1, 25, 10, 0.5) == Approx(0.025));
  CHECK(nn::cosine_schedule(1.0, 0, 100) == 1.0);
  CHECK(nn::cosine_schedule(1.0, 50, 100) == Approx(0.5));
  CHECK(nn::cosine_schedule(1.0, 100, 100, 0.01) == 0.01);
}

TEST_CASE("Xavier and He initialisation: the same seed gives the same weights", "[ch03][init]") {
  std::mt19937_64 a(42), b(42), c(43);
  Tensor<float> Wa(Shape{30, 20}), Wb(Shape{30, 20}), Wc(Shape{30, 20});
  nn::initialize(Wa, nn::Init::xavier_uniform, 30, 20, a);
  nn::initialize(Wb, nn::Init::xavier_uniform, 30, 20, b);
  nn::initialize(Wc, nn::Init::xavier_uniform, 30, 20, c);
  CHECK(Wa.values() == Wb.values());
  CHECK(Wa.values() != Wc.values());
  const double bound = std::sqrt(6.0 / 50.0);
  for (float w : Wa) CHECK(std::abs(w) <= bound);
  // The same seed gives the same layer, too.
  std::mt19937_64 r1(7), r2(7);
  nn::Dense<double> l1(4, 3, nn::Init::he_normal, r1), l2(4, 3, nn::Init::he_normal, r2);
  CHECK(l1.weight().values() == l2.weight().values());
  // The first draws of seed 42 are fixed by the standard's mt19937_64 and our 53-bit formula:
  std::mt19937_64 s(42);
  const double u = nn::uniform01(s);
  std::mt19937_64 s2(42);
  CHECK(u == double(s2() >> 11) * std::ldexp(1.0, -53));
}

TEST_CASE("He normal has standard deviation √(2/fan_in)", "[ch03][init]") {
  // 200 000 draws: the sample standard deviation errs by ≈ s/√(2N) ≈ 0.16%; 1% is 6 of those.
  std::mt19937_64 rng(1);
  Tensor<double> W(Shape{400, 500});
  nn::initialize(W, nn::Init::he_normal, 400, 500, rng);
  double sum = 0, sq = 0;
  for (double w : W) {
    sum += w;
    sq += w * w;
  }
  const double N = double(W.size()), mean = sum / N, sd = std::sqrt(sq / N - mean * mean);
  CHECK(std::abs(mean) < 0.01 * std::sqrt(2.0 / 400));
  CHECK(sd == Approx(std::sqrt(2.0 / 400)).epsilon(0.01));
}
