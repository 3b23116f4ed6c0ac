// Chapter 7 — why batch normalization helps (report §4.2.7): the mean and standard deviation of
// the activations, layer by layer, in a deep ReLU network at initialisation, with and without
// batch normalization (Dense → [BatchNorm1d →] ReLU, repeated). Without it the activations
// shrink or grow geometrically with depth unless the weight scale is exactly right (He); with it
// every layer's statistics are the same whatever the weight scale. Also the backward signal δ.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include <boost/format.hpp>

#include "nn/activation_layer.hpp"
#include "nn/batchnorm.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/dense.hpp"
#include "nn/init.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

struct Config {
  const char* name;
  nn::Init init;
  float weight_scale;  // multiplies the initial weights
  bool batchnorm;
};

struct Stats {
  std::vector<double> mean, std, delta_std;  // per hidden layer: activations and δ at the ReLU output
};

template <class T>
std::pair<double, double> mean_std(const nn::Tensor<T>& X) {
  double m = 0, v = 0;
  for (T x : X) m += double(x);
  m /= double(X.size());
  for (T x : X) v += (double(x) - m) * (double(x) - m);
  return {m, std::sqrt(v / double(X.size()))};
}

//! [network]
// depth × (Dense(width → width) → [BatchNorm1d(width) →] ReLU), weights by `init` times `scale`.
nn::Sequential<float> build(const Config& cfg, std::size_t depth, std::size_t width, std::uint64_t seed) {
  std::mt19937_64 rng(seed);  // the same weights for the runs with and without batch norm
  nn::Sequential<float> net;
  for (std::size_t l = 0; l < depth; ++l) {
    auto& dense = net.add<nn::Dense<float>>(width, width, cfg.init, rng);
    dense.weight() *= cfg.weight_scale;
    if (cfg.batchnorm) net.add<nn::BatchNorm1d<float>>(width);  // Eqs. (52)-(55) per feature
    net.add<nn::Activation<float>>(nn::ActivationFunction::relu);
  }
  return net;
}
//! [network]

Stats measure(nn::Sequential<float>& net, const nn::Tensor<float>& X, const nn::Tensor<float>& dOut) {
  Stats s;
  const nn::Tensor<float>* x = &X;
  for (std::size_t i = 0; i < net.size(); ++i) {
    x = &net[i].forward(*x);
    if (net[i].name().rfind("Activation", 0) == 0) {
      const auto [m, sd] = mean_std(*x);
      s.mean.push_back(m);
      s.std.push_back(sd);
    }
  }
  // backward: the std of δ arriving at each ReLU output, from a random δ at the top
  const nn::Tensor<float>* d = &dOut;
  std::vector<double> deltas;
  for (std::size_t i = net.size(); i-- > 0;) {
    if (net[i].name().rfind("Activation", 0) == 0) deltas.push_back(mean_std(*d).second);
    d = &net[i].backward(*d);
  }
  s.delta_std.assign(deltas.rbegin(), deltas.rend());
  return s;
}

