// Chapter 6 — overlapping max-pool windows (s < k, report §4.2.6, last paragraph): an input
// that is the maximum of several windows receives the SUM of their deltas (corrected Eq. (51)).
// A 5×5 map pooled with k = 3, s = 2: four windows that share row 2 and column 2. Prints the
// routing, compares "sum" and "overwrite" with central differences, and draws the result.
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include <boost/format.hpp>

#include "nn/tools/cli.hpp"
#include "nn/finite_difference.hpp"
#include "nn/maxpool2d.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

constexpr std::size_t kWindow = 3, kStride = 2;  // s < k: windows overlap

int run(const nn::ChapterArgs& args) {
  std::ostringstream out;
  //! [overlap]
  // The 9 at the centre (2, 2) lies in all four 3×3 windows and is the maximum of three of them;
  // the 10 at (4, 4) wins the fourth.
  const nn::Tensor<double> X(nn::Shape{1, 1, 5, 5}, {1, 2, 0, 1, 3,  //
                                                     4, 1, 2, 5, 0,  //
                                                     0, 3, 9, 1, 2,  //
                                                     2, 1, 4, 0, 1,  //
                                                     1, 0, 2, 3, 10});
  nn::MaxPoolCache cache;
  const auto Y = nn::maxpool2d_forward(X, nn::PoolSpec::square(kWindow, kStride), cache);  // (1,1,2,2)
  const nn::Tensor<double> dY(nn::Shape{1, 1, 2, 2}, {0.1, 0.2, 0.3, 0.4});
  const auto dX = nn::maxpool2d_backward(dY, cache);  // δ^(l)(2, 2) = 0.1 + 0.2 + 0.3
  //! [overlap]

  // how many windows each input wins
  nn::Tensor<double> wins(X.shape());
  for (std::size_t a : cache.argmax) wins[a] += 1;
  // the mistake: overwrite instead of sum
  nn::Tensor<double> overwritten(X.shape());
  for (std::size_t o = 0; o < dY.size(); ++o) overwritten[cache.argmax[o]] = dY[o];

  out << "Overlapping windows: X^(l) 5×5, k = " << kWindow << ", s = " << kStride << " → X^(l+1) "
      << Y.shape().str() << "\n\nX^(l) =\n" << nn::to_string(X, 0) << "\nX^(l+1) =\n" << nn::to_string(Y, 0)
      << "\nwindows won by each input =\n" << nn::to_string(wins, 0) << "\nδ^(l+1) =\n" << nn::to_string(dY, 2)
      << "\nδ^(l) with the deltas SUMMED (corrected Eq. (51)) =\n" << nn::to_string(dX, 2)
      << "\nδ^(l) with the deltas OVERWRITTEN (a typical mistake) =\n" << nn::to_string(overwritten, 2) << "\n";

  //! [check]
  // Central differences of L = Σ δ^(l+1) ⊙ maxpool(X): the truth, whatever the formula says.
  const auto numeric = nn::numerical_gradient(
      [&](const nn::Tensor<double>& x) {
        nn::MaxPoolCache c;
        const auto y = nn::maxpool2d_forward(x, nn::PoolSpec::square(kWindow, kStride), c);
        double L = 0;
        for (std::size_t i = 0; i < y.size(); ++i) L += dY[i] * y[i];
        return L;
      },
      X);
  //! [check]
  nn::Table table({{"backward", "%-22s"}, {"δ^(l)(2,2)", "%10.4f"}, {"central diff.", "%13.4f"}, {"max rel. error", "%14.2e"}});
  table.row(std::string("sum (Eq. (51))"), dX(0, 0, 2, 2), numeric(0, 0, 2, 2), nn::compare_gradients(dX, numeric).max_relative_error);
  table.row(std::string("overwrite (mistake)"), overwritten(0, 0, 2, 2), numeric(0, 0, 2, 2),
            nn::compare_gradients(overwritten, numeric).max_relative_error);
  out << "Against central differences (h = 1e-5):\n" << table.str();

  std::cout << out.str();
  const auto txt = args.out / "ch06_overlap.txt";
  nn::write_file_atomically(txt, nn::wrap_text(out.str()));
  nn::report_written(txt);
  const auto tab = args.out / "ch06_overlap_check.txt";
  table.save(tab);
  nn::report_written(tab);

  nn::Figure fig(args.out, "ch06_overlap", 640, 600);
  fig.command("set multiplot layout 2,2 title 'Overlapping windows (k = 3, s = 2): deltas of shared maxima are summed'");
  fig.set("xtics 1").set("ytics 1").set("xlabel 'w'").set("ylabel 'h'").set("size ratio -1");
  fig.set("xrange [-0.5:4.5]").set("yrange [4.5:-0.5]");
  // the windows' outlines: colours apart from both colour maps', each with its own dash type
  const std::string outline[] = {"lc rgb '" + nn::series_colour(6) + "' dt 1", "lc rgb '" + nn::series_colour(2) + "' dt 2",
                                 "lc rgb '" + nn::series_colour(4) + "' dt 4", "lc rgb '" + nn::series_colour(5) + "' dt 5"};
  for (std::size_t o = 0; o < 4; ++o) {
    // each window slightly inset by a different amount so that the overlapping borders stay visible
    const double w0 = double((o % 2) * kStride), h0 = double((o / 2) * kStride), d = 0.06 * double(o);
    fig.set((boost::format("object %d rect from %g,%g to %g,%g fs empty border %s lw 2.5 front") % (o + 1) %
             (w0 - 0.45 + d) % (h0 - 0.45 + d) % (w0 + double(kWindow) - 0.55 - d) % (h0 + double(kWindow) - 0.55 - d) % outline[o])
                .str());
  }
  const int bx = fig.cells(X), bw = fig.cells(wins), bdx = fig.cells(dX),
            bov = fig.cells(overwritten);
  fig.colour_map(nn::ColourMap::non_negative, 0, nn::largest_magnitude({&X}), "", false, 0.5);
  fig.set("title 'X^{(l)} and the four 3×3 windows'");
  fig.labelled_cells(bx, "%g", "font ',10'");
  fig.next_panel();
  fig.set("title 'windows won by each input'");
  fig.colour_map(nn::ColourMap::non_negative, 0, nn::largest_magnitude({&wins}), "", false, 0.5);
  fig.labelled_cells(bw, "%g", "font ',10'");
  fig.next_panel();
  fig.signed_colours(nn::largest_magnitude({&dX, &overwritten}), "");
  fig.set("title 'δ^{(l)} summed: 0.1 + 0.2 + 0.3 at (2, 2)'");
  fig.labelled_cells(bdx, "%.1f", "font ',10'");
  fig.next_panel();
  fig.set("title 'δ^{(l)} overwritten (wrong): the last window'");
  fig.labelled_cells(bov, "%.1f", "font ',10'");
  fig.next_panel();
  fig.command("unset multiplot");
  nn::report_written(fig.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.6: overlapping max-pool windows (s < k) sum their deltas, Eq. (51)", run);
}
