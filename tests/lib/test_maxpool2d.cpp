// §4.2.5–4.2.6, Eqs. (46)–(51): max-pooling — Figure 8's layout (our values), output sizes from the one
// size formula, the tie rule, overlapping windows whose deltas sum, gradient checks, the layer
// object and the shape errors.
#include <array>
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>

#include "nn/finite_difference.hpp"
#include "nn/maxpool2d.hpp"
#include "nn/output_size.hpp"
#include "lib/helpers.hpp"

using nn::PoolSpec;
using nn::Shape;
using nn::Tensor;

namespace {

// Distinct values 0.1·π(i) − offset for a random permutation π: every two values differ by at
// least 0.1 = 10⁴·h, so a step ±h never changes which element of a window is the maximum.
Tensor<double> distinct_input(const Shape& s, unsigned seed) {
  std::vector<double> v(s.size());
  std::iota(v.begin(), v.end(), 0.0);
  std::shuffle(v.begin(), v.end(), std::mt19937(seed));
  Tensor<double> X(s);
  for (std::size_t i = 0; i < v.size(); ++i) X[i] = 0.1 * v[i] - 0.05 * double(v.size());
  return X;
}

Tensor<double> random_tensor(const Shape& s, unsigned seed) {
  std::mt19937 gen(seed);
  return test::normal(s, gen);
}

using test::probe;

// Figure 8's sizes (the draft gives no values; these are ours): 4×4 → 2×2 with k = s = 2.
const Tensor<double> kFigure8(Shape{1, 1, 4, 4}, {1, 3, 2, 1,   //
                                                  4, 2, 0, 6,   //
                                                  5, 1, 7, 3,   //
                                                  0, 2, 4, 8});

}  // namespace

TEST_CASE("Figure 8: 4×4 → 2×2 with k = s = 2, by hand", "[ch06][maxpool][eq49][eq51][figure8]") {
  nn::MaxPoolCache cache;
  const auto Y = nn::maxpool2d_forward(kFigure8, PoolSpec::square(2, 2), cache);
  REQUIRE(Y.shape() == Shape{1, 1, 2, 2});
  // windows: {1,3,4,2} → 4, {2,1,0,6} → 6, {5,1,0,2} → 5, {7,3,4,8} → 8
  CHECK(Y(0, 0, 0, 0) == 4);
  CHECK(Y(0, 0, 0, 1) == 6);
  CHECK(Y(0, 0, 1, 0) == 5);
  CHECK(Y(0, 0, 1, 1) == 8);
  // the argmax cache holds the row-major offsets in X: (1,0)=4, (1,3)=7, (2,0)=8, (3,3)=15
  CHECK(cache.argmax == std::vector<std::size_t>{4, 7, 8, 15});
  // backward: each δ goes to its window's maximum, every other position gets 0 (Eq. (51))
  const Tensor<double> dY(Shape{1, 1, 2, 2}, {10, 20, 30, 40});
  const auto dX = nn::maxpool2d_backward(dY, cache);
  const Tensor<double> want(Shape{1, 1, 4, 4}, {0, 0, 0, 0,    //
                                                10, 0, 0, 20,  //
                                                30, 0, 0, 0,   //
                                                0, 0, 0, 40});
  CHECK(nn::max_abs_diff(dX, want) == 0.0);
}

TEST_CASE("Eqs. (46)-(48): output sizes come from conv_out_size, rectangular windows and inputs",
          "[ch06][maxpool][eq46][eq47][eq48]") {
  struct Row {
    std::size_t H, W, kh, kw, sh, sw;
  };
  for (const Row& t : {Row{4, 4, 2, 2, 2, 2}, Row{5, 7, 3, 3, 2, 2}, Row{28, 28, 2, 2, 2, 2}, Row{6, 9, 2, 3, 1, 2},
                       Row{7, 7, 3, 3, 1, 1}, Row{5, 5, 2, 2, 2, 2}}) {
    CAPTURE(t.H, t.W, t.kh, t.kw, t.sh, t.sw);
    const Shape out = nn::maxpool2d_output_shape(Shape{3, 2, t.H, t.W}, PoolSpec{t.kh, t.kw, t.sh, t.sw});
    CHECK(out == Shape{3, 2, nn::conv_out_size(t.H, t.kh, t.sh, 0), nn::conv_out_size(t.W, t.kw, t.sw, 0)});
  }
  // 5×5 with k = s = 2: ⌊(5 − 2)/2⌋ + 1 = 2 (the last row and column are in no window)
  CHECK(nn::maxpool2d_output_shape(Shape{1, 1, 5, 5}, PoolSpec::square(2, 2)) == Shape{1, 1, 2, 2});
}

