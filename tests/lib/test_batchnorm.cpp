// §4.2.7–4.2.8, Eqs. (52)–(63): batch normalization — statistics by hand, gradient checks of
// δ^(l), ∂L/∂γ and ∂L/∂β (rank 2 and 4, R ≥ 2, training and eval mode), the compact Eq. (63)
// against the naive chain rule of Eqs. (58)–(62), the draft's 1/R failing, running statistics,
// the layer objects and the shape errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <tuple>

#include "nn/activation_layer.hpp"
#include "nn/batchnorm.hpp"
#include "nn/finite_difference.hpp"
#include "nn/maxpool2d.hpp"
#include "nn/tools/threads.hpp"
#include "lib/helpers.hpp"

using nn::Shape;
using nn::Tensor;

namespace {

// Values with per-channel means and spreads far from 0 and 1 (mean 1.5, std 2.5): a slip
// that drops μ or a power of (σ² + ε) cannot hide behind μ ≈ 0 or σ² ≈ 1.
Tensor<double> random_tensor(const Shape& s, unsigned seed, double mean = 0.0, double sd = 1.0) {
  std::mt19937 gen(seed);
  return test::normal(s, gen, mean, sd);
}

using test::probe;

// The loss of every check: L = Σ G ⊙ BN(X; γ, β), so that δ^(l+1) = G.
struct Setup {
  Tensor<double> X, gamma, beta, G;
  double eps = 1e-5;
};

Setup make_setup(const Shape& s, unsigned seed) {
  const std::size_t C = s[1];
  Setup st;
  st.X = random_tensor(s, seed, 1.5, 2.5);
  st.gamma = random_tensor(Shape{C}, seed + 1, 1.0, 0.5);
  st.beta = random_tensor(Shape{C}, seed + 2);
  st.G = random_tensor(s, seed + 3);
  return st;
}

double loss_train(const Setup& st, const Tensor<double>& X, const Tensor<double>& gamma, const Tensor<double>& beta) {
  nn::BatchNormCache<double> c;
  return probe(st.G, nn::batchnorm_forward(X, gamma, beta, c, st.eps));
}

// Central differences of a smooth function in double with h = 1e-5: truncation ≈ L‴h²/6 and
// round-off ≈ ε|L|/h, together ≈ 1e-10 absolute for these O(1)–O(10) values (measured: ≤ 3e-8
// relative, on the smallest elements of δ^(l)); 1e-7 is the threshold and leaves a
// margin of 3, while any slip in Eqs. (56)–(63) gives errors of order 1 (see the "teeth" test).
const double kTol = 1e-7;

void require_close(const Tensor<double>& analytic, const Tensor<double>& numeric, const char* what) {
  const auto cmp = nn::compare_gradients(analytic, numeric);
  CAPTURE(what, cmp.str(), cmp.worst_index, cmp.analytic, cmp.numeric);
  REQUIRE(cmp.within(kTol));
}

}  // namespace

TEST_CASE("Eqs. (52)-(55): μ_c, σ²_c, X̂ by hand (rank 2)", "[ch07][batchnorm][eq52][eq53][eq54][eq55]") {
  // Two examples, two features: μ = (2, 4), σ² = (1, 4) (biased, divided by N = 2).
  const Tensor<double> X(Shape{2, 2}, {1, 2, 3, 6});
  const Tensor<double> gamma(Shape{2}, {2, 3}), beta(Shape{2}, {10, 20});
  nn::BatchNormCache<double> c;
  const auto Y = nn::batchnorm_forward(X, gamma, beta, c, 0.0);
  CHECK(c.mean == std::vector<double>{2, 4});
  CHECK(c.var == std::vector<double>{1, 4});
  CHECK(c.inv_std == std::vector<double>{1, 0.5});
  const Tensor<double> Xh(Shape{2, 2}, {-1, -1, 1, 1});
  CHECK(nn::max_abs_diff(c.X_hat, Xh) == 0.0);
  const Tensor<double> want(Shape{2, 2}, {8, 17, 12, 23});  // γ X̂ + β
  CHECK(nn::max_abs_diff(Y, want) == 0.0);
}

