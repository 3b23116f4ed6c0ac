// Chapter 8d — watching the maths train (report Eqs. (20), (29)–(33), §4.2.7–4.2.8): LeNet-5
// with and without batch normalization, same seed, data, epochs and optimizer, with a
// nn::TrainingMonitor reading every batch's δ, parameter gradients, ReLU outputs and batch norm
// running statistics from the layers' own buffers. Figures: ‖δ‖ per layer, ‖∂L/∂W‖/‖W‖, dead
// ReLUs, and the running μ̂ and σ̂², per epoch; a table; the facts the page quotes.
#include <algorithm>
#include <iostream>
#include <map>
#include <sstream>

#include "digits_common.hpp"
#include "nn/apps/models.hpp"
#include "nn/apps/monitor.hpp"
#include "nn/tools/facts.hpp"

namespace {

constexpr std::size_t kBatch = 64;
constexpr double kLearningRate = 0.05, kMomentum = 0.9;

/// One network's run: its monitor and its test accuracy per epoch.
struct Run {
  std::string name, tag;
  nn::TrainingMonitor monitor;
  std::vector<double> test_acc;
  double seconds = 0;
};

Run train_watched(bool batchnorm, const nn::TrainTest& data, std::size_t epochs, std::uint64_t seed) {
  //! [watch]
  nn::Sequential<float> net = nn::lenet5(seed, batchnorm);
  nn::SGD<float> opt(kLearningRate, kMomentum);  // Eq. (20) with momentum
  Run run{batchnorm ? "LeNet-5 + BN" : "LeNet-5", batchnorm ? "bn" : "plain",
          nn::TrainingMonitor(net), {}, 0};
  ch08::FitOptions o;
  o.epochs = epochs, o.batch = kBatch, o.seed = seed, o.name = run.name;  // constant α: lr0 unset
  // called after every batch's backward(), before the step; then averaged over the epoch
  o.observe = [&run](nn::Sequential<float>& n) { run.monitor.observe(n); };
  o.after_epoch = [&run](std::size_t, nn::Sequential<float>& n, const ch08::Curve&) { run.monitor.end_epoch(n); };
  const ch08::Curve curve = ch08::fit(net, opt, data, o);
  run.test_acc = curve.test_acc;
  for (double s : curve.seconds) run.seconds += s;
  //! [watch]
  return run;
}

/// Index of `label` in `labels` (the monitor's labels are fixed by nn::lenet5's layers).
std::size_t index_of(const std::vector<std::string>& labels, const std::string& label) {
  const auto it = std::find(labels.begin(), labels.end(), label);
  if (it == labels.end()) throw std::logic_error("ch08_monitor: no probe named " + label);
  return std::size_t(it - labels.begin());
}

using Field = std::vector<double> nn::MonitorEpoch::*;

/// Series k of a field over the epochs.
std::vector<double> series(const Run& r, Field f, std::size_t k, double scale = 1) {
  std::vector<double> s;
  for (const auto& e : r.monitor.epochs()) s.push_back(scale * (e.*f).at(k));
  return s;
}

/// A figure of one field: one panel per run, one line per probe.
void panels(const nn::ChapterArgs& args, const std::string& name, const std::string& title,
            const std::string& ylabel, const std::vector<const Run*>& runs, Field f,
            const std::vector<std::string>& labels, const std::vector<std::vector<std::string>>& probes, bool log,
            double scale = 1) {
  nn::Figure fig(args.out, name, 640, 340);
  fig.command("set multiplot layout 1," + std::to_string(runs.size()) + " title '" + title + "'");
  fig.set("xlabel 'epoch'").set("xtics 1").set("ylabel '" + ylabel + "'").set("grid").set("key outside bottom horizontal");
  if (log) fig.set("logscale y").set("format y '10^{%L}'");
  // one y range for both panels, so that they compare
  double lo = 1e300, hi = -1e300;
  for (std::size_t p = 0; p < runs.size(); ++p)
    for (const auto& l : labels)
      if (std::count(probes[p].begin(), probes[p].end(), l)) {
        const auto s = series(*runs[p], f, index_of(probes[p], l), scale);
        for (double v : s)
          if (!log || v > 0) lo = std::min(lo, v), hi = std::max(hi, v);
      }
  if (log && lo < hi) fig.set((boost::format("yrange [%g:%g]") % (lo / 1.5) % (hi * 1.5)).str());
  if (!log) fig.set((boost::format("yrange [0:%g]") % std::max(1.0, hi * 1.1)).str());
  for (std::size_t p = 0; p < runs.size(); ++p) {
    if (p > 0) fig.next_panel();
    fig.set("title '" + runs[p]->name + "'");
    for (std::size_t k = 0; k < labels.size(); ++k) {
      if (!std::count(probes[p].begin(), probes[p].end(), labels[k])) continue;
      std::vector<double> epochs;
      const auto s = series(*runs[p], f, index_of(probes[p], labels[k]), scale);
      for (std::size_t e = 0; e < s.size(); ++e) epochs.push_back(double(e + 1));
      const int b = fig.block({epochs, s});
      fig.plot(fig.data(b) + " using 1:2 with linespoints lw 2 pt 7 ps 0.6 " + nn::series_style(k) + " title '" +
               labels[k] + "'");
    }
  }
  fig.next_panel();
  fig.command("unset multiplot");
  nn::report_written(fig.render());
}

int run(const nn::ChapterArgs& args) {
  std::string source;
  const nn::TrainTest data = ch08::load_digits(args, source);
  const std::size_t epochs = args.quick ? 2 : 6;
  std::cout << "Data: " << source << "\n";
  const Run plain = train_watched(false, data, epochs, args.seed);
  const Run bn = train_watched(true, data, epochs, args.seed);
  const std::vector<const Run*> runs{&plain, &bn};

  const std::vector<std::string> layers{"conv1", "conv2", "fc1", "fc2", "fc3"};
  const std::vector<std::string> weights{"conv1.W", "conv2.W", "fc1.W", "fc2.W", "fc3.W"};
  const std::vector<std::string> relus{"relu1", "relu2", "relu3", "relu4"};
  const std::vector<std::string> bns{"bn1", "bn2", "bn3", "bn4"};

  nn::Facts facts("ch08_monitor");
  facts.set("epochs", epochs, "%d").set("batch", kBatch, "%d").set("learning_rate", kLearningRate, "%g");
  facts.set("momentum", kMomentum, "%g").set("seconds", plain.seconds + bn.seconds, "%.1f");
  facts.set("train_size", data.train.size(), "%d");
  std::ostringstream txt;
  txt << "LeNet-5 without and with batch norm, seed " << args.seed << ", " << epochs << " epochs, SGD α = "
      << kLearningRate << " with momentum " << kMomentum << ", batch " << kBatch << ".\nData: " << source
      << "\nEach value is the mean over the batches of an epoch (running statistics: at the epoch's end).\n\n";
  nn::Table t({{"network", "%-13s"}, {"probe", "%-8s"}, {"epoch 1", "%10.3g"}, {"last epoch", "%10.3g"}});
  for (const Run* r : runs) {
    facts.set(r->tag + "_accuracy", 100 * r->test_acc.back(), "%.2f");
    const auto& first = r->monitor.epochs().front();
    const auto& last = r->monitor.epochs().back();
    for (const auto& l : layers) {
      const std::size_t k = index_of(r->monitor.delta_labels(), l);
      t.row(r->name, "δ " + l, first.delta_norm[k], last.delta_norm[k]);
      facts.set(r->tag + "_delta_" + l + "_first", first.delta_norm[k], "%.3g");
      facts.set(r->tag + "_delta_" + l + "_last", last.delta_norm[k], "%.3g");
    }
    for (const auto& w : weights) {
      const std::size_t k = index_of(r->monitor.parameter_labels(), w);
      t.row(r->name, w, first.gradient_ratio[k], last.gradient_ratio[k]);
      const std::string key = r->tag + "_ratio_" + w.substr(0, w.find('.'));
      facts.set(key + "_first", first.gradient_ratio[k], "%.3g").set(key + "_last", last.gradient_ratio[k], "%.3g");
    }
    double dead_max = 0;
    std::string dead_where = relus.front();
    for (const auto& l : relus) {
      const std::size_t k = index_of(r->monitor.relu_labels(), l);
      t.row(r->name, "dead " + l, first.dead_fraction[k], last.dead_fraction[k]);
      for (const auto& e : r->monitor.epochs())
        if (e.dead_fraction[k] > dead_max) dead_max = e.dead_fraction[k], dead_where = l;
      facts.set(r->tag + "_dead_" + l + "_last", 100 * last.dead_fraction[k], "%.1f");
    }
    facts.set(r->tag + "_dead_max", 100 * dead_max, "%.1f").set_text(r->tag + "_dead_max_layer", dead_where);
    // how far apart the layers' δ are: largest over smallest, first and last epoch
    for (const auto* e : {&first, &last}) {
      const auto mm = std::minmax_element(e->delta_norm.begin(), e->delta_norm.end());
      facts.set(r->tag + (e == &first ? "_delta_spread_first" : "_delta_spread_last"), *mm.second / *mm.first, "%.3g");
    }
  }
  const auto& bn_last = bn.monitor.epochs().back();
  for (const auto& l : bns) {
    const std::size_t k = index_of(bn.monitor.bn_labels(), l);
    t.row(bn.name, "μ̂ " + l, bn.monitor.epochs().front().bn_mean[k], bn_last.bn_mean[k]);
    t.row(bn.name, "σ̂² " + l, bn.monitor.epochs().front().bn_var[k], bn_last.bn_var[k]);
    facts.set("bn_mean_" + l + "_last", bn_last.bn_mean[k], "%.3g").set("bn_var_" + l + "_last", bn_last.bn_var[k], "%.3g");
  }
  std::cout << "\n" << txt.str() << t.str();
  facts.set("accuracy_gap", 100 * (bn.test_acc.back() - plain.test_acc.back()), "%.2f");
  nn::report_written(facts.save(args.out));
  const auto txt_path = args.out / "ch08_monitor.txt";
  nn::write_file_atomically(txt_path, nn::wrap_text(txt.str()) + t.str());
  nn::report_written(txt_path);

  std::vector<std::vector<std::string>> delta_probes, param_probes, relu_probes;
  for (const Run* r : runs) {
    delta_probes.push_back(r->monitor.delta_labels());
    param_probes.push_back(r->monitor.parameter_labels());
    relu_probes.push_back(r->monitor.relu_labels());
  }
  panels(args, "ch08_monitor_delta", "δ at the output of each layer, √R ‖δ‖_F (Eqs. (29)–(33))",
         "RMS over examples of ‖δ‖", runs, &nn::MonitorEpoch::delta_norm, layers, delta_probes, true);
  std::vector<std::string> weight_labels = weights;
  panels(args, "ch08_monitor_ratio", "Relative gradient ‖∂L/∂W‖ / ‖W‖ of each weight (Eq. (20))",
         "‖∂L/∂W‖_F / ‖W‖_F", runs, &nn::MonitorEpoch::gradient_ratio, weight_labels, param_probes, true);
  panels(args, "ch08_monitor_dead", "Dead ReLUs: units at 0 for every example of a batch", "dead units (%)", runs,
         &nn::MonitorEpoch::dead_fraction, relus, relu_probes, false, 100.0);
  // batch norm's running statistics, averaged over each layer's channels
  nn::Figure fb(args.out, "ch08_monitor_bn", 640, 340);
  fb.command("set multiplot layout 1,2 title 'Batch norm running statistics (mean over channels), LeNet-5 + BN'");
  fb.set("xlabel 'epoch'").set("xtics 1").set("grid").set("key outside bottom horizontal");
  for (int panel = 0; panel < 2; ++panel) {
    if (panel) fb.next_panel();
    fb.set(panel ? "ylabel 'running σ̂²'" : "ylabel 'running μ̂'").set(panel ? "title 'σ̂² (starts at 1)'" : "title 'μ̂ (starts at 0)'");
    for (std::size_t k = 0; k < bns.size(); ++k) {
      const std::size_t i = index_of(bn.monitor.bn_labels(), bns[k]);
      std::vector<double> ep{0}, v{panel ? 1.0 : 0.0};  // the initial values, before any batch
      for (std::size_t e = 0; e < bn.monitor.epochs().size(); ++e) {
        ep.push_back(double(e + 1));
        v.push_back(panel ? bn.monitor.epochs()[e].bn_var[i] : bn.monitor.epochs()[e].bn_mean[i]);
      }
      const int b = fb.block({ep, v});
      fb.plot(fb.data(b) + " using 1:2 with linespoints lw 2 pt 7 ps 0.6 " + nn::series_style(k) + " title '" +
              bns[k] + "'");
    }
  }
  fb.next_panel();
  fb.command("unset multiplot");
  nn::report_written(fb.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv,
                         "Eqs. (20), (29)-(33), §4.2.7-4.2.8: δ, gradients, dead ReLUs and BN statistics while LeNet-5 trains",
                         run);
}
