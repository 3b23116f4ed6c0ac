// Checks of the §4.2.5–4.2.6 exercises: max-pool forward (Eqs. (46)–(49)) and backward
// (Eqs. (50)–(51)), on one set of inputs aimed at classes of mistakes: Figure 8; ties (the first
// maximum wins); overlapping windows (s < k, an input that wins several windows gets the sum);
// windows whose values are all negative (a running maximum that starts at 0); H ≠ W and
// H′ ≠ W′ (a swapped size or index); batches with R ≠ C (swapped loop bounds); strides that
// leave a remainder (the floor of Eqs. (46)–(47)). The truth is the library's reference,
// and for the backward pass also central differences. Tags are computed from each case's numbers.
#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "check.hpp"
#include "ex/ch06_maxpool.hpp"
#include "nn/finite_difference.hpp"
#include "nn/maxpool2d.hpp"

namespace {

using ex::check::Answer;
using nn::Shape;
using nn::Tensor;

// One input of both checks: X, the window and stride, and a δ^(l+1) of the output's shape.
struct Pool {
  std::string what;  // what the values are, e.g. "Figure 8's layout"
  Tensor<double> X;
  std::size_t k, s;
  Tensor<double> dY;
};

Tensor<double> library_forward(const Tensor<double>& X, std::size_t k, std::size_t s, nn::MaxPoolCache& cache) {
  return nn::maxpool2d_forward(X, nn::PoolSpec::square(k, s), cache);
}

std::string label(const Pool& p) {
  nn::MaxPoolCache cache;
  const auto Y = library_forward(p.X, p.k, p.s, cache);
  return "R=" + std::to_string(p.X.dim(0)) + ", C=" + std::to_string(p.X.dim(1)) + ", X " +
         std::to_string(p.X.dim(2)) + "×" + std::to_string(p.X.dim(3)) + " → " + std::to_string(Y.dim(2)) + "×" +
         std::to_string(Y.dim(3)) + ", k=" + std::to_string(p.k) + ", s=" + std::to_string(p.s) + ": " + p.what;
}

// The properties of a case, from its own numbers (the library's forward pass gives the windows).
std::vector<std::string> tags(const Pool& p, bool backward) {
  nn::MaxPoolCache cache;
  const auto Y = library_forward(p.X, p.k, p.s, cache);
  const std::size_t R = p.X.dim(0), C = p.X.dim(1), H = p.X.dim(2), W = p.X.dim(3);
  std::vector<std::string> t;
  if (p.s > 1) t.push_back("stride > 1");
  if (p.s < p.k) t.push_back("s < k (overlapping windows)");
  if ((H - p.k) % p.s != 0 || (W - p.k) % p.s != 0) t.push_back("stride leaves a remainder");
  if (H != W) t.push_back("H ≠ W");
  if (Y.dim(2) != Y.dim(3)) t.push_back("H′ ≠ W′");
  if (R > 1) t.push_back("R > 1");
  if (R != C) t.push_back("R ≠ C");
  if (std::any_of(Y.begin(), Y.end(), [](double y) { return y < 0; })) t.push_back("a window of negative values only");
  bool tie = false;  // a window that holds its maximum more than once
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t ho = 0; ho < Y.dim(2); ++ho)
        for (std::size_t wo = 0; wo < Y.dim(3); ++wo) {
          int n = 0;
          for (std::size_t j = 0; j < p.k; ++j)
            for (std::size_t i = 0; i < p.k; ++i) n += p.X(r, c, ho * p.s + j, wo * p.s + i) == Y(r, c, ho, wo);
          tie = tie || n > 1;
        }
  if (tie) t.push_back("ties");
  if (backward && std::set<std::size_t>(cache.argmax.begin(), cache.argmax.end()).size() < cache.argmax.size())
    t.push_back("an input is the maximum of several windows");
  return t;
}

// Distinct values 0.1·(a shuffle of 0 … n−1) + offset: no ties, and apart by 0.1 ≫ h.
Tensor<double> distinct(const Shape& shape, unsigned seed, double offset) {
  std::vector<double> v(shape.size());
  std::iota(v.begin(), v.end(), 0.0);
  std::shuffle(v.begin(), v.end(), std::mt19937(seed));
  for (auto& x : v) x = 0.1 * x + offset;
  return Tensor<double>(shape, v);
}

