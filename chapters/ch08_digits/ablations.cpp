// Chapter 8 — what each piece does, measured over seeds (§4.1.2, §4.2.7, §1.3): LeNet-5 on the
// digits, with one thing changed at a time from a plain baseline — batch norm, the optimizer
// (each at its best learning rate from a sweep on a validation split), the learning-rate
// schedule, the initialisation, and shift augmentation. Every setting runs with the same seeds,
// epochs and data; the figures show mean ± std bands, and the table says whether a difference
// exceeds the seed-to-seed spread (Welch's test, nn/apps/experiments.hpp).
#include <chrono>
#include <exception>
#include <iostream>
#include <map>
#include <memory>

#include "digits_common.hpp"
#include "model_selection.hpp"
#include "nn/apps/experiments.hpp"
#include "nn/apps/models.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/threads.hpp"

namespace {

enum class Method { sgd, momentum, adam };

const char* to_string(Method m) { return m == Method::sgd ? "SGD" : m == Method::momentum ? "momentum" : "Adam"; }

//! [recipe]
/// One training recipe. The baseline is the default; each comparison changes one field.
struct Setting {
  std::string key, label;
  bool batchnorm = false;
  Method method = Method::momentum;
  ch08::Schedule schedule = ch08::Schedule::cosine;
  nn::Init init = nn::Init::he_normal;
  double gain = 1;  ///< the initial weights multiplied by this
  int shift = 0;
};

/// A setting's results over the seeds; seeds that diverged are counted, not averaged.
struct Runs {
  std::vector<std::vector<double>> test_acc, train_loss;  ///< per seed, per epoch
  std::vector<double> final_acc;                          ///< per seed, in per cent
  std::size_t diverged = 0;
  double seconds = 0;
};

constexpr std::size_t kBatch = 64;
constexpr double kMomentum = 0.9;

std::unique_ptr<nn::Optimizer<float>> make_optimizer(Method m, double lr) {
  if (m == Method::adam) return std::make_unique<nn::Adam<float>>(lr);
  return std::make_unique<nn::SGD<float>>(lr, m == Method::momentum ? kMomentum : 0.0);
}

/// Trains one setting with one seed; throws nn::training_error if it diverges.
ch08::Curve train_once(const Setting& s, double lr, const nn::TrainTest& data, std::size_t epochs,
                       std::uint64_t seed) {
  nn::Sequential<float> net = nn::lenet5(seed, s.batchnorm);
  nn::reinitialize(net, s.init, s.gain, seed);  // every setting draws its weights the same way
  const auto opt = make_optimizer(s.method, lr);
  ch08::FitOptions o;
  o.epochs = epochs, o.batch = kBatch, o.seed = seed, o.lr0 = lr, o.schedule = s.schedule, o.shift = s.shift;
  o.quiet = true;
  return ch08::fit(net, *opt, data, o);
}
//! [recipe]

/// Runs a setting once per seed, in parallel; seeds whose loss diverged are counted.
Runs run_seeds(const Setting& s, double lr, const nn::TrainTest& data, std::size_t epochs,
               const std::vector<std::uint64_t>& seeds, std::size_t workers) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<ch08::Curve> curves(seeds.size());
  std::vector<char> diverged(seeds.size(), 0);
  ch08::in_parallel(seeds.size(), workers, [&](std::size_t i) {
    try {
      curves[i] = train_once(s, lr, data, epochs, seeds[i]);
    } catch (const nn::training_error&) {
      diverged[i] = 1;
    }
  });
  Runs r;
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    if (diverged[i]) {
      ++r.diverged;
      continue;
    }
    std::vector<double> acc;
    for (double a : curves[i].test_acc) acc.push_back(100 * a);
    r.test_acc.push_back(acc);
    r.train_loss.push_back(curves[i].train_loss);
    r.final_acc.push_back(acc.back());
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << boost::format("  %-28s α = %-6g test accuracy per seed:") % s.label % lr;
  for (double a : r.final_acc) std::cout << boost::format(" %.2f") % a;
  if (r.diverged) std::cout << "  (" << r.diverged << " diverged)";
  std::cout << boost::format("  [%.1f s]\n") % r.seconds << std::flush;
  return r;
}

