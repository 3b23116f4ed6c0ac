// Check of the §4.2.6 exercise: max-pool backward (Eqs. (49)–(51)). The inputs are chosen so
// that each typical mistake changes the answer: Figure 8 (δ sent to the whole window), ties
// (δ to every tied position, or to the last one), overlapping windows with s < k (deltas
// overwritten instead of summed), and a random batch against the library and central
// differences.
#include <algorithm>
#include <numeric>
#include <random>
#include <string>

#include "check.hpp"
#include "ex/ch06_maxpool.hpp"
#include "nn/finite_difference.hpp"
#include "nn/maxpool2d.hpp"

namespace {

nn::Tensor<double> library_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, std::size_t k,
                                    std::size_t s) {
  nn::MaxPoolCache cache;
  nn::maxpool2d_forward(X, nn::PoolSpec::square(k, s), cache);
  return nn::maxpool2d_backward(dY, cache);
}

}  // namespace

NN_EXERCISE_CHECK(maxpool2d_backward, "4.2.6a", "Eqs. (49)-(51)",
                  "δ of each window goes ONLY to the window's maximum (the first one, scanning row by row, on "
                  "ties), and where windows overlap (s < k) an input collects the SUM of the deltas of every "
                  "window it wins — Eq. (51) corrected, see the errata") {
  using nn::Shape;
  using nn::Tensor;
  // 1. Figure 8's layout with our values: 4×4 → 2×2, k = s = 2
  const Tensor<double> fig8(Shape{1, 1, 4, 4}, {1, 3, 2, 1, 4, 2, 0, 6, 5, 1, 7, 3, 0, 2, 4, 8});
  const Tensor<double> d8(Shape{1, 1, 2, 2}, {10, 20, 30, 40});
  const Tensor<double> want8(Shape{1, 1, 4, 4}, {0, 0, 0, 0, 10, 0, 0, 20, 30, 0, 0, 0, 0, 0, 0, 40});
  ex::check::expect_tensor_near(ex::maxpool2d_backward(d8, fig8, 2, 2), want8, 1e-12,
                                "Figure 8 (k = s = 2): δ^(l)");
  // 2. Ties: the first maximum in row-major order of the window receives δ, no other
  const Tensor<double> ties(Shape{1, 1, 4, 4}, {1, 1, 0, 3, 1, 1, 3, 1, 0, 5, 1, 0, 5, 0, 2, 2});
  const Tensor<double> ones(Shape{1, 1, 2, 2}, 1.0);
  ex::check::expect_tensor_near(ex::maxpool2d_backward(ones, ties, 2, 2), library_backward(ones, ties, 2, 2), 1e-12,
                                "ties (equal maxima in a window): δ^(l)");
  // 3. Overlap, k = 3, s = 1: the 9 at (2, 2) wins all four windows and gets 1 + 10 + 100 + 1000
  const Tensor<double> ov(Shape{1, 1, 4, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 9, 2, 3, 4, 5, 6});
  const Tensor<double> dov(Shape{1, 1, 2, 2}, {1, 10, 100, 1000});
  const auto got_ov = ex::maxpool2d_backward(dov, ov, 3, 1);
  ex::check::expect(got_ov.shape() == ov.shape(), "overlap (k=3, s=1): δ^(l) must have X's shape " + ov.shape().str() +
                                                      ", got " + got_ov.shape().str());
  ex::check::expect_near(got_ov(0, 0, 2, 2), 1111, 1e-12, "overlap (k=3, s=1): δ^(l) at (2, 2), the maximum of all four windows");
  // 4. A random batch, R = 2, C = 2, 7×7 with k = 3, s = 2 (overlapping): library and central differences
  std::vector<double> v(2 * 2 * 7 * 7);
  std::iota(v.begin(), v.end(), 0.0);
  std::shuffle(v.begin(), v.end(), std::mt19937(3));
  Tensor<double> X(Shape{2, 2, 7, 7});
  for (std::size_t i = 0; i < v.size(); ++i) X[i] = 0.1 * v[i] - 10;  // distinct by 0.1 ≫ h
  Tensor<double> G(Shape{2, 2, 3, 3});
  std::mt19937 gen(4);
  std::normal_distribution<double> nd;
  for (auto& g : G) g = nd(gen);
  const auto got = ex::maxpool2d_backward(G, X, 3, 2);
  ex::check::expect_tensor_near(got, library_backward(G, X, 3, 2), 1e-12, "random (2, 2, 7, 7), k=3, s=2 vs nn::maxpool2d_backward");
  const auto num = nn::numerical_gradient(
      [&](const Tensor<double>& x) {
        nn::MaxPoolCache c;
        const auto Y = nn::maxpool2d_forward(x, nn::PoolSpec::square(3, 2), c);
        double L = 0;
        for (std::size_t i = 0; i < Y.size(); ++i) L += G[i] * Y[i];
        return L;
      },
      X);
  // L is linear within ±h of X (distinct values), so central differences are exact up to ≈ 1e-10
  ex::check::expect_tensor_near(got, num, 1e-7, "random (2, 2, 7, 7), k=3, s=2 vs central differences");
}