Tensor<double> normal(const Shape& shape, unsigned seed) {
  Tensor<double> t(shape);
  std::mt19937 gen(seed);
  std::normal_distribution<double> nd;
  for (auto& x : t) x = nd(gen);
  return t;
}

// The inputs, simplest first; each later one adds one or two properties.
std::vector<Pool> inputs() {
  std::vector<Pool> p;
  // Figure 8's layout with our values: 4×4 → 2×2, k = s = 2, positive, no ties
  p.push_back({"Figure 8's layout", Tensor<double>(Shape{1, 1, 4, 4}, {1, 3, 2, 1, 4, 2, 0, 6, 5, 1, 7, 3, 0, 2, 4, 8}), 2,
               2, Tensor<double>(Shape{1, 1, 2, 2}, {10, 20, 30, 40})});
  // ties in every window, at different places (all four equal; a pair on a diagonal; …)
  p.push_back({"tied maxima", Tensor<double>(Shape{1, 1, 4, 4}, {1, 1, 0, 3, 1, 1, 3, 1, 0, 5, 1, 0, 5, 0, 2, 2}), 2, 2,
               Tensor<double>(Shape{1, 1, 2, 2}, {1, 2, 3, 4})});
  // overlap, k = 3, s = 1: the 9 at (2, 2) wins all four windows and gets 1 + 10 + 100 + 1000
  p.push_back({"the 9 at (2, 2) wins all four windows",
               Tensor<double>(Shape{1, 1, 4, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 9, 2, 3, 4, 5, 6}), 3, 1,
               Tensor<double>(Shape{1, 1, 2, 2}, {1, 10, 100, 1000})});
  // windows of negative values only, their maxima not at the window's corner; 4×6 → 2×3
  p.push_back({"four windows of negative values only",
               Tensor<double>(Shape{1, 1, 4, 6}, {-3, -1, 2, -5, -8, -9,       //
                                                  -2, -4, 1, 0, -7, -6,        //
                                                  -1.5, -0.5, -9, -8, 4, 3,    //
                                                  -2.5, -3.5, -7, -6.5, 2, 1}),
               2, 2, Tensor<double>(Shape{1, 1, 2, 3}, {1, -2, 3, -4, 5, -6})});
  // a remainder in both directions: 5×7 → 2×3 (row 4 and column 6 are in no window); positive
  p.push_back({"distinct positive values", distinct(Shape{1, 1, 5, 7}, 11, 0.5), 2, 2, normal(Shape{1, 1, 2, 3}, 12)});
  // a batch, R = 2 ≠ C = 3, 6×9 → 2×4 with k = 3, s = 2 (overlap and remainder), values −10 … 22
  p.push_back({"distinct values, some windows negative", distinct(Shape{2, 3, 6, 9}, 3, -10), 3, 2,
               normal(Shape{2, 3, 2, 4}, 4)});
  // tall, H = 7 > W = 6 but H′ = W′ = 3, R = 3 ≠ C = 2, values of both signs
  p.push_back({"distinct values of both signs", distinct(Shape{3, 2, 7, 6}, 5, -12.6), 2, 2,
               normal(Shape{3, 2, 3, 3}, 6)});
  // small integers: ties and overlap together, R = 2 ≠ C = 1, 3×5 → 2×4 with k = 2, s = 1
  {
    Tensor<double> X(Shape{2, 1, 3, 5});
    std::mt19937 gen(8);
    std::uniform_int_distribution<int> d(-2, 2);
    for (auto& x : X) x = d(gen);
    p.push_back({"integers −2 … 2", X, 2, 1, normal(Shape{2, 1, 2, 4}, 9)});
  }
  return p;
}

}  // namespace

