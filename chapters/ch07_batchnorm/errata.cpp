// Errata of §4.2.3–4.2.8 (Eqs. (44)–(63)) with their numerical evidence: for every slip that
// numbers can decide, the draft's form and the corrected form are both compared with central
// differences (or with the report's own Figure 8). Prints the evidence the errata page quotes.
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
  out << "Numerical evidence for the errata of §4.2.3-4.2.8, Eqs. (44)-(63)\n"
      << "(relative errors |a − n| / max(|a|, |n|) against central differences, h = 1e-5, double)\n\n";

  // ---- Eq. (49): 0 ≤ j ≤ k ------------------------------------------------------------------
  const Tensor<double> fig8(Shape{1, 1, 4, 4}, {1, 3, 2, 1, 4, 2, 0, 6, 5, 1, 7, 3, 0, 2, 4, 8});
  nn::MaxPoolCache cache;
  const auto Y8 = nn::maxpool2d_forward(fig8, nn::PoolSpec::square(2, 2), cache);
  double draft00 = fig8(0, 0, 0, 0);
  for (std::size_t j = 0; j <= 2; ++j)  // the draft's bound: j = 0, 1, 2 — three rows for k = 2
    for (std::size_t i = 0; i <= 2; ++i) draft00 = std::max(draft00, fig8(0, 0, j, i));
  out << "[Eq. (49)] window 0 ≤ j ≤ k, 0 ≤ i ≤ k covers (k+1)×(k+1) inputs.\n"
      << "  Figure 8 (k = s = 2): window (0,0) with j, i ≤ k gives max = " << draft00 << ", the figure (j, i < k) gives "
      << Y8(0, 0, 0, 0) << ";\n  window (1,1) with j ≤ k would read row h's + j = 2·1 + 2 = 4 of a 4-row map (out of range).\n"
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
  t50.row(std::string("Eq. (50) as written: one δ, no Σ_{h',w'}"), single(0, 0, 2, 2), num_ov(0, 0, 2, 2),
          nn::compare_gradients(single, num_ov).max_relative_error);
  t50.row(std::string("corrected: Σ over every window (h', w')"), summed(0, 0, 2, 2), num_ov(0, 0, 2, 2),
          nn::compare_gradients(summed, num_ov).max_relative_error);
  out << "[Eq. (50)] the chain rule needs Σ over every output (h', w') that X_{r,c,h,w} reaches; the draft says so\n"
      << "  in words (\"summeras\") but writes a single term.\n" << t50.str() << "\n";

  // ---- Eq. (51): the garbled cases and ties ----------------------------------------------------
  const Tensor<double> tie(Shape{1, 1, 2, 2}, {3, 3, 1, 2});  // two equal maxima in one 2×2 window
  const Tensor<double> dYt(Shape{1, 1, 1, 1}, {1.0});
  nn::maxpool2d_forward(tie, nn::PoolSpec::square(2, 2), cache);
  const auto first_max = nn::maxpool2d_backward(dYt, cache);
  Tensor<double> every_tie(tie.shape());  // the draft's condition "X = X_{r,c,h,w}" read literally
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
  out << "[Eq. (51)] the cases read \"δ_{r,c,h',w'} if h = h's + j,  δ_{r,c,h,w} if w = w's + i,  0 otherwise\": the\n"
      << "  second case names δ^(l) itself, the conditions are split over two lines, and j, i are not bound. Corrected:\n"
      << "  δ^(l)_{r,c,h,w} = Σ_{h',w'} δ^(l+1)_{r,c,h',w'} [(h, w) = argmax of window (h', w')].\n"
      << "  With a tie, X = [[3, 3], [1, 2]], δ^(l+1) = 1: the text's test \"X_{window} = X_{r,c,h,w}\" sends δ to both 3s.\n"
      << "  Raising both 3s by t raises the output by t, so the derivative along v = (1, 1, 0, 0) is "
      << directional << ";\n  first-maximum rule: δ^(l)·v = " << dot(first_max, Tensor<double>(tie.shape(), {1, 1, 0, 0}))
      << " (agrees), every tie: δ^(l)·v = " << dot(every_tie, Tensor<double>(tie.shape(), {1, 1, 0, 0}))
      << " (counts δ twice).\n\n";

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
  const auto g = nn::batchnorm_backward(G, gamma, bc);
  auto loss = [&](const Tensor<double>& x, const Tensor<double>& gm, const Tensor<double>& b) {
    nn::BatchNormCache<double> c;
    return dot(G, nn::batchnorm_forward(x, gm, b, c, eps));
  };
  const auto num_g = nn::numerical_gradient([&](const Tensor<double>& gm) { return loss(X, gm, beta); }, gamma);
  const auto num_b = nn::numerical_gradient([&](const Tensor<double>& b) { return loss(X, gamma, b); }, beta);
  const auto num_x = nn::numerical_gradient([&](const Tensor<double>& x) { return loss(x, gamma, beta); }, X);
  nn::Table t56({{"batch norm, R = 4, shape (4, 2, 3, 3)", "%-40s"}, {"max rel. error", "%14.2e"}});
  t56.row(std::string("Eq. (56) draft: (1/R) Σ δ X̂"), nn::compare_gradients((1.0 / R) * g.dgamma, num_g).max_relative_error);
  t56.row(std::string("Eq. (56) corrected: Σ δ X̂"), nn::compare_gradients(g.dgamma, num_g).max_relative_error);
  t56.row(std::string("Eq. (57) draft: (1/R) Σ δ"), nn::compare_gradients((1.0 / R) * g.dbeta, num_b).max_relative_error);
  t56.row(std::string("Eq. (57) corrected: Σ δ"), nn::compare_gradients(g.dbeta, num_b).max_relative_error);
  out << "[Eqs. (56)-(57)] the factor 1/R. The loss takes the batch mean, so δ^(l+1) already holds 1/R (design notes,\n"
      << "  \"One gradient convention\"); a second 1/R on ∂L/∂γ, ∂L/∂β only makes them R times too small (rel. error 1 − 1/R = "
      << 1 - 1.0 / R << ").\n  Under a summed loss there would be no 1/R anywhere; Eq. (63) has none, so the draft is\n"
      << "  inconsistent under either convention.\n" << t56.str() << "\n";

  // ---- Eq. (63): the stray μ and the power of (σ² + ε) -------------------------------------------
  nn::Table t63({{"Eq. (63) variant", "%-58s"}, {"max rel. error", "%14.2e"}});
  t63.row(std::string("draft, final line: − μ_c' and (σ²+ε)^(-3/2) inside the bracket"),
          nn::compare_gradients(eq63_variant(X, gamma, G, eps, true, 3), num_x).max_relative_error);
  t63.row(std::string("stray μ removed, power still −3/2"), nn::compare_gradients(eq63_variant(X, gamma, G, eps, false, 3), num_x).max_relative_error);
  t63.row(std::string("power fixed to −1, stray μ kept"), nn::compare_gradients(eq63_variant(X, gamma, G, eps, true, 2), num_x).max_relative_error);
  t63.row(std::string("corrected: no μ, (σ²+ε)^(-1) (= X̂ Σ δ X̂)"), nn::compare_gradients(eq63_variant(X, gamma, G, eps, false, 2), num_x).max_relative_error);
  t63.row(std::string("draft, third line (before the last step), c' = c"), nn::compare_gradients(eq63_line3(X, gamma, G, eps), num_x).max_relative_error);
  t63.row(std::string("library nn::batchnorm_backward"), nn::compare_gradients(g.dX, num_x).max_relative_error);
  const auto naive = nn::batchnorm_backward_naive(G, X, gamma, bc);
  t63.row(std::string("library naive chain rule, Eqs. (58)-(62)"), nn::compare_gradients(naive.dX, num_x).max_relative_error);
  out << "[Eq. (63)] the last step. Channel means here ≈ 1.5 and variances ≈ 6: with μ = 0 and σ² = 1 both slips\n"
      << "  would vanish and the draft would (wrongly) pass.\n" << t63.str()
      << "  The draft's third line is right; the slips enter when factoring out γ(σ²+ε)^(-1/2)/N.\n\n";

  out << "[Numbering] the β gradient after Eq. (56) has no number (it is Eq. (57)); the equation between (58) and (60)\n"
      << "  (∂X^(l+1)/∂X̂ = γ_c) is missing (it is Eq. (59)); stray letters \"h\", \"j\", \"n\" stand where text was meant.\n";

  std::cout << out.str();
  const auto txt = args.out / "ch07_errata.txt";
  nn::write_file_atomically(txt, out.str());
  nn::report_written(txt);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "errata of §4.2.3-4.2.8, Eqs. (44)-(63), with numerical evidence", run);
}
