// Chapter 8c — real faces (report §1.3, "ansiktsigenkänning"): a face/non-face classifier trained
// on the 200 real 25×25 crops of Labeled Faces in the Wild (scikit-image's subset), measured by
// 5-fold cross-validation against logistic regression on the same pixels; then the same network
// scanned over real photographs as a face detector, measured on held-out faces pasted into
// held-out halves of face-free photographs (AP@0.5), and run on the whole astronaut and camera
// photos, whose face boxes are labelled by hand in photo_faces_bbx_gt.txt (WIDER FACE format).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <random>
#include <sstream>

#include <boost/format.hpp>

#include "nn/apps/experiments.hpp"
#include "nn/apps/faces.hpp"
#include "nn/apps/roc.hpp"
#include "nn/apps/train.hpp"
#include "nn/data/digits.hpp"
#include "nn/data/faces.hpp"
#include "nn/data/image.hpp"
#include "nn/data/lfw.hpp"
#include "nn/data/model_io.hpp"
#include "nn/data/wider_face.hpp"
#include "nn/errors.hpp"
#include "nn/dense.hpp"
#include "nn/optim.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/files.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"
#include "nn/tools/threads.hpp"
#include "../ch08_detection/detection_common.hpp"

namespace {

namespace fs = std::filesystem;

//! [constants]
constexpr std::size_t kFolds = 5;
constexpr std::size_t kWindow = 24;       // the classifier's input side (LFW crops are 25 × 25)
constexpr std::size_t kBatch = 32;
constexpr double kLearningRate = 2e-3;    // Adam, cosine schedule to 1/50 of it
constexpr double kOperatingScore = 0.5;   // p(face) from which a crop is called a face, and a window is mined
constexpr double kMatchIou = 0.5;         // a detection finds a face at IoU ≥ 0.5 (AP@0.5)
constexpr double kLongestSide = 512;      // larger photographs are scanned at this longer side
//! [constants]

/// The photographs' hand-labelled faces (WIDER FACE format), kept beside this program.
const fs::path kPhotoFaces = fs::path(NN_SOURCE_DIR) / "chapters" / "ch08_faces" / "photo_faces_bbx_gt.txt";

/// The gray picture (H, W) of an image file.
nn::Tensor<float> gray_picture(const fs::path& path) {
  const nn::Tensor<float> g = nn::to_grayscale(nn::load_image(path));
  return g.reshaped(nn::Shape{g.dim(2), g.dim(3)});
}

/// The crops `idx` of `all`, each area-resampled to the window: what the classifier is shown.
nn::Tensor<float> windows_of(const nn::Tensor<float>& all, const std::vector<std::size_t>& idx) {
  nn::Tensor<float> X(nn::Shape{idx.size(), 1, kWindow, kWindow});
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const nn::Tensor<float> c = nn::picture_of(all, idx[k]);
    nn::cut_window(c, 0, 0, c.dim(0), kWindow, X.data() + k * kWindow * kWindow);
  }
  return X;
}

/// Crops `idx` of `all` as a tensor of their own (N, 1, h, w).
nn::Tensor<float> subset(const nn::Tensor<float>& all, const std::vector<std::size_t>& idx) {
  const std::size_t px = all.dim(2) * all.dim(3);
  nn::Tensor<float> X(nn::Shape{idx.size(), 1, all.dim(2), all.dim(3)});
  for (std::size_t k = 0; k < idx.size(); ++k) std::copy_n(all.data() + idx[k] * px, px, X.data() + k * px);
  return X;
}

/// What one training run sees: crops of faces and non-faces, where to cut extra negatives,
/// windows found to be hard negatives, and whether to augment.
struct TrainingData {
  const nn::Tensor<float>* crops = nullptr;  ///< all crops (N, 1, 25, 25)
  std::vector<std::size_t> faces, nonfaces;  ///< training indices into crops
  const std::vector<nn::Backdrop>* backdrops = nullptr;  ///< face-free regions for extra negatives
  nn::Tensor<float> hard;                    ///< mined negative windows (M, 1, 24, 24), may be empty
  bool augment = true;
  std::size_t face_copies = 2;               ///< augmented copies of each face per epoch
  std::size_t negatives_per_face = 1;        ///< negative examples per positive one
};

//! [epoch]
/// One epoch's examples. With augmentation: every face `face_copies` times and
/// every non-face once, each a fresh random copy (nn::augment_crop), then
/// negative windows up to `negatives_per_face` per positive — cut at random
/// from the face-free backdrops, or, half of them when there are any, mined
/// hard negatives. Without: the plain crops only.
nn::Dataset epoch_examples(const TrainingData& d, std::mt19937_64& rng) {
  const std::size_t px = kWindow * kWindow;
  const std::size_t n_pos =
      d.augment ? d.face_copies * d.faces.size() : d.faces.size();
  const std::size_t n_neg =
      d.augment ? std::max(d.negatives_per_face * n_pos, d.nonfaces.size())
                : d.nonfaces.size();
  nn::Dataset ds;
  ds.images = nn::Tensor<float>(nn::Shape{n_pos + n_neg, 1, kWindow, kWindow});
  ds.labels.assign(n_pos + n_neg, 0);
  const nn::FaceAugment aug;
  std::size_t r = 0;
  const auto add_crop = [&](std::size_t i, int label) {
    const nn::Tensor<float> c = nn::picture_of(*d.crops, i);
    float* dst = ds.images.data() + r * px;
    if (d.augment)
      nn::augment_crop(c, aug, kWindow, rng, dst);
    else
      nn::cut_window(c, 0, 0, c.dim(0), kWindow, dst);
    ds.labels[r++] = label;
  };
  for (std::size_t copy = 0; copy < n_pos / d.faces.size(); ++copy)
    for (std::size_t i : d.faces) add_crop(i, 1);
  for (std::size_t i : d.nonfaces) add_crop(i, 0);
  while (r < n_pos + n_neg) {
    float* dst = ds.images.data() + r * px;
    if (d.hard.size() > 0 && rng() % 2) {
      std::copy_n(d.hard.data() + (rng() % d.hard.dim(0)) * px, px, dst);
    } else {
      nn::random_backdrop_window(*d.backdrops, kWindow, 160, kWindow, rng, dst);
    }
    ds.labels[r++] = 0;
  }
  return ds;
}
//! [epoch]

