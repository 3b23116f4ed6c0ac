// Chapter 2 — how good is the check "against the definition of the derivative" (report §2,
// Eq. (21))? The error of each difference quotient against h on a log–log plot: forward and
// backward fall like h (slope 1), central like h² (slope 2), until round-off (≈ ε/h) takes over.
// The measured slopes, smallest errors and their h go to ch02_difference_orders.facts for the pages.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <vector>

#include <boost/format.hpp>

#include "nn/activations.hpp"
#include "nn/tools/cli.hpp"
#include "nn/finite_difference.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

constexpr double kX0 = 0.5;  // a point where σ″ and σ‴ are not zero

/// Least-squares slope of log10(err) against log10(h) over the points with h in [lo, hi].
double fitted_slope(const std::vector<double>& h, const std::vector<double>& err, double lo, double hi) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (h[i] < lo || h[i] > hi || !(err[i] > 0)) continue;
    const double lx = std::log10(h[i]), ly = std::log10(err[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, ++n;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/// The index of the smallest error.
std::size_t best(const std::vector<double>& err) {
  return std::size_t(std::min_element(err.begin(), err.end()) - err.begin());
}

int run(const nn::ChapterArgs& args) {
  const int per_decade = args.quick ? 2 : 8;
  std::vector<double> hs, e_fwd, e_bwd, e_cen;
  const auto f = [](double x) { return nn::sigmoid(x); };
  const double exact = nn::sigmoid_prime(kX0);  // Eq. (11)
  //! [sweep]
  for (int k = 0; k <= 14 * per_decade; ++k) {
    const double h = std::pow(10.0, -double(k) / per_decade);  // 1 … 1e-14
    hs.push_back(h);
    e_fwd.push_back(std::abs(nn::forward_difference(f, kX0, h) - exact));   // Eq. (21)
    e_bwd.push_back(std::abs(nn::backward_difference(f, kX0, h) - exact));
    e_cen.push_back(std::abs(nn::central_difference(f, kX0, h) - exact));
  }
  // Slopes where truncation dominates: h ∈ [1e-4, 1e-1] for the one-sided quotients, [1e-3, 1e-1]
  // for the central one (below that its error reaches the round-off floor).
  const double s_fwd = fitted_slope(hs, e_fwd, 1e-4, 1e-1);
  const double s_bwd = fitted_slope(hs, e_bwd, 1e-4, 1e-1);
  const double s_cen = fitted_slope(hs, e_cen, 1e-3, 1e-1);
  //! [sweep]

  nn::Table t({{"h", "%.1e"}, {"|forward − σ′|", "%.3e"}, {"|backward − σ′|", "%.3e"}, {"|central − σ′|", "%.3e"}});
  for (std::size_t i = 0; i < hs.size(); i += per_decade) t.row(hs[i], e_fwd[i], e_bwd[i], e_cen[i]);
  std::cout << "Error of the difference quotients of σ at x = " << kX0 << " (σ′ = " << exact << "):\n";
  t.print(std::cout);
  const std::string slopes = (boost::format("Fitted log–log slopes: forward %.3f, backward %.3f (order 1), central %.3f (order 2)\n") %
                              s_fwd % s_bwd % s_cen).str();
  // The smallest (absolute) errors, and the h where each quotient has its error at h = 1e-5,
  // the step of the gradient checks (nn::numerical_gradient()).
  const std::size_t b_fwd = best(e_fwd), b_cen = best(e_cen);
  const std::size_t at_check = std::size_t(5 * per_decade);  // h = 10^(−5)
  const std::string smallest = (boost::format("Smallest absolute errors: forward %.1e at h = %.0e, central %.1e at h = %.0e; "
                                              "at h = 1e-5 forward %.1e, central %.1e.\n") %
                                e_fwd[b_fwd] % hs[b_fwd] % e_cen[b_cen] % hs[b_cen] % e_fwd[at_check] % e_cen[at_check]).str();
  std::cout << slopes << smallest
            << "Below those h round-off, ≈ ε·|σ|/h with ε = 2.2e-16, wins: the error grows again as h shrinks.\n"
               "The gradient checks use central differences with h = 1e-5 in double.\n";
  const auto path = args.out / "ch02_difference_orders.txt";
  nn::write_file_atomically(path, nn::wrap_text(t.str() + slopes + smallest));
  nn::report_written(path);
  nn::Facts facts("ch02_difference_orders");
  facts.set("slope_forward", s_fwd, "%.2f").set("slope_backward", s_bwd, "%.2f").set("slope_central", s_cen, "%.2f")
      .set("forward_min_error", e_fwd[b_fwd], "%.0e").set("forward_best_h", hs[b_fwd], "%.0e")
      .set("central_min_error", e_cen[b_cen], "%.0e").set("central_best_h", hs[b_cen], "%.0e")
      .set("forward_error_at_1e5", e_fwd[at_check], "%.0e").set("central_error_at_1e5", e_cen[at_check], "%.0e");
  nn::report_written(facts.save(args.out));

  nn::Figure fig(args.out, "ch02_error_vs_h");
  fig.set("title \"Error of the difference quotients of σ at x = 0.5\\n(Eq. (21) and its central form)\"")
      .set("logscale xy").set("format x '10^{%L}'").set("format y '10^{%L}'")
      .set("xlabel 'step h'").set("ylabel '|quotient − σ′(x)|'").set("grid").set("key bottom left opaque")
      .set("xrange [1e-14:1]").set("yrange [1e-17:1]");
  std::vector<double> ref1, ref2, roundoff;
  for (double h : hs) {
    ref1.push_back(0.05 * h);
    ref2.push_back(0.01 * h * h);
    roundoff.push_back(2.2e-16 * nn::sigmoid(kX0) / h);
  }
  const int b = fig.block({hs, e_fwd, e_bwd, e_cen, ref1, ref2, roundoff});
  fig.plot(fig.data(b) + (boost::format(" using 1:2 with linespoints pt 7 ps 0.6 lw 2 lc rgb '%s' title 'forward (slope %.2f)'") % nn::series_colour(0) % s_fwd).str())
      .plot(fig.data(b) + (boost::format(" using 1:3 with linespoints pt 5 ps 0.5 lw 1 dt 2 lc rgb '%s' title 'backward (slope %.2f)'") % nn::series_colour(1) % s_bwd).str())
      .plot(fig.data(b) + (boost::format(" using 1:4 with linespoints pt 9 ps 0.7 lw 2 lc rgb '%s' title 'central (slope %.2f)'") % nn::series_colour(2) % s_cen).str())
      .plot(fig.data(b) + " using 1:5 with lines lw 1 dt 3 lc rgb 'gray40' title '∝ h'")
      .plot(fig.data(b) + " using 1:6 with lines lw 1 dt 4 lc rgb 'gray40' title '∝ h²'")
      .plot(fig.data(b) + " using 1:7 with lines lw 1 dt 1 lc rgb '#bbbbbb' title 'round-off ≈ εσ(x)/h'");
  nn::report_written(fig.render());

  // The program is also a check: the orders must come out as the theory says.
  if (!(std::abs(s_fwd - 1) < 0.1 && std::abs(s_bwd - 1) < 0.1 && std::abs(s_cen - 2) < 0.1)) {
    std::cerr << "unexpected orders: " << slopes;
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§2/Eq. (21): error of forward, backward and central differences against h", run);
}
