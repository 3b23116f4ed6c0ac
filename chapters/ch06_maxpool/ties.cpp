// Chapter 6 — worked example of a tie (§4.2.6): one 2 × 2 window whose maximum appears twice.
// Max is not differentiable there: each tied element has a right derivative 1 and a left one 0,
// and the central quotient measures ½. Any split of δ between the tied elements that sums to δ
// is a valid (sub)gradient; the library's rule — the first maximum in row-major order takes all
// of δ — is one of them. Sending δ to every tied element predicts a slope of 2 along the
// direction that raises both, where the true slope is 1. Prints it all, as ch06_ties.txt.
#include <algorithm>
#include <iostream>
#include <sstream>

#include <boost/format.hpp>

#include "nn/maxpool2d.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/files.hpp"
#include "nn/tools/table.hpp"

namespace {

using nn::Shape;
using nn::Tensor;

int run(const nn::ChapterArgs& args) {
  //! [tie]
  const Tensor<double> X(Shape{1, 1, 2, 2}, {3, 3, 1, 2});  // the maximum, 3, twice in row 0
  const auto spec = nn::PoolSpec::square(2, 2);
  nn::MaxPoolCache cache;
  const auto Y = nn::maxpool2d_forward(X, spec, cache);     // Eq. (49): y = max = 3
  const Tensor<double> dY(Shape{1, 1, 1, 1}, {1.0});        // δ^(l+1) = 1
  const auto dX = nn::maxpool2d_backward(dY, cache);        // Eqs. (50)–(51), the tie rule
  //! [tie]
  // y as a function of X moved by t along a direction d: max over the window of X + t d.
  auto y_along = [&](const Tensor<double>& d, double t) {
    double m = -1e300;
    for (std::size_t i = 0; i < X.size(); ++i) m = std::max(m, X[i] + t * d[i]);
    return m;
  };
  const double h = 1e-3;
  std::ostringstream out;
  out << "One window X = [3 3; 1 2], k = s = 2: y = max = " << Y[0] << ", δ^(l+1) = 1\n"
      << "The library sends δ to (j, i) = (0, 0), the first maximum in row-major\n"
      << "order: δ^(l) =\n" << nn::to_string(dX, 0);
  nn::Table t({{"raise", "%-15s"}, {"right", "%6.3f"}, {"left", "%6.3f"}, {"central", "%7.3f"},
               {"library", "%7.0f"}, {"δ to all ties", "%13.0f"}});
  struct Dir { const char* name; Tensor<double> d; };
  const Dir dirs[] = {{"X(0,0) alone", Tensor<double>(Shape{1, 1, 2, 2}, {1, 0, 0, 0})},
                      {"X(0,1) alone", Tensor<double>(Shape{1, 1, 2, 2}, {0, 1, 0, 0})},
                      {"both ties", Tensor<double>(Shape{1, 1, 2, 2}, {1, 1, 0, 0})},
                      {"X(1,1) alone", Tensor<double>(Shape{1, 1, 2, 2}, {0, 0, 0, 1})}};
  for (const auto& [name, d] : dirs) {
    const double right = (y_along(d, h) - y_along(d, 0)) / h;
    const double left = (y_along(d, 0) - y_along(d, -h)) / h;
    const double central = (y_along(d, h) - y_along(d, -h)) / (2 * h);
    double library = 0, every_tie = 0;
    for (std::size_t i = 0; i < X.size(); ++i) {
      library += dX[i] * d[i];                            // the slope the gradient predicts
      every_tie += (X[i] == Y[0] ? 1.0 : 0.0) * d[i];     // δ to every tied element
    }
    t.row(name, right, left, central, library, every_tie);
  }
  out << "\nThe slope of y along a direction: measured from the right, the left and\n"
         "centrally (h = " << h << "), and predicted by each reading of the backward pass:\n" << t.str()
      << "Alone, each tied element has slope 1 to the right and 0 to the left: no\n"
         "derivative, and the central quotient lands in between. Raising both\n"
         "together raises y by as much: slope 1, which the library's δ predicts,\n"
         "and δ to every tie does not (2).\n";
  std::cout << out.str();
  const auto path = args.out / "ch06_ties.txt";
  nn::write_file_atomically(path, out.str());
  nn::report_written(path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.6: a tie in a max-pool window, measured", run);
}