/// Trains `net` for `epochs` epochs of epoch_examples() with Adam, the learning rate falling
/// from lr0 to lr0/50 on a cosine.
void fit(nn::Sequential<float>& net, const TrainingData& d, std::size_t epochs, double lr0, std::uint64_t seed) {
  nn::Adam<float> opt(lr0);
  std::mt19937_64 rng(seed);
  for (std::size_t e = 0; e < epochs; ++e) {
    opt.set_learning_rate(nn::cosine_schedule(lr0, e, epochs, lr0 / 50));
    const nn::Dataset ds = epoch_examples(d, rng);
    nn::train_epoch(net, opt, ds, kBatch, rng);
  }
  net.set_training(false);
}

/// A fresh classifier trained by fit().
nn::Sequential<float> train_classifier(const TrainingData& d, const nn::FaceClassifierSpec& spec, std::size_t epochs,
                                       std::uint64_t seed) {
  nn::Sequential<float> net = nn::face_classifier(spec, seed);
  fit(net, d, epochs, kLearningRate, seed);
  return net;
}

/// Hard negatives: the windows of `pictures` that `net` calls faces (p ≥ options.min_score)
/// while overlapping no true face by IoU > 0.3, cut as the scanner saw them and appended to
/// `out` (24·24 values each), at most `cap` windows in all.
void mine_hard_negatives(nn::Sequential<float>& net, const std::vector<nn::Tensor<float>>& pictures,
                         const std::vector<std::vector<nn::LabeledBox>>& truth, const nn::ScanOptions& options,
                         std::vector<float>& out, std::size_t cap) {
  const std::size_t px = kWindow * kWindow;
  for (std::size_t k = 0; k < pictures.size(); ++k) {
    const nn::Tensor<float>& pic = pictures[k];
    for (const nn::Detection& d : nn::scan_faces(net, pic, options, k)) {
      if (out.size() / px >= cap) return;
      if (std::any_of(truth[k].begin(), truth[k].end(), [&](const nn::LabeledBox& t) { return nn::iou(t.box, d.box) > 0.3; }))
        continue;
      const std::size_t side = std::min({std::size_t(std::lround(d.box.width())), pic.dim(0), pic.dim(1)});
      const std::size_t x = std::min(std::size_t(std::max(0.0, std::round(d.box.x1))), pic.dim(1) - side);
      const std::size_t y = std::min(std::size_t(std::max(0.0, std::round(d.box.y1))), pic.dim(0) - side);
      out.resize(out.size() + px);
      nn::cut_window(pic, x, y, side, kWindow, out.data() + out.size() - px);
    }
  }
}

/// The baseline: logistic regression on the same 24 × 24 pixels (a dense layer to two scores
/// and the softmax cross-entropy, which for two classes is the logistic loss), plain crops.
nn::Sequential<float> train_logistic(const TrainingData& d, std::size_t epochs, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  nn::Sequential<float> net;
  net.add<nn::Flatten<float>>();
  net.add<nn::Dense<float>>(kWindow * kWindow, 2, nn::Init::xavier_normal, rng);
  nn::Adam<float> opt(kLearningRate);
  TrainingData plain = d;
  plain.augment = false;
  const nn::Dataset ds = epoch_examples(plain, rng);
  for (std::size_t e = 0; e < epochs; ++e) {
    opt.set_learning_rate(nn::cosine_schedule(kLearningRate, e, epochs, kLearningRate / 50));
    nn::train_epoch(net, opt, ds, kBatch, rng);
  }
  net.set_training(false);
  return net;
}

/// The score threshold of largest F1 = 2PR/(P + R) along the precision–recall curve of
/// `dets` against `truth` (matching at IoU ≥ 0.5, as nn::mean_average_precision()).
double best_f1_threshold(std::vector<nn::Detection> dets, const std::vector<std::vector<nn::LabeledBox>>& truth) {
  std::stable_sort(dets.begin(), dets.end(), [](const nn::Detection& a, const nn::Detection& b) { return a.score > b.score; });
  const nn::MeanAveragePrecision m = nn::mean_average_precision(dets, truth, 1, kMatchIou);
  const nn::PrecisionRecall& c = m.curves[0];  // point k: the k + 1 best detections
  double best = -1, threshold = 0.5;
  for (std::size_t k = 0; k < c.recall.size(); ++k) {
    const double p = c.precision[k], r = c.recall[k], f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
    if (f1 > best) best = f1, threshold = dets[k].score;
  }
  return threshold;
}

/// Seconds since `start`, for the printout.
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double mean_of(const std::vector<double>& v) { return nn::summarize(v).mean; }
double std_of(const std::vector<double>& v) { return nn::summarize(v).std; }  // sample std (n − 1)

/// One method's cross-validation: accuracy per fold, and every crop's out-of-fold score.
struct CvResult {
  std::string name;
  std::vector<double> fold_accuracy;
  std::vector<double> score;  ///< indexed like the crops
};

