// Shared pieces of the detection programs (§1.3, §4.3): the training loop of the grid detector,
// detection on a set of images, and the figures (loss curves, precision–recall, boxes).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <boost/format.hpp>

#include "nn/apps/detection.hpp"
#include "nn/data/image.hpp"
#include "nn/optim.hpp"
#include "nn/tools/plot.hpp"
#include "nn/apps/train.hpp"

namespace ch08 {

/// Loss parts averaged over every `every` steps, for the loss figure.
struct TrainLog {
  std::vector<double> step, total, object, noobject, box, cls;
  double seconds = 0;      ///< wall time of the training loop
  std::size_t images = 0;  ///< images seen
};

/// Fills a batch: X (R, C, H, W) and the targets of its R images, for training step `step`.
using FillBatch = std::function<void(std::size_t step, nn::Tensor<float>& X, nn::GridTargets& targets)>;

/// Trains with Adam and a cosine learning rate from lr0 to lr0/50: per step, a fresh batch, the
/// network forward, the loss (D6) with ∂L/∂P (D7)–(D10), backward, one update. X and dP are
/// allocated once (design notes, "Speed facts").
inline TrainLog train_detector(nn::Sequential<float>& net, std::size_t steps, std::size_t batch, const nn::Shape& input,
                               std::size_t grid, double lr0, const FillBatch& fill, std::size_t every) {
  nn::Adam<float> opt(lr0);
  nn::Tensor<float> X(nn::Shape{batch, input[0], input[1], input[2]}), dP;
  nn::GridTargets targets;
  TrainLog log;
  nn::DetectionLossParts acc;
  net.set_training(true);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t s = 0; s < steps; ++s) {
    opt.set_learning_rate(nn::cosine_schedule(lr0, s, steps, lr0 / 50));
    nn::resize_targets(targets, batch, grid);
    fill(s, X, targets);
    const nn::Tensor<float>& P = net.forward(X);
    const nn::DetectionLossParts L = nn::detection_loss(P, targets, nn::DetectionLossWeights{}, dP);  // Eq. (D6)
    if (!std::isfinite(L.total)) {
      throw nn::training_error("detection loss is " + std::to_string(L.total) + " at step " + std::to_string(s) +
                               " (learning rate " + std::to_string(opt.learning_rate()) + ")");
    }
    net.backward(dP);  // Eqs. (D7)–(D10), then every layer's backward (§4.2)
    opt.step(net.parameters());
    acc.total += L.total, acc.object += L.object, acc.noobject += L.noobject, acc.box += L.box, acc.cls += L.cls;
    if ((s + 1) % every == 0 || s + 1 == steps) {
      const double n = double((s % every) + 1);
      log.step.push_back(double(s + 1));
      log.total.push_back(acc.total / n), log.object.push_back(acc.object / n), log.noobject.push_back(acc.noobject / n);
      log.box.push_back(acc.box / n), log.cls.push_back(acc.cls / n);
      const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cout << boost::format("  step %5d/%d  loss %.4f (obj %.3f, noobj %.3f, box %.3f, class %.3f)  %.0f img/s\n") %
                       (s + 1) % steps % (acc.total / n) % (acc.object / n) % (acc.noobject / n) % (acc.box / n) %
                       (acc.cls / n) % (double((s + 1) * batch) / sec)
                << std::flush;
      acc = {};
    }
  }
  log.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log.images = steps * batch;
  net.set_training(false);
  return log;
}

/// Runs the network (evaluation mode) on N images (N, C, H, W) and returns the decoded
/// detections (D1)–(D5) with score ≥ min_score after non-maximum suppression at nms_iou.
inline std::vector<nn::Detection> detect(nn::Sequential<float>& net, const nn::Tensor<float>& images,
                                         std::size_t batch, double min_score, double nms_iou) {
  net.set_training(false);
  const std::size_t N = images.dim(0), per = images.size() / N;
  std::vector<nn::Detection> dets;
  nn::Tensor<float> X;
  for (std::size_t b = 0; b < N; b += batch) {
    const std::size_t n = std::min(batch, N - b);
    X.resize(nn::Shape{n, images.dim(1), images.dim(2), images.dim(3)});
    std::copy_n(images.data() + b * per, n * per, X.data());
    nn::decode_detections(net.forward(X), double(images.dim(3)), double(images.dim(2)), min_score, b, dets);
  }
  return nn::non_max_suppression(std::move(dets), nms_iou);
}

/// The loss curves (total and the four parts of Eq. (D6)), log scale.
inline std::filesystem::path loss_figure(const std::filesystem::path& out, const std::string& name,
                                         const std::string& title, const TrainLog& log) {
  nn::Figure f(out, name, 640, 420);
  f.set("title '" + title + "'").set("xlabel 'training step'").set("ylabel 'loss (mean over the last steps)'");
  f.set("logscale y").set("grid").set("key top right");
  const int b = f.block({log.step, log.total, log.object, log.noobject, log.box, log.cls});
  const char* parts[] = {"total L, Eq. (D6)", "objectness, object cells", "objectness, empty cells", "box regression",
                         "class cross-entropy"};
  for (std::size_t k = 0; k < std::size(parts); ++k)
    f.plot(f.data(b) + " using 1:" + std::to_string(k + 2) + " with lines lw " + (k == 0 ? "3 " : "2 ") +
           nn::series_style(k) + " title '" + parts[k] + "'");
  return f.render();
}

