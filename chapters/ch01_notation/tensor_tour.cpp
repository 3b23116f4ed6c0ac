// Chapter 1 — notation (report §3): a rank-4 tensor, its index order (r, c, h, w) and memory
// layout, an element-wise f(X) and ∂f(X)/∂X (Eqs. (1)–(4)), the Hadamard product (Eq. (5)) and
// vec(). Prints every example and saves the same text as ch01_tensor_tour.txt.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include <boost/format.hpp>

#include "nn/activations.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"
#include "nn/tensor.hpp"

namespace {

int tour(const nn::ChapterArgs& args) {
  std::ostringstream out;

  //! [layout]
  // A batch of R = 2 images ("hop"), C = 2 channels, H = 2 rows, W = 3 columns (§3).
  nn::Tensor<double> X(nn::Shape{2, 2, 2, 3});
  for (std::size_t i = 0; i < X.size(); ++i) X[i] = double(i);  // X[i] is element i of vec(X)
  // (r, c, h, w) lies at offset ((r·C + c)·H + h)·W + w: w runs fastest, r slowest.
  const double x = X(1, 0, 1, 2);  // r = 1, c = 0, h = 1, w = 2  →  ((1·2 + 0)·2 + 1)·3 + 2 = 17
  //! [layout]
  out << "§3 — X ∈ R^{R×C×H×W} with shape " << X.shape().str() << ", filled with its own offsets:\n"
      << nn::to_string(X, 0) << "\nX(1, 0, 1, 2) = " << x << "  (offset ((1·2 + 0)·2 + 1)·3 + 2 = 17)\n\n";

  nn::Table index_table({{"r", "%d"}, {"c", "%d"}, {"h", "%d"}, {"w", "%d"}, {"offset", "%d"}, {"X(r,c,h,w)", "%g"}});
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t c = 0; c < 2; ++c)
      for (std::size_t h = 0; h < 2; ++h) {
        const std::size_t w = (r + c + h) % 3;
        index_table.row(r, c, h, w, ((r * 2 + c) * 2 + h) * 3 + w, X(r, c, h, w));
      }
  out << "Index order: the offset of (r, c, h, w) is ((r·C + c)·H + h)·W + w\n" << index_table.str() << "\n";

  //! [elementwise]
  // Eqs. (1) and (3): f applied to every element; Eqs. (2) and (4): f′ at every element.
  nn::Tensor<double> M(nn::Shape{2, 3}, {-2.0, -0.5, 0.0, 0.5, 1.0, 3.0});
  const auto fM = nn::activate(nn::ActivationFunction::sigmoid, M);         // [σ(M)]_{i,j} = σ(M_{i,j})
  const auto dfM = nn::activate_prime(nn::ActivationFunction::sigmoid, M);  // [∂σ(M)/∂M]_{i,j} = σ′(M_{i,j})
  //! [elementwise]
  out << "Eq. (1): M =\n" << nn::to_string(M, 2) << "σ(M) =\n" << nn::to_string(fM, 4)
      << "Eq. (2): ∂σ(M)/∂M = σ(M) ⊙ (1 − σ(M)) =\n" << nn::to_string(dfM, 4)
      << "(the same shape as M: the Jacobian of an element-wise f is diagonal, and Eq. (2) is its diagonal)\n\n";

  //! [hadamard]
  // Eq. (5): C = A ⊙ B multiplies equal-shaped tensors element by element.
  nn::Tensor<double> A(nn::Shape{2, 3}, {1, 2, 3, 4, 5, 6});
  nn::Tensor<double> B(nn::Shape{2, 3}, {10, 0, -1, 0.5, 2, 1});
  const auto C = nn::hadamard(A, B);
  //! [hadamard]
  out << "Eq. (5): A =\n" << nn::to_string(A, 1) << "B =\n" << nn::to_string(B, 1) << "A ⊙ B =\n" << nn::to_string(C, 1);
  try {
    nn::hadamard(A, nn::transpose(B));
  } catch (const nn::shape_error& e) {
    out << "A ⊙ Bᵀ is not defined — the library says: " << e.what() << "\n\n";
  }

