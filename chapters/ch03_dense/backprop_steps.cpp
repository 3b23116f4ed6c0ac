// Chapter 3 — backpropagation step by step (§4.1.2, Eqs. (22)–(33)) on a tiny network
// 2 → 3 → 2 with σ after each layer, a batch of R = 2 examples and the L2 loss of Eq. (16)
// (mean over the batch). Every δ^(l), ∂L/∂W^(l) and ∂L/∂b^(l) is printed next to its central
// difference estimate and their relative error; then the chain rule of Eqs. (22)–(24) is checked
// literally, with the Jacobian ∂vec(X^(l+1))/∂vec(W^(l))^T built column by column.
#include <algorithm>
#include <iostream>
#include <sstream>

#include <boost/format.hpp>

#include "nn/tools/cli.hpp"
#include "nn/finite_difference.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

#include "draft_equations.hpp"

namespace {

using nn::Shape;
using nn::Tensor;

/// Worked example: one dense layer with ReLU, R = 2, numbers small enough to check by hand.
void one_layer(const nn::ChapterArgs& args) {
  //! [one_layer]
  const Tensor<double> X(Shape{2, 2}, {1, 2, 1, -2});        // X^(l): R = 2 rows, n = 2
  const Tensor<double> W(Shape{2, 2}, {1, -1, 0.5, -1});     // W^(l): n = 2 → m = 2
  const Tensor<double> b(Shape{2}, {0.5, 1});                // b^(l)
  const Tensor<double> delta(Shape{2, 2}, {0.2, -0.4, 0.1, 0.3});  // δ^(l+1), from above
  nn::DenseCache<double> cache;
  const auto A = nn::dense_forward(X, W, b, nn::ActivationFunction::relu, cache);  // Eq. (7)
  const auto g = nn::dense_backward(delta, W, cache);  // Eqs. (29)–(33)
  //! [one_layer]
  auto G = nn::hadamard(delta, nn::activate_prime(nn::ActivationFunction::relu, cache.Z));
  for (auto& v : G) v += 0.0;  // −0.4 · 0 is −0: print it as 0
  std::ostringstream out;
  out << "One layer, X → Z = XW + b → A = ReLU(Z), R = 2 (Eq. (7)):\n"
      << "X =\n" << nn::to_string(X, 2) << "W =\n" << nn::to_string(W, 2) << "b = " << nn::to_string(b, 2)
      << "Z = XW + b =\n" << nn::to_string(cache.Z, 2) << "A = ReLU(Z) =\n" << nn::to_string(A, 2)
      << "\nBackward, δ^(l+1) given:\n" << nn::to_string(delta, 2)
      << "G = δ^(l+1) ⊙ ReLU′(Z), the factor of Eqs. (31)–(33) =\n" << nn::to_string(G, 2)
      << "∂L/∂W = Xᵀ G (Eq. (32)) =\n" << nn::to_string(g.dW, 2)
      << "∂L/∂b = Σ_r G_r (Eq. (33)) = " << nn::to_string(g.db, 2)
      << "δ^(l) = G Wᵀ (Eq. (31)) =\n" << nn::to_string(g.dX, 2);
  std::cout << out.str() << "\n";
  const auto path = args.out / "ch03_one_layer.txt";
  nn::write_file_atomically(path, nn::wrap_text(out.str()));
  nn::report_written(path);
}

int run(const nn::ChapterArgs& args) {
  one_layer(args);
  //! [network]
  ch03::Mlp net;
  net.f = nn::ActivationFunction::sigmoid;
  net.W = {Tensor<double>(Shape{2, 3}, {0.5, -0.3, 0.8, 0.2, 0.7, -0.6}),   // W^(0): 2 inputs → 3
           Tensor<double>(Shape{3, 2}, {0.4, -0.9, -0.5, 0.3, 0.6, 0.1})};  // W^(1): 3 → 2 outputs
  net.b = {Tensor<double>(Shape{3}, {0.1, -0.2, 0.05}), Tensor<double>(Shape{2}, {-0.1, 0.2})};
  const Tensor<double> X(Shape{2, 2}, {1.0, 0.5, -0.7, 1.2});  // R = 2 examples (rows)
  const Tensor<double> Y(Shape{2, 2}, {1.0, 0.0, 0.0, 1.0});   // targets
  //! [network]

  //! [backward]
  const auto pass = ch03::forward(net, X);          // Eq. (7), layer by layer
  const auto bp = ch03::backprop(net, pass, Y);     // Eqs. (30)–(33), corrected
  //! [backward]

  // Central differences of L with respect to every quantity, h = 1e-5.
  auto L_of_X = [&](std::size_t l) {  // L as a function of X^(l), running the layers l, l+1, …
    return [&, l](const Tensor<double>& Xl) {
      Tensor<double> x = Xl;
      for (std::size_t k = l; k < net.W.size(); ++k) {
        nn::DenseCache<double> c;
        x = nn::dense_forward(x, net.W[k], net.b[k], net.f, c);
      }
      return nn::l2_loss(x, Y);
    };
  };
  ch03::Mlp probe = net;
  nn::Table t({{"quantity", "%-14s"}, {"index", "%-7s"}, {"backprop", "%15.10f"}, {"central diff.", "%15.10f"},
               {"rel. error", "%10.2e"}});
  double worst = 0;
  auto add = [&](const std::string& name, const Tensor<double>& a, const Tensor<double>& n) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string idx = a.rank() == 2 ? (boost::format("(%d,%d)") % (i / a.dim(1)) % (i % a.dim(1))).str()
                                            : (boost::format("(%d)") % i).str();
      const double e = nn::relative_error(a[i], n[i]);
      worst = std::max(worst, e);
      t.row(name, idx, a[i], n[i], e);
    }
  };
  const std::size_t L = net.W.size();
  for (std::size_t l = L + 1; l-- > 0;) {
    const Tensor<double>& Xl = l == L ? pass.yhat : pass.cache[l].X;  // X^(l); cache[0].X is the input
    add("delta^(" + std::to_string(l) + ")", bp.delta[l],
        l == L ? nn::numerical_gradient([&](const Tensor<double>& v) { return nn::l2_loss(v, Y); }, pass.yhat)
               : nn::numerical_gradient(L_of_X(l), Xl));
    if (l == L) continue;
    add("dL/dW^(" + std::to_string(l) + ")", bp.dW[l], nn::numerical_gradient([&](const Tensor<double>& v) {
          probe.W[l] = v;
          const double loss = ch03::loss(probe, X, Y);
          probe.W[l] = net.W[l];
          return loss;
        }, net.W[l]));
    add("dL/db^(" + std::to_string(l) + ")", bp.db[l], nn::numerical_gradient([&](const Tensor<double>& v) {
          probe.b[l] = v;
          const double loss = ch03::loss(probe, X, Y);
          probe.b[l] = net.b[l];
          return loss;
        }, net.b[l]));
  }

  std::ostringstream out;
  out << "Network 2 → 3 → 2, σ after each layer, R = 2, L = (1/R) Σ_r ‖ŷ_r − y_r‖² = "
      << boost::format("%.10f") % nn::l2_loss(pass.yhat, Y) << "\n"
      << "Backward, from the top: δ^(2) = 2(ŷ − y)/R (Eq. (30)); G = δ^(l+1) ⊙ σ′(Z^(l));\n"
      << "δ^(l) = G W^(l)T (Eq. (31)); ∂L/∂W^(l) = X^(l)T G (Eq. (32)); ∂L/∂b^(l) = Σ_r G_r (Eq. (33)).\n"
      << "Each value next to the central difference (L(θ + h) − L(θ − h))/2h, h = 1e-5:\n"
      << t.str() << boost::format("worst relative error: %.2e\n") % worst;

  // Eqs. (22)–(24) literally: the row vector ∂L/∂vec(X^(l+1))^T times the Jacobian.
  //! [jacobian]
  const std::size_t l = 0;
  auto layer_out = [&](const Tensor<double>& W) {  // vec(X^(1)) as a function of W^(0)
    nn::DenseCache<double> c;
    return nn::vec(nn::dense_forward(X, W, net.b[l], net.f, c));
  };
  const Tensor<double> x1 = layer_out(net.W[l]);
  Tensor<double> J(Shape{x1.size(), net.W[l].size()});  // ∂vec(X^(1)) / ∂vec(W^(0))^T
  for (std::size_t k = 0; k < net.W[l].size(); ++k) {
    Tensor<double> Wp = net.W[l], Wm = net.W[l];
    Wp[k] += 1e-5;
    Wm[k] -= 1e-5;
    const auto up = layer_out(Wp), down = layer_out(Wm);
    for (std::size_t i = 0; i < x1.size(); ++i) J(i, k) = (up[i] - down[i]) / 2e-5;
  }
  const Tensor<double> delta_row = nn::vec(bp.delta[l + 1]).reshaped(Shape{1, x1.size()});
  const Tensor<double> eq22 = nn::matmul(delta_row, J);  // ∂L/∂vec(W^(0))^T, Eq. (22)
  //! [jacobian]
  const auto cmp = nn::compare_gradients(eq22.reshaped(net.W[l].shape()), bp.dW[l]);
  out << "\nEq. (22) literally: ∂L/∂vec(W^(0))^T = ∂L/∂vec(X^(1))^T · ∂vec(X^(1))/∂vec(W^(0))^T, with the 6×6\n"
         "Jacobian by central differences, against X^(0)T G of Eq. (32): "
      << cmp.str() << "\n(Eqs. (22)–(24) are correct as printed; Eq. (32) is their compact form.)\n";

  std::cout << out.str();
  const auto path = args.out / "ch03_backprop_steps.txt";
  nn::write_file_atomically(path, nn::wrap_text(out.str()));
  nn::report_written(path);
  if (!(worst <= 1e-7) || !cmp.within(1e-7)) {
    std::cerr << "backprop disagrees with central differences (worst " << worst << ")\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.1.2: backpropagation step by step, every δ and gradient vs central differences", run);
}
