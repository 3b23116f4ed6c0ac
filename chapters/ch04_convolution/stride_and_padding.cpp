// Chapter 4 — the report's Figures 6 and 7 (§4.2.1) and the sizes of Eqs. (34)–(35): a 3×3
// kernel over a 6×6 area gives 4×4; the 5×5 area of Figure 7 zero-padded (p = 1) to 7×7; and
// the same kernel with stride 2. Prints every matrix and draws them.
#include <iostream>
#include <sstream>

#include <boost/format.hpp>

#include "nn/tools/cli.hpp"
#include "nn/conv2d.hpp"
#include "nn/output_size.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

std::string matrix_text(const nn::Tensor<double>& X) {
  std::ostringstream os;
  for (std::size_t h = 0; h < X.dim(2); ++h) {
    for (std::size_t w = 0; w < X.dim(3); ++w) os << boost::format("%5g") % X(0, 0, h, w);
    os << "\n";
  }
  return os.str();
}

/// One panel: the matrix as coloured cells with its numbers written in them; the last panel
/// draws the colour bar that all of them share, right of the grid of panels.
void panel(nn::Figure& fig, const nn::Tensor<double>& X, const std::string& title, bool colour_bar = false) {
  const int b = fig.cells(X);
  fig.set("title '" + title + "'");
  fig.set((boost::format("xrange [-0.5:%g]") % (double(X.dim(3)) - 0.5)).str());
  fig.set((boost::format("yrange [%g:-0.5]") % (double(X.dim(2)) - 0.5)).str());
  if (colour_bar) fig.set("colorbox user origin screen 0.9, 0.12 size screen 0.025, 0.7");
  else fig.command("unset colorbox");
  fig.labelled_cells(b, "%g", "font ',9'");
  fig.next_panel();
}

int run(const nn::ChapterArgs& args) {
  std::ostringstream out;
  //! [figure6]
  // Figure 6: a 3×3 kernel slides over a 6×6 area: H' = (6 − 3 + 0)/1 + 1 = 4 (Eq. (35)).
  nn::Tensor<double> X6(nn::Shape{1, 1, 6, 6});
  for (std::size_t h = 0; h < 6; ++h)
    for (std::size_t w = 0; w < 6; ++w) X6(0, 0, h, w) = double((h * 6 + w) % 5);
  const nn::Tensor<double> K(nn::Shape{1, 1, 3, 3}, {1, 0, -1, 1, 0, -1, 1, 0, -1});
  const nn::Tensor<double> no_bias(nn::Shape{1});
  const auto Y6 = nn::conv2d_forward_naive(X6, K, no_bias, nn::ConvSpec{1, 0});  // (1, 1, 4, 4)
  //! [figure6]
  out << "Figure 6 — X (6×6):\n" << matrix_text(X6) << "kernel W (3×3):\n" << matrix_text(K)
      << "X * W, stride 1, no padding (4×4):\n" << matrix_text(Y6)
      << "e.g. Y(0,0) = Σ_j Σ_i X(j, i) W(j, i) = " << Y6(0, 0, 0, 0) << "\n\n";

  //! [figure7]
  // Figure 7: the 5×5 area padded with p = 1 zeros on every side becomes 7×7; a 3×3 kernel over
  // it gives 5×5 again: H' = (5 − 3 + 2)/1 + 1 = 5 ("same" convolution).
  const nn::Tensor<double> X5(nn::Shape{1, 1, 5, 5}, {1, 1, 1, 0, 0,  //
                                                      0, 1, 1, 1, 0,  //
                                                      0, 0, 1, 1, 1,  //
                                                      0, 0, 1, 1, 0,  //
                                                      0, 1, 1, 0, 0});
  nn::Tensor<double> X7(nn::Shape{1, 1, 7, 7});  // X̃: X5 inside a border of zeros
  for (std::size_t h = 0; h < 5; ++h)
    for (std::size_t w = 0; w < 5; ++w) X7(0, 0, h + 1, w + 1) = X5(0, 0, h, w);
  const nn::Tensor<double> ones(nn::Shape{1, 1, 3, 3}, 1.0);
  const auto Y5 = nn::conv2d_forward_naive(X5, ones, no_bias, nn::ConvSpec{1, 1});   // (1, 1, 5, 5)
  const auto Y3 = nn::conv2d_forward_naive(X5, ones, no_bias, nn::ConvSpec{2, 1});   // stride 2: (1, 1, 3, 3)
  //! [figure7]
  out << "Figure 7 — X (5×5):\n" << matrix_text(X5) << "zero-padded with p = 1 (7×7):\n" << matrix_text(X7)
      << "3×3 kernel of ones over the padded area, stride 1 (5×5: each entry counts the ones around it):\n"
      << matrix_text(Y5) << "the same with stride 2 (3×3 = every second entry of the above, Eqs. (37)-(38)):\n"
      << matrix_text(Y3) << "\n";

  nn::Table sizes({{"n", "%3d"}, {"k", "%3d"}, {"s", "%3d"}, {"p", "%3d"}, {"(n−k+2p)/s + 1", "%15.2f"}, {"n' (Eqs. 34-35)", "%15d"}});
  const std::size_t cases[][4] = {{6, 3, 1, 0}, {5, 3, 1, 1}, {5, 3, 2, 1}, {7, 3, 2, 0}, {8, 3, 2, 0}, {28, 5, 1, 0}, {32, 3, 2, 1}};
  for (const auto& c : cases)
    sizes.row(c[0], c[1], c[2], c[3], (double(c[0]) - double(c[1]) + 2.0 * double(c[3])) / double(c[2]) + 1.0,
              nn::conv_out_size(c[0], c[1], c[2], c[3]));
  out << "Output sizes: the draft's quotient, and the floor that Eqs. (34)-(35) need when s does not divide n − k + 2p\n"
      << sizes.str();
  std::cout << out.str();
  const auto txt = args.out / "ch04_stride_and_padding.txt";
  nn::write_file_atomically(txt, nn::wrap_text(out.str()));

  nn::Figure fig(args.out, "ch04_stride_and_padding", 640, 500);
  fig.command("set multiplot layout 2,3 title \"Figure 6 (top): 3×3 kernel over 6×6 gives 4×4\\n"
              "Figure 7 (bottom): 5×5 padded to 7×7, stride 1 and 2\" margins 0.06, 0.86, 0.09, 0.84 spacing 0.06, 0.13");
  fig.signed_colours(nn::largest_magnitude({&X6, &K, &Y6, &X7, &Y5, &Y3}), "value");
  fig.set("size ratio -1").set("xtics 1 font ',8'").set("ytics 1 font ',8'").set("xlabel 'w' offset 0,0.5").set("ylabel 'h' offset 1.5,0");
  panel(fig, X6, "X (6×6)");
  panel(fig, K, "kernel W (3×3)");
  panel(fig, Y6, "X * W (4×4)");
  panel(fig, X7, "X padded, p = 1 (7×7)");
  panel(fig, Y5, "ones * X̃, s = 1 (5×5)");
  panel(fig, Y3, "ones * X̃, s = 2 (3×3)", true);
  fig.command("unset multiplot");
  const auto png = fig.render();
  nn::report_written(txt);
  nn::report_written(png);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.1 Figures 6 and 7: kernel size, stride and zero padding (Eqs. (34)-(39))", run);
}
