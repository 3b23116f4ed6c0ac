// Chapter 8 — the same machinery on a harder set: Fashion-MNIST (Zalando; 60,000 training and
// 10,000 test images of clothing in 10 classes), from Debian's package dataset-fashion-mnist.
// A convolutional network with batch normalization, Adam and a cosine learning-rate schedule.
// The network overfits: its test loss rises while its accuracy still creeps up. So the epoch is
// chosen on a validation split of the training images (never on the test set), and one
// regulariser, shift augmentation, is measured over seeds on a small subset, where it matters.
#include <chrono>
#include <iostream>

#include "digits_common.hpp"
#include "model_selection.hpp"
#include "nn/apps/experiments.hpp"
#include "nn/apps/models.hpp"
#include "nn/tools/facts.hpp"

namespace {

const std::vector<std::string> kClasses = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
constexpr std::size_t kBatch = 64;
constexpr double kLearningRate = 2e-3;
constexpr std::size_t kEpochs = 7;               // the cosine schedule runs over these
constexpr std::size_t kValidationPerClass = 500;  // 5,000 of the 60,000 training images
// The seeded comparison: LeNet-5 with batch norm on a small subset, with and without shifts.
constexpr std::size_t kSubsetPerClass = 300;  // 3,000 training images: few enough to overfit
constexpr std::size_t kSeedEpochs = 10;
constexpr std::size_t kSeeds = 5;
constexpr int kShift = 2;  // random shifts of up to 2 pixels (nn::random_shift)

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// The per-epoch results of one setting over the seeds, and its final numbers.
struct SeedRuns {
  std::vector<std::vector<double>> train_loss, val_loss, val_acc;  // [seed][epoch]
  std::vector<double> final_train_loss, final_val_loss, final_val_acc, test_loss, test_acc;
};

/// Trains LeNet-5 with batch norm from `kSeeds` seeds on `small` (validated on data.test, which
/// holds the validation split here) and measures each on the test set at the end. The seeds run
/// side by side, `workers` at a time, each single-threaded (ch08::in_parallel).
SeedRuns seed_runs(const nn::TrainTest& small, const nn::Dataset& test, int shift, std::size_t epochs,
                   std::uint64_t seed0, std::size_t workers) {
  SeedRuns r;
  std::vector<ch08::Curve> curves(kSeeds);
  std::vector<nn::EpochStats> tests(kSeeds);
  ch08::in_parallel(kSeeds, workers, [&](std::size_t s) {
    //! [fashion_seeds]
    nn::Sequential<float> net = nn::lenet5(seed0 + s, /*batchnorm=*/true);
    nn::Adam<float> opt(kLearningRate);
    ch08::FitOptions o;
    o.epochs = epochs, o.batch = kBatch, o.seed = seed0 + s, o.shift = shift;
    o.lr0 = kLearningRate, o.schedule = ch08::Schedule::cosine, o.quiet = true;
    curves[s] = ch08::fit(net, opt, small, o);  // small.test: the validation split
    tests[s] = nn::evaluate(net, test, 500);
    //! [fashion_seeds]
  });
  for (std::size_t s = 0; s < kSeeds; ++s) {
    const ch08::Curve& c = curves[s];
    const nn::EpochStats& te = tests[s];
    r.train_loss.push_back(c.train_loss), r.val_loss.push_back(c.test_loss), r.val_acc.push_back(c.test_acc);
    r.final_train_loss.push_back(c.train_loss.back()), r.final_val_loss.push_back(c.test_loss.back());
    r.final_val_acc.push_back(c.test_acc.back()), r.test_loss.push_back(te.loss), r.test_acc.push_back(te.accuracy);
    std::cout << boost::format("  shift %d px, seed %d: test accuracy %.2f%%, test loss %.4f\n") % shift %
                     (seed0 + s) % (100 * te.accuracy) % te.loss;
  }
  return r;
}

int run(const nn::ChapterArgs& args) {
  namespace fs = std::filesystem;
  nn::TrainTest data;
  std::string source;
  // The four official files in <--data>/fashion-mnist if they are there, else Debian's copy.
  fs::path dir = args.data / "fashion-mnist";
  if (!ch08::has_official_layout(dir)) dir = nn::fashion_mnist_default_dir;
  const bool installed = ch08::has_official_layout(dir);
  if (installed) {
    data = nn::load_fashion_mnist(dir);
    source = "Fashion-MNIST from " + dir.string();
    if (args.quick) ch08::quick_part(data, source);
  } else if (args.quick) {
    data = {ch08::synthetic_digits(2000, args.seed), ch08::synthetic_digits(500, args.seed + 1)};
    source = "GENERATED digits (--quick, and dataset-fashion-mnist is not installed)";
  } else {
    data = nn::load_fashion_mnist();  // throws, naming the apt command
  }
  const std::size_t epochs = args.quick ? 2 : kEpochs;  // at least two points on the curves
  const std::size_t per_class = args.quick ? 20 : kValidationPerClass;
  // A stratified validation split of the training images, seeded; the test set is not touched.
  const auto split = ch08::split_validation(data.train, 10, per_class, args.seed, source);
  const nn::TrainTest main_data{split.train, data.test};
  std::cout << "Data: " << source << " (" << split.train.size() << " train, " << split.validation.size()
            << " validation, " << data.test.size() << " test)\n";

  //! [fashion]
  nn::Sequential<float> net = nn::fashion_cnn(args.seed);
  nn::Adam<float> opt(kLearningRate);
  ch08::FitOptions o;
  o.epochs = epochs, o.batch = kBatch, o.seed = args.seed, o.name = "Fashion CNN";
  o.lr0 = kLearningRate, o.schedule = ch08::Schedule::cosine;
  o.validation = &split.validation;  // evaluated after every epoch
  ch08::WeightSnapshot best;         // the weights of the best epoch by validation accuracy
  o.after_epoch = [&best](std::size_t e, nn::Sequential<float>& n, const ch08::Curve& c) {
    if (ch08::best_epoch(c.val_acc, c.val_loss) == e) best.save(n);
  };
  const auto curve = ch08::fit(net, opt, main_data, o);
  const std::size_t chosen = ch08::best_epoch(curve.val_acc, curve.val_loss);
  best.restore(net);  // parameters and batch norm's running statistics
  //! [fashion]
  std::cout << net.summary(nn::Shape{1, 1, 28, 28});
  std::vector<int> predicted;
  const auto test = nn::evaluate(net, data.test, 500, &predicted);
  if (test.accuracy != curve.test_acc[chosen])
    throw std::logic_error("ch08_fashion: the restored weights do not give the chosen epoch's test accuracy");
  double seconds = 0;
  for (double s : curve.seconds) seconds += s;
  const std::size_t last = epochs - 1;
  std::size_t lowest_val_loss = 0;  // the epoch a loss criterion would have chosen
  for (std::size_t e = 1; e < epochs; ++e)
    if (curve.val_loss[e] < curve.val_loss[lowest_val_loss]) lowest_val_loss = e;

  nn::Table t({{"class", "%s"}, {"test images", "%d"}, {"accuracy", "%.1f%%"}});
  for (std::size_t k = 0; k < 10; ++k) {
    std::size_t n = 0, ok = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i)
      if (std::size_t(data.test.labels[i]) == k) ++n, ok += std::size_t(predicted[i]) == k;
    t.row(installed ? kClasses[k] : std::to_string(k), n, n ? 100.0 * double(ok) / double(n) : 0.0);
  }
  const double ips = double(split.train.size() * epochs) / seconds;
  const std::string result =
      (boost::format("Fashion CNN: %.2f%% test accuracy at epoch %d of %d, the best by validation accuracy "
                     "(%.2f%% on %d validation images); the last epoch had %.2f%%.\n"
                     "Test loss %.4f at the chosen epoch, %.4f at the last; the lowest validation loss was at "
                     "epoch %d (test accuracy %.2f%%).\n(%.1f s of training, %.0f images/s)\nData: %s\n") %
       (100 * test.accuracy) % (chosen + 1) % epochs % (100 * curve.val_acc[chosen]) % split.validation.size() %
       (100 * curve.test_acc[last]) % curve.test_loss[chosen] % curve.test_loss[last] % (lowest_val_loss + 1) %
       (100 * curve.test_acc[lowest_val_loss]) % seconds % ips % source)
          .str();
  std::cout << "\n" << t.str() << result;
  const auto txt = args.out / "ch08_fashion.txt";
  nn::write_file_atomically(txt, nn::wrap_text(t.str() + result));
  nn::report_written(txt);
  nn::Facts facts("ch08_fashion");
  facts.set("accuracy", 100 * test.accuracy, "%.2f").set("seconds", seconds, "%.0f").set("epochs", epochs, "%d");
  facts.set("train_size", split.train.size(), "%d").set("test_size", data.test.size(), "%d");
  facts.set("val_size", split.validation.size(), "%d").set("images_per_second", ips, "%.0f");
  facts.set("best_epoch", chosen + 1, "%d").set("val_accuracy", 100 * curve.val_acc[chosen], "%.2f");
  facts.set("last_epoch_accuracy", 100 * curve.test_acc[last], "%.2f");
  facts.set("test_loss", curve.test_loss[chosen], "%.3f").set("last_epoch_test_loss", curve.test_loss[last], "%.3f");
  facts.set("train_accuracy", 100 * curve.train_acc[chosen], "%.2f");
  facts.set("val_loss_epoch", lowest_val_loss + 1, "%d");
  facts.set("val_loss_epoch_accuracy", 100 * curve.test_acc[lowest_val_loss], "%.2f");