NN_EXERCISE_CHECK(maxpool2d_forward, "4.2.5a", "Eqs. (46)–(49)",
                  "every output is the largest value of its k×k window, which starts at (h′s, w′s); H′ and W′ "
                  "come from Eqs. (46)-(47), each from its own side") {
  check.part("Y", "Eq. (49)",
             "Y(r, c, h′, w′) = max over 0 ≤ j < k, 0 ≤ i < k of X(r, c, h′s + j, w′s + i); H′ = ⌊(H − k)/s⌋ + 1, "
             "W′ = ⌊(W − k)/s⌋ + 1");
  check.tag("a window of negative values only",
            "where every value of a window is negative the maximum is negative too: a running maximum that "
            "starts at 0 never moves. Start from the window's first value");
  check.tag("stride > 1", "window (h′, w′) starts at row h′·s and column w′·s (Eq. (49)), not at (h′, w′)");
  check.tag("H′ ≠ W′", "these outputs are not square: H′ comes from H and W′ from W (Eqs. (46)-(47)); check the "
                       "output's shape and which size bounds which loop");
  check.tag("H ≠ W", "the input is not square: X(r, c, row, column), rows from h′ and j, columns from w′ and i");
  check.tag("stride leaves a remainder",
            "(H − k)/s is not whole here: Eqs. (46)-(47) round down, and the last rows or columns belong to no "
            "window");
  check.tag("R ≠ C", "R (dimension 0) and C (dimension 1) differ here: check the bounds of the loops over r and c");
  check.tag("s < k (overlapping windows)", "windows overlap here; each still has its own maximum");
  for (const Pool& p : inputs())
    check.add({label(p), tags(p, false),
               [p](decltype(&ex::maxpool2d_forward) f) { return Answer{{"Y", f(p.X, p.k, p.s)}}; },
               [p] {
                 nn::MaxPoolCache cache;
                 return Answer{{"Y", library_forward(p.X, p.k, p.s, cache)}};
               },
               1e-12, "nn::maxpool2d_forward"});
}

NN_EXERCISE_CHECK(maxpool2d_backward, "4.2.6a", "Eqs. (49)–(51)",
                  "δ of each window goes ONLY to the window's maximum (the first one, scanning row by row, on "
                  "ties), and where windows overlap (s < k) an input collects the SUM of the deltas of every "
                  "window it wins — Eq. (51) corrected, see the errata") {
  check.part("dX", "Eq. (51)",
             "δ^(l)(r, c, h, w) = the sum of δ^(l+1)(r, c, h′, w′) over the windows (h′, w′) whose first maximum "
             "is (h, w); 0 elsewhere");
  check.tag("ties", "a window holds its maximum twice here: only the FIRST maximum in row-major order (j outer, i "
                    "inner, found with a strict '>') gets the window's δ, the others 0");
  check.tag("an input is the maximum of several windows",
            "here one input wins more than one overlapping window: it receives the SUM of their δ's ('+=', not '=')");
  check.tag("a window of negative values only",
            "every value of some window is negative here: an argmax search whose running maximum starts at 0 never "
            "finds it. Start from the window's first value");
  check.tag("stride > 1", "window (h′, w′) starts at row h′·s and column w′·s, not at (h′, w′)");
  check.tag("H ≠ W", "the input is not square: rows come from h′·s + j, columns from w′·s + i");
  check.tag("R ≠ C", "R (dimension 0) and C (dimension 1) differ here: check the bounds of the loops over r and c");
  check.tag("stride leaves a remainder", "rows or columns outside every window get δ = 0");
  check.tag("s < k (overlapping windows)", "windows overlap here: an input may win several of them");
  using Fn = decltype(&ex::maxpool2d_backward);
  const auto all = inputs();
  for (const Pool& p : all)
    check.add({label(p) + ", δ^(l+1) given", tags(p, true), [p](Fn f) { return Answer{{"dX", f(p.dY, p.X, p.k, p.s)}}; },
               [p] {
                 nn::MaxPoolCache cache;
                 library_forward(p.X, p.k, p.s, cache);
                 return Answer{{"dX", nn::maxpool2d_backward(p.dY, cache)}};
               },
               1e-12, "nn::maxpool2d_backward"});
  // The batch again, against the definition: central differences of L = Σ δ^(l+1) ⊙ maxpool(X).
  // Its values are distinct by 0.1 ≫ h = 1e-5, so L is linear within ±h of X and the quotient is
  // exact up to rounding (≈ 1e-10); 1e-7 leaves room for that and for nothing else.
  const Pool& b = all[5];
  check.add({label(b) + ", δ^(l+1) given, against the definition", tags(b, true),
             [b](Fn f) { return Answer{{"dX", f(b.dY, b.X, b.k, b.s)}}; },
             [b] {
               const auto num = nn::numerical_gradient(
                   [&](const Tensor<double>& x) {
                     nn::MaxPoolCache c;
                     const auto Y = library_forward(x, b.k, b.s, c);
                     double L = 0;
                     for (std::size_t i = 0; i < Y.size(); ++i) L += b.dY[i] * Y[i];
                     return L;
                   },
                   b.X);
               return Answer{{"dX", num}};
             },
             1e-7, "central differences of L = Σ δ^(l+1) ⊙ maxpool(X)"});
}
