// §1.3 faces: the ROC curve and its area against a count of ordered pairs, the face classifier's
// shape rule, the scan against windows cut one by one (the exactness its design promises), the
// windows and the augmentation, and the pasted scenes' boxes. Generated crops and backdrops
// stand in for LFW (CI has no data folder).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "nn/apps/faces.hpp"
#include "nn/apps/roc.hpp"
#include "nn/data/faces.hpp"

using nn::Shape;
using nn::Tensor;

namespace {

/// The AUC by its definition: the fraction of (positive, negative) pairs the scores order
/// correctly, ties counting one half.
double auc_by_pairs(const std::vector<double>& s, const std::vector<int>& y) {
  double good = 0, pairs = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j)
      if (y[i] == 1 && y[j] == 0) {
        pairs += 1;
        good += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
      }
  return good / pairs;
}

Tensor<float> random_picture(std::size_t H, std::size_t W, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  Tensor<float> p(Shape{H, W});
  for (auto& v : p) v = u(rng);
  return p;
}

}  // namespace

TEST_CASE("roc_curve: the area equals the fraction of correctly ordered pairs, ties one half", "[faces][roc]") {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> s;
    std::vector<int> y;
    for (int i = 0; i < 60; ++i) {
      y.push_back(int(rng() % 3 == 0));
      s.push_back(double(rng() % 12) + (y.back() ? 2.0 : 0.0));  // many ties, some signal
    }
    if (std::count(y.begin(), y.end(), 1) == 0 || std::count(y.begin(), y.end(), 0) == 0) continue;
    const nn::RocCurve c = nn::roc_curve(s, y);
    CHECK(c.auc == Approx(auc_by_pairs(s, y)).margin(1e-12));
    CHECK(c.fpr.front() == 0.0);
    CHECK(c.tpr.front() == 0.0);
    CHECK(c.fpr.back() == 1.0);
    CHECK(c.tpr.back() == 1.0);
    CHECK(std::is_sorted(c.fpr.begin(), c.fpr.end()));
    CHECK(std::is_sorted(c.tpr.begin(), c.tpr.end()));
  }
}

TEST_CASE("roc_curve: perfect, reversed and constant scores; the equal error rate", "[faces][roc]") {
  const std::vector<int> y{1, 1, 0, 0};
  CHECK(nn::roc_curve({0.9, 0.8, 0.2, 0.1}, y).auc == 1.0);
  CHECK(nn::roc_curve({0.9, 0.8, 0.2, 0.1}, y).eer == 0.0);
  CHECK(nn::roc_curve({0.1, 0.2, 0.8, 0.9}, y).auc == 0.0);
  CHECK(nn::roc_curve({0.1, 0.2, 0.8, 0.9}, y).eer == 1.0);
  CHECK(nn::roc_curve({0.5, 0.5, 0.5, 0.5}, y).auc == 0.5);
  CHECK(nn::roc_curve({0.5, 0.5, 0.5, 0.5}, y).eer == Approx(0.5));
  // one positive below one negative: the points (0, ½), (½, ½)… give EER ½ there
  const nn::RocCurve c = nn::roc_curve({0.9, 0.3, 0.5, 0.1}, y);
  CHECK(c.auc == 0.75);
  CHECK(c.eer == Approx(0.5));
}

TEST_CASE("roc_curve and confusion_at refuse what they cannot score", "[faces][roc]") {
  CHECK_THROWS_WITH(nn::roc_curve({0.1, 0.2}, {1}), Catch::Contains("2 scores but 1 labels"));
  CHECK_THROWS_WITH(nn::roc_curve({0.1, 0.2}, {1, 2}), Catch::Contains("label 1 is 2"));
  CHECK_THROWS_WITH(nn::roc_curve({0.1, NAN}, {1, 0}), Catch::Contains("score 1 is not finite"));
  CHECK_THROWS_WITH(nn::roc_curve({0.1, 0.2}, {1, 1}), Catch::Contains("2 positives and 0 negatives"));
  const nn::Confusion m = nn::confusion_at({0.9, 0.4, 0.6, 0.1, 0.5}, {1, 1, 0, 0, 0}, 0.5);
  CHECK(m.tp == 1);
  CHECK(m.fn == 1);
  CHECK(m.fp == 2);  // 0.6 and 0.5: "positive" iff score ≥ threshold
  CHECK(m.tn == 1);
  CHECK(m.accuracy() == Approx(0.4));
}