TEST_CASE("ties go to the first maximum in row-major order of the window", "[ch06][maxpool][eq49][eq51][ties]") {
  // Window 0: all equal → (0,0). Window 1: 3 at (0,3) and (1,2) → (0,3), the earlier row.
  // Window 2: 5 at (2,1) and (3,0) → (2,1). Window 3: 2 at (3,2) and (3,3), both in the last
  // row → (3,2), the earlier column.
  const Tensor<double> X(Shape{1, 1, 4, 4}, {1, 1, 0, 3,  //
                                             1, 1, 3, 1,  //
                                             0, 5, 1, 0,  //
                                             5, 0, 2, 2});
  nn::MaxPoolCache cache;
  nn::maxpool2d_forward(X, PoolSpec::square(2, 2), cache);
  CHECK(cache.argmax == std::vector<std::size_t>{0, 3, 9, 14});
  const auto dX = nn::maxpool2d_backward(Tensor<double>(Shape{1, 1, 2, 2}, 1.0), cache);
  // exactly one position per window receives δ: the sum of δ^(l) equals the sum of δ^(l+1)
  CHECK(std::accumulate(dX.begin(), dX.end(), 0.0) == 4.0);
  CHECK(dX(0, 0, 0, 0) == 1.0);
  CHECK(dX(0, 0, 0, 1) == 0.0);
  CHECK(dX(0, 0, 1, 2) == 0.0);
  CHECK(dX(0, 0, 3, 0) == 0.0);
  CHECK(dX(0, 0, 3, 3) == 0.0);
  // negative ties too, and across a 3-wide window: all −1 → the first
  const Tensor<double> N(Shape{1, 1, 1, 3}, -1.0);
  nn::maxpool2d_forward(N, PoolSpec{1, 3, 1, 1}, cache);
  CHECK(cache.argmax == std::vector<std::size_t>{0});
}

TEST_CASE("the 2×2 fast path picks the same neuron as the plain scan of Eq. (49), ties included",
          "[ch06][maxpool][eq49][ties]") {
  // Values from {0, 1, 2} make ties in most windows; strides 1 (overlap), 2 and 3 (gaps), odd
  // sizes (rows and columns left over), float and the reference scan written out here. The
  // layer object runs the fast path (lib/src/kernels/maxpool2d_fast.cpp); the 8 × 16 × 48 × 48
  // input is large enough for its feature maps to be shared among threads.
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> v(0, 2);
  for (std::size_t s : {1, 2, 3})
    for (const auto& [R, C, H, W] : std::vector<std::array<std::size_t, 4>>{
             {2, 3, 4, 4}, {2, 3, 5, 7}, {2, 3, 24, 24}, {2, 3, 9, 2}, {8, 16, 48, 48}}) {
      Tensor<float> X(Shape{R, C, H, W});
      for (auto& x : X) x = float(v(rng));
      nn::MaxPool2d<float> layer(PoolSpec::square(2, s));
      const Tensor<float> Y = layer.forward(X);
      const nn::MaxPoolCache& cache = layer.cache();
      nn::MaxPoolCache reference;
      CHECK(nn::max_abs_diff(Y, nn::maxpool2d_forward(X, PoolSpec::square(2, s), reference)) == 0.0f);
      CHECK(cache.argmax == reference.argmax);
      const std::size_t Hp = Y.dim(2), Wp = Y.dim(3);
      std::size_t o = 0, wrong = 0;
      for (std::size_t rc = 0; rc < R * C; ++rc)
        for (std::size_t hp = 0; hp < Hp; ++hp)
          for (std::size_t wp = 0; wp < Wp; ++wp, ++o) {
            std::size_t best = rc * H * W + hp * s * W + wp * s;
            for (std::size_t j = 0; j < 2; ++j)
              for (std::size_t i = 0; i < 2; ++i) {
                const std::size_t at = rc * H * W + (hp * s + j) * W + wp * s + i;
                if (X[at] > X[best]) best = at;
              }
            wrong += cache.argmax[o] != best || Y[o] != X[best];
          }
      INFO("stride " << s << ", input " << H << "×" << W);
      CHECK(wrong == 0);
    }
}

