// §4.2.1–4.2.2, Eqs. (34)–(43): the convolution layer's three oracles — hand-worked cases
// (Figures 6 and 7), central differences in double for every gradient, and the naive loops
// against im2row + GEMM.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "nn/conv2d.hpp"
#include "nn/finite_difference.hpp"
#include "nn/layer.hpp"
#include "lib/helpers.hpp"

using nn::ConvSpec;
using nn::Shape;
using nn::Tensor;

namespace {

Tensor<double> random_tensor(const Shape& shape, std::mt19937_64& rng, double lo = -1, double hi = 1) {
  return test::uniform(shape, rng, lo, hi);
}

using test::probe;

/// max |a − b| / max |b|: the normwise relative difference (robust to single entries near 0).
double normwise_relative(const Tensor<double>& a, const Tensor<double>& b) {
  REQUIRE(a.shape() == b.shape());
  double diff = 0, ref = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(a[i] - b[i]));
    ref = std::max(ref, std::abs(b[i]));
  }
  return ref > 0 ? diff / ref : diff;
}

struct ConvCase {
  std::size_t R, C, H, W, Cp, kH, kW, s, p;
  std::string str() const {
    return "R=" + std::to_string(R) + " C=" + std::to_string(C) + " H=" + std::to_string(H) + " W=" + std::to_string(W) +
           " C'=" + std::to_string(Cp) + " k=" + std::to_string(kH) + "x" + std::to_string(kW) +
           " s=" + std::to_string(s) + " p=" + std::to_string(p);
  }
};

}  // namespace

// ---- oracle 1: hand-worked cases --------------------------------------------------------------

TEST_CASE("Figure 6: a 3x3 kernel over a 6x6 area gives 4x4", "[ch04][conv2d][eq39][figure6]") {
  // X_{h,w} = 6h + w and a kernel of ones: each output is the sum of a 3x3 window, i.e. nine
  // times its centre 6(h'+1) + (w'+1) (the window is symmetric about its centre).
  Tensor<double> X(Shape{1, 1, 6, 6});
  for (std::size_t h = 0; h < 6; ++h)
    for (std::size_t w = 0; w < 6; ++w) X(0, 0, h, w) = double(6 * h + w);
  const Tensor<double> W(Shape{1, 1, 3, 3}, 1.0);
  const Tensor<double> b(Shape{1}, 0.5);
  for (const bool fast : {false, true}) {
    const auto Y = fast ? nn::conv2d_forward_im2row(X, W, b, ConvSpec{1, 0}) : nn::conv2d_forward_naive(X, W, b, ConvSpec{1, 0});
    REQUIRE(Y.shape() == Shape{1, 1, 4, 4});
    for (std::size_t h = 0; h < 4; ++h)
      for (std::size_t w = 0; w < 4; ++w) {
        CAPTURE(fast, h, w);
        CHECK(Y(0, 0, h, w) == 9.0 * double(6 * (h + 1) + (w + 1)) + 0.5);
      }
  }
  // A kernel that is not symmetric: W_{0,0,j,i} = 1 only at (j, i) = (0, 2) picks X_{h', w'+2}
  // — the kernel is NOT flipped in Eq. (39) (a cross-correlation, as in every CNN library).
  Tensor<double> W02(Shape{1, 1, 3, 3});
  W02(0, 0, 0, 2) = 1.0;
  const auto Y = nn::conv2d_forward_naive(X, W02, Tensor<double>(Shape{1}), ConvSpec{1, 0});
  for (std::size_t h = 0; h < 4; ++h)
    for (std::size_t w = 0; w < 4; ++w) CHECK(Y(0, 0, h, w) == X(0, 0, h, w + 2));
}