TEST_CASE("face_classifier: a window must shrink to exactly one position", "[faces]") {
  nn::FaceClassifierSpec spec;
  auto net = nn::face_classifier(spec, 1);
  CHECK(net.output_shape(Shape{7, 1, 24, 24}) == Shape{7, 2});
  CHECK(spec.stride() == 8);
  spec.window = 32;  // 32 → 28 → 14 → 12 → 6 → 4 → 2: not 1
  CHECK_THROWS_WITH(nn::face_classifier(spec, 1), Catch::Contains("shrinks the window to 2×2, not 1×1"));
  spec.window = 8;
  CHECK_THROWS_WITH(nn::face_classifier(spec, 1), Catch::Contains("too small"));
}

TEST_CASE("scan_faces scores exactly the windows it names, as if each were cut and classified alone",
          "[faces][scan]") {
  // An untrained network with random batch-norm statistics is as good a test as a trained one:
  // the claim is that the whole-picture pass equals the window-by-window pass, for any weights.
  nn::FaceClassifierSpec spec;
  auto net = nn::face_classifier(spec, 3);
  std::mt19937_64 rng(11);
  for (auto& b : net.buffers()) {
    std::uniform_real_distribution<float> u(0.5f, 1.5f);
    for (auto& v : *b.value) v = u(rng);
  }
  const Tensor<float> pic = random_picture(40, 56, 7);
  nn::ScanOptions o;
  o.min_face = 24, o.max_face = 24, o.min_score = 0, o.nms_iou = 1.0, o.max_inside = 1.0, o.max_candidates = 100000;
  const std::vector<nn::Detection> dets = nn::scan_faces(net, pic, o);
  // windows at (x, y) with x, y multiples of 4 and the window inside: (56−24)/4+1 by (40−24)/4+1
  REQUIRE(dets.size() == 9 * 5);
  Tensor<float> X(Shape{1, 1, 24, 24});
  for (const nn::Detection& d : dets) {
    const std::size_t x = std::size_t(d.box.x1), y = std::size_t(d.box.y1);
    CHECK(d.box.width() == 24.0);
    CHECK(x % 4 == 0);
    CHECK(y % 4 == 0);
    for (std::size_t i = 0; i < 24; ++i) std::copy_n(&pic(y + i, x), 24, &X(0, 0, i, 0));
    // Same arithmetic, in float, but summed in another order (im2row over the whole picture and
    // over one window block the products differently): agreement to a few float ulps of p,
    // relative 1e-5 (float's ε is 1.2e-7); an off-by-one window would differ by far more.
    CHECK(nn::face_probabilities(net, X)[0] == Approx(d.score).epsilon(1e-5));
  }
}

TEST_CASE("scan_faces maps a larger face back to picture pixels and drops a box inside a better one",
          "[faces][scan]") {
  nn::FaceClassifierSpec spec;
  auto net = nn::face_classifier(spec, 3);
  const Tensor<float> pic = random_picture(96, 96, 8);
  nn::ScanOptions o;
  o.min_face = 48, o.max_face = 48, o.min_score = 0, o.nms_iou = 1.0, o.max_inside = 1.0, o.max_candidates = 100000;
  const auto dets = nn::scan_faces(net, pic, o);  // level 48 × 48: windows at 0, 4, …, 24 of it
  REQUIRE(dets.size() == 7 * 7);
  for (const auto& d : dets) {
    CHECK(d.box.width() == Approx(48.0));
    CHECK(std::fmod(d.box.x1, 8.0) == Approx(0.0).margin(1e-9));
  }
  o.min_face = 24, o.max_face = 48, o.nms_iou = 0.3, o.max_inside = 0.6;
  const auto kept = nn::scan_faces(net, pic, o);
  for (std::size_t i = 0; i < kept.size(); ++i)
    for (std::size_t j = 0; j < i; ++j) {  // j scored higher
      CHECK(nn::iou(kept[i].box, kept[j].box) <= 0.3);
      const nn::Box cap{std::max(kept[i].box.x1, kept[j].box.x1), std::max(kept[i].box.y1, kept[j].box.y1),
                        std::min(kept[i].box.x2, kept[j].box.x2), std::min(kept[i].box.y2, kept[j].box.y2)};
      CHECK(cap.area() <= 0.6 * kept[i].box.area() + 1e-9);
    }
  o.stride = 3;
  CHECK_THROWS_WITH(nn::scan_faces(net, pic, o), Catch::Contains("must divide the network's 8"));
}

