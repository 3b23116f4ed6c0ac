// Chapter 2 — activation functions (report §4.1, Eqs. (8)–(15)).
// Draws the report's Figure 2 (σ, tanh, ReLU) and their derivatives (Eqs. (11)–(13)), and prints
// the analytic derivatives next to the forward, backward and central difference quotients.
#include <cmath>
#include <iostream>
#include <vector>

#include <boost/format.hpp>

#include "nn/activations.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/files.hpp"
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

  //! [relu_kink]
  // Worked example: the central quotient of ReLU near its kink. With h fixed, as x crosses 0:
  // Q(x) = (ReLU(x + h) − ReLU(x − h)) / (2h) is 0 for x ≤ −h, 1 for x ≥ h, and in between the
  // straight line (x + h)/(2h): the quotient measures neither side of the jump, and Q(0) = 1/2.
  const double hk = 0.1;  // large, so that the ramp is visible
  nn::Table kink({{"x", "%6.3f"}, {"x/h", "%5.1f"}, {"ReLU′(x), (13)", "%14.3f"},
                  {"Q(x)", "%6.3f"}, {"(x + h)/(2h), |x| ≤ h", "%21s"}});
  for (double t : {-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0})
    kink.row(t * hk, t, nn::relu_prime(t * hk), nn::central_difference(nn::relu<double>, t * hk, hk),
             std::abs(t) <= 1 ? (boost::format("%.3f") % ((t * hk + hk) / (2 * hk))).str() : std::string("—"));
  //! [relu_kink]
  const std::string kink_text = (boost::format("ReLU's central quotient Q(x) = (ReLU(x + h) − ReLU(x − h))/(2h)\nnear 0, with h = %g:\n") % hk).str() + kink.str();
  std::cout << kink_text;
  nn::write_file_atomically(args.out / "ch02_relu_kink.txt", nn::wrap_text(kink_text));
  nn::report_written(args.out / "ch02_relu_kink.txt");
  {
    std::vector<double> xs, qs;
    for (int i = -300; i <= 300; ++i) {
      xs.push_back(i * hk / 100.0);
      qs.push_back(nn::central_difference(nn::relu<double>, xs.back(), hk));
    }
    std::vector<double> xneg, yneg, xpos, ypos;
    for (double v : xs) (v < 0 ? xneg : xpos).push_back(v), (v < 0 ? yneg : ypos).push_back(nn::relu_prime(v));
    nn::Figure fk(args.out, "ch02_relu_kink", 800, 460);
    fk.set("title 'ReLU near its kink: the central quotient (h = 0.1) against ReLU′ of Eq. (13)'")
        .set("xlabel 'x'").set("ylabel 'slope'").set("grid").set("key top left").set("yrange [-0.15:1.75]")
        .set("xtics ('−3h' -0.3, '−2h' -0.2, '−h' -0.1, '0' 0, 'h' 0.1, '2h' 0.2, '3h' 0.3)");
    const int bq = fk.block({xs, qs});
    const int bn = fk.block({xneg, yneg});
    const int bp = fk.block({xpos, ypos});
    fk.plot(fk.data(bn) + " using 1:2 with lines lw 3 lc rgb '#0072b2' title 'ReLU′(x), Eq. (13)'")
        .plot(fk.data(bp) + " using 1:2 with lines lw 3 lc rgb '#0072b2' notitle")
        .plot(fk.data(bq) + " using 1:2 with lines lw 2 dt 2 lc rgb '#e69f00' title 'central quotient (ReLU(x+h) − ReLU(x−h))/(2h)'")
        .plot("'+' using (0):(0.5) with points pt 7 ps 1.4 lc rgb '#e69f00' title 'Q(0) = 1/2'");
    nn::report_written(fk.render());
  }

  //! [table]
  nn::Table table({{"f", "%s"}, {"x", "%5.2f"}, {"f′(x)", "%.7f"}, {"forward", "%.7f"},
                   {"backward", "%.7f"}, {"central", "%.7f"}, {"err fwd", "%.0e"},
                   {"err cen", "%.0e"}});
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
  nn::write_file_atomically(path, (boost::format("f′ of Eqs. (11)–(13) against the three quotients, h = %g;\n"
                                                 "err = relative error |f′ − q| / max(|f′|, |q|) of the forward\n"
                                                 "and the central quotient q\n") % kH).str() +
                                      table.str());
  nn::report_written(path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.1, Eqs. (8)–(13): Figure 2, the derivatives, and a difference-quotient table", run);
}
