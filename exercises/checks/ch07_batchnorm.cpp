// Checks of the §4.2.7–4.2.8 exercises: batch normalization forward (Eqs. (52)–(55)) and
// backward (Eqs. (56), (57), (63)), in training mode. One set of inputs serves both, aimed at
// classes of mistakes: non-square maps (H ≠ W, so a count R·H·H or swapped h, w fails), R ≠ C
// (swapped loop bounds), per-channel means far from 0 and variances far from 1 (a stray μ, a
// missing (σ² + ε)^(-1/2)), a large ε and a variance of the order of ε (ε forgotten or in the
// wrong place), and a rank-2 input (R, C), where N = R. The truth is the library's reference,
// and for the backward pass also central differences. Tags are computed from each case's numbers.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"
#include "ex/ch07_batchnorm.hpp"
#include "nn/batchnorm.hpp"
#include "nn/finite_difference.hpp"

namespace {

using ex::check::Answer;
using nn::Shape;
using nn::Tensor;

struct BN {
  std::string what;  // how the values were drawn
  Tensor<double> X, gamma, beta, dY;
  double eps;
};

// X with channel c drawn from N(mean[c], sd[c]²); γ ~ N(1, 0.5²), β and δ^(l+1) ~ N(0, 1).
BN make(const Shape& shape, const std::vector<double>& mean, const std::vector<double>& sd, double eps,
        unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> n01(0.0, 1.0);
  const std::size_t R = shape[0], C = shape[1], HW = shape.size() / (R * C);
  BN b{"", Tensor<double>(shape), Tensor<double>(Shape{C}), Tensor<double>(Shape{C}), Tensor<double>(shape), eps};
  for (std::size_t i = 0; i < b.X.size(); ++i) b.X[i] = mean[(i / HW) % C] + sd[(i / HW) % C] * n01(gen);
  for (auto& g : b.gamma) g = 1.0 + 0.5 * n01(gen);
  for (auto& x : b.beta) x = n01(gen);
  for (auto& d : b.dY) d = n01(gen);
  std::string m, s;
  for (std::size_t c = 0; c < C; ++c) {
    m += (c ? ", " : "") + ex::check::num(mean[c]);
    s += (c ? ", " : "") + ex::check::num(sd[c]);
  }
  b.what = "channels drawn with means (" + m + ") and standard deviations (" + s + ")";
  return b;
}

std::string label(const BN& b) {
  return "X " + b.X.shape().str() + " (R=" + std::to_string(b.X.dim(0)) + ", C=" + std::to_string(b.X.dim(1)) +
         "), " + b.what + ", ε = " + ex::check::num(b.eps);
}

std::vector<std::string> tags(const BN& b) {
  nn::BatchNormCache<double> cache;
  nn::batchnorm_forward(b.X, b.gamma, b.beta, cache, b.eps);
  std::vector<std::string> t;
  if (b.X.rank() == 2) t.push_back("rank-2 input (R, C)");
  if (b.X.rank() == 4) t.push_back("rank 4, H·W > 1");
  if (b.X.rank() == 4 && b.X.dim(2) != b.X.dim(3)) t.push_back("H ≠ W");
  if (b.X.dim(0) != b.X.dim(1)) t.push_back("R ≠ C");
  if (std::any_of(cache.mean.begin(), cache.mean.end(), [](double m) { return std::abs(m) > 1; }))
    t.push_back("means far from 0");
  if (std::any_of(cache.var.begin(), cache.var.end(), [](double v) { return v < 0.5 || v > 2; }))
    t.push_back("variances far from 1");
  if (b.eps >= 0.01) t.push_back("ε ≥ 0.01");
  if (std::any_of(cache.var.begin(), cache.var.end(), [&](double v) { return v < 100 * b.eps; }))
    t.push_back("a variance below 100ε");
  return t;
}

// The inputs, the simplest first: centred, unit variance, square maps, R = C.
std::vector<BN> inputs() {
  return {make(Shape{2, 2, 3, 3}, {0, 0}, {1, 1}, 1e-5, 32),
          make(Shape{3, 2, 3, 4}, {5, -3}, {3, 0.5}, 1e-5, 8),
          make(Shape{2, 3, 4, 2}, {-4, 2, 10}, {2, 0.3, 4}, 0.1, 9),
          make(Shape{5, 3}, {3, -6, 0.5}, {2, 4, 0.2}, 1e-5, 10),
          make(Shape{2, 2, 2, 3}, {1.5, -2}, {0.003, 1.5}, 1e-5, 11)};
}

Tensor<double> vec(const std::vector<double>& v) { return Tensor<double>(Shape{v.size()}, v); }

}  // namespace