/// A grid of crops, each enlarged `zoom` times, with a caption under each ("face 0.31").
fs::path crops_figure(const fs::path& path, const nn::Tensor<float>& crops, const std::vector<std::size_t>& idx,
                      const std::vector<std::string>& captions, std::size_t cols, std::size_t zoom) {
  const std::size_t h = crops.dim(2), w = crops.dim(3), gap = 6, text = 8 * (zoom / 2 + 1);
  const std::size_t n = std::max<std::size_t>(1, idx.size());
  cols = std::max<std::size_t>(1, std::min(cols, n));
  const std::size_t rows = (n + cols - 1) / cols;
  nn::Tensor<float> canvas(nn::Shape{1, 3, rows * (h * zoom + text + gap) + gap, cols * (w * zoom + gap) + gap}, 1.0f);
  for (std::size_t k = 0; k < idx.size(); ++k) {
    nn::Tensor<float> g(nn::Shape{1, 1, h, w});
    std::copy_n(crops.data() + idx[k] * h * w, h * w, g.data());
    const std::size_t x = gap + (k % cols) * (w * zoom + gap), y = gap + (k / cols) * (h * zoom + text + gap);
    nn::paste(canvas, nn::gray_to_rgb(g, zoom), x, y);
    nn::draw_text(canvas, int(x), int(y + h * zoom + 2), captions[k], nn::Rgb{0.9f, 0.9f, 0.9f}, int(zoom / 3 + 1));
  }
  nn::save_png(path, canvas);
  return path;
}

/// The hand-labelled photographs: the faces of each (empty for the face-free ones).
struct PhotoSet {
  std::vector<std::string> names;
  std::vector<nn::Tensor<float>> pictures;            ///< gray (H, W)
  std::vector<std::vector<nn::LabeledBox>> faces;     ///< true faces per photo
};

/// The photographs named in a WIDER-format file, found in `images_dir`, with their faces.
PhotoSet load_photos(const fs::path& annotations, const fs::path& images_dir) {
  PhotoSet p;
  for (const nn::WiderFaceImage& rec : nn::read_wider_face_annotations(annotations)) {
    const fs::path file = images_dir / rec.path;
    if (!fs::exists(file)) {
      const std::string what = file.string() + " (named in " + annotations.string() + ", line " + std::to_string(rec.line) + ")";
      throw nn::data_error(annotations == kPhotoFaces ? nn::missing_data_message(what) : what + " does not exist");
    }
    p.names.push_back(rec.path);
    p.pictures.push_back(gray_picture(file));
    std::vector<nn::LabeledBox> f;
    const nn::Tensor<float>& pic = p.pictures.back();
    for (const nn::WiderFace& face : rec.faces) {
      if (face.box.x2 > double(pic.dim(1)) || face.box.y2 > double(pic.dim(0)) || face.box.area() <= 0)
        throw nn::data_error(annotations.string() + ":" + std::to_string(face.line) + ": the face " + face.box.str() +
                             " is empty or not inside " + rec.path + " (" + std::to_string(pic.dim(1)) + " x " +
                             std::to_string(pic.dim(0)) + " pixels)");
      f.push_back(nn::LabeledBox{face.box, 0});
    }
    p.faces.push_back(f);
  }
  return p;
}

/// What the detector found in one photograph.
struct Examined {
  std::vector<nn::Detection> found;  ///< detections at the operating threshold, photo pixels
  std::vector<double> best_iou;      ///< per true face: the largest IoU of a detection with it
  std::vector<double> best_score;    ///< the score of that detection
  std::size_t false_positives = 0;   ///< detections that match no true face at IoU ≥ 0.5
};

/// Scans one photograph at the operating threshold and compares with its true faces (none for
/// a face-free one, or for a user's photo without annotations); prints one line and, if
/// `figure` is set, draws the boxes there. A photograph whose longer side exceeds kLongestSide is
/// scanned area-resampled to that side, and the boxes are mapped back.
Examined examine(nn::Sequential<float>& detector, const nn::ScanOptions& scan, double threshold, const std::string& name,
                 const nn::Tensor<float>& picture, const std::vector<nn::LabeledBox>& faces, const fs::path& figure,
                 bool print = true) {
  const double H = double(picture.dim(0)), W = double(picture.dim(1)), f = std::min(1.0, kLongestSide / std::max(H, W));
  const nn::Tensor<float> seen =
      f < 1 ? nn::resize_area(picture, std::size_t(std::lround(H * f)), std::size_t(std::lround(W * f))) : picture;
  nn::ScanOptions o = scan;
  o.min_score = threshold;
  Examined e;
  e.found = nn::scan_faces(detector, seen, o);
  const double fy = double(seen.dim(0)) / H, fx = double(seen.dim(1)) / W;
  for (nn::Detection& d : e.found) d.box = nn::Box{d.box.x1 / fx, d.box.y1 / fy, d.box.x2 / fx, d.box.y2 / fy};
  for (const nn::Detection& d : e.found)
    if (std::none_of(faces.begin(), faces.end(), [&](const nn::LabeledBox& t) { return nn::iou(t.box, d.box) >= kMatchIou; }))
      ++e.false_positives;
  std::ostringstream line;
  line << "  " << name << boost::format(" (%dx%d): %d detection(s)") % W % H % e.found.size();
  for (std::size_t t = 0; t < faces.size(); ++t) {
    double best = 0, score = 0;
    for (const nn::Detection& d : e.found)
      if (const double v = nn::iou(faces[t].box, d.box); v > best) best = v, score = d.score;
    e.best_iou.push_back(best), e.best_score.push_back(score);
    line << boost::format("; face %d %s: best IoU %.2f (p %.2f)") % (t + 1) % faces[t].box.str() % best % score;
  }
  if (faces.empty())
    for (const nn::Detection& d : e.found) line << boost::format("; %s p %.2f") % d.box.str() % d.score;
  line << "; " << e.false_positives << " false positive(s)\n";
  if (print) std::cout << line.str();
  if (!figure.empty()) {
    const nn::Tensor<float> image = seen.reshaped(nn::Shape{1, 1, seen.dim(0), seen.dim(1)});
    std::vector<nn::LabeledBox> truth_seen;
    for (const auto& t : faces) truth_seen.push_back({nn::Box{t.box.x1 * fx, t.box.y1 * fy, t.box.x2 * fx, t.box.y2 * fy}, 0});
    std::vector<nn::Detection> found_seen = e.found;
    for (nn::Detection& d : found_seen) d.box = nn::Box{d.box.x1 * fx, d.box.y1 * fy, d.box.x2 * fx, d.box.y2 * fy};
    nn::report_written(ch08::boxes_figure(figure, image, {truth_seen}, found_seen, {"face"}, 1, 1, 1, threshold));
  }
  return e;
}