TEST_CASE("Figure 7: the 5x5 area zero-padded to 7x7 (p = 1)", "[ch04][conv2d][eq39][figure7]") {
  const std::vector<double> area = {1, 1, 1, 0, 0,  //
                                    0, 1, 1, 1, 0,  //
                                    0, 0, 1, 1, 1,  //
                                    0, 0, 1, 1, 0,  //
                                    0, 1, 1, 0, 0};
  const Tensor<double> X(Shape{1, 1, 5, 5}, area);
  // With a 3x3 kernel of ones each output counts the ones in the 3x3 neighbourhood, with the
  // zeros of the padding outside; counted by hand:
  const std::vector<double> counts = {3, 5, 5, 3, 1,  //
                                      3, 6, 7, 6, 3,  //
                                      1, 4, 7, 7, 4,  //
                                      1, 4, 6, 6, 3,  //
                                      1, 3, 4, 3, 1};
  const Tensor<double> ones(Shape{1, 1, 3, 3}, 1.0), zero(Shape{1});
  for (const auto& Y : {nn::conv2d_forward_naive(X, ones, zero, ConvSpec{1, 1}), nn::conv2d_forward_im2row(X, ones, zero, ConvSpec{1, 1})}) {
    REQUIRE(Y.shape() == Shape{1, 1, 5, 5});
    for (std::size_t i = 0; i < 25; ++i) {
      CAPTURE(i);
      CHECK(Y[i] == counts[i]);
    }
  }
  // Without padding, the kernel [[1,0,1],[0,1,0],[1,0,1]] gives the 3x3 worked by hand:
  const Tensor<double> x_kernel(Shape{1, 1, 3, 3}, {1, 0, 1, 0, 1, 0, 1, 0, 1});
  const auto Y = nn::conv2d_forward_naive(X, x_kernel, zero, ConvSpec{1, 0});
  const std::vector<double> want = {4, 3, 4, 2, 4, 3, 2, 3, 4};
  REQUIRE(Y.shape() == Shape{1, 1, 3, 3});
  for (std::size_t i = 0; i < 9; ++i) CHECK(Y[i] == want[i]);
}

TEST_CASE("Eqs. (37)-(39): stride s keeps every s-th window of the stride-1 output", "[ch04][conv2d][eq37][eq38][eq39]") {
  // Y^{(s)}_{h',w'} = Y^{(1)}_{s h', s w'}: the windows start at h = s·h' (Eqs. (37)-(38)).
  std::mt19937_64 rng(7);
  for (std::size_t s : {2u, 3u})
    for (std::size_t p : {0u, 1u, 2u}) {
      const auto X = random_tensor(Shape{2, 2, 9, 8}, rng);
      const auto W = random_tensor(Shape{3, 2, 3, 2}, rng);
      const auto b = random_tensor(Shape{3}, rng);
      const auto Y1 = nn::conv2d_forward_naive(X, W, b, ConvSpec{1, p});
      const auto Ys = nn::conv2d_forward_naive(X, W, b, ConvSpec{s, p});
      for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t c = 0; c < 3; ++c)
          for (std::size_t h = 0; h < Ys.dim(2); ++h)
            for (std::size_t w = 0; w < Ys.dim(3); ++w) {
              CAPTURE(s, p, r, c, h, w);
              REQUIRE(Ys(r, c, h, w) == Y1(r, c, s * h, s * w));
            }
    }
}

// ---- oracle 2: central differences --------------------------------------------------------------

namespace {
const ConvCase kGradCases[] = {
    {2, 3, 7, 6, 4, 3, 2, 1, 0},  // stride 1, no padding, rectangular input and kernel, C ≠ C'
    {2, 2, 6, 7, 3, 3, 3, 1, 1},  // stride 1, padding 1
    {1, 1, 5, 5, 1, 3, 3, 1, 2},  // padding 2 (wider than half the kernel)
    {2, 2, 8, 7, 3, 3, 3, 2, 1},  // stride 2, padding 1
    {3, 2, 9, 8, 2, 2, 3, 3, 2},  // stride 3, padding 2, R = 3
    {2, 3, 6, 9, 2, 4, 2, 2, 0},  // stride 2, tall kernel
    {2, 2, 8, 8, 3, 3, 3, 3, 1},  // stride 3: the floor of Eq. (34) drops the last padded row/column
    {2, 1, 7, 5, 2, 2, 2, 2, 2},  // stride 2, padding 2: windows made only of padding
};
}  // namespace

