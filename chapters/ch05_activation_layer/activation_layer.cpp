// Chapter 5 — the activation layer (report §4.2.3–4.2.4, Eqs. (44)–(45)). A rank-4 batch goes
// through nn::Activation: f acts on every element (Eq. (44)), and the backward pass multiplies
// δ^(l+1) element-wise by f′(X^(l)) (Eq. (45)) — so ReLU blocks δ wherever its input was
// negative. Prints the example, a gradient check per function, and draws one feature map of X,
// f(X), δ^(l+1) and δ^(l).
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include <boost/format.hpp>

#include "nn/activation_layer.hpp"
#include "nn/tools/cli.hpp"
#include "nn/finite_difference.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

constexpr std::size_t R = 2, C = 2, H = 4, W = 5;  // a batch of two 2-channel 4×5 images

int run(const nn::ChapterArgs& args) {
  std::ostringstream out;
  std::mt19937_64 rng(args.seed);
  std::uniform_real_distribution<double> u(-2.0, 2.0);

  //! [forward_backward]
  nn::Tensor<double> X(nn::Shape{R, C, H, W});      // X^(l), shape (R, C, H, W)
  for (auto& x : X) {
    x = std::round(u(rng) * 10) / 10;  // one decimal, easy to read …
    if (x == 0) x = 0.1;               // … and never the kink of ReLU at 0
  }
  nn::Tensor<double> dY(X.shape());                 // δ^(l+1) = ∂L/∂X^(l+1), from the layer above
  for (auto& d : dY) d = std::round(u(rng) * 10) / 10;

  nn::Activation<double> relu(nn::ActivationFunction::relu);
  const nn::Tensor<double> Y = relu.forward(X);     // Eq. (44): X^(l+1) = f(X^(l)), same shape
  const nn::Tensor<double> dX = relu.backward(dY);  // Eq. (45): δ^(l) = δ^(l+1) ⊙ f′(X^(l))
  //! [forward_backward]

  out << "Eq. (44)-(45) on a rank-4 batch X^(l) of shape " << X.shape().str() << ", f = ReLU\n\n"
      << "X^(l) =\n" << nn::to_string(X, 1) << "\nX^(l+1) = ReLU(X^(l))  (Eq. (44)) =\n" << nn::to_string(Y, 1)
      << "\nδ^(l+1) =\n" << nn::to_string(dY, 1) << "\nδ^(l) = δ^(l+1) ⊙ ReLU′(X^(l))  (Eq. (45)) =\n"
      << nn::to_string(nn::elementwise(dX, [](double d) { return d + 0.0; }), 1)  // + 0.0 prints −0 as 0
      << "\nReLU′ is 0 where X < 0: those neurons pass no δ back (and their inputs get no gradient).\n\n";

  //! [gradient_check]
  // Central differences of L = Σ δ^(l+1) ⊙ f(X) (so ∂L/∂X = δ^(l)), for each f of §4.1.
  nn::Table table({{"f", "%-8s"}, {"shape", "%-14s"}, {"max rel. error", "%14.2e"}, {"worst index", "%11d"}});
  for (auto f : {nn::ActivationFunction::sigmoid, nn::ActivationFunction::tanh, nn::ActivationFunction::relu}) {
    const auto analytic = nn::activation_backward(dY, X, f);
    const auto numeric = nn::numerical_gradient(
        [&](const nn::Tensor<double>& x) {
          const auto fx = nn::activation_forward(x, f);
          double L = 0;
          for (std::size_t i = 0; i < fx.size(); ++i) L += dY[i] * fx[i];
          return L;
        },
        X);
    const auto cmp = nn::compare_gradients(analytic, numeric);
    table.row(nn::to_string(f), X.shape().str(), cmp.max_relative_error, cmp.worst_index);
  }
  //! [gradient_check]
  out << "Gradient check of Eq. (45) against central differences (h = 1e-5, double):\n" << table.str()
      << "(no input is 0, where ReLU′ is only a choice (Eq. (13)), and every input is ≥ 0.1 away from it, so the\n"
         " ReLU quotients are exact up to round-off)\n";

  std::cout << out.str();
  const auto txt = args.out / "ch05_activation_layer.txt";
  nn::write_file_atomically(txt, nn::wrap_text(out.str()));
  nn::report_written(txt);
  const auto table_path = args.out / "ch05_gradient_check.txt";
  table.save(table_path);
  nn::report_written(table_path);

  // Figure: feature map (r, c) = (0, 0) of X, ReLU(X), δ^(l+1), δ^(l)
  nn::Figure fig(args.out, "ch05_activation_layer", 640, 500);
  fig.command("set multiplot layout 2,2 title 'Activation layer, Eqs. (44)-(45): feature map (r, c) = (0, 0), f = ReLU'");
  fig.set("xrange [-0.5:4.5]").set("yrange [3.5:-0.5]").set("xtics 1").set("ytics 1").set("xlabel 'w'").set("ylabel 'h'");
  fig.signed_colours(nn::largest_magnitude({&X, &Y, &dY, &dX}), "");
  const struct {
    const nn::Tensor<double>* t;
    const char* title;
  } panels[] = {{&X, "X^{(l)}"}, {&Y, "X^{(l+1)} = ReLU(X^{(l)})  (44)"}, {&dY, "δ^{(l+1)}"},
                {&dX, "δ^{(l)} = δ^{(l+1)} ⊙ ReLU′(X^{(l)})  (45)"}};
  for (const auto& p : panels) {
    const int b = fig.cells(*p.t);
    fig.set((boost::format("title '%s'") % p.title).str());
    fig.labelled_cells(b, "%.1f", "font ',10'");
    fig.next_panel();
  }
  fig.command("unset multiplot");
  nn::report_written(fig.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.3-4.2.4: the activation layer on a rank-4 batch, Eqs. (44)-(45)", run);
}
