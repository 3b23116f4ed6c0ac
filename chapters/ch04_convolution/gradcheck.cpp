// Chapter 4 — checking the convolution backward pass (§4.2.2, Eqs. (40)–(43)) against central
// differences in double, for several strides and paddings, both implementations (the naive
// loops of Eq. (42) and im2row + GEMM). Exits with 1 if any error exceeds the tolerance.
#include <algorithm>
#include <iostream>
#include <random>
#include <sstream>

#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/conv2d.hpp"
#include "nn/finite_difference.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

// L = Σ G ⊙ Y is linear in X, W and b: the central difference has no truncation error and its
// round-off is ≈ 1e-16·|L|/h ≈ 1e-12 at h = 1e-3. Any real mistake gives an O(1) error.
constexpr double kTolerance = 1e-7;
constexpr double kStep = 1e-3;

struct Case {
  std::size_t R, C, H, W, Cp, kH, kW, s, p;
};

double dot(const nn::Tensor<double>& a, const nn::Tensor<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

int run(const nn::ChapterArgs& args) {
  std::vector<Case> cases = {{2, 3, 7, 6, 4, 3, 2, 1, 0}, {2, 2, 6, 7, 3, 3, 3, 1, 1}, {1, 1, 5, 5, 1, 3, 3, 1, 2},
                             {2, 2, 8, 7, 3, 3, 3, 2, 1}, {3, 2, 9, 8, 2, 2, 3, 3, 2}, {2, 2, 8, 8, 3, 3, 3, 3, 1}};
  if (!args.quick) {
    cases.push_back({4, 3, 12, 11, 5, 5, 3, 2, 2});
    cases.push_back({2, 4, 10, 10, 6, 3, 3, 1, 1});
  }
  std::mt19937_64 rng(args.seed);
  std::uniform_real_distribution<double> u(-1, 1);
  auto random = [&](const nn::Shape& s) {
    nn::Tensor<double> t(s);
    for (auto& v : t) v = u(rng);
    return t;
  };

  nn::Table table({{"R×C×H×W", "%11s"}, {"C'×kH×kW", "%9s"}, {"s", "%2d"}, {"p", "%2d"}, {"path", "%7s"},
                   {"dX rel.err", "%10.2e"}, {"dW rel.err", "%10.2e"}, {"db rel.err", "%10.2e"}, {"ok", "%3s"}});
  bool all_ok = true;
  double worst = 0;
  for (const auto& c : cases) {
    //! [check]
    const nn::ConvSpec spec{c.s, c.p};
    const auto X = random(nn::Shape{c.R, c.C, c.H, c.W});
    const auto W = random(nn::Shape{c.Cp, c.C, c.kH, c.kW});
    const auto b = random(nn::Shape{c.Cp});
    const auto G = random(nn::conv2d_output_shape(X.shape(), W.shape(), spec));  // δ^(l+1) = ∂L/∂Y
    // numerical gradients of L = Σ G ⊙ conv(X, W, b)
    const auto nX = nn::numerical_gradient([&](const nn::Tensor<double>& x) { return dot(G, nn::conv2d_forward_naive(x, W, b, spec)); }, X, kStep);
    const auto nW = nn::numerical_gradient([&](const nn::Tensor<double>& w) { return dot(G, nn::conv2d_forward_naive(X, w, b, spec)); }, W, kStep);
    const auto nb = nn::numerical_gradient([&](const nn::Tensor<double>& v) { return dot(G, nn::conv2d_forward_naive(X, W, v, spec)); }, b, kStep);
    const auto naive = nn::conv2d_backward_naive(G, X, W, spec);  // Eqs. (42)-(43) as loops
    const auto fast = nn::conv2d_backward_im2row(G, X, W, spec); // im2row + GEMM
    //! [check]
    for (const auto* g : {&naive, &fast}) {
      const double eX = nn::compare_gradients(g->dX, nX).max_relative_error;
      const double eW = nn::compare_gradients(g->dW, nW).max_relative_error;
      const double eb = nn::compare_gradients(g->db, nb).max_relative_error;
      const bool ok = eX <= kTolerance && eW <= kTolerance && eb <= kTolerance;  // NaN fails
      all_ok = all_ok && ok;
      worst = std::max({worst, eX, eW, eb});
      table.row(std::to_string(c.R) + "×" + std::to_string(c.C) + "×" + std::to_string(c.H) + "×" + std::to_string(c.W),
                std::to_string(c.Cp) + "×" + std::to_string(c.kH) + "×" + std::to_string(c.kW), c.s, c.p,
                g == &naive ? "naive" : "im2row", eX, eW, eb, ok ? "yes" : "NO");
    }
  }
  std::ostringstream os;
  os << "Convolution backward (Eqs. (40)-(43)) vs central differences (h = " << kStep
     << ", double); relative error |a − n| / max(|a|, |n|), tolerance " << kTolerance << "\n"
     << table.str() << "worst relative error: " << worst << (all_ok ? " — all within tolerance\n" : " — FAILED\n");
  std::cout << os.str();
  const auto txt = args.out / "ch04_gradcheck.txt";
  nn::write_file_atomically(txt, nn::wrap_text(os.str()));
  nn::report_written(txt);
  nn::Facts facts("ch04_gradcheck");
  facts.set("worst_rel_error", worst, "%.1e").set("step", kStep, "%g").set("tolerance", kTolerance, "%g");
  nn::report_written(facts.save(args.out));
  return all_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.2 gradient check of the convolution backward pass (Eqs. (40)-(43))", run);
}