TEST_CASE("warp_window: an unrotated square of the picture's own size is the picture; flip mirrors it",
          "[faces]") {
  const Tensor<float> pic = random_picture(10, 10, 9);
  Tensor<float> out(Shape{10, 10}), flipped(Shape{10, 10});
  nn::warp_window(pic, 5, 5, 10, 0, false, 10, out.data());
  nn::warp_window(pic, 5, 5, 10, 0, true, 10, flipped.data());
  for (std::size_t i = 0; i < 10; ++i)
    for (std::size_t j = 0; j < 10; ++j) {
      CHECK(out(i, j) == Approx(pic(i, j)).margin(1e-6));
      CHECK(flipped(i, j) == Approx(pic(i, 9 - j)).margin(1e-6));
    }
  // a quarter turn of the sampled square (counter-clockwise on the screen, y down) shows the
  // picture turned clockwise: its top row becomes the window's right column
  Tensor<float> turned(Shape{10, 10});
  nn::warp_window(pic, 5, 5, 10, M_PI / 2, false, 10, turned.data());
  // cos(π/2) is 6e-17, not 0, so each sample lands a hair off the pixel centre and bilinear
  // weights mix in ~1e-16 of a neighbour; 1e-5 is float rounding of values in [0, 1], while a
  // turn the wrong way would move whole pixels (differences of order 0.1).
  for (std::size_t j = 0; j < 10; ++j) CHECK(turned(j, 9) == Approx(pic(0, j)).margin(1e-5));
}

TEST_CASE("cut_window refuses a square outside the picture and averages areas", "[faces]") {
  Tensor<float> pic(Shape{4, 6}, 0.0f);
  pic(0, 0) = 1, pic(0, 1) = 1, pic(1, 0) = 1, pic(1, 1) = 1;  // the top-left 2 × 2 block
  float v[4];
  nn::cut_window(pic, 0, 0, 4, 2, v);  // 4 × 4 → 2 × 2: each output the mean of a 2 × 2 block
  CHECK(v[0] == Approx(1.0));
  CHECK(v[1] == Approx(0.0));
  CHECK_THROWS_WITH(nn::cut_window(pic, 3, 0, 4, 2, v), Catch::Contains("is not inside the picture"));
}

TEST_CASE("augment_crop stays in [0, 1] and varies from copy to copy", "[faces]") {
  const auto crops = nn::generated_face_crops(2, 25, 4);
  Tensor<float> crop(Shape{25, 25});
  std::copy_n(crops.first.data(), 625, crop.data());
  std::mt19937_64 rng(3);
  std::vector<float> a(576), b(576);
  nn::augment_crop(crop, nn::FaceAugment{}, 24, rng, a.data());
  nn::augment_crop(crop, nn::FaceAugment{}, 24, rng, b.data());
  CHECK(*std::min_element(a.begin(), a.end()) >= 0.0f);
  CHECK(*std::max_element(a.begin(), a.end()) <= 1.0f);
  CHECK(a != b);
}

TEST_CASE("make_face_scenes: boxes inside the scene, within the side range, not overlapping; the middle of a paste is "
          "the crop",
          "[faces][scenes]") {
  const auto crops = nn::generated_face_crops(6, 25, 5);
  Tensor<float> faces(Shape{6, 1, 25, 25}), others(Shape{6, 1, 25, 25});
  std::copy_n(crops.first.data(), 6 * 625, faces.data());
  std::copy_n(crops.first.data() + 6 * 625, 6 * 625, others.data());
  std::vector<nn::Backdrop> backdrops{nn::Backdrop{nn::generated_backdrop(150, 1)}};
  nn::FaceSceneOptions o;
  o.size = 120, o.min_side = 25, o.max_side = 25, o.tone = 0;  // a paste of side 25 is the crop itself
  const nn::FaceScenes s = nn::make_face_scenes(backdrops, faces, others, 12, o, 77);
  const nn::FaceScenes again = nn::make_face_scenes(backdrops, faces, others, 12, o, 77);
  CHECK(s.images.values() == again.images.values());
  REQUIRE(s.size() == 12);
  for (std::size_t n = 0; n < s.size(); ++n) {
    CHECK(s.faces[n].size() >= o.min_faces);
    CHECK(s.faces[n].size() <= o.max_faces);
    std::vector<nn::Box> all;
    for (const auto& f : s.faces[n]) all.push_back(f.box);
    all.insert(all.end(), s.distractors[n].begin(), s.distractors[n].end());
    for (std::size_t i = 0; i < all.size(); ++i) {
      CHECK(all[i].x1 >= 0);
      CHECK(all[i].y2 <= double(o.size));
      CHECK(all[i].width() == 25.0);
      for (std::size_t j = 0; j < i; ++j) CHECK(nn::iou(all[i], all[j]) == 0.0);
    }
    // the centre pixel of each face paste (weight 1) equals the centre of one of the face crops
    for (const auto& f : s.faces[n]) {
      const float v = s.images(n, 0, std::size_t(f.box.y1) + 12, std::size_t(f.box.x1) + 12);
      bool found = false;
      for (std::size_t k = 0; k < 6; ++k) found = found || std::abs(faces(k, 0, 12, 12) - v) < 1e-6f;
      CHECK(found);
    }
  }
  o.max_side = 130;
  CHECK_THROWS_WITH(nn::make_face_scenes(backdrops, faces, others, 1, o, 1), Catch::Contains("min_side"));
}