TEST_CASE("Eqs. (52)-(54) per channel over (R, H, W) for rank 4", "[ch07][batchnorm][eq52][eq53][eq54][eq55]") {
  const auto st = make_setup(Shape{3, 4, 2, 5}, 1);
  nn::BatchNormCache<double> c;
  nn::batchnorm_forward(st.X, st.gamma, st.beta, c, st.eps);
  for (std::size_t ch = 0; ch < 4; ++ch) {
    double m = 0, m_hat = 0, v_hat = 0;
    for (std::size_t r = 0; r < 3; ++r)
      for (std::size_t h = 0; h < 2; ++h)
        for (std::size_t w = 0; w < 5; ++w) {
          m += st.X(r, ch, h, w) / 30;
          m_hat += c.X_hat(r, ch, h, w) / 30;
          v_hat += c.X_hat(r, ch, h, w) * c.X_hat(r, ch, h, w) / 30;
        }
    CAPTURE(ch);
    CHECK(c.mean[ch] == Approx(m).epsilon(1e-13));
    CHECK(std::abs(m_hat) < 1e-14);                                          // X̂ has mean 0 …
    CHECK(v_hat == Approx(c.var[ch] / (c.var[ch] + st.eps)).epsilon(1e-13));  // … and variance σ²/(σ²+ε)
  }
}

TEST_CASE("Eqs. (56)-(57), (63): batch norm backward matches central differences (training, rank 2 and 4)",
          "[ch07][batchnorm][eq56][eq57][eq58][eq59][eq60][eq61][eq62][eq63][gradcheck]") {
  for (const Shape& s : {Shape{3, 2, 3, 4}, Shape{2, 3, 2, 2}, Shape{5, 4}, Shape{3, 3}}) {
    CAPTURE(s.str());
    const auto st = make_setup(s, 31);
    nn::BatchNormCache<double> c;
    nn::batchnorm_forward(st.X, st.gamma, st.beta, c, st.eps);
    const auto g = nn::batchnorm_backward(st.G, st.gamma, c);
    require_close(g.dX, nn::numerical_gradient([&](const Tensor<double>& x) { return loss_train(st, x, st.gamma, st.beta); }, st.X), "δ^(l), Eq. (63)");
    require_close(g.dgamma, nn::numerical_gradient([&](const Tensor<double>& gm) { return loss_train(st, st.X, gm, st.beta); }, st.gamma), "∂L/∂γ, Eq. (56)");
    require_close(g.dbeta, nn::numerical_gradient([&](const Tensor<double>& b) { return loss_train(st, st.X, st.gamma, b); }, st.beta), "∂L/∂β, Eq. (57)");
  }
}

TEST_CASE("batch norm backward in eval mode (running statistics) matches central differences",
          "[ch07][batchnorm][eval][gradcheck]") {
  for (const Shape& s : {Shape{3, 2, 3, 4}, Shape{4, 5}}) {
    CAPTURE(s.str());
    const auto st = make_setup(s, 41);
    const std::size_t C = s[1];
    const auto rmean = random_tensor(Shape{C}, 42, 1.0, 1.0);
    auto rvar = random_tensor(Shape{C}, 43, 0.0, 1.0);
    for (auto& v : rvar) v = 0.5 + v * v;  // positive, far from 1
    const auto loss = [&](const Tensor<double>& x, const Tensor<double>& gm, const Tensor<double>& b) {
      nn::BatchNormCache<double> c;
      return probe(st.G, nn::batchnorm_forward_inference(x, gm, b, rmean, rvar, c, st.eps));
    };
    nn::BatchNormCache<double> c;
    nn::batchnorm_forward_inference(st.X, st.gamma, st.beta, rmean, rvar, c, st.eps);
    CHECK_FALSE(c.batch_statistics);
    const auto g = nn::batchnorm_backward(st.G, st.gamma, c);
    require_close(g.dX, nn::numerical_gradient([&](const Tensor<double>& x) { return loss(x, st.gamma, st.beta); }, st.X), "δ^(l), eval");
    require_close(g.dgamma, nn::numerical_gradient([&](const Tensor<double>& gm) { return loss(st.X, gm, st.beta); }, st.gamma), "∂L/∂γ, eval");
    require_close(g.dbeta, nn::numerical_gradient([&](const Tensor<double>& b) { return loss(st.X, st.gamma, b); }, st.beta), "∂L/∂β, eval");
  }
}

