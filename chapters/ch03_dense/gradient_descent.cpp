// Chapter 3 — gradient descent on a function of two variables (§4.1.2, Eq. (20), Figure 3):
// contour plot with the descent paths for several learning rates α, one of which diverges;
// and the saddle-point picture of the draft's "OPTIONAL" paragraph: a path that stalls near a
// saddle, where the gradient is almost zero although the point is no minimum.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/format.hpp>

#include "nn/tools/cli.hpp"
#include "nn/optim.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

// A valley: f(x, y) = ½(x² + 8y²). Its Hessian has eigenvalues 1 and 8, so Eq. (20) converges
// for α < 2/8 = 0.25 and diverges beyond (each step multiplies y by 1 − 8α).
double valley(double x, double y) { return 0.5 * (x * x + 8 * y * y); }
nn::Tensor<double> valley_gradient(const nn::Tensor<double>& p) { return nn::Tensor<double>(nn::Shape{2}, {p(0), 8 * p(1)}); }

// A saddle with two minima: g(x, y) = x² + y⁴/4 − y². Saddle at (0, 0), minima at (0, ±√2).
double saddle(double x, double y) { return x * x + 0.25 * y * y * y * y - y * y; }
nn::Tensor<double> saddle_gradient(const nn::Tensor<double>& p) {
  return nn::Tensor<double>(nn::Shape{2}, {2 * p(0), p(1) * p(1) * p(1) - 2 * p(1)});
}

const double kAlphas[] = {0.02, 0.1, 0.24, 0.26};
const double kStart[] = {-4.5, 1.6};

// Eq. (20) from a start point; the path, stopped early if it leaves the picture far behind.
template <class Grad>
std::vector<nn::Tensor<double>> descend(nn::Tensor<double> p, double alpha, int steps, Grad grad) {
  std::vector<nn::Tensor<double>> path{p};
  for (int k = 0; k < steps && std::abs(p(1)) < 50; ++k) {
    //! [step]
    nn::sgd_step(p, grad(p), alpha);  // Eq. (20): θ ← θ − α ∇f(θ)
    //! [step]
    path.push_back(p);
  }
  return path;
}

// The function on a grid, as a matrix block (row i = y_i, column j = x_j).
template <class F>
std::vector<std::vector<double>> grid(F f, double x0, double x1, double y0, double y1, int n) {
  const std::size_t N = std::size_t(n);
  std::vector<std::vector<double>> m(N, std::vector<double>(N));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      m[std::size_t(i)][std::size_t(j)] = f(x0 + (x1 - x0) * j / (n - 1), y0 + (y1 - y0) * i / (n - 1));
  return m;
}

// Contour lines of a matrix block, traced by gnuplot into the datablock $C, and its heat map
// (faded, so that the paths on top stand out) over [lo, hi], with a colour bar titled `label`.
void contour_background(nn::Figure& fig, int block, double x0, double x1, double y0, double y1, int n,
                        const std::string& levels, nn::ColourMap map, double lo, double hi, const std::string& label) {
  const std::string using_xy = (boost::format("using (%g+%g*$1):(%g+%g*$2):3") % x0 % ((x1 - x0) / (n - 1)) % y0 %
                                ((y1 - y0) / (n - 1)))
                                   .str();
  fig.command("set contour base").command("unset surface").command("set view map");
  fig.command("set cntrparam levels discrete " + levels);
  fig.command("set table $C").command("splot " + fig.data(block) + " matrix " + using_xy).command("unset table");
  fig.command("unset contour").command("set surface");
  fig.set((boost::format("xrange [%g:%g]") % x0 % x1).str()).set((boost::format("yrange [%g:%g]") % y0 % y1).str());
  fig.colour_map(map, lo, hi, label, false, 0.35);
  fig.plot(fig.data(block) + " matrix " + using_xy + " with image notitle");
  fig.plot("$C with lines lc rgb '#7f7f7f' lw 1 notitle");
}

std::vector<double> column(const std::vector<nn::Tensor<double>>& path, std::size_t i) {
  std::vector<double> c;
  for (const auto& p : path) c.push_back(p(i));
  return c;
}