  // Train, validation and test loss and accuracy per epoch; the dashed line marks the chosen epoch.
  nn::Figure fig(args.out, "ch08_fashion_curves", 640, 360);
  fig.command("set multiplot layout 1,2 title 'Fashion-MNIST CNN: per epoch (dashed: the epoch chosen on validation)'");
  const std::string mark = (boost::format("arrow 1 from %d, graph 0 to %d, graph 1 nohead dt 2 lw 2 lc rgb '#555555'") %
                            (chosen + 1) % (chosen + 1)).str();
  const std::string range = (boost::format("xrange [0.5:%g]") % (double(epochs) + 0.5)).str();
  const std::string label = (boost::format("label 1 'chosen' at %d, graph 0.5 center rotate by 90 offset -0.8, 0 font ',9'") %
                             (chosen + 1)).str();
  fig.set("xlabel 'epoch'").set("grid").set(mark).set(label).set(range).set("xtics 1").set("key top right")
      .set("ylabel 'loss (cross-entropy)'");
  std::vector<double> tra, vaa, tea;
  for (std::size_t e = 0; e < epochs; ++e)
    tra.push_back(100 * curve.train_acc[e]), vaa.push_back(100 * curve.val_acc[e]), tea.push_back(100 * curve.test_acc[e]);
  const int b = fig.block({curve.epoch, curve.train_loss, curve.val_loss, curve.test_loss, tra, vaa, tea});
  const char* names[] = {"train", "validation", "test"};
  for (int k = 0; k < 3; ++k)
    fig.plot(fig.data(b) + " using 1:" + std::to_string(2 + k) + " with linespoints lw 2 " + nn::series_style(std::size_t(k)) +
             " pt " + std::to_string(7 - k) + " title '" + names[k] + "'");
  fig.next_panel();
  fig.command("unset logscale y").set("ylabel 'accuracy (%)'").set("key bottom right");
  for (int k = 0; k < 3; ++k)
    fig.plot(fig.data(b) + " using 1:" + std::to_string(5 + k) + " with linespoints lw 2 " + nn::series_style(std::size_t(k)) +
             " pt " + std::to_string(7 - k) + " title '" + names[k] + "'");
  fig.next_panel();
  fig.command("unset multiplot");
  nn::report_written(fig.render());