/// The user's own photographs: positional image files, and a WIDER-format file of photos with
/// their true faces (paths relative to the file's folder).
struct UserPhotos {
  std::vector<fs::path> files;
  fs::path annotations;
  fs::path model;  ///< --model: a saved detector to use instead of training one
};

/// Scans the user's photographs and prints what was found; with annotations, how many faces.
void examine_yours(nn::Sequential<float>& detector, const nn::ScanOptions& scan, double threshold,
                   const PhotoSet& yours, bool annotated, const fs::path& out) {
  if (yours.names.size() > 0) std::cout << "\nYour photographs:\n";
  std::size_t faces = 0, found = 0, fp = 0;
  for (std::size_t k = 0; k < yours.names.size(); ++k) {
    const Examined e = examine(detector, scan, threshold, yours.names[k], yours.pictures[k], yours.faces[k],
                               out / ("ch08_real_faces_yours_" + std::to_string(k + 1) + ".png"));
    faces += yours.faces[k].size(), fp += e.false_positives;
    for (double v : e.best_iou) found += v >= kMatchIou;
  }
  if (annotated)
    std::cout << boost::format("Your annotated photographs: %d of %d faces found at IoU >= 0.5, %d false positive(s)\n") %
                     found % faces % fp;
}

/// The operating threshold that the run which trained a model saved beside it.
double saved_threshold(const fs::path& facts) {
  std::ifstream in(facts);
  if (!in)
    throw nn::data_error(facts.string() + " is missing: --model needs the ch08_real_faces.facts that the run which "
                         "trained the model wrote beside it (its operating threshold)");
  std::string line, key, value;
  while (std::getline(in, line)) {  // "key value" lines; '#' starts a comment line
    std::istringstream fields(line);
    if (!(fields >> key >> value) || key != "threshold") continue;
    try {
      std::size_t used = 0;
      const double t = std::stod(value, &used);
      if (used == value.size() && t > 0 && t < 1) return t;
    } catch (const std::exception&) {
    }
    throw nn::data_error(facts.string() + ": the threshold '" + value + "' is not a number in (0, 1)");
  }
  throw nn::data_error(facts.string() + " holds no threshold");
}

/// --model: the saved detector and its threshold on the user's photographs, without training.
int scan_with_saved_model(const nn::ChapterArgs& args, const UserPhotos& user, const PhotoSet& yours) {
  if (yours.names.empty())
    throw nn::data_error("--model " + user.model.string() + ": name photographs to search (files, or --annotations FILE)");
  nn::Model m = nn::load_model(user.model);
  if (m.input != nn::Shape{1, kWindow, kWindow} || m.net.output_shape(nn::Shape{1, 1, kWindow, kWindow}) != nn::Shape{1, 2})
    throw nn::data_error("--model " + user.model.string() + " takes " + m.input.str() +
                         " and is not a face classifier of 24 x 24 windows with two scores (ch08_real_faces saves one)");
  nn::ScanOptions scan;
  scan.net_stride = 1;  // 2 per pool
  for (std::size_t i = 0; i < m.net.size(); ++i)
    if (m.net[i].name().rfind("MaxPool", 0) == 0) scan.net_stride *= 2;
  const double threshold = saved_threshold(user.model.parent_path() / "ch08_real_faces.facts");
  std::cout << "Detector: " << user.model.string() << boost::format(", operating threshold p(face) >= %.3f\n") % threshold;
  examine_yours(m.net, scan, threshold, yours, !user.annotations.empty(), args.out);
  return 0;
}