int run(const nn::ChapterArgs& args, bool full) {
  // Seeds run side by side, one single-threaded run per core (ch08::in_parallel).
  const std::size_t workers = ch08::side_by_side_workers(args);
  nn::set_library_threads(1);
  std::string source;
  nn::TrainTest data = ch08::load_digits(args, source);
  // Medium size (the main command): 4,000 of the training digits, 6 seeds (three rounds of two
  // on two cores), 6 epochs. --full: all of them, 10 seeds, 15 epochs. --quick: the least that
  // still compares.
  const std::size_t n_train = args.quick ? 1000 : full ? data.train.size() : 4000;
  if (n_train < data.train.size())
    data.train = ch08::head(data.train, n_train),
    source += (boost::format(", %d of the training ones here") % n_train).str();
  // medium by default; --full: more seeds and epochs; --quick: the smallest that still compares
  const std::size_t n_seeds = args.quick ? 2 : full ? 10 : 6;
  const std::size_t epochs = args.quick ? 2 : full ? 15 : 6;
  std::vector<std::uint64_t> seeds;
  for (std::size_t i = 0; i < n_seeds; ++i) seeds.push_back(args.seed + i);
  std::cout << "Data: " << source << "\n"
            << n_seeds << " seeds × " << epochs << " epochs per setting, batch " << kBatch
            << "; the same seeds for every setting (same batches, same draws)\n";

  // 1. The learning rate of each optimizer: a sweep on a validation split of the training
  //    digits, the mean of two seeds at each point, so that the test digits choose nothing.
  const ch08::ValidationSplit split =
      ch08::split_validation(data.train, 10, data.train.size() / 40, args.seed, "the training digits");
  const nn::Dataset &train_part = split.train, &validation = split.validation;
  const nn::TrainTest sweep_data{train_part, validation};
  std::map<Method, std::vector<double>> grid = {
      {Method::sgd, {0.1, 0.3, 1.0}},
      {Method::momentum, {0.01, 0.03, 0.1, 0.3}},
      {Method::adam, {1e-3, 3e-3, 1e-2, 3e-2}}};
  if (args.quick)
    for (auto& [method, lrs] : grid) lrs = {lrs[1]};  // --quick: one point of each grid
  std::map<Method, double> best_lr;
  nn::Table sweep({{"optimizer", "%s"}, {"α", "%g"}, {"validation accuracy, mean of 2 seeds", "%s"}});
  std::cout << "\nLearning-rate sweep (train " << train_part.size() << ", validation " << validation.size() << "):\n";
  std::vector<std::pair<Method, double>> points;
  for (const auto& [method, lrs] : grid)
    for (double lr : lrs) points.emplace_back(method, lr);
  std::vector<double> sweep_acc(points.size(), -1);  // −1: diverged
  constexpr std::size_t kSweepSeeds = 2;
  std::vector<double> sweep_runs(points.size() * kSweepSeeds, -1);  // −1: diverged
  ch08::in_parallel(sweep_runs.size(), workers, [&](std::size_t j) {
    Setting s;
    s.method = points[j / kSweepSeeds].first;
    try {
      const double lr = points[j / kSweepSeeds].second;
      sweep_runs[j] = 100 * train_once(s, lr, sweep_data, epochs, args.seed + j % kSweepSeeds).test_acc.back();
    } catch (const nn::training_error&) {
    }
  });
  for (std::size_t i = 0; i < points.size(); ++i) {  // a point counts only if no seed diverged
    double sum = 0;
    for (std::size_t k = 0; k < kSweepSeeds && sum >= 0; ++k)
      sum = sweep_runs[i * kSweepSeeds + k] < 0 ? -1 : sum + sweep_runs[i * kSweepSeeds + k];
    sweep_acc[i] = sum < 0 ? -1 : sum / kSweepSeeds;
  }
  for (const auto& [method, lrs] : grid) {
    double best = -1;
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (points[i].first != method) continue;
      const double lr = points[i].second, acc = sweep_acc[i];
      const std::string shown = acc < 0 ? "diverged" : (boost::format("%.2f %%") % acc).str();
      if (acc > best) best = acc, best_lr[method] = lr;
      sweep.row(to_string(method), lr, shown);
      std::cout << "  " << to_string(method) << " α = " << lr << ": " << shown << "\n";
    }
    if (best < 0) throw std::runtime_error(std::string("every learning rate of the sweep diverged for ") + to_string(method));
    if (lrs.size() > 1 && (best_lr[method] == lrs.front() || best_lr[method] == lrs.back()))
      std::cout << "  note: the best α of " << to_string(method)
                << " is at the edge of the grid; a wider sweep might find a better one\n";
  }

  // 2. The baseline and one change at a time.
  Setting base;
  base.key = "baseline", base.label = "baseline";
  const auto changed = [&](std::string key, std::string label, auto&& edit) {
    Setting s = base;
    s.key = std::move(key), s.label = std::move(label);
    edit(s);
    return s;
  };
  struct Comparison {
    std::string key, title;
    std::vector<Setting> settings;  // the first is the baseline
  };
  //! [comparisons]
  const std::vector<Comparison> comparisons = {
      {"batchnorm", "Batch norm (§4.2.7)",
       {changed("bn_off", "no batch norm (baseline)", [](Setting&) {}),
        changed("bn_on", "batch norm", [](Setting& s) { s.batchnorm = true; })}},
      {"optimizer", "Optimizer, each at its best α",
       {changed("momentum", "momentum 0.9 (baseline)", [](Setting&) {}),
        changed("sgd", "plain SGD, Eq. (20)", [](Setting& s) { s.method = Method::sgd; }),
        changed("adam", "Adam", [](Setting& s) { s.method = Method::adam; })}},
      {"schedule", "Learning-rate schedule",
       {changed("cosine", "cosine (baseline)", [](Setting&) {}),
        changed("constant", "constant", [](Setting& s) { s.schedule = ch08::Schedule::constant; }),
        changed("step", "step ×0.1 per third", [](Setting& s) { s.schedule = ch08::Schedule::step; })}},
      {"init", "Initialisation",
       {changed("he", "He normal (baseline)", [](Setting&) {}),
        changed("xavier", "Xavier normal", [](Setting& s) { s.init = nn::Init::xavier_normal; }),
        changed("small", "He × 0.1 (badly scaled)", [](Setting& s) { s.gain = 0.1; }),
        // two changes at once, on purpose: does batch norm rescue the bad scale? (§4.2.7)
        changed("small_bn", "He × 0.1 with batch norm", [](Setting& s) { s.gain = 0.1, s.batchnorm = true; })}},
      {"shift", "Shift augmentation",
       {changed("shift_off", "no shifts (baseline)", [](Setting&) {}),
        changed("shift_on", "shifts of up to 2 px", [](Setting& s) { s.shift = 2; })}},
  };
  //! [comparisons]

  nn::Facts facts("ch08_ablations");
  facts.set("seeds", n_seeds, "%d").set("epochs", epochs, "%d").set("train_size", data.train.size(), "%d");
  facts.set("test_size", data.test.size(), "%d").set("sweep_train", train_part.size(), "%d");
  facts.set("sweep_validation", validation.size(), "%d");
  const std::size_t early = std::max<std::size_t>(1, epochs / 3);  // the epoch of the early comparison
  facts.set("early_epoch", early, "%d");
  for (const auto& [method, lr] : best_lr) facts.set(std::string("lr_") + (method == Method::sgd ? "sgd" : method == Method::momentum ? "momentum" : "adam"), lr, "%g");

  nn::Table table({{"comparison", "%s"}, {"setting", "%s"}, {"test accuracy, %", "%s"}, {"range", "%s"},
                   {"vs baseline (95 % interval)", "%s"}, {"beyond the spread?", "%s"},
                   {"paired test", "%s"}});
  Runs baseline_runs;
  bool have_baseline = false;
  double seconds = 0;
  for (const Comparison& c : comparisons) {
    std::cout << "\n" << c.title << ":\n";
    std::vector<ch08::SeedBand> acc_bands, loss_bands;
    const Runs* reference = nullptr;
    std::vector<Runs> all;
    all.reserve(c.settings.size());
    for (std::size_t k = 0; k < c.settings.size(); ++k) {
      const Setting& s = c.settings[k];
      if (k == 0 && have_baseline) {
        all.push_back(baseline_runs);  // the baseline is the same in every comparison: run once
        std::cout << "  " << s.label << ": the baseline's runs above\n";
      } else {
        all.push_back(run_seeds(s, best_lr.at(s.method), data, epochs, seeds, workers));
        seconds += all.back().seconds;
      }
      if (k == 0 && !have_baseline) baseline_runs = all.back(), have_baseline = true;
    }
    reference = &all.front();
    for (std::size_t k = 0; k < c.settings.size(); ++k) {
      const Setting& s = c.settings[k];
      const Runs& r = all[k];
      const std::string name = s.label + (r.diverged ? " (" + std::to_string(r.diverged) + " diverged)" : "");
      if (r.final_acc.size() < 2) {
        table.row(c.title, name, "diverged", "", "", "", "");
        continue;
      }
      acc_bands.push_back({s.label, r.test_acc});
      loss_bands.push_back({s.label, r.train_loss});
      const nn::SeedSummary sum = nn::summarize(r.final_acc);
      facts.set(s.key + "_mean", sum.mean, "%.2f").set(s.key + "_std", sum.std, "%.2f");
      std::string versus = "—", beyond = "—", paired = "—";
      if (k > 0 && reference->final_acc.size() >= 2) {
        const nn::SeedComparison cmp = nn::compare_seeds(reference->final_acc, r.final_acc);
        versus = (boost::format("%+.2f ± %.2f") % cmp.difference % cmp.half_width).str();
        beyond = cmp.exceeds_spread ? "yes" : "no (within noise)";
        facts.set(s.key + "_diff", cmp.difference, "%+.2f").set(s.key + "_halfwidth", cmp.half_width, "%.2f");
        facts.set(s.key + "_beyond", cmp.exceeds_spread ? "yes" : "no", "%s");
        // the settings share their seeds, so the per-seed differences can be tested too
        if (r.final_acc.size() == reference->final_acc.size() && !r.diverged && !reference->diverged) {
          const nn::SeedComparison p = nn::compare_paired(reference->final_acc, r.final_acc);
          paired = (boost::format("%+.2f ± %.2f %s") % p.difference % p.half_width % (p.exceeds_spread ? "yes" : "no")).str();
          facts.set(s.key + "_paired_halfwidth", p.half_width, "%.2f");
          facts.set(s.key + "_paired_beyond", p.exceeds_spread ? "yes" : "no", "%s");
        }
        // the same comparison early, after a third of the epochs: how fast, not only how far
        const auto at = [&](const Runs& x) {
          std::vector<double> v;
          for (const auto& run : x.test_acc) v.push_back(run[early - 1]);
          return v;
        };
        const nn::SeedComparison e = nn::compare_seeds(at(*reference), at(r));
        facts.set(s.key + "_early_diff", e.difference, "%+.2f").set(s.key + "_early_halfwidth", e.half_width, "%.2f");
        facts.set(s.key + "_early_beyond", e.exceeds_spread ? "yes" : "no", "%s");
      }
      table.row(c.title, name, nn::mean_pm_std(sum, 2), (boost::format("%.2f–%.2f") % sum.min % sum.max).str(), versus,
                beyond, paired);
    }
    if (!acc_bands.empty())
      nn::report_written(ch08::band_figure(args.out, "ch08_ablation_" + c.key, c.title + " (mean ± std over seeds)",
                                           "test accuracy (%)", acc_bands, "training loss (cross-entropy)", loss_bands));
  }
  facts.set("seconds", seconds, "%.0f");
  const std::string note =
      (boost::format("LeNet-5 on %s; %d seeds × %d epochs per setting, %.0f s of training.\n"
                     "Learning rates from the sweep on a validation split of the training digits: SGD %g, momentum %g, "
                     "Adam %g.\n"
                     "Beyond the spread: Welch's 95 %% interval for the difference of the means excludes 0.\n"
                     "Paired test: the 95 %% t interval of the per-seed differences (the settings share their seeds).\n") %
       source % n_seeds % epochs % seconds % best_lr[Method::sgd] % best_lr[Method::momentum] % best_lr[Method::adam])
          .str();
  std::cout << "\n" << table.str() << note;
  const auto txt = args.out / "ch08_ablations.txt";
  nn::write_file_atomically(txt, nn::wrap_text(table.str() + "\n" + note + "\nLearning-rate sweep:\n" + sweep.str()));
  nn::report_written(txt);
  nn::report_written(facts.save(args.out));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool full = false;
  nn::ExtraOptions extra;
  extra.flags.push_back({"--full", "more seeds (10) and epochs (15) on all the training digits: steadier numbers, several minutes", &full});
  try {
    const nn::ChapterArgs args = nn::parse_chapter_args(
        argc, argv, "§4.1.2/§4.2.7: what batch norm, the optimizer, the schedule, the initialisation and shifts do, over seeds",
        extra);
    if (full && args.quick) {  // a usage error, like the others parse_chapter_args reports
      std::cerr << "error: --full and --quick ask for opposite sizes: give one of them (see --help)\n";
      return 2;
    }
    return run(args, full);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
