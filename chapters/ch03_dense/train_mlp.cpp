// Chapter 3 — training a small MLP (§4.1: Eq. (7) forward, Eqs. (29)–(33) backward, Eq. (20)
// and Adam) on two 2-D problems that no linear model can solve: XOR (4 points) and two
// interleaved spirals. Prints the training accuracies, draws the loss curves and the decision
// boundaries, and exits with an error if XOR is below 100% or the spirals below 97% (full run).
#include <cmath>
#include <iostream>
#include <numeric>
#include <random>
#include <sstream>

#include <boost/format.hpp>

#include "nn/activation_layer.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/dense.hpp"
#include "nn/init.hpp"
#include "nn/layer.hpp"
#include "nn/loss.hpp"
#include "nn/optim.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

using nn::Shape;
using nn::Tensor;

struct Problem {
  std::string name;
  Tensor<float> X;                  // (N, 2)
  std::vector<std::size_t> labels;  // N classes in {0, 1}
};

Problem xor_problem() {
  return {"XOR", Tensor<float>(Shape{4, 2}, {0, 0, 0, 1, 1, 0, 1, 1}), {0, 1, 1, 0}};
}

// Two spirals, 1.5 turns each, the second the first turned by π, with a little noise. The radius
// reaches ≈ 3.2: squeezed into [−1, 1] the same spirals need far more epochs, because a tanh
// network with small initial weights learns slowly varying functions first.
Problem spirals(std::size_t per_class, std::mt19937_64& rng) {
  const double pi = 3.14159265358979323846;
  Problem p{"two spirals", Tensor<float>(Shape{2 * per_class, 2}), {}};
  for (std::size_t c = 0; c < 2; ++c)
    for (std::size_t i = 0; i < per_class; ++i) {
      const double t = 0.5 + 3.0 * pi * double(i) / double(per_class);  // angle
      const double r = t / pi;  // radius grows with the angle, up to ≈ 3.2
      const std::size_t row = c * per_class + i;
      p.X(row, 0) = float(r * std::cos(t + double(c) * pi) + 0.05 * nn::standard_normal(rng));
      p.X(row, 1) = float(r * std::sin(t + double(c) * pi) + 0.05 * nn::standard_normal(rng));
      p.labels.push_back(c);
    }
  return p;
}

struct Result {
  std::vector<double> epochs, losses;
  double accuracy = 0;
};

//! [train]
// Mini-batch training: forward (Eq. (7) per layer), softmax cross-entropy, backward
// (Eqs. (29)–(33) per layer), one optimizer step (Eq. (20) with Adam's step sizes).
Result train(nn::Sequential<float>& net, const Problem& p, std::size_t batch, int epochs, double lr,
             std::mt19937_64& rng) {
  const std::size_t N = p.labels.size();
  nn::Adam<float> opt(lr);
  const auto params = net.parameters();
  std::vector<std::size_t> order(N);
  std::iota(order.begin(), order.end(), 0);
  Tensor<float> Xb(Shape{batch, 2}), dZ;  // allocated once, reused by every batch
  std::vector<std::size_t> yb(batch);
  Result res;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    for (std::size_t i = N; i-- > 1;) std::swap(order[i], order[std::size_t(nn::uniform01(rng) * double(i + 1))]);
    double epoch_loss = 0;
    for (std::size_t start = 0; start < N; start += batch) {
      const std::size_t B = std::min(batch, N - start);
      Xb.resize(Shape{B, 2});
      yb.resize(B);
      for (std::size_t r = 0; r < B; ++r) {
        Xb(r, 0) = p.X(order[start + r], 0);
        Xb(r, 1) = p.X(order[start + r], 1);
        yb[r] = p.labels[order[start + r]];
      }
      const Tensor<float>& Z = net.forward(Xb);
      epoch_loss += double(nn::softmax_cross_entropy(Z, yb, dZ)) * double(B);
      net.backward(dZ);  // overwrites every ∂L/∂W, ∂L/∂b
      opt.step(params);
    }
    opt.set_learning_rate(nn::cosine_schedule(lr, std::size_t(epoch + 1), std::size_t(epochs), lr / 20));
    res.epochs.push_back(epoch + 1);
    res.losses.push_back(epoch_loss / double(N));
  }
  res.accuracy = nn::accuracy(net.forward(p.X), p.labels);
  return res;
}
//! [train]

nn::Sequential<float> mlp(std::size_t hidden, int layers, std::mt19937_64& rng) {
  //! [model]
  nn::Sequential<float> net;
  std::size_t in = 2;
  for (int l = 0; l < layers; ++l) {
    net.add<nn::Dense<float>>(in, hidden, nn::Init::xavier_uniform, rng);
    net.add<nn::Activation<float>>(nn::ActivationFunction::tanh);
    in = hidden;
  }
  net.add<nn::Dense<float>>(in, 2, nn::Init::xavier_uniform, rng);  // two scores; softmax is in the loss
  //! [model]
  return net;
}