TEST_CASE("Eq. (63) compact equals the naive chain rule of Eqs. (58)-(62) to 1e-12",
          "[ch07][batchnorm][eq58][eq59][eq60][eq61][eq62][eq63]") {
  // Both compute the same sums in double; they differ by round-off only, ≈ 1e-16 per term
  // times N ≤ 60 terms, relative to values of order 0.1–10.
  for (const Shape& s : {Shape{3, 2, 4, 5}, Shape{2, 3, 2, 1}, Shape{6, 4}, Shape{3, 2}}) {
    CAPTURE(s.str());
    const auto st = make_setup(s, 51);
    nn::BatchNormCache<double> c;
    nn::batchnorm_forward(st.X, st.gamma, st.beta, c, st.eps);
    const auto compact = nn::batchnorm_backward(st.G, st.gamma, c);
    const auto naive = nn::batchnorm_backward_naive(st.G, st.X, st.gamma, c);
    for (auto [a, b, what] : {std::tuple{&compact.dX, &naive.dX, "dX"}, std::tuple{&compact.dgamma, &naive.dgamma, "dγ"},
                              std::tuple{&compact.dbeta, &naive.dbeta, "dβ"}}) {
      const auto cmp = nn::compare_gradients(*a, *b);
      CAPTURE(what, cmp.str());
      REQUIRE(cmp.within(1e-12));
    }
  }
}

TEST_CASE("the checks have teeth: the draft's 1/R in Eq. (56) and a missing (σ²+ε)^(-1/2) fail",
          "[ch07][batchnorm][eq56][eq63][errata]") {
  const auto st = make_setup(Shape{4, 2, 3, 3}, 61);
  nn::BatchNormCache<double> c;
  nn::batchnorm_forward(st.X, st.gamma, st.beta, c, st.eps);
  auto g = nn::batchnorm_backward(st.G, st.gamma, c);
  // the draft's Eq. (56): (1/R) Σ δ X̂ is off by the factor R = 4
  Tensor<double> draft_dgamma = (1.0 / 4.0) * g.dgamma;
  const auto num = nn::numerical_gradient([&](const Tensor<double>& gm) { return loss_train(st, st.X, gm, st.beta); }, st.gamma);
  CHECK_FALSE(nn::compare_gradients(draft_dgamma, num).within(kTol));
  // Eq. (63) without the factor (σ²+ε)^(-1/2) in front
  Tensor<double> no_inv_std = g.dX;
  for (std::size_t i = 0; i < no_inv_std.size(); ++i) no_inv_std[i] /= c.inv_std[(i / 9) % 2];
  const auto numX = nn::numerical_gradient([&](const Tensor<double>& x) { return loss_train(st, x, st.gamma, st.beta); }, st.X);
  CHECK_FALSE(nn::compare_gradients(no_inv_std, numX).within(kTol));
}