NN_EXERCISE_CHECK(batchnorm_forward, "4.2.7a", "Eqs. (52)–(55)",
                  "per channel c over all (r, h, w), N = R·H·W: μ = ΣX/N, σ² = Σ(X − μ)²/N, X̂ = (X − μ)/√(σ² + ε), "
                  "Y = γ_c X̂ + β_c") {
  check.part("μ", "Eq. (52)", "μ_c = (1/N) Σ over r, h, w of X(r, c, h, w), N = R·H·W: one mean per channel, over the "
                              "whole batch");
  check.part("σ²", "Eq. (53)", "σ²_c = (1/N) Σ (X − μ_c)², divided by N (not N − 1)");
  check.part("Y", "Eqs. (54)-(55)", "X̂ = (X − μ_c)/√(σ²_c + ε), ε under the root; Y = γ_c X̂ + β_c");
  check.tag("rank-2 input (R, C)", "a rank-2 input is a dense batch: column c is channel c, normalised over the R "
                                   "rows (H = W = 1, N = R)");
  check.tag("rank 4, H·W > 1", "each channel has N = R·H·W values here: the sums of Eqs. (52)-(53) run over r, h and "
                               "w together");
  check.tag("H ≠ W", "the maps are not square: the count is R·H·W, and h runs to H, w to W");
  check.tag("R ≠ C", "R (dimension 0) and C (dimension 1) differ: check the bounds of the loops over r and c");
  check.tag("ε ≥ 0.01", "ε is large here: it belongs under the square root, √(σ² + ε) (Eq. (54))");
  check.tag("a variance below 100ε", "σ² is of the order of ε here, so where ε goes matters: √(σ² + ε)");
  check.tag("variances far from 1", "σ² is far from 1 here: divide by √(σ² + ε), not by σ² or by nothing");
  using Fn = decltype(&ex::batchnorm_forward);
  for (const BN& b : inputs())
    check.add({label(b), tags(b),
               [b](Fn f) {
                 const auto r = f(b.X, b.gamma, b.beta, b.eps);
                 return Answer{{"μ", r.mean}, {"σ²", r.var}, {"Y", r.Y}};
               },
               [b] {
                 nn::BatchNormCache<double> cache;
                 const auto Y = nn::batchnorm_forward(b.X, b.gamma, b.beta, cache, b.eps);
                 return Answer{{"μ", vec(cache.mean)}, {"σ²", vec(cache.var)}, {"Y", Y}};
               },
               // the library sums in another order: X̂ differs by ≈ ulp(μ)/σ ≤ 1e-13 (σ ≥ 0.003 here)
               1e-11, "nn::batchnorm_forward"});
}

