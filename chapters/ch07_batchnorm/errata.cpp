// Errata of §4.2.3–4.2.8 (Eqs. (44)–(63)) with their numerical evidence: for every slip that
// numbers can decide, the draft's form and the corrected form are both compared with central
// differences (or with our values on Figure 8's 4×4 map: the draft's figure gives no numbers).
// Prints the evidence and saves the numbers the errata page quotes to ch07_errata.facts.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>
#include <random>
#include <sstream>

#include <boost/format.hpp>

#include "nn/batchnorm.hpp"
#include "nn/tools/cli.hpp"
#include "nn/finite_difference.hpp"
#include "nn/maxpool2d.hpp"
#include "nn/output_size.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

using nn::Shape;
using nn::Tensor;

double dot(const Tensor<double>& a, const Tensor<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Eq. (63) in the draft's final form, with switches for its two slips:
//   δ^(l) = γ s / N · ( N δ − Σδ − [μ_c'] − (X − μ) s^p Σ δ'(X' − μ) ),  s = (σ² + ε)^{-1/2}
// The draft has the stray μ and p = 3 (its (σ²+ε)^{-3/2}); the correct form has neither μ and
// p = 2, i.e. (σ²+ε)^{-1}, which makes the last term X̂ Σ δ' X̂'.
Tensor<double> eq63_variant(const Tensor<double>& X, const Tensor<double>& gamma, const Tensor<double>& dY, double eps,
                            bool stray_mu, int power) {
  const std::size_t R = X.dim(0), C = X.dim(1), HW = X.dim(2) * X.dim(3);
  const double N = double(R * HW);
  Tensor<double> dX(X.shape());
  for (std::size_t c = 0; c < C; ++c) {
    double mu = 0, var = 0, sum_d = 0, sum_dxc = 0;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t k = 0; k < HW; ++k) mu += X[(r * C + c) * HW + k] / N;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t k = 0; k < HW; ++k) {
        const std::size_t i = (r * C + c) * HW + k;
        var += (X[i] - mu) * (X[i] - mu) / N;
        sum_d += dY[i];
        sum_dxc += dY[i] * (X[i] - mu);
      }
    const double s = 1 / std::sqrt(var + eps);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t k = 0; k < HW; ++k) {
        const std::size_t i = (r * C + c) * HW + k;
        dX[i] = gamma(c) * s / N *
                (N * dY[i] - sum_d - (stray_mu ? mu : 0.0) - (X[i] - mu) * std::pow(s, power) * sum_dxc);
      }
  }
  return dX;
}

// The third line of the draft's Eq. (63) (before its last simplification), read with c' = c:
//   δ γ s − (1/N) Σ δ' γ s − (1/N) Σ δ' γ (X' − μ)(X − μ) s³
Tensor<double> eq63_line3(const Tensor<double>& X, const Tensor<double>& gamma, const Tensor<double>& dY, double eps) {
  const std::size_t R = X.dim(0), C = X.dim(1), HW = X.dim(2) * X.dim(3);
  const double N = double(R * HW);
  Tensor<double> dX(X.shape());
  for (std::size_t c = 0; c < C; ++c) {
    double mu = 0, var = 0, sum_d = 0, sum_dxc = 0;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t k = 0; k < HW; ++k) mu += X[(r * C + c) * HW + k] / N;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t k = 0; k < HW; ++k) {
        const std::size_t i = (r * C + c) * HW + k;
        var += (X[i] - mu) * (X[i] - mu) / N;
        sum_d += dY[i];
        sum_dxc += dY[i] * (X[i] - mu);
      }
    const double s = 1 / std::sqrt(var + eps);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t k = 0; k < HW; ++k) {
        const std::size_t i = (r * C + c) * HW + k;
        dX[i] = dY[i] * gamma(c) * s - sum_d * gamma(c) * s / N - sum_dxc * gamma(c) * (X[i] - mu) * s * s * s / N;
      }
  }
  return dX;
}