TEST_CASE("running statistics: momentum update with the unbiased variance, used in eval mode",
          "[ch07][batchnorm][running]") {
  nn::BatchNorm2d<double> bn(2, 1e-5, 0.1);
  CHECK(bn.running_mean()[0] == 0.0);
  CHECK(bn.running_var()[0] == 1.0);
  const auto X = random_tensor(Shape{3, 2, 2, 2}, 71, 2.0, 3.0);
  bn.forward(X);
  const auto& c = bn.cache();
  const double N = 12;  // R·H·W
  for (std::size_t ch = 0; ch < 2; ++ch) {
    CAPTURE(ch);
    CHECK(bn.running_mean()[ch] == Approx(0.1 * c.mean[ch]).epsilon(1e-14));
    CHECK(bn.running_var()[ch] == Approx(0.9 * 1.0 + 0.1 * N / (N - 1) * c.var[ch]).epsilon(1e-14));
  }
  // eval mode: the running statistics normalise, and they stay unchanged
  const auto rm = bn.running_mean(), rv = bn.running_var();
  bn.set_training(false);
  const auto Z = random_tensor(Shape{2, 2, 2, 2}, 72);
  const Tensor<double> Y = bn.forward(Z);
  CHECK(nn::max_abs_diff(bn.running_mean(), rm) == 0.0);
  CHECK(nn::max_abs_diff(bn.running_var(), rv) == 0.0);
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t ch = 0; ch < 2; ++ch)
      for (std::size_t h = 0; h < 2; ++h)
        for (std::size_t w = 0; w < 2; ++w)
          CHECK(Y(r, ch, h, w) == Approx((Z(r, ch, h, w) - rm[ch]) / std::sqrt(rv[ch] + 1e-5)).epsilon(1e-13));
  // many batches from one distribution: the running estimates approach its mean and variance
  nn::BatchNorm1d<double> b1(1, 1e-5, 0.1);
  for (int i = 0; i < 300; ++i) b1.forward(random_tensor(Shape{8, 1}, 100 + unsigned(i), 3.0, 2.0));
  CHECK(std::abs(b1.running_mean()[0] - 3.0) < 0.3);
  CHECK(std::abs(b1.running_var()[0] - 4.0) < 0.8);  // unbiased: no systematic (N−1)/N = 7/8 shrink
}

TEST_CASE("BatchNorm2d and BatchNorm1d layers: gradients through the objects, parameters, buffers",
          "[ch07][batchnorm][layer][gradcheck]") {
  SECTION("BatchNorm2d, training and eval") {
    for (bool training : {true, false}) {
      CAPTURE(training);
      nn::BatchNorm2d<double> bn(3);
      bn.gamma() = random_tensor(Shape{3}, 81, 1.0, 0.5);
      bn.beta() = random_tensor(Shape{3}, 82);
      bn.forward(random_tensor(Shape{4, 3, 3, 3}, 83, 1.0, 2.0));  // non-trivial running statistics
      bn.set_training(training);
      const auto X = random_tensor(Shape{2, 3, 3, 4}, 84, -1.0, 2.0);
      const auto G = random_tensor(X.shape(), 85);
      const double* y_buffer = bn.forward(X).data();
      const Tensor<double> dX = bn.backward(G);
      const auto params = bn.parameters();
      REQUIRE(params.size() == 2);
      CHECK(params[0].name == "gamma");
      CHECK(params[1].name == "beta");
      const auto numX = nn::numerical_gradient([&](const Tensor<double>& x) { return probe(G, bn.forward(x)); }, X);
      require_close(dX, numX, "layer δ^(l)");
      bn.forward(X);
      bn.backward(G);
      for (const auto& p : params) {
        CAPTURE(p.name);
        const Tensor<double> analytic = *p.gradient;
        const Tensor<double> saved = *p.value;
        const auto num = nn::numerical_gradient(
            [&](const Tensor<double>& v) {
              *p.value = v;
              return probe(G, bn.forward(X));
            },
            saved);
        *p.value = saved;
        require_close(analytic, num, "layer parameter gradient");
      }
      CHECK(bn.forward(X).data() == y_buffer);  // buffers reused across batches
      const auto bufs = bn.buffers();
      REQUIRE(bufs.size() == 2);
      CHECK(bufs[0].name == "running_mean");
      CHECK(bufs[1].name == "running_var");
      CHECK(bufs[0].value == &bn.running_mean());
    }
  }
  SECTION("BatchNorm1d, training, R = 3") {
    nn::BatchNorm1d<double> bn(4);
    const auto X = random_tensor(Shape{3, 4}, 91, 0.5, 3.0);
    const auto G = random_tensor(X.shape(), 92);
    bn.forward(X);
    const Tensor<double> dX = bn.backward(G);
    require_close(dX, nn::numerical_gradient([&](const Tensor<double>& x) { return probe(G, bn.forward(x)); }, X), "BatchNorm1d δ^(l)");
    CHECK(bn.name().find("BatchNorm1d(4") == 0);
  }
}