int run(const nn::ChapterArgs& args) {
  const std::size_t depth = args.quick ? 10 : 20, width = args.quick ? 64 : 256, batch = args.quick ? 64 : 512;
  std::mt19937_64 rng(args.seed);
  nn::Tensor<float> X(nn::Shape{batch, width}), dOut(nn::Shape{batch, width});
  for (auto& x : X) x = float(nn::standard_normal(rng));  // unit-variance inputs
  for (auto& d : dOut) d = float(nn::standard_normal(rng));

  const Config configs[] = {
      {"Xavier, no BN", nn::Init::xavier_normal, 1.0f, false},
      {"He, no BN", nn::Init::he_normal, 1.0f, false},
      {"Xavier x 2.5, no BN", nn::Init::xavier_normal, 2.5f, false},
      {"Xavier, BN", nn::Init::xavier_normal, 1.0f, true},
      {"Xavier x 2.5, BN", nn::Init::xavier_normal, 2.5f, true},
  };
  std::vector<Stats> stats;
  for (const auto& cfg : configs) {
    auto net = build(cfg, depth, width, args.seed + 1);
    stats.push_back(measure(net, X, dOut));
  }

  std::ostringstream out;
  out << "Activation statistics at initialisation: " << depth << " × (Dense(" << width << " → " << width
      << ") → [BatchNorm1d] → ReLU),\nbatch " << batch << ", unit-normal inputs. Columns: A = Xavier, B = He,\n"
         "C = Xavier × 2.5, all without BN; D = Xavier with BN, E = Xavier × 2.5 with BN\n\n";
  const char* shorts[] = {"A", "B", "C", "D", "E"};
  std::vector<nn::Table::Column> cols{{"layer", "%5d"}};
  for (const char* c : shorts) cols.push_back({c, "%9s"});
  // one table per statistic, every fifth layer: values[config][layer]
  auto per_layer = [&](auto value) {
    nn::Table t(cols);
    for (std::size_t l = 0; l < depth; ++l) {
      if (!(l == 0 || (l + 1) % 5 == 0)) continue;
      std::vector<std::string> cells;
      for (const auto& st : stats) cells.push_back((boost::format("%.3g") % value(st, l)).str());
      t.row(l + 1, cells[0], cells[1], cells[2], cells[3], cells[4]);
    }
    return t.str();
  };
  const std::string table = per_layer([](const Stats& st, std::size_t l) { return st.std[l]; });
  const std::string mtable = per_layer([](const Stats& st, std::size_t l) { return st.mean[l]; });
  const std::string dtable = per_layer([](const Stats& st, std::size_t l) { return st.delta_std[l]; });
  // the factor per layer, geometric mean over the depth: forward std_L/std_1, backward δ_1/δ_L
  nn::Table factors({{"configuration", "%-22s"}, {"forward", "%7.3f"}, {"backward", "%8.3f"}});
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const double n = double(depth - 1);
    factors.row(std::string(configs[i].name), std::pow(stats[i].std[depth - 1] / stats[i].std[0], 1 / n),
                std::pow(stats[i].delta_std[0] / stats[i].delta_std[depth - 1], 1 / n));
  }
  out << "Forward: std of the activations after layer l's ReLU\n" << table
      << "\nForward: their mean\n" << mtable
      << "\nBackward: std of δ at layer l's ReLU output (δ at the top: unit normal)\n" << dtable
      << "\nWithout BN the statistics change by a constant factor per layer (Xavier: about\n"
         "1/√2 for ReLU, × 2.5: about 2.5/√2), so after " << depth << " layers they have vanished or\n"
         "exploded; He's √2 gain is the one scale that keeps them. With BN every layer\n"
         "starts from mean 0, variance 1 again (then ReLU: mean ≈ 0.40, std ≈ 0.58),\n"
         "whatever the scale.\n"
         "\nThe factor per layer (geometric mean over the depth), forward and backward:\n" << factors.str()
      << "Forward with BN the factor is 1. Backward, BN is not free: δ grows by about\n"
         "√(π/(π−1)) ≈ " << (boost::format("%.3f") % std::sqrt(M_PI / (M_PI - 1))).str()
      << " per layer going down, the rate that\n"
         "mean-field theory predicts for BN + ReLU at initialisation (Yang et al.,\n"
         "ICLR 2019): far milder than the 2.5/√2 of a badly scaled net without BN,\n"
         "and independent of the weight scale.\n";
  std::cout << out.str();
  const auto txt = args.out / "ch07_activation_stats.txt";
  nn::write_file_atomically(txt, nn::wrap_text(out.str()));
  nn::report_written(txt);
  nn::Facts facts("ch07_activation_stats");
  const double n_factor = double(depth - 1);
  facts.set("depth", depth, "%d").set("width", width, "%d").set("batch", batch, "%d");
  facts.set("xavier_last_std", stats[0].std[depth - 1], "%.2g").set("big_last_std", stats[2].std[depth - 1], "%.2g");
  facts.set("bn_min_std", *std::min_element(stats[3].std.begin(), stats[3].std.end()), "%.2f");
  facts.set("bn_max_std", *std::max_element(stats[3].std.begin(), stats[3].std.end()), "%.2f");
  facts.set("bn_backward_factor", std::pow(stats[3].delta_std[0] / stats[3].delta_std[depth - 1], 1 / n_factor), "%.2f");
  nn::report_written(facts.save(args.out));

  nn::Figure fig(args.out, "ch07_activation_stats", 640, 440);
  fig.command("set multiplot layout 1,2 title \"A deep ReLU net at initialisation: with batch normalization\\n"
              "the statistics do not depend on depth or weight scale\"");
  fig.set("logscale y").set("format y '10^{%L}'").set("xlabel 'layer l'").set("grid").set("key top left font ',9'");
  fig.set("xtics 5").set("ytics 100");
  // the top of a panel's y range: three decades above its largest value, room for the key
  const auto y_top = [&](auto member) {
    double top = 0;
    for (const auto& s : stats) top = std::max(top, *std::max_element((s.*member).begin(), (s.*member).end()));
    return (boost::format("yrange [*:%g]") % std::pow(10.0, std::ceil(std::log10(top)) + 3)).str();
  };
  // one colour per initialisation (nn::series_colour), dashed without batch norm, solid with it
  const std::string blue = nn::series_colour(0), green = nn::series_colour(2), red = nn::series_colour(3);
  const std::string styles[] = {"lw 2 lc rgb '" + blue + "' dt 2", "lw 2 lc rgb '" + green + "' dt 2",
                                "lw 2 lc rgb '" + red + "' dt 2", "lw 3 lc rgb '" + blue + "' pt 7 ps 1.2",
                                "lw 1 lc rgb '" + red + "' pt 4 ps 1.8"};
  std::vector<int> blocks;
  for (const auto& s : stats) {
    std::vector<double> layer(depth);
    for (std::size_t l = 0; l < depth; ++l) layer[l] = double(l + 1);
    blocks.push_back(fig.block({layer, s.std, s.mean, s.delta_std}));
  }
  fig.set("ylabel 'std of activations (ReLU output)'").set("title 'forward'").set(y_top(&Stats::std));
  for (std::size_t i = 0; i < blocks.size(); ++i)
    fig.plot(fig.data(blocks[i]) + " using 1:2 with linespoints " + styles[i] + " title '" + configs[i].name + "'");
  fig.next_panel();
  fig.set("ylabel 'std of δ at the ReLU output'").set("title 'backward'").set("key top right").set(y_top(&Stats::delta_std));
  for (std::size_t i = 0; i < blocks.size(); ++i)
    fig.plot(fig.data(blocks[i]) + " using 1:4 with linespoints " + styles[i] + " title '" + configs[i].name + "'");
  fig.next_panel();
  fig.command("unset multiplot");
  nn::report_written(fig.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.7: activation statistics per layer with and without batch norm at initialisation", run);
}