int run(const nn::ChapterArgs& args) {
  std::ostringstream out;
  nn::Facts facts("ch07_errata");
  double worst_library = 0;  // the library's worst relative error over every check below
  out << "Numerical evidence for the errata of §4.2.3-4.2.8, Eqs. (44)-(63)\n"
      << "(relative errors |a − n| / max(|a|, |n|) against central differences, h = 1e-5, double)\n\n";

  // ---- Eq. (49): 0 ≤ j ≤ k ------------------------------------------------------------------
  // Figure 8's 4×4 map with our values (ch06_figure8): the draft's figure gives no numbers.
  const Tensor<double> fig8(Shape{1, 1, 4, 4}, {1, 3, 2, 1, 4, 2, 0, 6, 5, 1, 7, 3, 0, 2, 4, 8});
  nn::MaxPoolCache cache;
  const auto Y8 = nn::maxpool2d_forward(fig8, nn::PoolSpec::square(2, 2), cache);
  double draft00 = fig8(0, 0, 0, 0);
  for (std::size_t j = 0; j <= 2; ++j)  // the draft's bound: j = 0, 1, 2 — three rows for k = 2
    for (std::size_t i = 0; i <= 2; ++i) draft00 = std::max(draft00, fig8(0, 0, j, i));
  facts.set("eq49_draft_window00", draft00, "%g").set("eq49_window00", Y8(0, 0, 0, 0), "%g");
  out << "[Eq. (49)] window 0 ≤ j ≤ k, 0 ≤ i ≤ k covers (k+1)×(k+1) inputs.\n"
      << "  Figure 8's 4×4 map (our values; the draft's figure has none), k = s = 2: window (0,0) with j, i ≤ k gives\n"
      << "  max = " << draft00 << ", with j, i < k it gives " << Y8(0, 0, 0, 0)
      << ";\n  window (1,1) with j ≤ k would read row h's + j = 2·1 + 2 = 4 of a 4-row map (out of range).\n"
      << "  Eq. (50) itself writes j < k. Corrected: 0 ≤ j < k_H, 0 ≤ i < k_W.\n\n";

  // ---- Eqs. (46)-(47): no floor ----------------------------------------------------------------
  out << "[Eqs. (46)-(47)] (W − k)/s + 1 without a floor: W = 5, k = s = 2 gives 2.5; conv_out_size(5, 2, 2) = "
      << nn::conv_out_size(5, 2, 2, 0) << " (floor, the last column is in no window).\n\n";

  // ---- Eq. (50): the missing sum over (h', w') ---------------------------------------------------
  const Tensor<double> ov(Shape{1, 1, 5, 5}, {1, 2, 0, 1, 3, 4, 1, 2, 5, 0, 0, 3, 9, 1, 2, 2, 1, 4, 0, 1, 1, 0, 2, 3, 10});
  const auto spec = nn::PoolSpec::square(3, 2);
  const auto Yov = nn::maxpool2d_forward(ov, spec, cache);
  const Tensor<double> dYov(Yov.shape(), {0.1, 0.2, 0.3, 0.4});
  const auto summed = nn::maxpool2d_backward(dYov, cache);
  Tensor<double> single(ov.shape());  // one δ_{r,c',h',w'} per input, as Eq. (50) is written: the last window's
  for (std::size_t o = 0; o < dYov.size(); ++o) single[cache.argmax[o]] = dYov[o];
  const auto num_ov = nn::numerical_gradient(
      [&](const Tensor<double>& x) {
        nn::MaxPoolCache c;
        return dot(dYov, nn::maxpool2d_forward(x, spec, c));
      },
      ov);
  nn::Table t50({{"max-pool backward, k = 3, s = 2 (overlap)", "%-44s"}, {"δ^(l)(2,2)", "%10.4f"}, {"central", "%8.4f"},
                 {"max rel. error", "%14.2e"}});
  const double e_single = nn::compare_gradients(single, num_ov).max_relative_error;
  const double e_summed = nn::compare_gradients(summed, num_ov).max_relative_error;
  worst_library = std::max(worst_library, e_summed);
  t50.row(std::string("Eq. (50) as written: one δ, no Σ_{h',w'}"), single(0, 0, 2, 2), num_ov(0, 0, 2, 2), e_single);
  t50.row(std::string("corrected: Σ over every window (h', w')"), summed(0, 0, 2, 2), num_ov(0, 0, 2, 2), e_summed);
  facts.set("eq50_single_value", single(0, 0, 2, 2), "%.1f").set("eq50_central_value", num_ov(0, 0, 2, 2), "%.1f")
      .set("eq50_single", e_single, "%.1f").set("eq50_summed", e_summed, "%.0e");
  out << "[Eq. (50)] the chain rule needs Σ over every output (h', w') that X_{r,c,h,w} reaches; the draft says so\n"
      << "  in words (\"summeras\") but writes a single term.\n" << t50.str() << "\n";

  // ---- Eq. (51): the garbled cases; (j, i) must be the argmax; ties ------------------------------
  // The text before Eq. (51) says the derivative is 1 if "X_{r,c',(h's+j),(w's+i)} = X_{r,c,h,w}":
  // the same neuron, as in §4.2.2 (h = h's + j, w = w's + i). With (j, i) left free, every neuron
  // of the window meets it; only the argmax should.
  const Tensor<double> dY8(Y8.shape(), {0.1, -0.2, 0.3, 0.4});
  nn::MaxPoolCache c8;
  nn::maxpool2d_forward(fig8, nn::PoolSpec::square(2, 2), c8);
  const auto routed = nn::maxpool2d_backward(dY8, c8);
  Tensor<double> whole(fig8.shape());  // (j, i) free: δ of window (h', w') to all of its k × k neurons
  for (std::size_t hp = 0; hp < 2; ++hp)
    for (std::size_t wp = 0; wp < 2; ++wp)
      for (std::size_t j = 0; j < 2; ++j)
        for (std::size_t i = 0; i < 2; ++i) whole(0, 0, 2 * hp + j, 2 * wp + i) = dY8(0, 0, hp, wp);
  const auto num8 = nn::numerical_gradient(
      [&](const Tensor<double>& x) {
        nn::MaxPoolCache c;
        return dot(dY8, nn::maxpool2d_forward(x, nn::PoolSpec::square(2, 2), c));
      },
      fig8);
  const double e_whole = nn::compare_gradients(whole, num8).max_relative_error;
  const double e_routed = nn::compare_gradients(routed, num8).max_relative_error;
  worst_library = std::max(worst_library, e_routed);
  nn::Table t51({{"max-pool backward on Figure 8's map, k = s = 2", "%-48s"}, {"max rel. error", "%14.2e"}});
  t51.row(std::string("(j, i) free: δ to every neuron of the window"), e_whole);
  t51.row(std::string("(j, i) the window's argmax (library)"), e_routed);
  facts.set("eq51_whole_window", e_whole, "%.1f").set("eq51_argmax", e_routed, "%.0e");

  // Ties: which maximum gets δ is our choice (the first in row-major order); one of them must.
  const Tensor<double> tie(Shape{1, 1, 2, 2}, {3, 3, 1, 2});  // two equal maxima in one 2×2 window
  const Tensor<double> dYt(Shape{1, 1, 1, 1}, {1.0});
  nn::maxpool2d_forward(tie, nn::PoolSpec::square(2, 2), cache);
  const auto first_max = nn::maxpool2d_backward(dYt, cache);
  Tensor<double> every_tie(tie.shape());  // δ to both tied maxima
  every_tie(0, 0, 0, 0) = every_tie(0, 0, 0, 1) = 1.0;
  // directional derivative along v = (1, 1, 0, 0): raise both tied values together
  const double h = 1e-5;
  auto pool_at = [&](double t) {
    Tensor<double> x = tie;
    x[0] += t;
    x[1] += t;
    nn::MaxPoolCache c;
    return nn::maxpool2d_forward(x, nn::PoolSpec::square(2, 2), c)[0];
  };
  const double directional = (pool_at(h) - pool_at(-h)) / (2 * h);
  const Tensor<double> v(tie.shape(), {1, 1, 0, 0});
  const double by_first = dot(first_max, v), by_both = dot(every_tie, v);
  facts.set("tie_directional", directional, "%.0f").set("tie_first_max", by_first, "%.0f")
      .set("tie_both", by_both, "%.0f");
  out << "[Eq. (51)] the cases read\n"
      << "  \"δ_{r,c,h',w'} if h = h's + j,  δ_{r,c,h,w} if w = w's + i,  0 otherwise\":\n"
      << "  the second case names δ^(l) itself, the conditions are split over two lines, and j, i are not bound. The text's\n"
      << "  \"X_{r,c',(h's+j),(w's+i)} = X_{r,c,h,w}\" means the same neuron (as in §4.2.2), but it never says that (j, i)\n"
      << "  must be the window's argmax: with (j, i) free, every neuron of the window gets δ. Corrected:\n"
      << "  δ^(l)_{r,c,h,w} = Σ_{h',w'} δ^(l+1)_{r,c,h',w'} [(h, w) = argmax of window (h', w')].\n"
      << t51.str()
      << "  Ties (our choice, not the draft's): X = [[3, 3], [1, 2]], δ^(l+1) = 1. Raising both 3s by t raises the\n"
      << "  output by t, so the derivative along v = (1, 1, 0, 0) is " << directional
      << "; δ to the first maximum only: δ^(l)·v = " << by_first << " (agrees),\n  δ to both maxima: δ^(l)·v = "
      << by_both << " (counts δ twice). Any rule that picks one maximum is right; we take the first in row-major order.\n\n";

  // ---- Eqs. (56)-(57): 1/R ----------------------------------------------------------------------
  std::mt19937_64 rng(args.seed);
  std::normal_distribution<double> xd(1.5, 2.5), n01(0.0, 1.0);
  const std::size_t R = 4;
  Tensor<double> X(Shape{R, 2, 3, 3}), G(Shape{R, 2, 3, 3});
  for (auto& x : X) x = xd(rng);
  for (auto& g : G) g = n01(rng);
  const Tensor<double> gamma(Shape{2}, {1.3, 0.7}), beta(Shape{2}, {0.1, -0.2});
  const double eps = 1e-5;
  nn::BatchNormCache<double> bc;
  nn::batchnorm_forward(X, gamma, beta, bc, eps);
  // G is δ^(l+1) of the summed loss L = Σ G ⊙ X^(l+1); the mean loss L/R has δ^(l+1) = G/R.
  const auto g = nn::batchnorm_backward(G, gamma, bc);                          // δ of the summed loss
  const auto g_mean = nn::batchnorm_backward((1.0 / double(R)) * G, gamma, bc);  // δ of the mean loss (ours)
  auto loss = [&](const Tensor<double>& x, const Tensor<double>& gm, const Tensor<double>& b) {
    nn::BatchNormCache<double> c;
    return dot(G, nn::batchnorm_forward(x, gm, b, c, eps));
  };
  auto mean_loss = [&](const Tensor<double>& x, const Tensor<double>& gm, const Tensor<double>& b) {
    return loss(x, gm, b) / double(R);
  };
  const auto num_g = nn::numerical_gradient([&](const Tensor<double>& gm) { return mean_loss(X, gm, beta); }, gamma);
  const auto num_b = nn::numerical_gradient([&](const Tensor<double>& b) { return mean_loss(X, gamma, b); }, beta);
  const auto num_x = nn::numerical_gradient([&](const Tensor<double>& x) { return loss(x, gamma, beta); }, X);
  const double inv_R = 1.0 / double(R);
  const double e56_ours = nn::compare_gradients(g_mean.dgamma, num_g).max_relative_error;
  const double e56_draft = nn::compare_gradients(inv_R * g.dgamma, num_g).max_relative_error;
  const double e56_mixed = nn::compare_gradients(inv_R * g_mean.dgamma, num_g).max_relative_error;
  const double e57_ours = nn::compare_gradients(g_mean.dbeta, num_b).max_relative_error;
  const double e57_draft = nn::compare_gradients(inv_R * g.dbeta, num_b).max_relative_error;
  const double e57_mixed = nn::compare_gradients(inv_R * g_mean.dbeta, num_b).max_relative_error;
  worst_library = std::max({worst_library, e56_ours, e57_ours});
  nn::Table t56({{"∂L/∂γ, ∂L/∂β of the mean loss, R = 4, shape (4, 2, 3, 3)", "%-58s"}, {"max rel. error", "%14.2e"}});
  t56.row(std::string("Eq. (56) ours: δ of the mean loss, Σ δ X̂ (no 1/R)"), e56_ours);
  t56.row(std::string("Eq. (56) draft: δ of the summed loss, (1/R) Σ δ X̂"), e56_draft);
  t56.row(std::string("Eq. (56) mixed: δ of the mean loss and the draft's 1/R"), e56_mixed);
  t56.row(std::string("Eq. (57) ours: δ of the mean loss, Σ δ (no 1/R)"), e57_ours);
  t56.row(std::string("Eq. (57) draft: δ of the summed loss, (1/R) Σ δ"), e57_draft);
  t56.row(std::string("Eq. (57) mixed: δ of the mean loss and the draft's 1/R"), e57_mixed);
  facts.set("eq56_ours", e56_ours, "%.0e").set("eq56_draft", e56_draft, "%.0e").set("eq56_mixed", e56_mixed, "%.2f")
      .set("eq57_ours", e57_ours, "%.0e").set("eq57_draft", e57_draft, "%.0e").set("eq57_mixed", e57_mixed, "%.2f")
      .set("eq56_batch", R, "%d");
  out << "[Eqs. (56)-(57)] the factor 1/R. Two conventions give the gradient of the mean loss: δ^(l+1) of the mean\n"
      << "  loss and no 1/R (ours, design notes \"One gradient convention\"), or δ^(l+1) of the summed loss and the\n"
      << "  draft's 1/R. Eq. (63) has no 1/R: δ^(l) is then the summed loss's, as δ^(l+1) was. Only mixing the two\n"
      << "  (the 1/R on a δ that already holds it) is off, by the factor R (rel. error 1 − 1/R).\n" << t56.str() << "\n";

  // ---- Eq. (63): the stray μ and the power of (σ² + ε) -------------------------------------------
  const double e_draft = nn::compare_gradients(eq63_variant(X, gamma, G, eps, true, 3), num_x).max_relative_error;
  const double e_no_mu = nn::compare_gradients(eq63_variant(X, gamma, G, eps, false, 3), num_x).max_relative_error;
  const double e_power = nn::compare_gradients(eq63_variant(X, gamma, G, eps, true, 2), num_x).max_relative_error;
  const double e_fixed = nn::compare_gradients(eq63_variant(X, gamma, G, eps, false, 2), num_x).max_relative_error;
  const double e_line3 = nn::compare_gradients(eq63_line3(X, gamma, G, eps), num_x).max_relative_error;
  const double e_library = nn::compare_gradients(g.dX, num_x).max_relative_error;
  const auto naive = nn::batchnorm_backward_naive(G, X, gamma, bc);
  const double e_naive = nn::compare_gradients(naive.dX, num_x).max_relative_error;
  worst_library = std::max({worst_library, e_library, e_naive});
  nn::Table t63({{"Eq. (63) variant (δ of the summed loss)", "%-56s"}, {"max rel. error", "%14.2e"}});
  t63.row(std::string("draft, final line: − μ_c' and (σ²+ε)^(-3/2) inside the bracket"), e_draft);
  t63.row(std::string("stray μ removed, power still −3/2"), e_no_mu);
  t63.row(std::string("power fixed to −1, stray μ kept"), e_power);
  t63.row(std::string("corrected: no μ, (σ²+ε)^(-1) (= X̂ Σ δ X̂)"), e_fixed);
  t63.row(std::string("draft, third line (before the last step), c' = c"), e_line3);
  t63.row(std::string("library nn::batchnorm_backward"), e_library);
  t63.row(std::string("library naive chain rule, Eqs. (58)-(62)"), e_naive);
  facts.set("eq63_draft", e_draft, "%.1f").set("eq63_mu_removed", e_no_mu, "%.1f").set("eq63_power_fixed", e_power, "%.2f")
      .set("eq63_corrected", e_fixed, "%.0e").set("eq63_line3", e_line3, "%.0e").set("eq63_library", e_library, "%.0e")
      .set("eq63_naive", e_naive, "%.0e");
  out << "[Eq. (63)] the last step. The inputs are drawn from N(1.5, 2.5²): with μ = 0 and σ² = 1 both slips\n"
      << "  would vanish and the draft would (wrongly) pass.\n" << t63.str()
      << "  The draft's third line is right; the slips enter when factoring out γ(σ²+ε)^(-1/2)/N.\n\n";

  out << "[Numbering] the β gradient after Eq. (56) has no number (it is Eq. (57)); the equation between (58) and (60)\n"
      << "  (∂X^(l+1)/∂X̂ = γ_c) is missing (it is Eq. (59)); stray letters \"h\", \"j\", \"n\" stand where text was meant.\n";

  std::cout << out.str();
  const auto txt = args.out / "ch07_errata.txt";
  nn::write_file_atomically(txt, nn::wrap_text(out.str()));
  nn::report_written(txt);
  facts.set("worst_library", worst_library, "%.0e");
  nn::report_written(facts.save(args.out));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "errata of §4.2.3-4.2.8, Eqs. (44)-(63), with numerical evidence", run);
}