  //! [vec]
  // vec(): all elements as one row vector, in the same row-major order as the offsets above.
  const auto v = nn::vec(A);
  //! [vec]
  out << "vec(A) = " << nn::to_string(v, 1) << "(row-major: vec(A)_k = A_{i,j} with k = i·W + j)\n\n";

  //! [jacobian]
  // Worked example: the Jacobian J_{kl} = ∂vec(σ(M))_k / ∂vec(M)_l, column l by central
  // differences (Eq. (21)). Only M_l moves, and σ acts element by element (Eq. (1)), so
  // column l is zero except at k = l, where it holds σ′(M_l): J = diag(vec(∂σ(M)/∂M)).
  const std::size_t n = M.size();
  const double h = 1e-5;
  nn::Tensor<double> J(nn::Shape{n, n});
  for (std::size_t l = 0; l < n; ++l) {
    nn::Tensor<double> up = M, down = M;
    up[l] += h;
    down[l] -= h;
    const auto f_up = nn::vec(nn::activate(nn::ActivationFunction::sigmoid, up));
    const auto f_down = nn::vec(nn::activate(nn::ActivationFunction::sigmoid, down));
    for (std::size_t k = 0; k < n; ++k) J(k, l) = (f_up[k] - f_down[k]) / (2 * h);
  }
  //! [jacobian]
  double off_diagonal = 0, diagonal_error = 0;
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t l = 0; l < n; ++l)
      if (k == l) diagonal_error = std::max(diagonal_error, std::abs(J(k, l) - dfM[k]));
      else off_diagonal = std::max(off_diagonal, std::abs(J(k, l)));
  out << "Worked example: the Jacobian ∂vec(σ(M))/∂vec(M), 6 × 6, by central differences (h = 1e-5):\n"
      << nn::to_string(J, 4)
      << "its diagonal is vec(∂σ(M)/∂M) of Eq. (2) above, to " << (boost::format("%.1e") % diagonal_error)
      << "; largest off-diagonal entry " << (boost::format("%.1e") % off_diagonal) << "\n";
  nn::Facts facts("ch01_tensor_tour");
  facts.set("jacobian_diagonal_error", diagonal_error, "%.1e");
  facts.set("jacobian_off_diagonal", off_diagonal, "%.1e");
  facts.save(args.out);

  std::cout << out.str();
  const auto path = args.out / "ch01_tensor_tour.txt";
  nn::write_file_atomically(path, nn::wrap_text(out.str()));
  nn::report_written(path);

  // Figure: the offset of every element of X itself (it holds its own offsets), one panel per
  // (r, c) slice: the shape the program prints above.
  const std::size_t nr = X.dim(0), nc = X.dim(1), nh = X.dim(2), nw = X.dim(3);
  nn::Figure fig(args.out, "ch01_tensor_layout", 760, 480);
  fig.command((boost::format("set multiplot layout %d,%d title 'Row-major layout of X ∈ R^{%d×%d×%d×%d}: "
                             "offset = ((r·C + c)·H + h)·W + w'") % nr % nc % nr % nc % nh % nw).str());
  fig.set((boost::format("xrange [-0.5:%g]") % (double(nw) - 0.5)).str())
      .set((boost::format("yrange [%g:-0.5]") % (double(nh) - 0.5)).str())
      .set("xtics 1").set("ytics 1").set("xlabel 'w'").set("ylabel 'h'");
  fig.colour_map(nn::ColourMap::non_negative, 0, double(X.size() - 1), "offset");
  for (std::size_t r = 0; r < nr; ++r)
    for (std::size_t c = 0; c < nc; ++c) {
      const int b = fig.cells(X, r, c);
      fig.set((boost::format("title 'r = %d, c = %d'") % r % c).str());
      fig.labelled_cells(b, "%g", "font ',13'");
      fig.next_panel();
    }
  fig.command("unset multiplot");
  nn::report_written(fig.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§3: tensor layout, index order, f(X), ∂f/∂X, Hadamard, vec()", tour);
}