/// Precision–recall curves, one per class (names), each in its own colour and dash type
/// (nn::series_style), with AP in the key.
inline std::filesystem::path pr_figure(const std::filesystem::path& out, const std::string& name,
                                       const std::string& title, const nn::MeanAveragePrecision& m,
                                       const std::vector<std::string>& names) {
  nn::Figure f(out, name, 640, 480);
  f.set("title '" + title + "'").set("xlabel 'recall'").set("ylabel 'precision'");
  f.set("xrange [0:1.02]").set("yrange [0:1.02]").set("grid").set("key outside right top");  // off the curves
  for (std::size_t k = 0; k < m.curves.size(); ++k) {
    if (m.curves[k].recall.empty()) continue;
    std::vector<double> r{0.0}, p{1.0};  // start at recall 0 for the eye
    r.insert(r.end(), m.curves[k].recall.begin(), m.curves[k].recall.end());
    p.insert(p.end(), m.curves[k].precision.begin(), m.curves[k].precision.end());
    p[0] = p[1];
    const int b = f.block({r, p});
    f.plot(f.data(b) + (boost::format(" using 1:2 with lines lw 2 %s title '%s  AP %.3f'") % nn::series_style(k) % names[k] %
                        m.ap[k])
                           .str());
  }
  return f.render();
}

/// A grid of images with true boxes (sky blue, dashed) and predicted boxes (orange, solid, with
/// "label score%" in orange), enlarged `zoom` times — or less, so that the grid is no wider than
/// the docs' text column (nn::kFigureMaxWidth) — as one PNG drawn into a tensor (nn::draw_box,
/// nn::draw_text). The colours are nn::series_colour()'s, apart for colour-blind eyes too.
inline std::filesystem::path boxes_figure(const std::filesystem::path& path, const nn::Tensor<float>& images,
                                          const std::vector<std::vector<nn::LabeledBox>>& truth,
                                          const std::vector<nn::Detection>& dets, const std::vector<std::string>& names,
                                          std::size_t count, std::size_t cols, std::size_t zoom, double min_score) {
  const std::size_t H = images.dim(2), W = images.dim(3), gap = 4;
  count = std::min(count, images.dim(0));
  cols = std::max<std::size_t>(1, std::min(cols, count));
  const std::size_t widest = (std::size_t(nn::kFigureMaxWidth) - gap * (cols + 1)) / (cols * W);
  zoom = std::max<std::size_t>(1, std::min(zoom, widest));
  const std::size_t rows = (count + cols - 1) / cols;
  nn::Tensor<float> canvas(nn::Shape{1, 3, rows * (H * zoom + gap) + gap, cols * (W * zoom + gap) + gap}, 1.0f);
  const auto rgb = [](const std::string& hex) {
    const double v = nn::rgb_number(hex);
    const auto channel = [v](int shift) { return float((long(v) >> shift) & 0xff) / 255.0f; };
    return nn::Rgb{channel(16), channel(8), channel(0)};
  };
  const nn::Rgb truth_colour = rgb(nn::series_colour(5)), predicted_colour = rgb(nn::series_colour(1));
  const int line = int(std::max<std::size_t>(2, zoom / 2)), dash = 3 * line;
  const int font = int(std::max<std::size_t>(1, zoom / 2));
  for (std::size_t n = 0; n < count; ++n) {
    nn::Tensor<float> gray(nn::Shape{1, 1, H, W});
    std::copy_n(images.data() + n * H * W * images.dim(1), H * W, gray.data());  // first channel
    nn::Tensor<float> tile = nn::gray_to_rgb(gray, zoom);
    auto scaled = [&](const nn::Box& b) {
      return nn::Box{b.x1 * double(zoom), b.y1 * double(zoom), b.x2 * double(zoom), b.y2 * double(zoom)};
    };
    for (const auto& t : truth[n]) nn::draw_box(tile, scaled(t.box), truth_colour, line, dash);
    for (const auto& d : dets) {
      if (d.image != n || d.score < min_score) continue;
      const nn::Box b = scaled(d.box);
      nn::draw_box(tile, b, predicted_colour, line);
      const std::string text = names[std::size_t(d.label)] + (boost::format(" %.0f%%") % (100 * d.score)).str();
      nn::draw_text(tile, int(std::max(1.0, b.x1 + 2)), int(std::max(1.0, b.y1 + 3)), text, predicted_colour, font);
    }
    nn::paste(canvas, tile, gap + (n % cols) * (W * zoom + gap), gap + (n / cols) * (H * zoom + gap));
  }
  nn::save_png(path, canvas);
  return path;
}

}  // namespace ch08