TEST_CASE("N = 2 values per channel: X̂ = ±σ/√(σ²+ε) ≈ ±1 whatever X is, so δ^(l) is of order ε",
          "[ch07][batchnorm][eq63]") {
  // Why the gradient checks use N ≥ 3 for δ^(l): with two values per channel (rank 2, R = 2),
  // x = μ ± d, Eq. (63) reduces to δ^(l)_0 = −δ^(l)_1 = γ(σ²+ε)^{-1/2}/2 · (δ_0 − δ_1) · ε/(σ²+ε):
  // the output does not depend on X except through ε, and a relative comparison of such tiny
  // numbers with central differences would measure round-off, not the formula.
  const auto st = make_setup(Shape{2, 3}, 111);
  nn::BatchNormCache<double> c;
  nn::batchnorm_forward(st.X, st.gamma, st.beta, c, st.eps);
  const auto g = nn::batchnorm_backward(st.G, st.gamma, c);
  for (std::size_t ch = 0; ch < 3; ++ch) {
    CAPTURE(ch);
    const double var = c.var[ch], s = 1 / std::sqrt(var + st.eps);
    CHECK(std::abs(c.X_hat(0, ch)) == Approx(std::sqrt(var) * s).epsilon(1e-12));
    const double closed = st.gamma(ch) * s / 2 * (st.G(0, ch) - st.G(1, ch)) * st.eps / (var + st.eps);
    CHECK(g.dX(0, ch) == Approx(closed).epsilon(1e-6));
    CHECK(g.dX(1, ch) == Approx(-closed).epsilon(1e-6));
    CHECK(std::abs(g.dX(0, ch)) < 1e-2 * std::abs(st.G(0, ch) - st.G(1, ch)));
  }
}

TEST_CASE("batch norm shape errors name the shapes and equations", "[ch07][batchnorm][errors]") {
  nn::BatchNormCache<double> c;
  const Tensor<double> g3(Shape{3}, 1.0);
  CHECK_THROWS_WITH(nn::batchnorm_forward(Tensor<double>(Shape{2, 4, 3, 3}, 1.0), g3, g3, c),
                    Catch::Contains("Eq. (55)") && Catch::Contains("(3)") && Catch::Contains("(2, 4, 3, 3)"));
  CHECK_THROWS_WITH(nn::batchnorm_forward(Tensor<double>(Shape{2, 3, 3}, 1.0), g3, g3, c),
                    Catch::Contains("(52)-(55)") && Catch::Contains("(2, 3, 3)"));
  CHECK_THROWS_WITH(nn::batchnorm_forward(Tensor<double>(Shape{1, 3}, 1.0), g3, g3, c),
                    Catch::Contains("(52)-(53)") && Catch::Contains("(1, 3)"));
  nn::batchnorm_forward(Tensor<double>(Shape{2, 3}, {1, 2, 3, 4, 5, 7}), g3, g3, c);
  CHECK_THROWS_WITH(nn::batchnorm_backward(Tensor<double>(Shape{3, 3}, 1.0), g3, c),
                    Catch::Contains("Eq. (63)") && Catch::Contains("(3, 3)") && Catch::Contains("(2, 3)"));
  nn::BatchNorm2d<float> bn2(3);
  CHECK_THROWS_WITH(bn2.forward(Tensor<float>(Shape{2, 3}, 1.0f)), Catch::Contains("BatchNorm2d") && Catch::Contains("(2, 3)"));
  CHECK_THROWS_WITH(bn2.forward(Tensor<float>(Shape{2, 4, 2, 2}, 1.0f)), Catch::Contains("(2, 4, 2, 2)"));
  nn::BatchNorm1d<float> bn1(3);
  CHECK_THROWS_AS(bn1.forward(Tensor<float>(Shape{2, 3, 1, 1}, 1.0f)), nn::shape_error);
}