  // One regulariser over seeds: shifts on a small subset of the training images, validated per epoch.
  const std::size_t sub_per_class = args.quick ? 10 : kSubsetPerClass;
  const std::size_t seed_epochs = args.quick ? 2 : kSeedEpochs;
  const nn::TrainTest small{ch08::subset(split.train, ch08::first_per_class(split.train, 10, sub_per_class, {}, source)),
                            split.validation};
  std::cout << boost::format("\nShift augmentation over %d seeds: LeNet-5 with batch norm, %d training images, "
                             "%d epochs\n") % kSeeds % small.train.size() % seed_epochs;
  const std::size_t workers = ch08::side_by_side_workers(args);
  const double t0 = now();
  const SeedRuns plain = seed_runs(small, data.test, 0, seed_epochs, args.seed, workers);
  const SeedRuns shifted = seed_runs(small, data.test, kShift, seed_epochs, args.seed, workers);
  const double seed_seconds = now() - t0;

  nn::Table st({{"after the last epoch", "%s"}, {"no shifts", "%s"}, {"shifts", "%s"},
                {"difference (95% interval)", "%s"}, {"exceeds the seed spread", "%s"}});
  const auto row = [&](const std::string& what, const std::vector<double>& a, const std::vector<double>& b2,
                       double scale, int decimals, const std::string& key) {
    const auto sa = nn::summarize(a), sb = nn::summarize(b2);
    const auto cmp = nn::compare_seeds(a, b2);
    const std::string f = "%+." + std::to_string(decimals) + "f ± %." + std::to_string(decimals) + "f";
    st.row(what, nn::mean_pm_std(sa, decimals, scale), nn::mean_pm_std(sb, decimals, scale),
           (boost::format(f) % (scale * cmp.difference) % (scale * cmp.half_width)).str(), cmp.exceeds_spread ? "yes" : "no");
    const std::string fmt = "%." + std::to_string(decimals) + "f";
    facts.set(key + "_plain", scale * sa.mean, fmt).set(key + "_plain_std", scale * sa.std, fmt);
    facts.set(key + "_shift", scale * sb.mean, fmt).set(key + "_shift_std", scale * sb.std, fmt);
    facts.set_text(key + "_exceeds", cmp.exceeds_spread ? "yes" : "no");
  };
  row("training loss (on the images trained on)", plain.final_train_loss, shifted.final_train_loss, 1, 3, "seed_train_loss");
  row("validation loss", plain.final_val_loss, shifted.final_val_loss, 1, 3, "seed_val_loss");
  row("validation accuracy (%)", plain.final_val_acc, shifted.final_val_acc, 100, 2, "seed_val_acc");
  row("test loss", plain.test_loss, shifted.test_loss, 1, 3, "seed_test_loss");
  row("test accuracy (%)", plain.test_acc, shifted.test_acc, 100, 2, "seed_test_acc");
  const std::string seed_result =
      (boost::format("LeNet-5 with batch norm, %d seeds (%d … %d) per setting, %d training images, %d epochs, "
                     "shifts of up to %d pixels; mean ± std over the seeds; validation on %d images, test on %d. "
                     "A difference exceeds the seed spread when its 95%% interval (Welch) excludes 0. "
                     "(%.1f s for the %d runs)\n") %
       kSeeds % args.seed % (args.seed + kSeeds - 1) % small.train.size() % seed_epochs % kShift %
       split.validation.size() % data.test.size() % seed_seconds % (2 * kSeeds))
          .str();
  std::cout << "\n" << st.str() << nn::wrap_text(seed_result);
  const auto stxt = args.out / "ch08_fashion_shift.txt";
  nn::write_file_atomically(stxt, st.str() + nn::wrap_text(seed_result));
  nn::report_written(stxt);
  facts.set("seeds", kSeeds, "%d").set("seed_first", args.seed, "%d").set("seed_last", args.seed + kSeeds - 1, "%d");
  facts.set("seed_train_size", small.train.size(), "%d").set("seed_epochs", seed_epochs, "%d");
  facts.set("shift", kShift, "%d").set("seed_seconds", seed_seconds, "%.0f");
  nn::report_written(facts.save(args.out));

  // Mean ± std bands over the seeds: validation accuracy, and training and validation loss.
  const auto pct = [](std::vector<std::vector<double>> runs) {
    for (auto& r : runs)
      for (double& v : r) v *= 100;
    return runs;
  };
  nn::report_written(ch08::band_figure(
      args.out, "ch08_fashion_shift_bands",
      (boost::format("LeNet-5 on %d Fashion images: mean ± std over %d seeds") % small.train.size() % kSeeds).str(),
      "validation accuracy (%)", {{"no shifts", pct(plain.val_acc)}, {"shifts", pct(shifted.val_acc)}},
      "loss (cross-entropy)",
      // the validation bands first, in the left panel's colours
      {{"validation, no shifts", plain.val_loss}, {"validation, shifts", shifted.val_loss},
       {"train, no shifts", plain.train_loss}, {"train, shifts", shifted.train_loss}}));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.3: a CNN with batch norm on Fashion-MNIST (Debian's dataset-fashion-mnist, or the four official files in --data DIR/fashion-mnist), the epoch chosen on a validation split, and shift augmentation over seeds", run);
}