int run(const nn::ChapterArgs& args, const UserPhotos& user) {
  // A batch of 32 windows of 24 × 24 is too little work to share between threads, and a thread
  // that waits for a busy core spins: with the other core busy, an early --quick run took 12 s
  // on one thread and 60 s on two.
  nn::set_library_threads(1);
  // 1. The crops and the photographs: real ones if fetched; in --quick without data, stand-ins.
  nn::Tensor<float> crops;
  std::vector<int> labels;
  PhotoSet photos;
  std::string source;
  const fs::path lfw_file = args.data / nn::lfw_subset_relative_path;
  const bool real = fs::exists(lfw_file) || !args.quick;
  if (real) {
    const nn::Dataset lfw = nn::load_lfw_subset(args.data);  // names the fetch command if missing
    crops = lfw.images, labels = lfw.labels;
    photos = load_photos(kPhotoFaces, args.data / "images");
    source = "the 200 real 25x25 crops of Labeled Faces in the Wild (scikit-image's lfw_subset: 100 faces, 100 "
             "non-faces) and " + std::to_string(photos.names.size()) + " real photographs";
  } else {
    auto g = nn::generated_face_crops(20, 25, args.seed);
    crops = g.first, labels = g.second;
    // stand-ins for the two photographs with people: one generated face pasted into each of two
    // generated backdrops, under the photographs' names so that the same steps run
    nn::FaceSceneOptions one;
    one.min_faces = one.max_faces = 1, one.max_distractors = 0, one.min_side = 48, one.max_side = 80;
    const std::vector<nn::Backdrop> backdrop{nn::Backdrop{nn::generated_backdrop(256, args.seed + 10)}};
    const std::vector<std::size_t> first_faces{0, 1, 2, 3};
    const nn::FaceScenes people =
        nn::make_face_scenes(backdrop, subset(crops, first_faces), nn::Tensor<float>(), 2, one, args.seed + 11);
    for (std::size_t k = 0; k < 2; ++k) {
      photos.names.push_back(k == 0 ? "astronaut.png" : "camera.png");
      photos.pictures.push_back(nn::picture_of(people.images, k));
      photos.faces.push_back(people.faces[k]);
    }
    for (std::size_t k = 0; k < 3; ++k) {
      photos.names.push_back("generated_" + std::to_string(k));
      photos.pictures.push_back(nn::generated_backdrop(192, args.seed + k));
      photos.faces.emplace_back();
    }
    source = "GENERATED stand-in crops, backdrops and 'photographs' (named astronaut.png and camera.png, each a "
             "generated face on a generated backdrop; --quick without data; bash " NN_SOURCE_DIR
             "/scripts/fetch-data.sh fetches the real ones): this says nothing about real faces";
  }
  std::cout << "Data: " << source << "\n";
  // How smooth the two classes are: the mean |difference| of horizontally neighbouring pixels.
  double roughness[2] = {0, 0};
  std::size_t count[2] = {0, 0};
  for (std::size_t n = 0; n < labels.size(); ++n) {
    const nn::Tensor<float> c = nn::picture_of(crops, n);
    for (std::size_t y = 0; y < c.dim(0); ++y)
      for (std::size_t x = 1; x < c.dim(1); ++x) roughness[labels[n]] += std::abs(c(y, x) - c(y, x - 1));
    count[labels[n]] += c.dim(0) * (c.dim(1) - 1);
  }
  std::cout << boost::format("Mean |horizontal pixel difference|: faces %.3f, non-faces %.3f\n") %
                   (roughness[1] / double(count[1])) % (roughness[0] / double(count[0]));

  // The user's photographs are read now, so that a bad one stops the program before training.
  if (!user.annotations.empty() && !fs::is_regular_file(user.annotations))
    throw nn::data_error("--annotations: " + user.annotations.string() + " is not a file");
  PhotoSet yours;
  if (!user.annotations.empty()) yours = load_photos(user.annotations, user.annotations.parent_path());
  for (const fs::path& f : user.files) {
    yours.names.push_back(f.string());
    yours.pictures.push_back(gray_picture(f));  // names the file if it is missing or not an image
    yours.faces.emplace_back();
  }
  if (!user.model.empty()) return scan_with_saved_model(args, user, yours);

  // Face-free photographs: left halves for training, right halves for the held-out scenes.
  std::vector<nn::Backdrop> train_backdrops, test_backdrops;
  std::vector<std::size_t> test_half_of(photos.names.size());  // photo k's right half in test_backdrops
  for (std::size_t k = 0; k < photos.names.size(); ++k) {
    if (!photos.faces[k].empty()) continue;
    auto halves = nn::split_halves(photos.pictures[k]);
    train_backdrops.push_back(std::move(halves.first));
    test_half_of[k] = test_backdrops.size();
    test_backdrops.push_back(std::move(halves.second));
  }

  //! [folds]
  // 2. Stratified folds: the faces and the non-faces are each shuffled
  //    (seeded) and dealt into 5 folds; each fold holds a fifth of either.
  std::vector<std::size_t> face_idx, nonface_idx;
  for (std::size_t i = 0; i < labels.size(); ++i)
    (labels[i] ? face_idx : nonface_idx).push_back(i);
  std::mt19937_64 rng(args.seed);
  std::shuffle(face_idx.begin(), face_idx.end(), rng);
  std::shuffle(nonface_idx.begin(), nonface_idx.end(), rng);
  std::vector<std::size_t> fold_of(labels.size());
  for (std::size_t k = 0; k < face_idx.size(); ++k)
    fold_of[face_idx[k]] = k % kFolds;
  for (std::size_t k = 0; k < nonface_idx.size(); ++k)
    fold_of[nonface_idx[k]] = k % kFolds;
  //! [folds]

  const std::size_t epochs = args.quick ? 6 : 60;
  const std::size_t baseline_epochs = args.quick ? 10 : 200;
  const nn::FaceClassifierSpec spec;
  std::vector<CvResult> results{{"logistic regression", {}, std::vector<double>(labels.size())},
                                {"CNN, plain crops", {}, std::vector<double>(labels.size())},
                                {"CNN, augmented", {}, std::vector<double>(labels.size())}};
  nn::Sequential<float> fold0_net;
  TrainingData fold0_data;
  std::cout << "Classifier: " << spec.str() << ", " << nn::face_classifier(spec, 0).parameter_count()
            << " parameters; " << epochs << " epochs per fold\n";
  const auto t_cv = std::chrono::steady_clock::now();
  for (std::size_t f = 0; f < kFolds; ++f) {
    TrainingData d;
    d.crops = &crops, d.backdrops = &train_backdrops;
    std::vector<std::size_t> test;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (fold_of[i] == f) test.push_back(i);
      else (labels[i] ? d.faces : d.nonfaces).push_back(i);
    }
    const nn::Tensor<float> X = windows_of(crops, test);
    const std::uint64_t seed = args.seed + 1000 * (f + 1);
    nn::Sequential<float> logistic = train_logistic(d, baseline_epochs, seed);
    TrainingData plain = d;
    plain.augment = false;
    nn::Sequential<float> cnn_plain = train_classifier(plain, spec, epochs, seed);
    nn::Sequential<float> cnn = train_classifier(d, spec, epochs, seed);
    nn::Sequential<float>* nets[] = {&logistic, &cnn_plain, &cnn};
    for (std::size_t m = 0; m < results.size(); ++m) {
      const std::vector<double> s = nn::face_probabilities(*nets[m], X);
      std::size_t right = 0;
      for (std::size_t k = 0; k < test.size(); ++k) {
        results[m].score[test[k]] = s[k];
        right += (s[k] >= kOperatingScore) == (labels[test[k]] == 1);
      }
      results[m].fold_accuracy.push_back(double(right) / double(test.size()));
    }
    std::cout << boost::format("  fold %d/%d: held-out accuracy  logistic %.1f %%  CNN plain %.1f %%  CNN %.1f %%  (%.1f s)\n") %
                     (f + 1) % kFolds % (100 * results[0].fold_accuracy.back()) %
                     (100 * results[1].fold_accuracy.back()) % (100 * results[2].fold_accuracy.back()) % seconds_since(t_cv)
              << std::flush;
    if (f == 0) fold0_net = std::move(cnn), fold0_data = d;
  }

  // 3. The cross-validation table, the ROC curves of the out-of-fold scores, the confusion table.
  nn::Table table({{"method", "%-19s"}, {"mean ± std", "%12s"}, {"per fold, %", "%-28s"}, {"ROC AUC", "%7s"}});
  std::vector<nn::RocCurve> rocs;
  for (const CvResult& r : results) {
    rocs.push_back(nn::roc_curve(r.score, labels));
    std::string folds;
    for (double a : r.fold_accuracy) folds += (boost::format("%s%.1f") % (folds.empty() ? "" : " ") % (100 * a)).str();
    table.row(r.name, (boost::format("%.1f ± %.1f %%") % (100 * mean_of(r.fold_accuracy)) % (100 * std_of(r.fold_accuracy))).str(),
              folds, (boost::format("%.4f") % rocs.back().auc).str());
  }
  const CvResult& best = results.back();
  const nn::Confusion cm = nn::confusion_at(best.score, labels, kOperatingScore);
  std::cout << "\n" << table.str()
            << boost::format("\nConfusion of the CNN's out-of-fold calls at p(face) >= %.1f:\n"
                             "                 called face   called non-face\n"
                             "  true face      %11d   %15d\n  true non-face  %11d   %15d\n") %
                   kOperatingScore % cm.tp % cm.fn % cm.fp % cm.tn;

  nn::Facts facts("ch08_real_faces");
  facts.set("face_roughness", roughness[1] / double(count[1]), "%.3f");
  facts.set("nonface_roughness", roughness[0] / double(count[0]), "%.3f");
  const char* keys[] = {"logistic", "cnn_plain", "cnn"};
  for (std::size_t m = 0; m < results.size(); ++m) {
    facts.set(std::string(keys[m]) + "_accuracy", 100 * mean_of(results[m].fold_accuracy), "%.1f");
    facts.set(std::string(keys[m]) + "_std", 100 * std_of(results[m].fold_accuracy), "%.1f");
    facts.set(std::string(keys[m]) + "_auc", rocs[m].auc, "%.4f");
  }
  facts.set("tp", cm.tp, "%d").set("fn", cm.fn, "%d").set("fp", cm.fp, "%d").set("tn", cm.tn, "%d");
  facts.set("epochs", epochs, "%d").set("crops", labels.size(), "%d");

  {
    nn::Figure fig(args.out, "ch08_real_faces_roc", 640, 480);
    fig.set("title 'Face or not: ROC of the out-of-fold scores (5-fold CV), the upper left'");
    fig.set("xlabel 'false-positive rate'").set("ylabel 'true-positive rate'").set("grid");
    fig.set("xrange [0:0.5]").set("yrange [0.4:1.03]").set("key bottom right");  // the corner where they differ
    for (std::size_t m = 0; m < rocs.size(); ++m) {
      const int b = fig.block({rocs[m].fpr, rocs[m].tpr});
      fig.plot(fig.data(b) + (boost::format(" using 1:2 with lines lw 3 %s title '%s, AUC %.4f'") %
                              nn::series_style(m) % results[m].name % rocs[m].auc).str());
    }
    nn::report_written(fig.render());
  }
  // the crops the CNN gets wrong, then those logistic regression gets wrong
  std::vector<std::size_t> wrong;
  std::vector<std::string> captions;
  for (std::size_t m : {std::size_t(2), std::size_t(0)})
    for (std::size_t i = 0; i < labels.size(); ++i)
      if ((results[m].score[i] >= kOperatingScore) != (labels[i] == 1)) {
        wrong.push_back(i);
        captions.push_back((boost::format("%s %s %.2f") % (m == 2 ? "cnn" : "lr") % (labels[i] ? "face" : "non") %
                            results[m].score[i]).str());
      }
  if (wrong.empty()) wrong.push_back(0), captions.push_back("none wrong");
  nn::report_written(crops_figure(args.out / "ch08_real_faces_wrong.png", crops, wrong, captions, 8, 4));
  {
    std::vector<std::size_t> sample;
    std::vector<std::string> caps;
    for (std::size_t k = 0; k < 8; ++k) sample.push_back(face_idx[k]), caps.push_back("face");
    for (std::size_t k = 0; k < 8; ++k) sample.push_back(nonface_idx[k]), caps.push_back("non-face");
    nn::report_written(crops_figure(args.out / "ch08_real_faces_crops.png", crops, sample, caps, 8, 3));
  }

  //! [scenes]
  // 4. Detection. Fold 1 is held out: its faces, and its non-faces as
  //    distractors, are pasted into the right halves of the face-free photos.
  //    Training scenes paste folds 2-5 into the left halves.
  std::vector<std::size_t> held_faces, held_nonfaces;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (fold_of[i] == 0) (labels[i] ? held_faces : held_nonfaces).push_back(i);
  const nn::Tensor<float> train_faces = subset(crops, fold0_data.faces);
  const nn::Tensor<float> train_others = subset(crops, fold0_data.nonfaces);
  const nn::FaceSceneOptions so;
  const std::size_t n_train = args.quick ? 4 : 80, n_test = args.quick ? 4 : 60;
  const nn::FaceScenes train_scenes = nn::make_face_scenes(
      train_backdrops, train_faces, train_others, n_train, so, args.seed + 7);
  const nn::FaceScenes test_scenes = nn::make_face_scenes(
      test_backdrops, subset(crops, held_faces), subset(crops, held_nonfaces),
      n_test, so, args.seed + 8);
  //! [scenes]
  nn::ScanOptions scan;
  scan.net_stride = spec.stride();  // the same for the detector's wider blocks
  const auto scan_all = [&](nn::Sequential<float>& net, const nn::FaceScenes& scenes, double min_score) {
    std::vector<nn::Detection> all;
    nn::ScanOptions o = scan;
    o.min_score = min_score;
    for (std::size_t s = 0; s < scenes.size(); ++s) {
      const nn::Tensor<float> pic = nn::picture_of(scenes.images, s);
      for (const nn::Detection& d : nn::scan_faces(net, pic, o, s)) all.push_back(d);
    }
    return all;
  };
  // where hard negatives are mined: the training scenes and the left halves
  std::vector<nn::Tensor<float>> mine_pictures;
  std::vector<std::vector<nn::LabeledBox>> mine_truth;
  for (std::size_t s = 0; s < train_scenes.size(); ++s)
    mine_pictures.push_back(nn::picture_of(train_scenes.images, s)), mine_truth.push_back(train_scenes.faces[s]);
  for (const nn::Backdrop& b : train_backdrops) mine_pictures.push_back(b.picture), mine_truth.emplace_back();
  const auto t_det = std::chrono::steady_clock::now();
  std::cout << "\nDetector: a wider classifier trained on folds 2-" << kFolds << ", then hard-negative rounds\n";

  //! [mining]
  // The detector: a wider classifier on folds 2-5, four copies of each face
  // and two negatives per positive an epoch. Each round scans the training
  // pictures, adds the windows called faces that overlap no true face to the
  // negatives (mine_hard_negatives), and trains on.
  TrainingData det = fold0_data;
  det.face_copies = 4, det.negatives_per_face = 2;
  nn::FaceClassifierSpec det_spec;
  det_spec.widths = {16, 32, 64}, det_spec.hidden = 64;
  nn::Sequential<float> detector =
      train_classifier(det, det_spec, epochs, args.seed + 70);
  nn::ScanOptions mine = scan;
  mine.min_score = kOperatingScore;
  std::vector<float> mined;  // the hard negatives, 24 · 24 values each
  const std::size_t rounds = args.quick ? 1 : 2, cap = 20000;
  for (std::size_t round = 0; round < rounds; ++round) {
    const std::size_t before = mined.size() / (kWindow * kWindow);
    mine_hard_negatives(detector, mine_pictures, mine_truth, mine, mined, cap);
    const std::size_t n = mined.size() / (kWindow * kWindow);
    std::cout << boost::format("  round %d: %d new hard negatives, %.0f s\n")
                     % (round + 1) % (n - before) % seconds_since(t_det);
    if (n == before) break;
    det.hard = nn::Tensor<float>(nn::Shape{n, 1, kWindow, kWindow},
                                 std::vector<float>(mined));
    fit(detector, det, epochs / 3, kLearningRate / 2, args.seed + 77 + round);
  }
  // The operating threshold: best F1 = 2PR/(P + R), Eq. (F3), on validation
  // scenes made afresh from training faces and left halves.
  const nn::FaceScenes val_scenes =
      nn::make_face_scenes(train_backdrops, train_faces, train_others,
                           n_test / 2, so, args.seed + 9);
  const double threshold = best_f1_threshold(
      scan_all(detector, val_scenes, 0.05), val_scenes.faces);
  //! [mining]
  const std::size_t mined_total = mined.size() / (kWindow * kWindow);
  std::cout << "Detector: " << det_spec.str() << ", " << detector.parameter_count() << " parameters, "
            << mined_total << " hard negatives" << boost::format(", trained in %.1f s\n") % seconds_since(t_det)
            << boost::format("Operating threshold p(face) >= %.3f (best F1 on %d validation scenes)\n") % threshold %
                   val_scenes.size();
  facts.set("threshold", threshold, "%.3f").set("val_scenes", val_scenes.size(), "%d");
  const std::vector<nn::Detection> dets = scan_all(detector, test_scenes, 0.01);
  const nn::MeanAveragePrecision ap =
      nn::mean_average_precision(dets, test_scenes.faces, 1, kMatchIou);
  std::cout << boost::format("\nHeld-out scenes: AP@0.5 = %.3f on %d faces in %d scenes (%d found at IoU >= 0.5), %.1f s\n") %
                   ap.ap[0] % ap.positives[0] % test_scenes.size() % ap.true_positives[0] % seconds_since(t_det);
  facts.set("scene_ap", ap.ap[0], "%.3f").set("scene_faces", ap.positives[0], "%d");
  facts.set("test_scenes", test_scenes.size(), "%d").set("train_scenes", train_scenes.size(), "%d");
  facts.set("hard_negatives", mined_total, "%d");
  const std::vector<std::string> names{"face"};
  nn::report_written(ch08::pr_figure(args.out, "ch08_real_faces_pr",
                                     "Held-out scenes: precision-recall at IoU 0.5",
                                     ap, names));
  nn::report_written(ch08::boxes_figure(args.out / "ch08_real_faces_scenes.png", test_scenes.images, test_scenes.faces,
                                        dets, names, 6, 3, 1, threshold));

  const fs::path model = args.out / (real ? "ch08_face_detector_lfw.nnm" : "ch08_face_detector_generated.nnm");
  nn::save_model(model, detector, nn::Shape{1, kWindow, kWindow}, {"non-face", "face"});
  nn::report_written(model);

  // 5. The whole photographs: the hand-labelled faces, and false positives on the face-free ones.
  std::size_t false_positives = 0, face_free = 0;
  std::string astronaut_iou = "(not examined)";
  std::size_t worst = 0, worst_fp = 0;
  std::cout << boost::format("\nPhotographs (p(face) >= %.3f):\n") % threshold;
  for (std::size_t k = 0; k < photos.names.size(); ++k) {
    const std::string stem = fs::path(photos.names[k]).stem().string();
    // photographs with people are scanned whole (no part of them was trained on); the others
    // only in their right, held-out halves
    const bool people = !photos.faces[k].empty();
    const nn::Tensor<float>& pic = people ? photos.pictures[k] : test_backdrops[test_half_of[k]].picture;
    const Examined e = examine(detector, scan, threshold, photos.names[k] + (people ? "" : ", right half"), pic,
                               photos.faces[k], people ? args.out / ("ch08_real_faces_" + stem + ".png") : fs::path());
    if (!photos.faces[k].empty()) {
      facts.set(stem + "_iou", e.best_iou[0], "%.2f").set(stem + "_score", e.best_score[0], "%.2f");
      facts.set(stem + "_false_positives", e.false_positives, "%d");
      if (stem == "astronaut") astronaut_iou = (boost::format("%.2f") % e.best_iou[0]).str();
    } else {
      if (face_free == 0 || e.false_positives > worst_fp) worst = k, worst_fp = e.false_positives;
      false_positives += e.false_positives, ++face_free;
    }
  }
  if (face_free > 0) {  // the face-free photograph with the most false positives, drawn
    std::cout << "  (drawn: " << photos.names[worst] << ", the face-free photograph with the most false positives)\n";
    facts.set_text("worst_face_free", photos.names[worst]);
    examine(detector, scan, threshold, photos.names[worst], test_backdrops[test_half_of[worst]].picture, {},
            args.out / "ch08_real_faces_worst_face_free.png", false);
  }
  std::cout << "False positives on the held-out halves of the " << face_free << " face-free photographs: "
            << false_positives << "\n";
  facts.set("photo_false_positives", false_positives, "%d").set("face_free_photos", face_free, "%d");

  // 6. The user's photographs, if any (read before training): with annotations, measured.
  examine_yours(detector, scan, threshold, yours, !user.annotations.empty(), args.out);

  const std::string summary =
      (boost::format("Faces on real photographs (%s)\n"
                     "Face/non-face (%s), 5-fold CV accuracy: CNN %.1f +- %.1f %%, logistic regression %.1f +- %.1f %%\n"
                     "Held-out faces in held-out scenes: AP@0.5 = %.3f (%d faces)\n"
                     "astronaut.png: best IoU %s; false positives on the held-out halves of %d face-free photos: %d\n") %
       (real ? "real data" : "GENERATED stand-ins, --quick") % (real ? "LFW crops" : "generated crops") % (100 * mean_of(results[2].fold_accuracy)) %
       (100 * std_of(results[2].fold_accuracy)) % (100 * mean_of(results[0].fold_accuracy)) %
       (100 * std_of(results[0].fold_accuracy)) % ap.ap[0] % ap.positives[0] %
       astronaut_iou % face_free %
       false_positives)
          .str();
  std::cout << "\n" << summary;
  const fs::path txt = args.out / "ch08_real_faces.txt";
  const std::string title = std::string("5-fold cross-validation on the ") + (real ? "LFW" : "GENERATED") + " crops\n";
  nn::write_file_atomically(txt, title + table.str() + "\n" + nn::wrap_text(summary));
  nn::report_written(txt);
  nn::report_written(facts.save(args.out));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    UserPhotos user;
    nn::ExtraOptions extra;
    extra.files.push_back({"--annotations",
                           "a WIDER FACE-format file of your photographs and their faces (image paths relative to its "
                           "folder): the detector is measured on them",
                           &user.annotations});
    extra.files.push_back({"--model",
                           "a detector this program saved (ch08_face_detector_lfw.nnm, with the .facts file beside "
                           "it): search your photographs with it, without training",
                           &user.model});
    extra.positional_help = "your photographs (PNG or JPEG) to search for faces after training";
    extra.positional = &user.files;
    const nn::ChapterArgs args = nn::parse_chapter_args(
        argc, argv, "§1.3: face or not on real LFW crops (5-fold CV), detection in real scenes, the astronaut", extra);
    return run(args, user);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