NN_EXERCISE_CHECK(batchnorm_backward, "4.2.8a", "Eqs. (56), (57), (63)",
                  "δ^(l) = γ_c(σ²_c+ε)^(-1/2)/N · (N·δ − Σδ − X̂·ΣδX̂) with N = R·H·W — no μ term, X̂ (not X − μ) "
                  "in front of the last sum, and dγ = ΣδX̂, dβ = Σδ without the draft's 1/R (see the errata of "
                  "Eqs. (56), (57), (63))") {
  check.part("dβ", "Eq. (57)", "∂L/∂β_c = Σ δ^(l+1) over r, h, w of channel c — no 1/R");
  check.part("dγ", "Eq. (56)", "∂L/∂γ_c = Σ δ^(l+1) X̂ over r, h, w, with X̂ = (X − μ_c)(σ²_c + ε)^(-1/2) — no 1/R");
  check.part("dX", "Eq. (63)", "δ^(l) = γ_c(σ²_c + ε)^(-1/2)/N · (N δ − Σδ − X̂ ΣδX̂), with the biased σ² (÷N) and "
                               "N = R·H·W");
  check.tag("rank-2 input (R, C)", "a rank-2 input is a dense batch: column c is channel c over the R rows, N = R");
  check.tag("rank 4, H·W > 1", "each channel has N = R·H·W values here, and Eq. (63)'s N is that count");
  check.tag("H ≠ W", "the maps are not square: N = R·H·W, and h runs to H, w to W");
  check.tag("R ≠ C", "R (dimension 0) and C (dimension 1) differ: check the bounds of the loops over r and c");
  check.tag("means far from 0", "the means are far from 0 here: a stray μ term, or X − μ where X̂ belongs, shows");
  check.tag("variances far from 1", "σ² is far from 1 here: every term carries (σ² + ε)^(-1/2), and X̂ ΣδX̂ "
                                    "another (σ² + ε)^(-1) hidden in the two X̂'s");
  check.tag("ε ≥ 0.01", "ε is large here: use √(σ² + ε), as the forward pass did");
  check.tag("a variance below 100ε", "σ² is of the order of ε here: (σ² + ε)^(-1/2), not (σ²)^(-1/2)");
  using Fn = decltype(&ex::batchnorm_backward);
  const auto all = inputs();
  auto run = [](const BN& b) {
    return [b](Fn f) {
      const auto g = f(b.dY, b.X, b.gamma, b.eps);
      return Answer{{"dβ", g.dbeta}, {"dγ", g.dgamma}, {"dX", g.dX}};
    };
  };
  for (const BN& b : all)
    check.add({label(b) + ", δ^(l+1) ~ N(0, 1)", tags(b), run(b),
               [b] {
                 nn::BatchNormCache<double> cache;
                 nn::batchnorm_forward(b.X, b.gamma, b.beta, cache, b.eps);
                 const auto g = nn::batchnorm_backward(b.dY, b.gamma, cache);
                 return Answer{{"dβ", g.dbeta}, {"dγ", g.dgamma}, {"dX", g.dX}};
               },
               // rounding: the sums of N ≤ 36 terms of size ≤ 250 agree to ≈ 1e-12
               1e-10, "nn::batchnorm_backward"});
  // The second case again, against the definition: central differences of L = Σ δ^(l+1) ⊙ BN(X)
  // (h = 1e-5: truncation ≈ L‴h² and round-off ≈ 1e-16·|L|/h, both below 1e-9 for these values,
  // so 1e-7 separates a right answer from any real mistake). dγ and dβ: L is linear in γ and β.
  const BN& b = all[1];
  check.add({label(b) + ", δ^(l+1) ~ N(0, 1), against the definition", tags(b), run(b),
             [b] {
               auto loss = [&](const Tensor<double>& x, const Tensor<double>& g, const Tensor<double>& be) {
                 nn::BatchNormCache<double> c;
                 const auto Y = nn::batchnorm_forward(x, g, be, c, b.eps);
                 double L = 0;
                 for (std::size_t i = 0; i < Y.size(); ++i) L += b.dY[i] * Y[i];
                 return L;
               };
               return Answer{
                   {"dβ", nn::numerical_gradient([&](const Tensor<double>& be) { return loss(b.X, b.gamma, be); }, b.beta)},
                   {"dγ", nn::numerical_gradient([&](const Tensor<double>& g) { return loss(b.X, g, b.beta); }, b.gamma)},
                   {"dX", nn::numerical_gradient([&](const Tensor<double>& x) { return loss(x, b.gamma, b.beta); }, b.X)}};
             },
             1e-7, "central differences of L = Σ δ^(l+1) ⊙ BN(X)"});
}