TEST_CASE("overlapping windows (s < k): the deltas of every window an input wins are summed",
          "[ch06][maxpool][eq51][overlap]") {
  // k = 3, s = 1 on 4×4: four windows, each containing rows 1–2 and columns 1–2. The 9 at
  // (2,2) is the maximum of all four, so it receives δ_00 + δ_01 + δ_10 + δ_11.
  const Tensor<double> X(Shape{1, 1, 4, 4}, {1, 2, 3, 4,  //
                                             5, 6, 7, 8,  //
                                             0, 1, 9, 2,  //
                                             3, 4, 5, 6});
  nn::MaxPoolCache cache;
  const auto Y = nn::maxpool2d_forward(X, PoolSpec::square(3, 1), cache);
  REQUIRE(Y.shape() == Shape{1, 1, 2, 2});
  for (double y : Y) CHECK(y == 9);
  const Tensor<double> dY(Shape{1, 1, 2, 2}, {1, 10, 100, 1000});
  const auto dX = nn::maxpool2d_backward(dY, cache);
  CHECK(dX(0, 0, 2, 2) == 1111);
  CHECK(std::accumulate(dX.begin(), dX.end(), 0.0) == 1111);
}

TEST_CASE("Eqs. (50)-(51): max-pool backward matches central differences in every variant",
          "[ch06][maxpool][eq50][eq51][gradcheck]") {
  // L = Σ G ⊙ maxpool(X). The inputs are distinct by ≥ 0.1 (distinct_input), so L is linear
  // within ±h of X and central differences are exact up to round-off, ≈ ε|L|/h ≈ 1e-10
  // absolute (measured: ≤ 2e-8 relative, on the smallest elements of G); 1e-7 leaves margin
  // and catches any misrouted δ (an error of order 1).
  const double tol = 1e-7;
  struct Variant {
    const char* what;
    Shape shape;
    PoolSpec spec;
  };
  for (const Variant& v : {Variant{"k=s=2, R=2, C=3", Shape{2, 3, 6, 8}, PoolSpec::square(2, 2)},
                           Variant{"overlap k=3, s=1", Shape{2, 2, 5, 5}, PoolSpec::square(3, 1)},
                           Variant{"overlap k=3, s=2, rectangular 7×9", Shape{3, 2, 7, 9}, PoolSpec::square(3, 2)},
                           Variant{"window 2×3, strides (1, 2)", Shape{2, 2, 6, 9}, PoolSpec{2, 3, 1, 2}},
                           Variant{"k=2, s=3 (gaps between windows)", Shape{2, 1, 8, 8}, PoolSpec::square(2, 3)}}) {
    CAPTURE(v.what);
    const auto X = distinct_input(v.shape, 5);
    nn::MaxPoolCache cache;
    const auto Y = nn::maxpool2d_forward(X, v.spec, cache);
    const auto G = random_tensor(Y.shape(), 6);
    const auto dX = nn::maxpool2d_backward(G, cache);
    const auto num = nn::numerical_gradient(
        [&](const Tensor<double>& x) {
          nn::MaxPoolCache c;
          return probe(G, nn::maxpool2d_forward(x, v.spec, c));
        },
        X);
    const auto cmp = nn::compare_gradients(dX, num);
    CAPTURE(cmp.str(), cmp.worst_index, cmp.analytic, cmp.numeric);
    REQUIRE(cmp.within(tol));
  }
}