// P(class 1) on a grid, as an image block, with the points on top: class 0 in the blue of the
// signed colour map, class 1 in its orange, and P in the same map, faded, white at P = 1/2.
// The panel spans [left, right] of the figure's width; only the right one shows the colour bar.
void boundary(nn::Figure& fig, nn::Sequential<float>& net, const Problem& p, double lo, double hi, double left,
              double right, bool colour_bar) {
  const std::size_t n = 161;
  Tensor<float> G(Shape{n * n, 2});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      G(i * n + j, 0) = float(lo + (hi - lo) * double(j) / double(n - 1));
      G(i * n + j, 1) = float(lo + (hi - lo) * double(i) / double(n - 1));
    }
  const Tensor<float> P = nn::softmax(net.forward(G));
  std::vector<std::vector<double>> m(n, std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) m[i][j] = P(i * n + j, 1);
  const int img = fig.matrix(m);
  std::vector<std::vector<double>> pts(3);
  for (std::size_t r = 0; r < p.labels.size(); ++r) {
    pts[0].push_back(p.X(r, 0));
    pts[1].push_back(p.X(r, 1));
    pts[2].push_back(double(p.labels[r]));
  }
  const int b = fig.block(pts);
  const double d = (hi - lo) / double(n - 1);
  fig.set((boost::format("xrange [%g:%g]") % lo % hi).str()).set((boost::format("yrange [%g:%g]") % lo % hi).str());
  fig.colour_map(nn::ColourMap::signed_values, 0, 1, "P(class 1)", false, 0.4).set("size square");
  if (!colour_bar) fig.command("unset colorbox");
  fig.set((boost::format("lmargin at screen %g") % left).str()).set((boost::format("rmargin at screen %g") % right).str());
  fig.set("title '" + p.name + "'").set("key off");
  fig.set("xlabel 'x_1'").set("ylabel 'x_2'");
  fig.plot(fig.data(img) + (boost::format(" matrix using (%g+%g*$1):(%g+%g*$2):3 with image") % lo % d % lo % d).str());
  const double point_size = p.labels.size() < 10 ? 2.5 : 0.7;
  fig.plot(fig.data(b) + (boost::format(" using 1:2:($3 > 0.5 ? %.0f : %.0f) with points pt 7 ps %.1f lc rgb variable") %
                          nn::rgb_number(nn::sign_colour(1)) % nn::rgb_number(nn::sign_colour(-1)) % point_size)
                             .str());
}

int run(const nn::ChapterArgs& args) {
  std::mt19937_64 rng(args.seed);
  // XOR: 2 → 8 → 2, full batch. Spirals: 2 → 48 → 48 → 2, batches of 40.
  const Problem xr = xor_problem();
  const Problem sp = spirals(200, rng);
  auto net_xor = mlp(8, 1, rng);
  auto net_sp = mlp(48, 2, rng);
  const Result r_xor = train(net_xor, xr, 4, 300, 0.05, rng);
  const Result r_sp = train(net_sp, sp, 40, args.quick ? 300 : 600, 0.01, rng);

  std::ostringstream out;
  nn::Table t({{"problem", "%-12s"}, {"network", "%-16s"}, {"points", "%7d"}, {"epochs", "%7d"},
               {"final loss", "%11.2e"}, {"train acc.", "%11.2f%%"}, {"target", "%7s"}});
  t.row(xr.name, "2 → 8 → 2", int(xr.labels.size()), int(r_xor.epochs.size()), r_xor.losses.back(),
        100 * r_xor.accuracy, "100%");
  t.row(sp.name, "2 → 48 → 48 → 2", int(sp.labels.size()), int(r_sp.epochs.size()), r_sp.losses.back(),
        100 * r_sp.accuracy, "≥ 97%");
  out << "Training with tanh hidden layers, softmax cross-entropy (mean over the batch), Adam with a cosine\n"
         "learning-rate schedule, float, seed "
      << args.seed << ":\n"
      << t.str();
  std::cout << out.str();
  const auto txt = args.out / "ch03_train_mlp.txt";
  nn::write_file_atomically(txt, nn::wrap_text(out.str()));
  nn::report_written(txt);
  nn::Facts facts("ch03_train_mlp");
  facts.set("xor_accuracy", 100 * r_xor.accuracy, "%.2f").set("spirals_accuracy", 100 * r_sp.accuracy, "%.2f");
  facts.set("spirals_epochs", r_sp.epochs.size(), "%d").set("seed", args.seed, "%d");
  nn::report_written(facts.save(args.out));

  nn::Figure loss(args.out, "ch03_train_loss", 640, 384);
  loss.set("title 'Training loss (softmax cross-entropy, mean over each epoch)'").set("logscale y");
  loss.set("xlabel 'epoch'").set("ylabel 'L'").set("key top right");
  const int bx = loss.block({r_xor.epochs, r_xor.losses}), bs = loss.block({r_sp.epochs, r_sp.losses});
  loss.plot(loss.data(bx) + " using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'XOR'");
  loss.plot(loss.data(bs) + " using 1:2 with lines lw 2 lc rgb '#d62728' title 'two spirals'");
  nn::report_written(loss.render());

  nn::Figure db(args.out, "ch03_decision_boundary", 640, 340);
  db.command("set multiplot layout 1,2 title 'P(class 1) and the training points: class 0 blue, class 1 orange'");
  boundary(db, net_xor, xr, -0.5, 1.5, 0.11, 0.45, false);
  db.next_panel();
  boundary(db, net_sp, sp, -3.6, 3.6, 0.53, 0.87, true);
  db.next_panel();
  db.command("unset multiplot");
  nn::report_written(db.render());

  // The targets hold for the full run (600 epochs, as measured for seed 42); --quick trains
  // 300 epochs only, so there a miss is reported but not an error.
  if (r_xor.accuracy < 1.0 || r_sp.accuracy < 0.97) {
    std::cerr << "training missed its target (100% and ≥ 97%): XOR " << 100 * r_xor.accuracy << "%, spirals "
              << 100 * r_sp.accuracy << "%\n";
    if (!args.quick) return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.1: train an MLP on XOR and two spirals (loss curves, decision boundaries)", run);
}
