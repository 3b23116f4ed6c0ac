// Chapter 3 — the numerical evidence for the errata of §4.1 (docs/errata_ch03.md). For every
// erratum that numbers can decide, the draft's form and the corrected form are both compared with
// central differences of the loss (or, for Eq. (6), with Eq. (7)); the draft's form fails, the
// corrected one passes. tests/lib/test_errata_ch03.cpp checks the same claims.
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include "nn/tools/cli.hpp"
#include "nn/finite_difference.hpp"
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
  nn::Table t({{"equation", "%-9s"}, {"what", "%-44s"}, {"draft: rel. error", "%17.2e"}, {"", "%-6s"},
               {"corrected: rel. error", "%21.2e"}, {"", "%-6s"}});

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
  }

  // Eq. (16) without a batch convention: the gradient 2(ŷ − y) belongs to the *sum* over the batch.
  {
    const auto numeric = nn::numerical_gradient([&](const Tensor<double>& v) { return nn::l2_loss(v, Y); }, pass.yhat);
    Tensor<double> no_mean = pass.yhat - Y;
    no_mean *= 2.0;
    const auto drafted = nn::compare_gradients(no_mean, numeric);
    const auto corrected = nn::compare_gradients(nn::l2_loss_gradient(pass.yhat, Y), numeric);
    t.row("(16)", "mean loss, R = 4: 2(yhat - y) vs 2(yhat - y)/R", drafted.max_relative_error,
          verdict(drafted.max_relative_error), corrected.max_relative_error, verdict(corrected.max_relative_error));
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
  }

  std::ostringstream out;
  out << "Errata of §4.1: each draft form and its correction against central differences (h = 1e-5),\n"
         "relative error |a − n| / max(|a|, |n|); 'passes' means ≤ 1e-7. Network: Figure 1's 3 → 3 → 3 → 1, tanh.\n"
      << t.str() << "\nEq. (31) one layer higher (l = 1) cannot even be evaluated: " << eq31_shape_note << "\n";
  std::cout << out.str();
  const auto path = args.out / "ch03_errata.txt";
  nn::write_file_atomically(path, out.str());
  nn::report_written(path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.1 errata: the draft's forms of Eqs. (6), (16), (25), (30), (31), (33) fail, the corrected pass", run);
}