TEST_CASE("Eqs. (40)-(43): conv2d backward matches central differences (naive and im2row)",
          "[ch04][conv2d][eq40][eq41][eq42][eq43][gradcheck]") {
  // L = Σ G ⊙ Y for a fixed random G, so δ^(l+1) = ∂L/∂Y = G. L is linear in each of X, W and
  // b, so the central difference has no truncation error (the h² term is L''' = 0) and only
  // round-off remains, about ε·Σ|G⊙Y|/h ≈ 1e-16·100/1e-3 ≈ 1e-11 absolute against gradients of
  // order 0.1–10: a relative error of 1e-7 leaves a wide margin, yet any wrong index, missing
  // rotation or stride shows as an O(1) error.
  const double tol = 1e-7, h = 1e-3;
  std::mt19937_64 rng(2024);
  for (const auto& cc : kGradCases) {
    CAPTURE(cc.str());
    const ConvSpec spec{cc.s, cc.p};
    const auto X = random_tensor(Shape{cc.R, cc.C, cc.H, cc.W}, rng);
    const auto W = random_tensor(Shape{cc.Cp, cc.C, cc.kH, cc.kW}, rng);
    const auto b = random_tensor(Shape{cc.Cp}, rng);
    const Shape out = nn::conv2d_output_shape(X.shape(), W.shape(), spec);
    const auto G = random_tensor(out, rng);

    const auto num_dX = nn::numerical_gradient([&](const Tensor<double>& x) { return probe(G, nn::conv2d_forward_naive(x, W, b, spec)); }, X, h);
    const auto num_dW = nn::numerical_gradient([&](const Tensor<double>& w) { return probe(G, nn::conv2d_forward_naive(X, w, b, spec)); }, W, h);
    const auto num_db = nn::numerical_gradient([&](const Tensor<double>& bb) { return probe(G, nn::conv2d_forward_naive(X, W, bb, spec)); }, b, h);

    const nn::Conv2dGradients<double> naive = nn::conv2d_backward_naive(G, X, W, spec);
    const nn::Conv2dGradients<double> fast = nn::conv2d_backward_im2row(G, X, W, spec);
    for (const auto* g : {&naive, &fast}) {
      const char* path = g == &naive ? "naive" : "im2row";
      const auto cX = nn::compare_gradients(g->dX, num_dX);
      const auto cW = nn::compare_gradients(g->dW, num_dW);
      const auto cb = nn::compare_gradients(g->db, num_db);
      CAPTURE(path, cX.str(), cW.str(), cb.str());
      REQUIRE(cX.within(tol));  // Eq. (42)
      REQUIRE(cW.within(tol));  // Eq. (43)
      REQUIRE(cb.within(tol));  // bias
    }
  }
}

TEST_CASE("Eq. (43): with the batch-mean loss the kernel gradient needs no extra 1/R", "[ch04][conv2d][eq43][gradcheck]") {
  // L = (1/R) Σ_r Σ G_r ⊙ Y_r: the 1/R enters once, through δ = G/R; backward adds none.
  std::mt19937_64 rng(5);
  const std::size_t R = 4;
  const ConvSpec spec{2, 1};
  const auto X = random_tensor(Shape{R, 2, 7, 7}, rng);
  const auto W = random_tensor(Shape{3, 2, 3, 3}, rng);
  const auto b = random_tensor(Shape{3}, rng);
  const auto G = random_tensor(nn::conv2d_output_shape(X.shape(), W.shape(), spec), rng);
  auto mean_loss = [&](const Tensor<double>& w) { return probe(G, nn::conv2d_forward_naive(X, w, b, spec)) / double(R); };
  const auto numeric = nn::numerical_gradient(mean_loss, W, 1e-3);
  const Tensor<double> delta = (1.0 / double(R)) * G;  // ∂L/∂Y of the mean loss
  const auto analytic = nn::conv2d_backward_naive(delta, X, W, spec).dW;
  const auto cmp = nn::compare_gradients(analytic, numeric);
  CAPTURE(cmp.str());
  REQUIRE(cmp.within(1e-7));
  // The draft's Eq. (43) divides by R once more: wrong by exactly the factor R.
  const auto draft = nn::compare_gradients((1.0 / double(R)) * analytic, numeric);
  CHECK(draft.max_relative_error > 0.5);
}