TEST_CASE("batch norm in float agrees with double", "[ch07][batchnorm]") {
  const auto st = make_setup(Shape{4, 3, 3, 3}, 101);
  nn::BatchNormCache<double> cd;
  nn::BatchNormCache<float> cf;
  const auto Yd = nn::batchnorm_forward(st.X, st.gamma, st.beta, cd, 1e-5);
  const auto Yf = nn::batchnorm_forward(nn::cast<float>(st.X), nn::cast<float>(st.gamma), nn::cast<float>(st.beta), cf, 1e-5f);
  const auto gd = nn::batchnorm_backward(st.G, st.gamma, cd);
  const auto gf = nn::batchnorm_backward(nn::cast<float>(st.G), nn::cast<float>(st.gamma), cf);
  // float round-off ≈ 6e-8 relative per operation, a few dozen operations on O(1)–O(10) values
  CHECK(nn::max_abs_diff(nn::cast<double>(Yf), Yd) < 1e-5);
  CHECK(nn::max_abs_diff(nn::cast<double>(gf.dX), gd.dX) < 1e-5);
  CHECK(nn::max_abs_diff(nn::cast<double>(gf.dgamma), gd.dgamma) < 1e-4);
}

TEST_CASE("batch norm on a large batch: threads share the channels, the result does not depend on them",
          "[ch07][batchnorm][threads]") {
  // 64 × 8 × 12 × 12 = 73,728 values: above the size where the channels are shared out. Each
  // channel is computed by one thread in a fixed order, so 1 and 2 threads agree bit for bit;
  // and the large case still satisfies Eq. (63)'s identity Σ_{r,h,w} δ^(l) = 0 (the mean is
  // subtracted, so shifting a channel's inputs changes nothing).
  const auto st = make_setup(Shape{64, 8, 12, 12}, 7);
  const int saved_threads = nn::library_threads();
  // the layer object runs the threaded kernels (lib/src/kernels/batchnorm_fast.cpp)
  auto run = [&](int threads) {
    nn::set_library_threads(threads);
    nn::BatchNorm2d<double> bn(8, 1e-5);
    bn.gamma() = st.gamma;
    bn.beta() = st.beta;
    const Tensor<double> Y = bn.forward(st.X);
    bn.backward(st.G);
    return std::make_pair(Y, bn.gradients());
  };
  const auto [Y1, g1] = run(1);
  const auto [Y2, g2] = run(2);
  nn::set_library_threads(saved_threads);
  CHECK(nn::max_abs_diff(Y1, Y2) == 0);
  CHECK(nn::max_abs_diff(g1.dX, g2.dX) == 0);
  CHECK(nn::max_abs_diff(g1.dgamma, g2.dgamma) == 0);
  double worst = 0;
  for (std::size_t c = 0; c < 8; ++c) {
    double sum = 0, scale = 0;
    for (std::size_t r = 0; r < 64; ++r)
      for (std::size_t h = 0; h < 12; ++h)
        for (std::size_t w = 0; w < 12; ++w) {
          sum += g2.dX(r, c, h, w);
          scale += std::fabs(g2.dX(r, c, h, w));
        }
    worst = std::max(worst, std::fabs(sum) / scale);
  }
  CHECK(worst < 1e-12);  // 9,216 terms of size ~1: round-off ~1e-13 relative to Σ|δ|
}

