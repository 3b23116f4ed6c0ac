// Chapter 3 — the numerical evidence for the errata of §4.1 (docs/errata_ch03.md). For every
// erratum that numbers can decide, the draft's form and the corrected form are both compared with
// central differences of the loss (or, for Eq. (6), with Eq. (7)); the draft's form fails, the
// corrected one passes. The batch convention of Eq. (16) is not an erratum: the summed and the mean
// loss each have their gradient, and both are shown. The numbers go to ch03_errata.facts for the
// errata page. tests/lib/test_errata_ch03.cpp checks the same claims.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include "nn/tools/cli.hpp"
#include "nn/finite_difference.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

#include "draft_equations.hpp"

namespace {

using nn::Shape;
using nn::Tensor;

Tensor<double> random_tensor(const Shape& s, std::mt19937_64& rng) {
  Tensor<double> t(s);
  for (auto& v : t) v = 2 * nn::uniform01(rng) - 1;
  return t;
}

// The network of Figure 1 (figure1_network.cpp): 3 → 3 → 3 → 1, tanh.
ch03::Mlp figure1_net(std::mt19937_64& rng) {
  ch03::Mlp net;
  const std::size_t widths[] = {3, 3, 3, 1};
  for (std::size_t l = 0; l < 3; ++l) {
    net.W.push_back(random_tensor(Shape{widths[l], widths[l + 1]}, rng));
    net.b.push_back(random_tensor(Shape{widths[l + 1]}, rng));
  }
  return net;
}

const double kPass = 1e-7;  // a correct gradient in double (see tests/lib/test_dense.cpp)

std::string verdict(double e) { return e <= kPass ? "passes" : "FAILS"; }

int run(const nn::ChapterArgs& args) {
  std::mt19937_64 rng(args.seed);
  nn::Facts facts("ch03_errata");
  double worst_corrected = 0;  // the corrected forms' worst relative error
  auto record = [&](const std::string& key, double drafted, double corrected, const char* draft_format) {
    facts.set(key + "_draft", drafted, draft_format).set(key + "_corrected", corrected, "%.0e");
    worst_corrected = std::max(worst_corrected, corrected);
  };
  nn::Table t({{"eq.", "%-9s"}, {"what", "%-44s"}, {"draft", "%8.1e"}, {"", "%-5s"},
               {"fixed", "%8.1e"}, {"", "%-6s"}});

  // Eqs. (25)/(30): ∂L/∂ŷ, one example (R = 1), L = ‖ŷ − y‖² exactly as Eq. (16) prints it.
  {
    //! [eq25]
    const auto yhat = random_tensor(Shape{1, 3}, rng), y = random_tensor(Shape{1, 3}, rng);
    const auto numeric = nn::numerical_gradient([&](const Tensor<double>& v) { return nn::l2_loss(v, y); }, yhat);
    const auto drafted = nn::compare_gradients(ch03::draft::l2_gradient(yhat, y), numeric);  // 2‖ŷ − y‖
    const auto corrected = nn::compare_gradients(nn::l2_loss_gradient(yhat, y), numeric);    // 2(ŷ − y)
    //! [eq25]
    t.row("(25),(30)", "dL/dyhat: 2|yhat - y| vs 2(yhat - y), R = 1", drafted.max_relative_error,
          verdict(drafted.max_relative_error), corrected.max_relative_error, verdict(corrected.max_relative_error));
    record("eq25", drafted.max_relative_error, corrected.max_relative_error, "%.1f");
  }

  const auto net = figure1_net(rng);
  const std::size_t R = 4;
  const auto X = random_tensor(Shape{R, 3}, rng), Y = random_tensor(Shape{R, 1}, rng);
  const auto pass = ch03::forward(net, X);
  const auto bp = ch03::backprop(net, pass, Y);

  // Eq. (31): δ^(0) with W^(1) (draft) or W^(0) (corrected), against ∂L/∂X^(0).
  std::string eq31_shape_note;
  {
    //! [eq31]
    const auto numeric = nn::numerical_gradient([&](const Tensor<double>& v) { return ch03::loss(net, v, Y); }, X);
    const auto drafted = nn::compare_gradients(ch03::draft::delta(bp.G[0], net.W[1]), numeric);  // W^(l+1)
    const auto corrected = nn::compare_gradients(bp.delta[0], numeric);                           // W^(l)
    //! [eq31]
    t.row("(31)", "delta^(0) = (delta^(1) * f') W^(1)T vs W^(0)T", drafted.max_relative_error,
          verdict(drafted.max_relative_error), corrected.max_relative_error, verdict(corrected.max_relative_error));
    record("eq31", drafted.max_relative_error, corrected.max_relative_error, "%.1f");
    try {
      ch03::draft::delta(bp.G[1], net.W[2]);
    } catch (const nn::shape_error& e) {
      eq31_shape_note = e.what();
    }
  }

  // Eq. (33): ∂L/∂b^(0); the draft's R×3 matrix has no batch sum. Its row 0 is compared.
  {
    ch03::Mlp probe = net;
    const auto numeric = nn::numerical_gradient(
        [&](const Tensor<double>& v) {
          probe.b[0] = v;
          return ch03::loss(probe, X, Y);
        },
        net.b[0]);
    const auto drafted_matrix = ch03::draft::bias_gradient(bp.G[0]);
    const Tensor<double> row0(Shape{3}, std::vector<double>(drafted_matrix.begin(), drafted_matrix.begin() + 3));
    const auto drafted = nn::compare_gradients(row0, numeric);
    const auto corrected = nn::compare_gradients(bp.db[0], numeric);
    t.row("(33)", "dL/db^(0): delta * f' (row 0 of R = 4) vs sum_r", drafted.max_relative_error,
          verdict(drafted.max_relative_error), corrected.max_relative_error, verdict(corrected.max_relative_error));
    record("eq33", drafted.max_relative_error, corrected.max_relative_error, "%.1f");
  }

  // Eq. (6): the second line against the first (= Eq. (7) for the neuron).
  {
    const auto X2 = random_tensor(Shape{1, 3}, rng), W2 = random_tensor(Shape{3, 1}, rng);
    const double b2 = 0.3;
    nn::DenseCache<double> cache;
    const double truth = nn::dense_forward(X2, W2, Tensor<double>(Shape{1}, b2), nn::ActivationFunction::sigmoid, cache)(0, 0);
    const double first = ch03::eq6_first_line(X2, W2, b2, nn::ActivationFunction::sigmoid);
    const double second = ch03::draft::eq6_second_line(X2, W2, b2, nn::ActivationFunction::sigmoid);
    t.row("(6)", "X^(3)_00: 2nd line vs 1st line (vs Eq. (7))", nn::relative_error(second, truth),
          verdict(nn::relative_error(second, truth)), nn::relative_error(first, truth),
          verdict(nn::relative_error(first, truth)));
    facts.set("eq6_second_line", nn::relative_error(second, truth), "%.1e")
        .set("eq6_first_line", nn::relative_error(first, truth), "%.1g");
  }

  // Eq. (16) over a batch: ‖ŷ − y‖² of the R×1 matrix sums over the examples. The summed loss and
  // the mean loss are both valid; each has its gradient. §4.1's Eqs. (30), (32) give the sum's,
  // §4.2 divides the weight gradients by R (Eqs. (43), (56)-(57)) and so gives the mean's — with
  // one symbol L for both. ∂L/∂W^(0) four ways, against central differences of the loss named.
  nn::Table conv({{"loss", "%-5s"}, {"delta^(L)", "%-12s"}, {"dL/dW^(0)", "%-14s"}, {"as in", "%-27s"},
                  {"rel. error", "%10.2e"}, {"", "%-6s"}});
  {
    auto loss_of = [&](bool mean) {
      return [&, mean](const Tensor<double>& w) {
        ch03::Mlp probe = net;
        probe.W[0] = w;
        const double l = ch03::loss(probe, X, Y);  // the mean (nn::l2_loss)
        return mean ? l : l * double(R);
      };
    };
    const auto numeric_sum = nn::numerical_gradient(loss_of(false), net.W[0]);
    const auto numeric_mean = nn::numerical_gradient(loss_of(true), net.W[0]);
    Tensor<double> delta_sum = pass.yhat - Y;
    delta_sum *= 2.0;  // 2(ŷ − y): Eq. (30) corrected, for the summed loss
    const auto dW_sum = ch03::backprop_from(net, pass, delta_sum).dW[0];  // X^(0)T G, Eq. (32)
    const auto dW_mean = bp.dW[0];                                         // δ^(L) = 2(ŷ − y)/R
    const Tensor<double> dW_sum_over_R = (1.0 / double(R)) * dW_sum;
    const double e_sum = nn::compare_gradients(dW_sum, numeric_sum).max_relative_error;
    const double e_mean = nn::compare_gradients(dW_mean, numeric_mean).max_relative_error;
    const double e_42 = nn::compare_gradients(dW_sum_over_R, numeric_mean).max_relative_error;
    const double e_mixed = nn::compare_gradients(dW_sum, numeric_mean).max_relative_error;
    conv.row("sum", "2(yhat-y)", "X^T G", "§4.1, Eqs. (30), (32)", e_sum, verdict(e_sum));
    conv.row("mean", "2(yhat-y)/R", "X^T G", "ours", e_mean, verdict(e_mean));
    conv.row("mean", "2(yhat-y)", "(1/R) X^T G", "§4.2, Eqs. (43), (56)-(57)", e_42, verdict(e_42));
    conv.row("mean", "2(yhat-y)", "X^T G", "one L for both: a slip", e_mixed, verdict(e_mixed));
    facts.set("conv_sum", e_sum, "%.0e").set("conv_mean", e_mean, "%.0e").set("conv_sum_over_r", e_42, "%.0e")
        .set("conv_mixed", e_mixed, "%.2f").set("batch", R, "%d");
    worst_corrected = std::max({worst_corrected, e_sum, e_mean, e_42});
  }

  // Figure 1's "24 parameters" (§4.1.2): which widths n0 → n1 → 3 → 1 (Eq. (6) fixes the last
  // two, Eq. (16) has three weight matrices) give 24? (a) one bias neuron per layer, as Figure 1's
  // red neurons: n0·n1 + 3·n1 + 3 weights + 3 biases; (b) one bias per neuron: + n1 + 3 + 1.
  // Any n0 or n1 above 24 gives more than 24 weights, so the loops see every solution.
  std::string arch24;
  {
    int count_a = 0, count_b = 0;
    for (int n0 = 1; n0 <= 24; ++n0)
      for (int n1 = 1; n1 <= 24; ++n1) {
        const int weights = n0 * n1 + n1 * 3 + 3 * 1;
        const std::string name = std::to_string(n0) + "→" + std::to_string(n1) + "→3→1";
        if (weights + 3 == 24) {
          facts.set_text("arch24_bias_neurons_" + std::to_string(++count_a), name);
          arch24 += "  " + name + " with one bias neuron per layer\n";
        }
        if (weights + n1 + 3 + 1 == 24) {
          facts.set_text("arch24_bias_per_neuron_" + std::to_string(++count_b), name);
          arch24 += "  " + name + " with one bias per neuron\n";
        }
      }
    facts.set("arch24_bias_neurons_count", count_a, "%d").set("arch24_bias_per_neuron_count", count_b, "%d");
  }

  std::ostringstream out;
  out << "Errata of §4.1: each draft form and its correction against central differences (h = 1e-5),\n"
         "relative error |a − n| / max(|a|, |n|); 'passes' means ≤ 1e-7. Network: Figure 1's 3 → 3 → 3 → 1, tanh.\n"
      << t.str() << "\nEq. (31) one layer higher (l = 1) cannot even be evaluated: " << eq31_shape_note << "\n"
      << "\nEq. (16) over a batch of R = " << R << ": the summed and the mean loss, each with its own gradient (rel. error\n"
         "of dL/dW^(0) against central differences of the loss in the first column). Both conventions are valid;\n"
         "the slip is one symbol L for both, and §4.1 lacking the 1/R that §4.2 has.\n"
      << conv.str()
      << "\nFigure 1's \"24 parameters\": the widths n0 → n1 → 3 → 1 that give 24 (n0, n1 ≥ 1; Eq. (6) fixes 3 → 1):\n"
      << arch24;
  std::cout << out.str();
  const auto path = args.out / "ch03_errata.txt";
  nn::write_file_atomically(path, nn::wrap_text(out.str()));
  nn::report_written(path);
  facts.set("worst_corrected", worst_corrected, "%.0e");
  nn::report_written(facts.save(args.out));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.1 errata: the draft's forms of Eqs. (6), (25), (30), (31), (33) fail, the corrected pass; Eq. (16)'s two batch conventions", run);
}
