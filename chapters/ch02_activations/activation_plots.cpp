// Chapter 2 — activation functions (report §4.1, Eqs. (8)–(15)).
// Draws the report's Figure 2 (σ, tanh, ReLU) and their derivatives (Eqs. (11)–(13)), and prints
// the analytic derivatives next to the forward, backward and central difference quotients.
#include <cmath>
#include <iostream>
#include <vector>

#include "nn/activations.hpp"
#include "nn/tools/cli.hpp"
#include "nn/finite_difference.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

constexpr double kXMin = -5, kXMax = 5;
constexpr double kH = 1e-5;  // step of the difference quotients in the table

int run(const nn::ChapterArgs& args) {
  const int n = args.quick ? 101 : 1001;
  std::vector<double> x(n), sig(n), th(n), re(n), dsig(n), dth(n), dre(n);
  //! [curves]
  for (int i = 0; i < n; ++i) {
    x[i] = kXMin + (kXMax - kXMin) * i / (n - 1);
    sig[i] = nn::sigmoid(x[i]);            // Eq. (8)
    th[i] = nn::tanh_activation(x[i]);     // Eq. (9)
    re[i] = nn::relu(x[i]);                // Eq. (10)
    dsig[i] = nn::sigmoid_prime(x[i]);     // Eq. (11): σ(x)(1 − σ(x))
    dth[i] = nn::tanh_prime(x[i]);         // Eq. (12): 1 − tanh²(x)
    dre[i] = nn::relu_prime(x[i]);         // Eq. (13): 0 for x < 0, 1 for x ≥ 0
  }
  //! [curves]

  nn::Figure fig2(args.out, "ch02_fig2_activations");
  fig2.set("title 'Figure 2: the activation functions ReLU, σ and tanh (Eqs. (8)–(10))'")
      .set("xlabel 'x'").set("ylabel 'f(x)'").set("grid").set("key top left").set("yrange [-1.2:3]").set("xrange [-5:5]");
  const int b = fig2.block({x, sig, th, re});
  fig2.plot(fig2.data(b) + " using 1:4 with lines lw 2 lc rgb '" + nn::series_colour(3) + "' title 'ReLU(x) = max(0, x)'")
      .plot(fig2.data(b) + " using 1:2 with lines lw 2 lc rgb '" + nn::series_colour(0) + "' title 'σ(x) = 1/(1 + e^{−x})'")
      .plot(fig2.data(b) + " using 1:3 with lines lw 2 lc rgb '" + nn::series_colour(2) + "' title 'tanh(x)'");
  nn::report_written(fig2.render());

  // ReLU′ jumps at 0: draw its two pieces separately so gnuplot draws no vertical line.
  std::vector<double> xl, yl, xr, yr;
  for (int i = 0; i < n; ++i) (x[i] < 0 ? xl : xr).push_back(x[i]), (x[i] < 0 ? yl : yr).push_back(dre[i]);
  nn::Figure figd(args.out, "ch02_derivatives");
  figd.set("title 'Derivatives of the activations (Eqs. (11)–(13))'")
      .set("xlabel 'x'").set("ylabel 'f′(x)'").set("grid").set("key top left").set("yrange [-0.1:1.3]").set("xrange [-5:5]");
  const int bd = figd.block({x, dsig, dth});
  const int bl = figd.block({xl, yl});
  const int br = figd.block({xr, yr});
  figd.plot(figd.data(bl) + " using 1:2 with lines lw 2 lc rgb '" + nn::series_colour(3) + "' title 'ReLU′(x) (Eq. (13); ReLU′(0) := 1)'")
      .plot(figd.data(br) + " using 1:2 with lines lw 2 lc rgb '" + nn::series_colour(3) + "' notitle")
      .plot("'+' using (0):(1) with points pt 7 ps 1.2 lc rgb '" + nn::series_colour(3) + "' notitle")
      .plot("'+' using (0):(0) with points pt 6 ps 1.2 lc rgb '" + nn::series_colour(3) + "' notitle")
      .plot(figd.data(bd) + " using 1:2 with lines lw 2 lc rgb '" + nn::series_colour(0) + "' title 'σ′(x) = σ(x)(1 − σ(x))'")
      .plot(figd.data(bd) + " using 1:3 with lines lw 2 lc rgb '" + nn::series_colour(2) + "' title 'tanh′(x) = 1 − tanh²(x)'");
  nn::report_written(figd.render());

  //! [table]
  nn::Table table({{"f", "%s"}, {"x", "%6.2f"}, {"analytic f'(x)", "%.12f"}, {"forward", "%.12f"},
                   {"backward", "%.12f"}, {"central", "%.12f"}, {"rel.err fwd", "%.1e"},
                   {"rel.err central", "%.1e"}});
  struct Fn { const char* name; double (*f)(double); double (*df)(double); };
  const Fn fns[] = {{"sigmoid", nn::sigmoid<double>, nn::sigmoid_prime<double>},
                    {"tanh", nn::tanh_activation<double>, nn::tanh_prime<double>},
                    {"relu", nn::relu<double>, nn::relu_prime<double>}};
  for (const auto& fn : fns)
    for (double x0 : {-3.0, -0.5, 0.25, 1.0, 4.0}) {
      const double a = fn.df(x0);
      const double fwd = nn::forward_difference(fn.f, x0, kH);   // Eq. (21)
      const double bwd = nn::backward_difference(fn.f, x0, kH);
      const double cen = nn::central_difference(fn.f, x0, kH);
      table.row(fn.name, x0, a, fwd, bwd, cen, nn::relative_error(a, fwd), nn::relative_error(a, cen));
    }
  //! [table]
  std::cout << "Analytic derivatives (Eqs. (11)–(13)) against difference quotients with h = " << kH << ":\n";
  table.print(std::cout);
  std::cout << "The forward and backward quotients err by about |f''|h/2 ≈ 1e-6; the central one by\n"
               "|f'''|h²/6 ≈ 1e-11, close to the round-off floor ε/h ≈ 1e-11.\n";
  const auto path = args.out / "ch02_derivative_table.txt";
  table.save(path);
  nn::report_written(path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.1, Eqs. (8)–(13): Figure 2, the derivatives, and a difference-quotient table", run);
}