TEST_CASE("BatchNorm2d → Activation → MaxPool2d in a Sequential: δ^(0) matches central differences",
          "[ch05][ch06][ch07][sequential][gradcheck]") {
  // The three layers of §4.2.3–4.2.8 composed (Eqs. (29)–(33) run them backwards). Max-pool's
  // windows hold values of tanh(BN(X)); a perturbation ±h of one input moves every output of its
  // channel by ≤ h·|∂Y/∂X| ≈ 1e-5, far less than the gaps between the values of a window here
  // (the check would fail loudly if a step changed a window's argmax).
  nn::Sequential<double> net;
  net.add<nn::BatchNorm2d<double>>(2);
  net.add<nn::Activation<double>>(nn::ActivationFunction::tanh);
  net.add<nn::MaxPool2d<double>>(nn::PoolSpec::square(2, 1));  // overlapping windows
  // N = R·H·W = 18 per channel: an input that wins no window still gets a gradient of order
  // 1/N through μ_c and σ²_c (Eq. (63)) — large enough to be compared relatively.
  const auto X = random_tensor(Shape{2, 2, 3, 3}, 121, 1.0, 2.0);
  const Tensor<double> Y = net.forward(X);
  REQUIRE(Y.shape() == Shape{2, 2, 2, 2});
  const auto G = random_tensor(Y.shape(), 122);
  const Tensor<double> dX = net.backward(G);
  require_close(dX, nn::numerical_gradient([&](const Tensor<double>& x) { return probe(G, net.forward(x)); }, X), "Sequential δ^(0)");
  CHECK(net.parameters().size() == 2);
  CHECK(net.buffers().size() == 2);
}

TEST_CASE("batch norm layers equal the reference functions: training and eval, rank 2 and 4, odd and large sizes",
          "[ch07][batchnorm][layer][eq52][eq53][eq54][eq55][eq56][eq57][eq63]") {
  // The layers run lib/src/kernels/batchnorm_fast.cpp (sums in vector lanes, channels shared
  // among threads); the free functions are the reference loops of lib/src/batchnorm.cpp. They
  // sum in different orders, so they agree to rounding: sums of at most 73,728 terms of size
  // O(1) in double differ by far less than 1e-11 relative to the largest value.
  const Shape shapes[] = {Shape{3, 5}, Shape{2, 3, 5, 7}, Shape{64, 8, 12, 12}};
  auto normwise = [](const Tensor<double>& a, const Tensor<double>& b) {
    double diff = 0, ref = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      diff = std::max(diff, std::abs(a[i] - b[i]));
      ref = std::max(ref, std::abs(b[i]));
    }
    return diff / ref;
  };
  for (const Shape& s : shapes)
    for (bool training : {true, false}) {
      CAPTURE(s.str(), training);
      const auto st = make_setup(s, 31);
      std::unique_ptr<nn::BatchNormLayer<double>> layer;
      if (s.rank() == 4)
        layer = std::make_unique<nn::BatchNorm2d<double>>(s[1], st.eps);
      else
        layer = std::make_unique<nn::BatchNorm1d<double>>(s[1], st.eps);
      layer->gamma() = st.gamma;
      layer->beta() = st.beta;
      layer->forward(random_tensor(s, 32, 0.5, 1.5));  // running statistics that are not 0 and 1
      layer->set_training(training);
      const Tensor<double> Y = layer->forward(st.X);
      layer->backward(st.G);
      nn::BatchNormCache<double> cache;
      const Tensor<double> Y_ref =
          training ? nn::batchnorm_forward(st.X, st.gamma, st.beta, cache, st.eps)
                   : nn::batchnorm_forward_inference(st.X, st.gamma, st.beta, layer->running_mean(),
                                                     layer->running_var(), cache, st.eps);
      const auto g_ref = nn::batchnorm_backward(st.G, st.gamma, cache);
      const double eY = normwise(Y, Y_ref), eX = normwise(layer->gradients().dX, g_ref.dX),
                   eg = normwise(layer->gradients().dgamma, g_ref.dgamma),
                   eb = normwise(layer->gradients().dbeta, g_ref.dbeta);
      CAPTURE(eY, eX, eg, eb);
      REQUIRE(std::isfinite(eY + eX + eg + eb));
      CHECK(eY <= 1e-11);
      CHECK(eX <= 1e-11);
      CHECK(eg <= 1e-11);
      CHECK(eb <= 1e-11);
    }
}