int run(const nn::ChapterArgs& args) {
  const int steps = 40;

  // ---- Figure 3: several α on the valley ----------------------------------------------------
  nn::Table table({{"α", "%6.2f"}, {"|1 − 8α|", "%9.2f"}, {"steps", "%6d"}, {"f at the end", "%13.4e"},
                   {"verdict", "%-10s"}});
  nn::Figure fig(args.out, "ch03_gradient_descent", 640, 440);
  fig.set("title 'Gradient descent, Eq. (20), on f(x, y) = ½(x² + 8y²) from (−4.5, 1.6)'");
  fig.set("xlabel 'x'").set("ylabel 'y'").set("key bottom right opaque");
  const int n = 121;
  const auto valley_grid = grid(valley, -5, 5, -2.5, 2.5, n);
  double valley_top = 0;
  for (const auto& row : valley_grid) valley_top = std::max(valley_top, *std::max_element(row.begin(), row.end()));
  const int bg = fig.matrix(valley_grid);
  contour_background(fig, bg, -5, 5, -2.5, 2.5, n, "0.25,1,2,4,8,12,16,24", nn::ColourMap::non_negative, 0,
                     valley_top, "f(x, y)");
  for (std::size_t k = 0; k < std::size(kAlphas); ++k) {
    const double alpha = kAlphas[k];
    const auto path = descend(nn::Tensor<double>(nn::Shape{2}, {kStart[0], kStart[1]}), alpha, steps, valley_gradient);
    const double f_end = valley(path.back()(0), path.back()(1));
    const bool diverged = !(f_end < valley(kStart[0], kStart[1]));
    table.row(alpha, std::abs(1 - 8 * alpha), int(path.size()) - 1, f_end, diverged ? "diverges" : "converges");
    const int b = fig.block({column(path, 0), column(path, 1)});
    fig.plot(fig.data(b) + (boost::format(" using 1:2 with linespoints pt 7 ps 0.6 lw 2 %s title 'α = %.2f%s'") %
                            nn::series_style(k) % alpha % (diverged ? " (diverges)" : ""))
                               .str());
  }
  std::ostringstream out;
  out << "Eq. (20) on f(x, y) = ½(x² + 8y²) from (" << kStart[0] << ", " << kStart[1] << "), " << steps
      << " steps.\nEach step multiplies x by 1 − α and y by 1 − 8α, so it converges exactly when\n"
         "|1 − 8α| < 1, i.e. α < 0.25; α = 0.24 zig-zags across the valley, α = 0.26 is\n"
         "thrown further out each step.\n"
      << table.str();

  // ---- Saddle point: a path that stalls ------------------------------------------------------
  //! [saddle]
  const double alpha = 0.05;
  const int saddle_steps = 250;
  const auto path = descend(nn::Tensor<double>(nn::Shape{2}, {-2.0, 1e-6}), alpha, saddle_steps, saddle_gradient);
  //! [saddle]
  std::vector<double> k_col, grad_norm, g_val;
  int stall_begin = -1, stall_end = -1;
  for (std::size_t k = 0; k < path.size(); ++k) {
    const auto g = saddle_gradient(path[k]);
    const double gn = std::hypot(g(0), g(1));
    k_col.push_back(double(k));
    grad_norm.push_back(gn);
    g_val.push_back(saddle(path[k](0), path[k](1)));
    const bool near_saddle = std::hypot(path[k](0), path[k](1)) < 0.1;  // within 0.1 of (0, 0)
    if (near_saddle && stall_begin < 0) stall_begin = int(k);
    if (near_saddle) stall_end = int(k);
  }
  out << "\nSaddle g(x, y) = x² + y⁴/4 − y² (saddle at (0, 0), minima at (0, ±√2)), α = " << alpha
      << ", start (−2, 1e−6):\n"
      << "  the path stays within 0.1 of the saddle from step " << stall_begin << " to step " << stall_end
      << " (|∇g| down to " << boost::format("%.1e") % *std::min_element(grad_norm.begin() + stall_begin, grad_norm.begin() + stall_end + 1)
      << "), although g(0, 0) = 0 is no minimum;\n"
      << "  the tiny y grows by a factor 1 + 2α = 1.1 per step until it escapes; at step " << path.size() - 1
      << " it is at (" << boost::format("%.4f, %.4f") % path.back()(0) % path.back()(1) << "), g = "
      << boost::format("%.4f") % g_val.back() << " (the minimum is −1).\n";

  nn::Figure sfig(args.out, "ch03_saddle_point", 640, 380);
  sfig.command("set multiplot layout 1,2 title 'Gradient descent stalls near a saddle point: g(x, y) = x² + y⁴/4 − y²'");
  const auto saddle_grid = grid(saddle, -2.2, 2.2, -2.0, 2.0, n);
  double saddle_top = 0;  // largest |g|: the signed map is symmetric around g = 0
  for (const auto& row : saddle_grid)
    for (double v : row) saddle_top = std::max(saddle_top, std::abs(v));
  const int sb = sfig.matrix(saddle_grid);
  sfig.set("xlabel 'x'").set("ylabel 'y'").set("title 'path, α = 0.05, from (−2, 10^{−6})'").set("key off");
  sfig.set("xtics 1").set("ytics 1");
  contour_background(sfig, sb, -2.2, 2.2, -2.0, 2.0, n, "-0.9,-0.6,-0.3,0,0.5,1,2,3,4", nn::ColourMap::signed_values,
                     -saddle_top, saddle_top, "g(x, y)");
  const int pb = sfig.block({column(path, 0), column(path, 1)});
  sfig.plot(sfig.data(pb) + " using 1:2 with linespoints pt 7 ps 0.5 lc rgb 'black' notitle");
  const int saddle_point = sfig.block({{0.0}, {0.0}});
  sfig.plot(sfig.data(saddle_point) + " using 1:2 with points pt 6 ps 2.5 lw 2 lc rgb '" + nn::series_colour(3) + "' notitle");
  sfig.next_panel();
  sfig.command("unset xrange").command("unset yrange").set("autoscale");
  sfig.set("title '|∇g| and g along the path'").set("xlabel 'step k'").set("ylabel '|∇g| (solid)'");
  sfig.set((boost::format("xrange [0:%d]") % saddle_steps).str()).set("xtics 100").set("ytics auto").set("format y '10^{%L}'");
  sfig.set("logscale y").set("y2label 'g (dashed)'").set("y2tics").set("ytics nomirror").set("key off");
  const int gb = sfig.block({k_col, grad_norm, g_val});
  sfig.plot(sfig.data(gb) + " using 1:2 with lines lw 2 " + nn::series_style(0) + " title '|∇g|'");
  sfig.plot(sfig.data(gb) + " using 1:3 axes x1y2 with lines lw 2 " + nn::series_style(1) + " title 'g'");
  sfig.next_panel();
  sfig.command("unset multiplot");

  std::cout << out.str();
  const auto txt = args.out / "ch03_gradient_descent.txt";
  nn::write_file_atomically(txt, nn::wrap_text(out.str()));
  nn::report_written(txt);
  nn::report_written(fig.render());
  nn::report_written(sfig.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.1.2 Figure 3: gradient descent paths for several α, and a saddle point", run);
}