TEST_CASE("the overlap check has teeth: overwriting instead of summing fails it", "[ch06][maxpool][eq51][overlap]") {
  const auto X = distinct_input(Shape{2, 1, 5, 5}, 9);
  nn::MaxPoolCache cache;
  const auto Y = nn::maxpool2d_forward(X, PoolSpec::square(3, 1), cache);
  const auto G = random_tensor(Y.shape(), 10);
  Tensor<double> overwritten(X.shape());
  for (std::size_t o = 0; o < G.size(); ++o) overwritten[cache.argmax[o]] = G[o];  // '=' instead of '+='
  const auto num = nn::numerical_gradient(
      [&](const Tensor<double>& x) {
        nn::MaxPoolCache c;
        return probe(G, nn::maxpool2d_forward(x, PoolSpec::square(3, 1), c));
      },
      X);
  REQUIRE_FALSE(nn::compare_gradients(overwritten, num).within(1e-7));
}

TEST_CASE("MaxPool2d layer: same as the free functions, reuses buffers, overwrites δ", "[ch06][maxpool][layer]") {
  nn::MaxPool2d<double> layer(3, 2);
  CHECK(layer.name() == "MaxPool2d(3×3, s=2)");
  CHECK(layer.parameters().empty());
  const auto X = distinct_input(Shape{2, 3, 7, 9}, 15);
  CHECK(layer.output_shape(X.shape()) == Shape{2, 3, 3, 4});
  const Tensor<double>& Y = layer.forward(X);
  nn::MaxPoolCache cache;
  CHECK(nn::max_abs_diff(Y, nn::maxpool2d_forward(X, PoolSpec::square(3, 2), cache)) == 0.0);
  CHECK(layer.cache().argmax == cache.argmax);
  const auto G = random_tensor(Y.shape(), 16);
  const double* dx_buffer = layer.backward(G).data();
  const Tensor<double> first = layer.backward(G);  // a second backward: overwritten, not accumulated
  CHECK(nn::max_abs_diff(first, nn::maxpool2d_backward(G, cache)) == 0.0);
  CHECK(layer.backward(G).data() == dx_buffer);
  const double* y_buffer = Y.data();
  CHECK(layer.forward(distinct_input(X.shape(), 17)).data() == y_buffer);
  // float gives the same routing
  nn::MaxPool2d<float> lf(3, 2);
  lf.forward(nn::cast<float>(X));
  CHECK(lf.cache().argmax == cache.argmax);
}

TEST_CASE("max-pool shape errors name the shapes and equations", "[ch06][maxpool][errors]") {
  nn::MaxPoolCache cache;
  CHECK_THROWS_WITH(nn::maxpool2d_forward(Tensor<double>(Shape{4, 4}, 1.0), PoolSpec::square(2, 2), cache),
                    Catch::Contains("Eq. (49)") && Catch::Contains("(4, 4)"));
  CHECK_THROWS_WITH(nn::maxpool2d_forward(Tensor<double>(Shape{1, 1, 3, 5}, 1.0), PoolSpec::square(4, 1), cache),
                    Catch::Contains("(46)-(47)") && Catch::Contains("(1, 1, 3, 5)") && Catch::Contains("4×4"));
  CHECK_THROWS_AS(nn::maxpool2d_forward(Tensor<double>(Shape{1, 1, 4, 4}, 1.0), PoolSpec::square(2, 0), cache),
                  nn::shape_error);
  nn::maxpool2d_forward(Tensor<double>(Shape{2, 3, 4, 4}, 1.0), PoolSpec::square(2, 2), cache);
  CHECK_THROWS_WITH(nn::maxpool2d_backward(Tensor<double>(Shape{2, 3, 4, 4}, 1.0), cache),
                    Catch::Contains("Eq. (51)") && Catch::Contains("(2, 3, 4, 4)") && Catch::Contains("(2, 3, 2, 2)"));
  nn::MaxPool2d<double> layer(2, 2);
  CHECK_THROWS_WITH(layer.backward(Tensor<double>(Shape{1, 1, 2, 2}, 1.0)), Catch::Contains("Eq. (51)"));
}
