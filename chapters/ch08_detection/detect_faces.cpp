// Chapter 8 — face detection (report §1.3, §4.3): the same grid detector, one class, trained and
// evaluated on a folder in the WIDER FACE format. With --data DIR holding WIDER FACE (or
// DIR/wider_face holding it), it trains on the real faces; without one it generates a folder of
// synthetic faces (ellipses with eyes and a mouth) in --out and trains on that, and says so.
// The photo data/images/astronaut.png is only examined by a model trained on real WIDER FACE.
#include <filesystem>
#include <iostream>
#include <random>

#include "detection_common.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/data/image.hpp"
#include "nn/data/model_io.hpp"
#include "nn/tools/table.hpp"
#include "nn/data/wider_face.hpp"

namespace {

namespace fs = std::filesystem;

//! [constants]
constexpr std::size_t kBatch = 32;
constexpr double kLearningRate = 2e-3;
constexpr double kMinFace = 6.0;    // faces smaller than this (pixels after letterboxing) are dropped
constexpr double kMinScore = 0.01;  // for the precision–recall curve
constexpr double kNmsIou = 0.45;
constexpr double kShowScore = 0.5;  // boxes drawn in the figures
//! [constants]

/// The WIDER FACE folder under --data, if any: DIR itself or DIR/wider_face.
fs::path find_wider_face(const fs::path& data) {
  if (nn::is_wider_face_folder(data)) return data;
  if (nn::is_wider_face_folder(data / "wider_face")) return data / "wider_face";
  return {};
}

int run(const nn::ChapterArgs& args) {
  // 1. The folder: real WIDER FACE if the user has it, else a generated one.
  fs::path root = find_wider_face(args.data);
  const bool real = !root.empty();
  std::string source;
  if (real) {
    source = "WIDER FACE in " + root.string();
  } else {
    // generated data goes with the data (git-ignored), not among the figures; --quick (the
    // tests) keeps it in its own output folder
    root = args.quick ? args.out / "ch08_synthetic_wider_face" : args.data / "synthetic_wider_face";
    const std::size_t n_train = args.quick ? 64 : 1200, n_val = args.quick ? 32 : 300;
    nn::write_synthetic_wider_face(root, n_train, n_val, args.seed);
    source = "GENERATED synthetic faces (ellipses with eyes and a mouth) in " + root.string() +
             "; no WIDER FACE folder in " + args.data.string() + " or " + (args.data / "wider_face").string();
  }
  std::cout << "Data: " << source << "\n";

  //! [load]
  // Real photos are letterboxed to 128×128 (grid 16×16), the small synthetic ones to 64×64 (8×8).
  const std::size_t input = real ? 128 : 64, grid = real ? 16 : 8;
  // At most 4,000 images per split (WIDER FACE has 12,880 / 3,226): 4,000 × 128² floats = 262 MB.
  const std::size_t max_images = args.quick ? 64 : 4000;
  const nn::FaceSet train = nn::load_wider_face(root, "train", input, kMinFace, max_images);
  const nn::FaceSet val = nn::load_wider_face(root, "val", input, kMinFace, max_images);
  //! [load]
  std::cout << "train: " << train.size() << " images, " << train.faces_kept << " faces (" << train.faces_dropped
            << " dropped: invalid or below " << kMinFace << " px)\n"
            << "val:   " << val.size() << " images, " << val.faces_kept << " faces (" << val.faces_dropped
            << " dropped)\n";

  nn::GridDetectorSpec spec;
  spec.stem_stride = 2;
  spec.input = input;
  spec.grid = grid;
  spec.classes = 1;
  spec.widths = args.quick ? std::vector<std::size_t>{8, 16, 16, 32} : std::vector<std::size_t>{16, 32, 64, 96};
  nn::Sequential<float> net = nn::grid_detector<float>(spec, args.seed);
  std::cout << "Detector " << spec.str() << ", " << net.parameter_count() << " parameters\n";

  //! [train]
  // Batches drawn at random from the training images, each mirrored left–right with probability 1/2.
  const std::size_t steps = args.quick ? 40 : real ? 4000 : 600;
  std::mt19937_64 rng(args.seed);
  const std::size_t px = input * input;
  const ch08::FillBatch fill = [&](std::size_t, nn::Tensor<float>& X, nn::GridTargets& targets) {
    for (std::size_t r = 0; r < kBatch; ++r) {
      const std::size_t n = std::size_t(rng() % train.size());
      const bool flip = rng() % 2;
      const float* src = train.images.data() + n * px;
      float* dst = X.data() + r * px;
      std::vector<nn::LabeledBox> faces = train.objects[n];
      for (std::size_t y = 0; y < input; ++y)
        for (std::size_t x = 0; x < input; ++x) dst[y * input + x] = src[y * input + (flip ? input - 1 - x : x)];
      if (flip)
        for (auto& f : faces) f.box = nn::Box{double(input) - f.box.x2, f.box.y1, double(input) - f.box.x1, f.box.y2};
      nn::encode_targets(faces, r, double(input), double(input), targets);
    }
  };
  const ch08::TrainLog log = ch08::train_detector(net, steps, kBatch, nn::Shape{1, input, input}, grid, kLearningRate,
                                                  fill, args.quick ? 10 : 100);
  const std::vector<nn::Detection> dets = ch08::detect(net, val.images, 50, kMinScore, kNmsIou);
  const nn::MeanAveragePrecision m = nn::mean_average_precision(dets, val.objects, 1, 0.5);
  //! [train]

  const std::string result =
      (boost::format("Face AP@0.5 = %.4f on %d validation images (%d faces, %d matched) — %s\n"
                     "Training: %d steps x %d images in %.1f s (%s); detector %s\nData: %s\n") %
       m.ap[0] % val.size() % m.positives[0] % m.true_positives[0] %
       (real ? "WIDER FACE val split, faces of at least 6 px after letterboxing, invalid ones excluded"
             : "SYNTHETIC faces, not photographs: this says nothing about real faces") %
       steps % kBatch % log.seconds % (args.quick ? "--quick" : "full run") % spec.str() % source)
          .str();
  std::cout << "\n" << result;
  const fs::path txt = args.out / "ch08_detect_faces.txt";
  nn::write_file_atomically(txt, nn::wrap_text(result));
  nn::report_written(txt);
  nn::Facts facts("ch08_detect_faces");
  facts.set("ap", m.ap[0], "%.3f").set("val_images", val.size(), "%d").set("val_faces", m.positives[0], "%d");
  facts.set("train_images", train.size(), "%d").set("steps", steps, "%d").set("batch", kBatch, "%d");
  facts.set("seconds", log.seconds, "%.0f");
  nn::report_written(facts.save(args.out));

  const std::vector<std::string> names{"face"};
  nn::report_written(ch08::loss_figure(args.out, "ch08_faces_loss", "Training loss of the face detector", log));
  nn::report_written(ch08::pr_figure(args.out, "ch08_faces_pr",
                                     (boost::format("Faces: precision-recall at IoU >= 0.5 (%s)") %
                                      (real ? "WIDER FACE val" : "synthetic faces")).str(),
                                     m, names));
  nn::report_written(ch08::boxes_figure(args.out / "ch08_faces_boxes.png", val.images, val.objects, dets, names, 12, 4,
                                        real ? 2 : 4, kShowScore));

  // The model, and the photo — only for a detector that has seen real faces.
  const fs::path model = args.out / (real ? "ch08_face_detector_wider.nnm" : "ch08_face_detector_synthetic.nnm");
  nn::save_model(model, net, nn::Shape{1, input, input}, names);
  nn::report_written(model);
  const fs::path wider_model = args.out / "ch08_face_detector_wider.nnm";
  const fs::path photo = args.data / "images" / "astronaut.png";
  if (fs::exists(wider_model) && fs::exists(photo)) {
    nn::Model face = nn::load_model(wider_model);
    const std::size_t side = face.input[1];
    const nn::Letterbox lb = nn::letterbox(nn::to_grayscale(nn::load_png(photo)), side);
    std::vector<nn::Detection> found;
    nn::decode_detections(face.net.forward(lb.image), double(side), double(side), kShowScore, 0, found);
    found = nn::non_max_suppression(found, kNmsIou);
    std::cout << "astronaut.png: " << found.size() << " face(s) with score >= " << kShowScore << " (model "
              << wider_model.string() << ")\n";
    nn::report_written(ch08::boxes_figure(args.out / "ch08_faces_astronaut.png", lb.image, {{}}, found, names, 1, 1,
                                          1024 / side / 2, kShowScore));
  } else {
    std::cout << "astronaut.png: not examined — there is no detector trained on real faces (" << wider_model.string()
              << "); a detector trained on synthetic ellipses says nothing about a photograph.\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv,
                         "§1.3/§4.3: face detection — the grid detector on a WIDER FACE folder (--data), or on "
                         "generated faces",
                         run);
}