// ---- oracle 3: naive against im2row + GEMM --------------------------------------------------------

TEST_CASE("naive loops and im2row + GEMM agree to 1e-12 on many shapes", "[ch04][conv2d][eq39][eq40][eq41][eq42][eq43][im2row]") {
  // Both compute the same sums in a different order; in double they differ by round-off,
  // about K·ε ≈ 100·1e-16 relative to the largest entry.
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::size_t> pick(0, 1000);
  int tested = 0;
  for (int t = 0; t < 60; ++t) {
    ConvCase cc{1 + pick(rng) % 3, 1 + pick(rng) % 4, 0, 0, 1 + pick(rng) % 4, 1 + pick(rng) % 4, 1 + pick(rng) % 4,
                1 + pick(rng) % 3, pick(rng) % 3};
    cc.H = std::max<std::size_t>(1, cc.kH > 2 * cc.p ? cc.kH - 2 * cc.p : 1) + pick(rng) % 7;
    cc.W = std::max<std::size_t>(1, cc.kW > 2 * cc.p ? cc.kW - 2 * cc.p : 1) + pick(rng) % 7;
    CAPTURE(cc.str());
    const ConvSpec spec{cc.s, cc.p};
    const auto X = random_tensor(Shape{cc.R, cc.C, cc.H, cc.W}, rng);
    const auto W = random_tensor(Shape{cc.Cp, cc.C, cc.kH, cc.kW}, rng);
    const auto b = random_tensor(Shape{cc.Cp}, rng);
    const auto G = random_tensor(nn::conv2d_output_shape(X.shape(), W.shape(), spec), rng);
    const auto Yf = nn::conv2d_forward_im2row(X, W, b, spec);
    const auto Yn = nn::conv2d_forward_naive(X, W, b, spec);
    const auto gf = nn::conv2d_backward_im2row(G, X, W, spec);
    const auto gn = nn::conv2d_backward_naive(G, X, W, spec);
    REQUIRE(normwise_relative(Yf, Yn) <= 1e-12);
    REQUIRE(normwise_relative(gf.dX, gn.dX) <= 1e-12);
    REQUIRE(normwise_relative(gf.dW, gn.dW) <= 1e-12);
    REQUIRE(normwise_relative(gf.db, gn.db) <= 1e-12);
    ++tested;
  }
  CHECK(tested == 60);
}

