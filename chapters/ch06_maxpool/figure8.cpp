// Chapter 6 — max-pooling (report §4.2.5–4.2.6, Eqs. (46)–(51)): Figure 8's layout (the values are ours), a 4×4
// feature map pooled with k = s = 2 into 2×2. Prints the forward pass, the argmax cache, and
// the backward pass, which routes each δ^(l+1) to the position its window's maximum came from;
// draws all four with the windows outlined.
#include <iostream>
#include <sstream>

#include <boost/format.hpp>

#include "nn/tools/cli.hpp"
#include "nn/maxpool2d.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

constexpr std::size_t kWindow = 2, kStride = 2;  // Figure 8: k = s = 2

int run(const nn::ChapterArgs& args) {
  std::ostringstream out;

  //! [forward]
  // The 4×4 feature map of Figure 8 (one example, one channel).
  const nn::Tensor<double> X(nn::Shape{1, 1, 4, 4}, {1, 3, 2, 1,  //
                                                     4, 2, 0, 6,  //
                                                     5, 1, 7, 3,  //
                                                     0, 2, 4, 8});
  const auto spec = nn::PoolSpec::square(kWindow, kStride);
  nn::MaxPoolCache cache;                                 // the argmax of every window
  const auto Y = nn::maxpool2d_forward(X, spec, cache);   // Eq. (49); H', W' from Eqs. (46)-(47)
  //! [forward]

  //! [backward]
  const nn::Tensor<double> dY(nn::Shape{1, 1, 2, 2}, {0.1, -0.2, 0.3, 0.4});  // δ^(l+1)
  const auto dX = nn::maxpool2d_backward(dY, cache);  // Eq. (51): δ to each window's argmax, 0 elsewhere
  //! [backward]

  out << "Figure 8: X^(l) (4×4), k = " << kWindow << ", s = " << kStride << " → X^(l+1) of shape "
      << Y.shape().str() << " (H' = ⌊(4 − 2)/2⌋ + 1 = 2, Eqs. (46)-(47))\n\nX^(l) =\n" << nn::to_string(X, 0)
      << "\nX^(l+1) = max over each window (Eq. (49)) =\n" << nn::to_string(Y, 0) << "\n";
  nn::Table routing({{"window (h',w')", "%-15s"}, {"max", "%5g"}, {"argmax (h,w)", "%-13s"}, {"δ^(l+1)", "%8.2f"},
                     {"→ δ^(l)(h,w)", "%12.2f"}});
  for (std::size_t o = 0; o < Y.size(); ++o) {
    const std::size_t hp = o / 2, wp = o % 2, h = cache.argmax[o] / 4, w = cache.argmax[o] % 4;
    routing.row((boost::format("(%d, %d)") % hp % wp).str(), Y[o], (boost::format("(%d, %d)") % h % w).str(), dY[o],
                dX(0, 0, h, w));
  }
  out << "The argmax cache and the backward routing (Eqs. (50)-(51)):\n" << routing.str() << "\nδ^(l+1) =\n"
      << nn::to_string(dY, 2) << "\nδ^(l) =\n" << nn::to_string(dX, 2)
      << "\nEvery position that is not its window's maximum gets δ = 0: moving it a little does not change the output.\n";

  std::cout << out.str();
  const auto txt = args.out / "ch06_figure8.txt";
  nn::write_file_atomically(txt, nn::wrap_text(out.str()));
  nn::report_written(txt);

  // Figure: X with its four windows outlined and maxima marked, X^(l+1), δ^(l+1), δ^(l).
  nn::Figure fig(args.out, "ch06_figure8", 640, 600);
  fig.command("set multiplot layout 2,2 title 'Figure 8: max-pooling with k = s = 2, forward (top) and backward (bottom)'");
  fig.set("xtics 1").set("ytics 1").set("xlabel 'w'").set("ylabel 'h'").set("size ratio -1");
  fig.colour_map(nn::ColourMap::non_negative, 0, nn::largest_magnitude({&X, &Y}), "", false, 0.5);
  // the windows' outlines: colours apart from both colour maps', each with its own dash type
  const std::string outline[] = {"lc rgb '" + nn::series_colour(6) + "' dt 1", "lc rgb '" + nn::series_colour(2) + "' dt 2",
                                 "lc rgb '" + nn::series_colour(4) + "' dt 4", "lc rgb '" + nn::series_colour(5) + "' dt 5"};
  auto outline_windows = [&](double scale) {
    for (std::size_t o = 0; o < 4; ++o) {
      const double w0 = double((o % 2) * kStride) * scale, h0 = double((o / 2) * kStride) * scale;
      fig.set((boost::format("object %d rect from %g,%g to %g,%g fs empty border %s lw 3 front") % (o + 1) %
               (w0 - 0.45) % (h0 - 0.45) % (w0 + double(kWindow) * scale - 0.55) % (h0 + double(kWindow) * scale - 0.55) %
               outline[o])
                  .str());
    }
  };
  auto argmax_marks = [&]() {
    std::vector<std::vector<double>> cols(2);
    for (std::size_t o = 0; o < 4; ++o) {
      cols[0].push_back(double(cache.argmax[o] % 4));
      cols[1].push_back(double(cache.argmax[o] / 4));
    }
    return fig.block(cols);
  };
  const int bx = fig.cells(X), by = fig.cells(Y), bdy = fig.cells(dY),
            bdx = fig.cells(dX), bmax = argmax_marks();
  // top left: X and its windows
  outline_windows(1.0);
  fig.set("xrange [-0.5:3.5]").set("yrange [3.5:-0.5]");
  fig.set("title 'X^{(l)}: windows (49), maxima circled'");
  fig.labelled_cells(bx, "%g", "font ',12'");
  fig.plot(fig.data(bmax) + " using 1:2 with points pt 6 ps 3.5 lw 2 lc rgb 'black' notitle");
  fig.next_panel();
  // top right: X^(l+1), each cell in its window's colour
  fig.command("unset object");
  for (std::size_t o = 0; o < 4; ++o)
    fig.set((boost::format("object %d rect from %g,%g to %g,%g fs empty border %s lw 3 front") % (o + 1) %
             (double(o % 2) - 0.45) % (double(o / 2) - 0.45) % (double(o % 2) + 0.45) % (double(o / 2) + 0.45) % outline[o])
                .str());
  fig.set("xrange [-0.5:1.5]").set("yrange [1.5:-0.5]");
  fig.set("title 'X^{(l+1)} = max of each window'");
  fig.labelled_cells(by, "%g", "font ',12'");
  fig.next_panel();
  // bottom left: δ^(l+1)
  fig.set("title 'δ^{(l+1)}, one per window'");
  fig.signed_colours(nn::largest_magnitude({&dY, &dX}), "");
  fig.labelled_cells(bdy, "%.1f", "font ',12'");
  fig.next_panel();
  // bottom right: δ^(l), routed to the argmax
  fig.command("unset object");
  outline_windows(1.0);
  fig.set("xrange [-0.5:3.5]").set("yrange [3.5:-0.5]");
  fig.set("title 'δ^{(l)}: δ routed to each argmax (51)'");
  fig.labelled_cells(bdx, "%.1f", "font ',12'");
  fig.plot(fig.data(bmax) + " using 1:2 with points pt 6 ps 3.5 lw 2 lc rgb 'black' notitle");
  fig.next_panel();
  fig.command("unset multiplot");
  nn::report_written(fig.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.5-4.2.6: Figure 8, max-pool forward and backward routing, Eqs. (46)-(51)", run);
}
