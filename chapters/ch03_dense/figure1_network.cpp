// Chapter 3 — the report's Figure 1 network (§4.1, Eqs. (6)–(7)). The figure itself is missing
// from the draft; its text gives the sizes: Eq. (6) has X^(2) ∈ R^{1×3} and X^(3) ∈ R^{1×1},
// Eq. (16) has three weight matrices W^(0), W^(1), W^(2), and §4.1.2 says the network has 24
// parameters. This program finds which layer widths give 24, builds that network, draws it,
// and computes Eq. (6)'s signal by hand next to the library's.
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include <boost/format.hpp>

#include "nn/activation_layer.hpp"
#include "nn/tools/cli.hpp"
#include "nn/dense.hpp"
#include "nn/layer.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

#include "draft_equations.hpp"

namespace {

const std::size_t kWidths[] = {3, 3, 3, 1};  // X^(0) … X^(3): inputs, two hidden layers, output
const nn::ActivationFunction kF = nn::ActivationFunction::sigmoid;

int run(const nn::ChapterArgs& args) {
  std::ostringstream out;

  // ---- 1. Which widths give 24 parameters? -------------------------------------------------
  //! [count]
  // Inputs n0 → hidden n1 → hidden 3 (Eq. (6)) → 1 output, two ways of counting the biases:
  //  (a) one bias neuron per layer (Figure 1, Eq. (6): b^(l) ∈ R^1):  n0·n1 + 3·n1 + 3 + 3 scalars
  //  (b) one bias per neuron (nn::Dense, b^(l) ∈ R^m):                n0·n1 + n1 + 3·n1 + 3 + 3 + 1
  nn::Table count({{"n0", "%3d"}, {"n1", "%3d"}, {"weights", "%8d"}, {"(a) bias neurons", "%17d"},
                   {"(b) bias per neuron", "%20d"}});
  for (int n0 = 1; n0 <= 16; ++n0)
    for (int n1 = 1; n1 <= 6; ++n1) {
      const int weights = n0 * n1 + n1 * 3 + 3 * 1;
      const int a = weights + 3, b = weights + n1 + 3 + 1;
      if (a == 24 || b == 24 || (n0 == 3 && n1 == 3)) count.row(n0, n1, weights, a, b);
    }
  //! [count]
  out << "Figure 1: widths n0 → n1 → 3 → 1 (Eq. (6) fixes the last two). Rows where a count is 24,\n"
         "and the network the figure's text describes (3 → 3 → 3 → 1):\n"
      << count.str()
      << "With one bias neuron per layer (a), 24 is reached by 3 → 3 → 3 → 1, 6 → 2 → 3 → 1 and\n"
         "15 → 1 → 3 → 1: the count does not fix the widths. With one bias per neuron (b),\n"
         "n1(n0 + 4) + 7 = 24 only for n1 = 1, n0 = 13. We draw 3 → 3 → 3 → 1 with one shared bias\n"
         "per layer (9 + 1 + 9 + 1 + 3 + 1 = 24): our choice, not the draft's. Our nn::Dense stores\n"
         "one bias per neuron, 28 parameters.\n\n";

  // ---- 2. Build it with the library, with shared biases ------------------------------------
  //! [build]
  std::mt19937_64 rng(args.seed);
  nn::Sequential<double> net;
  std::vector<nn::Dense<double>*> dense;
  for (std::size_t l = 0; l + 1 < std::size(kWidths); ++l) {
    dense.push_back(&net.add<nn::Dense<double>>(kWidths[l], kWidths[l + 1], nn::Init::xavier_uniform, rng));
    net.add<nn::Activation<double>>(kF);
  }
  const double bias_neuron[] = {0.1, -0.2, 0.3};  // the bias neurons of Figure 1: one value per layer
  for (std::size_t l = 0; l < dense.size(); ++l) dense[l]->bias().fill(bias_neuron[l]);
  const nn::Tensor<double> X0(nn::Shape{1, 3}, {0.5, -1.0, 2.0});  // one example (R = 1)
  const nn::Tensor<double> yhat = net.forward(X0);
  //! [build]
  out << net.summary(X0.shape()) << "(of which 28 − 24 = 4 are biases that the figure's bias neurons share)\n\n";

  // ---- 3. The same signal by hand: Eq. (7) written out neuron by neuron ----------------------
  //! [by_hand]
  std::vector<std::vector<double>> x_hand{{X0(0, 0), X0(0, 1), X0(0, 2)}};
  for (std::size_t l = 0; l < dense.size(); ++l) {
    const auto& W = dense[l]->weight();
    std::vector<double> next;
    for (std::size_t b = 0; b < kWidths[l + 1]; ++b) {
      double z = bias_neuron[l];                                      // b^(l)
      for (std::size_t a = 0; a < kWidths[l]; ++a) z += x_hand[l][a] * W(a, b);  // Σ_a X_0a W_ab
      next.push_back(1.0 / (1.0 + std::exp(-z)));                     // f = σ, Eq. (8)
    }
    x_hand.push_back(next);
  }
  //! [by_hand]
  nn::Table side({{"layer", "%5s"}, {"neuron", "%6d"}, {"by hand", "%14.10f"}, {"library", "%14.10f"},
                  {"|difference|", "%12.2e"}});
  // Every X^(l) from the library: run the layers one by one, keeping the outputs of the activations.
  std::vector<nn::Tensor<double>> X{X0};
  {
    nn::Tensor<double> x = X0;
    for (std::size_t i = 0; i < net.size(); ++i) {
      x = net[i].forward(x);
      if (i % 2 == 1) X.push_back(x);
    }
  }
  for (std::size_t l = 1; l < X.size(); ++l)
    for (std::size_t b = 0; b < kWidths[l]; ++b)
      side.row("X^(" + std::to_string(l) + ")", b, x_hand[l][b], X[l](0, b), std::abs(x_hand[l][b] - X[l](0, b)));
  out << "The signal, by hand (loops over Eq. (7)) and by the library (nn::Dense + nn::Activation):\n"
      << side.str() << "\n";

  // ---- 4. Eq. (6): the signal from layer 2 to layer 3 --------------------------------------
  //! [eq6]
  const auto& W2 = dense[2]->weight();  // (3, 1)
  const double first_line = ch03::eq6_first_line(X[2], W2, bias_neuron[2], kF);
  const double second_line = ch03::draft::eq6_second_line(X[2], W2, bias_neuron[2], kF);
  //! [eq6]
  nn::Table eq6({{"Eq. (6)", "%-52s"}, {"X^(3)_00", "%14.10f"}, {"vs library", "%12.2e"}});
  eq6.row("first line: f(X00 W00 + X01 W10 + X02 W20 + b)", first_line, std::abs(first_line - yhat(0, 0)));
  eq6.row("second line as drafted: f(X00 W00 + b)  [erratum]", second_line, std::abs(second_line - yhat(0, 0)));
  out << "Eq. (6) with X^(2) = " << nn::to_string(X[2], 6) << eq6.str()
      << "The first line is Eq. (7) for this neuron; the draft's second line drops X01 W10 + X02 W20\n"
         "(see the errata page).\n";

  std::cout << out.str();
  const auto txt = args.out / "ch03_figure1_network.txt";
  nn::write_file_atomically(txt, nn::wrap_text(out.str()));
  nn::report_written(txt);

  // ---- 5. Draw Figure 1: neurons, bias neurons, weights (width ∝ |W|, colour nn::sign_colour) ----
  nn::Figure fig(args.out, "ch03_figure1_network", 640, 420);
  fig.command("unset border").command("unset xtics").command("unset ytics").command("unset key");
  fig.set("xrange [-0.6:3.6]").set("yrange [-1.9:1.6]");
  fig.set("title \"Figure 1: 3 → 3 → 3 → 1, one bias neuron (purple) per layer, 24 parameters\\n"
          "weights: orange W > 0, blue W < 0, line width ∝ |W|\"");
  auto ypos = [](std::size_t i, std::size_t n) { return (double(n) - 1) / 2.0 - double(i); };
  std::vector<std::vector<std::vector<double>>> edges(3, std::vector<std::vector<double>>(5));  // by |W| class
  std::vector<std::vector<double>> nodes(4);
  auto width_class = [](double w) { return std::abs(w) < 0.3 ? 0 : std::abs(w) < 0.7 ? 1 : 2; };
  for (std::size_t l = 0; l + 1 < std::size(kWidths); ++l) {
    const auto& W = dense[l]->weight();
    for (std::size_t a = 0; a < kWidths[l]; ++a)
      for (std::size_t b = 0; b < kWidths[l + 1]; ++b) {
        const double x0 = double(l), y0 = ypos(a, kWidths[l]), x1 = double(l + 1), y1 = ypos(b, kWidths[l + 1]);
        for (auto [c, v] : {std::pair{0, x0}, {1, y0}, {2, x1 - x0}, {3, y1 - y0},
                            {4, nn::rgb_number(nn::sign_colour(W(a, b)))}})
          edges[std::size_t(width_class(W(a, b)))][std::size_t(c)].push_back(v);
      }
    for (std::size_t b = 0; b < kWidths[l + 1]; ++b) {  // the bias neuron below layer l feeds layer l+1
      for (auto [c, v] : {std::pair{0, double(l)}, {1, -1.5}, {2, 1.0}, {3, ypos(b, kWidths[l + 1]) + 1.5},
                          {4, double(0xaaaaaa)}})
        edges[0][std::size_t(c)].push_back(v);
    }
  }
  for (std::size_t l = 0; l < std::size(kWidths); ++l)
    for (std::size_t a = 0; a < kWidths[l]; ++a) {
      nodes[0].push_back(double(l));
      nodes[1].push_back(ypos(a, kWidths[l]));
      nodes[2].push_back(l == 0 ? double(0xd9d9d9) : double(0xffffff));  // inputs grey, others white
      nodes[3].push_back(X[l](0, a));
    }
  for (std::size_t l = 0; l + 1 < std::size(kWidths); ++l) {
    nodes[0].push_back(double(l));
    nodes[1].push_back(-1.5);
    nodes[2].push_back(nn::rgb_number(nn::series_colour(4)));  // bias neurons purple
    nodes[3].push_back(bias_neuron[l]);
  }
  const double line_width[] = {1.0, 2.5, 4.5};  // |W| < 0.3, < 0.7, ≥ 0.7
  for (std::size_t k = 0; k < 3; ++k) {
    if (edges[k][0].empty()) continue;
    const int e = fig.block(edges[k]);
    fig.plot(fig.data(e) + (boost::format(" using 1:2:3:4:5 with vectors nohead lw %.1f lc rgb variable") % line_width[k]).str());
  }
  const int n = fig.block(nodes);
  fig.plot(fig.data(n) + " using 1:2:3 with points pt 7 ps 6.5 lc rgb variable");
  fig.plot(fig.data(n) + " using 1:2 with points pt 6 ps 6.5 lw 1 lc rgb 'black'");  // outlines
  fig.plot(fig.data(n) + " using 1:2:(sprintf('%.2f', $4)) with labels font ',9'");
  for (std::size_t l = 0; l < std::size(kWidths); ++l)
    fig.command((boost::format("set label 'X^{(%d)}' at %d,1.4 center") % l % l).str());
  nn::report_written(fig.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.1 Figure 1: the 24-parameter network and the signal of Eq. (6)", run);
}