TEST_CASE("im2row lays out the windows as rows, and Y = im2row(X) vec(W)^T", "[ch04][im2row][eq39]") {
  // Hand case: X = [[1,2,3],[4,5,6],[7,8,9]], 2x2 windows, stride 1.
  const Tensor<double> X(Shape{1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const auto rows = nn::im2row(X, 2, 2, ConvSpec{1, 0});
  const std::vector<double> want = {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9};
  REQUIRE(rows.shape() == Shape{4, 4});
  for (std::size_t i = 0; i < 16; ++i) CHECK(rows[i] == want[i]);
  // Padding 1, stride 2: windows start at (−1, −1), (−1, 1), (1, −1), (1, 1) in X's coordinates.
  const auto padded = nn::im2row(X, 2, 2, ConvSpec{2, 1});
  const std::vector<double> want_p = {0, 0, 0, 1, 0, 0, 2, 3, 0, 4, 0, 7, 5, 6, 8, 9};
  REQUIRE(padded.shape() == Shape{4, 4});
  for (std::size_t i = 0; i < 16; ++i) CHECK(padded[i] == want_p[i]);

  // Y_{(r,h',w'), c'} = Σ_k rows_{(r,h',w'), k} W_{c', k}: one matrix product.
  std::mt19937_64 rng(3);
  const auto Xr = random_tensor(Shape{2, 3, 6, 5}, rng);
  const auto W = random_tensor(Shape{4, 3, 3, 2}, rng);
  const ConvSpec spec{2, 1};
  const auto M = nn::matmul(nn::im2row(Xr, 3, 2, spec), nn::transpose(W.reshaped(Shape{4, 18})));
  const auto Y = nn::conv2d_forward_naive(Xr, W, Tensor<double>(Shape{4}), spec);
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t c = 0; c < 4; ++c)
      for (std::size_t h = 0; h < Y.dim(2); ++h)
        for (std::size_t w = 0; w < Y.dim(3); ++w)
          REQUIRE(std::abs(M((r * Y.dim(2) + h) * Y.dim(3) + w, c) - Y(r, c, h, w)) <= 1e-12);
}

TEST_CASE("row2im is the adjoint of im2row: <im2row(X), M> = <X, row2im(M)>", "[ch04][im2row][eq42]") {
  std::mt19937_64 rng(4);
  for (std::size_t s : {1u, 2u, 3u})
    for (std::size_t p : {0u, 1u, 2u}) {
      CAPTURE(s, p);
      const auto X = random_tensor(Shape{2, 3, 7, 6}, rng);
      const auto rows = nn::im2row(X, 3, 2, ConvSpec{s, p});
      const auto M = random_tensor(rows.shape(), rng);
      const auto back = nn::row2im(M, X.shape(), 3, 2, ConvSpec{s, p});
      REQUIRE(std::abs(probe(rows, M) - probe(X, back)) <= 1e-12 * std::max(1.0, std::abs(probe(rows, M))));
    }
}

// ---- the layer object ---------------------------------------------------------------------------

TEST_CASE("Conv2d layer: forward and backward equal the naive functions, buffers are reused",
          "[ch04][conv2d][layer]") {
  std::mt19937_64 rng(9);
  nn::Conv2d<double> conv(3, 4, 3, 2, ConvSpec{2, 1}, 123);
  CHECK(conv.name() == "Conv2d(3 → 4, 3×2, s=2, p=1)");
  const auto X = random_tensor(Shape{2, 3, 8, 7}, rng);
  const Shape out = conv.output_shape(X.shape());
  const auto G = random_tensor(out, rng);
  const double* y_buffer = nullptr;
  const double* dx_buffer = nullptr;
  for (int batch = 0; batch < 3; ++batch) {
    const auto& Y = conv.forward(X);
    const auto& dX = conv.backward(G);
    if (batch == 0) {
      y_buffer = Y.data();
      dx_buffer = dX.data();
    }
    CHECK(Y.data() == y_buffer);  // the same buffer every batch (design notes, "Speed facts")
    CHECK(dX.data() == dx_buffer);
    const auto Yn = nn::conv2d_forward_naive(X, conv.weights(), conv.bias(), conv.spec());
    const auto gn = nn::conv2d_backward_naive(G, X, conv.weights(), conv.spec());
    REQUIRE(normwise_relative(Y, Yn) <= 1e-12);
    REQUIRE(normwise_relative(dX, gn.dX) <= 1e-12);
    auto params = conv.parameters();
    REQUIRE(params.size() == 2);
    REQUIRE(normwise_relative(*params[0].gradient, gn.dW) <= 1e-12);  // overwritten, not accumulated
    REQUIRE(normwise_relative(*params[1].gradient, gn.db) <= 1e-12);
  }
}

TEST_CASE("Conv2d layer: He initialisation is seeded and has variance 2/fan-in", "[ch04][conv2d][layer]") {
  nn::Conv2d<float> a(16, 32, 3, 3, ConvSpec{1, 1}, 7), b(16, 32, 3, 3, ConvSpec{1, 1}, 7), c(16, 32, 3, 3, ConvSpec{1, 1}, 8);
  CHECK(a.weights().values() == b.weights().values());
  CHECK(a.weights().values() != c.weights().values());
  double sum = 0, sq = 0;
  for (float w : a.weights()) {
    sum += w;
    sq += double(w) * w;
  }
  const double n = double(a.weights().size()), var = sq / n - (sum / n) * (sum / n);
  // 4608 samples: the sample variance is within ±3·sqrt(2/n) ≈ ±6% of 2/144 with overwhelming probability.
  CHECK(var == Approx(2.0 / 144.0).epsilon(0.07));
  for (float v : a.bias()) CHECK(v == 0.0f);
}

TEST_CASE("Conv2d in float agrees with the double naive path", "[ch04][conv2d][layer]") {
  std::mt19937_64 rng(12);
  nn::Conv2d<float> conv(2, 3, 3, 3, ConvSpec{1, 1}, 1);
  const auto Xd = random_tensor(Shape{2, 2, 6, 5}, rng);
  const auto Gd = random_tensor(conv.output_shape(Xd.shape()), rng);
  const auto& Y = conv.forward(nn::cast<float>(Xd));
  const auto& dX = conv.backward(nn::cast<float>(Gd));
  const auto Wd = nn::cast<double>(conv.weights());
  const auto Yn = nn::conv2d_forward_naive(Xd, Wd, nn::cast<double>(conv.bias()), conv.spec());
  const auto gn = nn::conv2d_backward_naive(Gd, Xd, Wd, conv.spec());
  // float: ε ≈ 6e-8 times sums of ~20 terms
  CHECK(normwise_relative(nn::cast<double>(Y), Yn) <= 1e-5);
  CHECK(normwise_relative(nn::cast<double>(dX), gn.dX) <= 1e-5);
}

TEST_CASE("Conv2d plugs into Sequential", "[ch04][conv2d][layer]") {
  nn::Sequential<double> net;
  net.add<nn::Conv2d<double>>(1, 6, 5, 5, ConvSpec{1, 0}, 1);
  net.add<nn::Conv2d<double>>(6, 4, 3, 3, ConvSpec{2, 1}, 2);
  net.add<nn::Flatten<double>>();
  CHECK(net.output_shape(Shape{8, 1, 28, 28}) == Shape{8, 4 * 12 * 12});
  CHECK(net.parameter_count() == 6 * 25 + 6 + 4 * 6 * 9 + 4);
  std::mt19937_64 rng(1);
  const auto X = random_tensor(Shape{2, 1, 12, 12}, rng);
  const auto& Y = net.forward(X);
  CHECK(Y.shape() == Shape{2, 4 * 4 * 4});
  const auto& dX = net.backward(Tensor<double>(Y.shape(), 1.0));
  CHECK(dX.shape() == X.shape());
}

TEST_CASE("conv2d shape errors name the shapes and the equation", "[ch04][conv2d][errors][eq36]") {
  const Tensor<double> X(Shape{2, 3, 5, 5}), W(Shape{4, 3, 3, 3}), b(Shape{4});
  auto message = [](auto f) {
    try {
      f();
    } catch (const nn::shape_error& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  const auto wrong_c = message([&] { nn::conv2d_forward_naive(X, Tensor<double>(Shape{4, 2, 3, 3}), b, ConvSpec{}); });
  CAPTURE(wrong_c);
  CHECK(wrong_c.find("(2, 3, 5, 5)") != std::string::npos);
  CHECK(wrong_c.find("(4, 2, 3, 3)") != std::string::npos);
  const auto too_big = message([&] { nn::conv2d_forward_naive(X, Tensor<double>(Shape{4, 3, 6, 3}), b, ConvSpec{}); });
  CAPTURE(too_big);
  CHECK(too_big.find("Eqs. (34)-(35)") != std::string::npos);
  CHECK(too_big.find("(4, 3, 6, 3)") != std::string::npos);
  CHECK_THROWS_AS(nn::conv2d_forward_naive(X, W, Tensor<double>(Shape{3}), ConvSpec{}), nn::shape_error);
  CHECK_THROWS_AS(nn::conv2d_forward_naive(X, W, b, ConvSpec{0, 0}), nn::shape_error);
  CHECK_THROWS_AS(nn::conv2d_backward_naive(Tensor<double>(Shape{2, 4, 4, 4}), X, W, ConvSpec{}), nn::shape_error);
  CHECK_THROWS_AS(nn::conv2d_backward_im2row(Tensor<double>(Shape{2, 4, 4, 4}), X, W, ConvSpec{}), nn::shape_error);
  CHECK_THROWS_AS(nn::Conv2d<double>(3, 4, 3, 3).forward(Tensor<double>(Shape{1, 2, 5, 5})), nn::shape_error);
}
