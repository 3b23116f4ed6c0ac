// §1.3 / §4.3 object detection: IoU (D11), non-maximum suppression, average precision
// (D12)–(D13), the grid loss (D6) and its gradient (D7)–(D10), decoding (D1)–(D5), and a short
// end-to-end training on generated scenes.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <random>

#include "nn/apps/detection.hpp"
#include "nn/data/image.hpp"
#include "nn/finite_difference.hpp"
#include "nn/optim.hpp"
#include "nn/data/scenes.hpp"

using nn::Box;
using nn::Detection;
using nn::LabeledBox;
using nn::Shape;
using nn::Tensor;

namespace {
double logit(double p) { return std::log(p / (1 - p)); }
}  // namespace

TEST_CASE("IoU, Eq. (D11), table", "[ch08][detection][iou][eqD11]") {
  struct Row {
    Box a, b;
    double expected;
    const char* what;
  };
  const Row rows[] = {
      {{0, 0, 2, 2}, {0, 0, 2, 2}, 1.0, "identical"},
      {{0, 0, 2, 2}, {5, 5, 7, 7}, 0.0, "disjoint"},
      {{0, 0, 2, 2}, {2, 0, 4, 2}, 0.0, "touching edges: no area in common"},
      {{0, 0, 2, 2}, {1, 0, 3, 2}, 2.0 / 6.0, "half shifted: 2 / (4 + 4 − 2)"},
      {{0, 0, 4, 4}, {1, 1, 3, 3}, 4.0 / 16.0, "contained: 4 / 16"},
      {{0, 0, 2, 2}, {1, 1, 3, 3}, 1.0 / 7.0, "corner overlap: 1 / (4 + 4 − 1)"},
      {{0, 0, 10, 1}, {0, 0, 1, 10}, 1.0 / 19.0, "cross: 1 / (10 + 10 − 1)"},
      {{0, 0, 0, 0}, {0, 0, 0, 0}, 0.0, "empty boxes: union 0 gives 0, not NaN"},
      {{3, 3, 1, 1}, {0, 0, 4, 4}, 0.0, "inverted box has no area"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what, r.a.str(), r.b.str());
    CHECK(nn::iou(r.a, r.b) == Approx(r.expected).margin(1e-15));
    CHECK(nn::iou(r.b, r.a) == Approx(r.expected).margin(1e-15));  // symmetric
  }
}

TEST_CASE("non-maximum suppression per image and class, table", "[ch08][detection][nms]") {
  // Boxes: A = [0,0,10,10]; B overlaps A with IoU 0.68 (B = [0,0,10,8.1]... chosen below);
  // C overlaps B but not A much.
  const Box A{0, 0, 10, 10};
  const Box B{2, 0, 12, 10};   // IoU(A, B) = 80 / 120 = 0.667
  const Box C{6, 0, 16, 10};   // IoU(B, C) = 60 / 140 = 0.43, IoU(A, C) = 40 / 160 = 0.25
  const Box D{5, 0, 15, 10};   // IoU(A, D) = 50 / 150 = 1/3 exactly
  struct Row {
    std::vector<Detection> in;
    double threshold;
    std::vector<double> kept_scores;  // the kept detections, by decreasing score
    const char* what;
  };
  const std::vector<Row> rows = {
      {{{0, A, 1, 0.9}, {0, B, 1, 0.8}}, 0.5, {0.9}, "B suppressed by the higher-scoring A"},
      {{{0, B, 1, 0.8}, {0, A, 1, 0.9}}, 0.5, {0.9}, "input order does not matter"},
      {{{0, A, 1, 0.9}, {0, B, 2, 0.8}}, 0.5, {0.9, 0.8}, "other class: kept"},
      {{{0, A, 1, 0.9}, {1, B, 1, 0.8}}, 0.5, {0.9, 0.8}, "other image: kept"},
      {{{0, A, 1, 0.9}, {0, B, 1, 0.8}, {0, C, 1, 0.7}}, 0.4, {0.9, 0.7},
       "C overlaps the suppressed B, not A: kept (greedy)"},
      {{{0, A, 1, 0.9}, {0, B, 1, 0.8}, {0, C, 1, 0.7}}, 0.7, {0.9, 0.8, 0.7}, "high threshold keeps all"},
      {{{0, A, 1, 0.9}, {0, D, 1, 0.5}}, 1.0 / 3.0, {0.9, 0.5}, "IoU equal to the threshold: kept (only > suppresses)"},
      {{{0, A, 1, 0.9}, {0, D, 1, 0.5}}, 0.3, {0.9}, "IoU 1/3 above 0.3: suppressed"},
      {{}, 0.5, {}, "nothing in, nothing out"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.what);
    const auto kept = nn::non_max_suppression(r.in, r.threshold);
    REQUIRE(kept.size() == r.kept_scores.size());
    for (std::size_t k = 0; k < kept.size(); ++k) CHECK(kept[k].score == r.kept_scores[k]);
  }
}

TEST_CASE("average precision is exact on hand-made cases (VOC all-point)", "[ch08][detection][map][eqD12][eqD13]") {
  const Box g1{0, 0, 10, 10}, g2{20, 20, 30, 30}, g3{40, 40, 50, 50}, g4{60, 0, 70, 10};
  const Box far{100, 100, 110, 110};
  SECTION("one object, one exact detection: AP = 1") {
    const auto m = nn::mean_average_precision({{0, g1, 0, 0.9}}, {{{g1, 0}}}, 1);
    CHECK(m.ap[0] == 1.0);
    CHECK(m.map == 1.0);
  }
  SECTION("TP, FP, TP over 2 objects: AP = 1/2·1 + 1/2·2/3 = 5/6") {
    // precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1; interpolated: 1 up to 1/2, then 2/3
    const std::vector<Detection> d = {{0, g1, 0, 0.9}, {0, far, 0, 0.8}, {0, g2, 0, 0.7}};
    const auto m = nn::mean_average_precision(d, {{{g1, 0}, {g2, 0}}}, 1);
    CHECK(m.ap[0] == Approx(5.0 / 6.0).epsilon(1e-14));
    REQUIRE(m.curves[0].precision.size() == 3);
    CHECK(m.curves[0].precision[1] == 0.5);
    CHECK(m.curves[0].recall[1] == 0.5);
  }
  SECTION("interpolation raises precision: TP FP FP TP TP over 4 objects, AP = 0.25 + 0.25·0.6 + 0.25·0.6") {
    // precision 1, 1/2, 1/3, 1/2, 3/5 at recall 1/4, 1/4, 1/4, 1/2, 3/4; the dip to 1/2 at recall
    // 1/2 is raised to 3/5, the precision at the larger recall 3/4. AP = 0.55.
    const std::vector<Detection> d = {
        {0, g1, 0, 0.9}, {0, far, 0, 0.8}, {0, far, 0, 0.7}, {0, g2, 0, 0.6}, {0, g3, 0, 0.5}};
    const auto m = nn::mean_average_precision(d, {{{g1, 0}, {g2, 0}, {g3, 0}, {g4, 0}}}, 1);
    CHECK(m.ap[0] == Approx(0.55).epsilon(1e-14));
    CHECK(m.true_positives[0] == 3);
  }
  SECTION("a duplicate of a matched object is a false positive; a low-IoU box too") {
    // g1 detected twice (0.9 TP, 0.8 FP), a box of IoU 1/3 with g2 (FP), then g2 (TP):
    // precision 1, 1/2, 1/3, 1/2 at recall 1/2, 1/2, 1/2, 1 → AP = 1/2·1 + 1/2·1/2 = 0.75
    const std::vector<Detection> d = {
        {0, g1, 0, 0.9}, {0, g1, 0, 0.8}, {0, Box{25, 20, 35, 30}, 0, 0.7}, {0, g2, 0, 0.6}};
    const auto m = nn::mean_average_precision(d, {{{g1, 0}, {g2, 0}}}, 1);
    CHECK(m.ap[0] == Approx(0.75).epsilon(1e-14));
  }
  SECTION("IoU exactly 0.5 counts as a match (≥)") {
    const Box half{0, 0, 10, 5};  // IoU with g1 = 50 / 100
    const auto m = nn::mean_average_precision({{0, half, 0, 0.9}}, {{{g1, 0}}}, 1);
    CHECK(m.ap[0] == 1.0);
  }
  SECTION("wrong class and wrong image do not match; classes averaged; class without objects skipped") {
    // class 0: g1 in image 0 found (AP 1); class 1: g2 in image 1, detected only in image 0 and
    // as class 0 → AP 0; class 2: no objects → NaN, not in the mean. mAP = (1 + 0) / 2.
    const std::vector<Detection> d = {{0, g1, 0, 0.9}, {0, g2, 1, 0.8}, {1, g2, 0, 0.7}};
    const auto m = nn::mean_average_precision(d, {{{g1, 0}}, {{g2, 1}}}, 3);
    CHECK(m.ap[0] == Approx(1.0));  // the class-0 detection in image 1 is an FP after the TP
    CHECK(m.ap[1] == 0.0);
    CHECK(std::isnan(m.ap[2]));
    CHECK(m.map == Approx(0.5).epsilon(1e-15));
    CHECK(m.positives[1] == 1);
  }
  SECTION("no detections: AP 0") {
    const auto m = nn::mean_average_precision({}, {{{g1, 0}}}, 1);
    CHECK(m.ap[0] == 0.0);
  }
  SECTION("out-of-range detections are refused") {
    CHECK_THROWS_AS(nn::mean_average_precision({{3, g1, 0, 0.9}}, {{{g1, 0}}}, 1), std::invalid_argument);
    CHECK_THROWS_AS(nn::mean_average_precision({{0, g1, 4, 0.9}}, {{{g1, 0}}}, 1), std::invalid_argument);
  }
}

TEST_CASE("detection loss by hand: P = 0, one object", "[ch08][detection][loss][eqD6]") {
  // R = 1, S = 2, K = 2, P = 0 everywhere: σ(0) = 1/2, softplus(0) = log 2, q = (1/2, 1/2).
  nn::GridTargets t;
  nn::resize_targets(t, 1, 2);
  t.at(0, 1, 0) = nn::CellTarget{true, 0.25, 0.75, 0.5, 0.5, 1};
  Tensor<double> P(Shape{1, 7, 2, 2}), dP;
  const auto parts = nn::detection_loss(P, t, nn::DetectionLossWeights{}, dP);
  CHECK(parts.object == Approx(std::log(2.0)).epsilon(1e-15));           // λ_obj · log 2
  CHECK(parts.noobject == Approx(0.5 * 3 * std::log(2.0)).epsilon(1e-15));  // λ_noobj · 3 cells · log 2
  CHECK(parts.box == Approx(5.0 * (0.0625 + 0.0625)).epsilon(1e-15));      // λ_coord (0.25² + 0.25²)
  CHECK(parts.cls == Approx(std::log(2.0)).epsilon(1e-15));              // −log 1/2
  CHECK(parts.total == Approx(parts.object + parts.noobject + parts.box + parts.cls));
  // Eq. (D7): σ(0) − 1 = −1/2 in the object cell, λ_noobj (σ(0) − 0) = 1/4 elsewhere
  CHECK(dP(0, 0, 1, 0) == -0.5);
  CHECK(dP(0, 0, 0, 0) == 0.25);
  // Eq. (D8): 5 · 2 (1/2 − 1/4) · 1/4 = 0.625; Eq. (D9): q − onehot = (1/2, −1/2)
  CHECK(dP(0, 1, 1, 0) == Approx(0.625));
  CHECK(dP(0, 5, 1, 0) == 0.5);
  CHECK(dP(0, 6, 1, 0) == -0.5);
  CHECK(dP(0, 3, 0, 1) == 0.0);  // Eq. (D10): no box gradient in an empty cell
}

TEST_CASE("detection loss gradient matches central differences (double)", "[ch08][detection][loss][eqD7][eqD8][eqD9][eqD10]") {
  // Threshold 1e-6 (the issue's): L is smooth (softplus, sigmoid, log-sum-exp), values O(1),
  // h = 1e-5 gives truncation ~h²·|L'''| ≈ 1e-10 and round-off ~ε|L|/h ≈ 1e-11; the worst
  // relative error observed is 3.3e-8 (R = 3, on one of the smallest elements,
  // where round-off dominates), so 1e-6 leaves room without hiding a wrong term (a wrong
  // factor 2 or a missing σ' gives errors of order 1).
  const std::size_t R = GENERATE(1, 3);
  CAPTURE(R);
  const std::size_t S = 3, K = 4;
  std::mt19937_64 rng(100 + R);
  std::uniform_real_distribution<double> u(-2.5, 2.5), u01(0.05, 0.95);
  Tensor<double> P(Shape{R, 5 + K, S, S});
  for (auto& v : P) v = u(rng);
  nn::GridTargets t;
  nn::resize_targets(t, R, S);
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t k = 0; k < 3; ++k)
      t.at(r, (k + r) % S, (2 * k) % S) = nn::CellTarget{true, u01(rng), u01(rng), u01(rng), u01(rng), int((k + r) % K)};
  const nn::DetectionLossWeights lam{5.0, 1.0, 0.5, 1.0};
  Tensor<double> dP;
  const double L = nn::detection_loss(P, t, lam, dP).total;
  CHECK(L == Approx(nn::detection_loss_value(P, t, lam).total).epsilon(1e-15));
  const auto num = nn::numerical_gradient([&](const Tensor<double>& X) { return nn::detection_loss_value(X, t, lam).total; }, P);
  const auto cmp = nn::compare_gradients(dP, num);
  CAPTURE(cmp.str());
  REQUIRE(cmp.within(1e-6));
}

TEST_CASE("detection loss refuses wrong shapes and classes", "[ch08][detection][loss]") {
  nn::GridTargets t;
  nn::resize_targets(t, 2, 4);
  Tensor<float> dP;
  CHECK_THROWS_AS(nn::detection_loss(Tensor<float>(Shape{2, 15, 8, 8}), t, {}, dP), nn::shape_error);
  CHECK_THROWS_AS(nn::detection_loss(Tensor<float>(Shape{1, 15, 4, 4}), t, {}, dP), nn::shape_error);
  CHECK_THROWS_AS(nn::detection_loss(Tensor<float>(Shape{2, 5, 4, 4}), t, {}, dP), nn::shape_error);
  t.at(1, 0, 0) = nn::CellTarget{true, 0.5, 0.5, 0.5, 0.5, 10};
  CHECK_THROWS_WITH(nn::detection_loss(Tensor<float>(Shape{2, 15, 4, 4}), t, {}, dP), Catch::Contains("(D6)"));
}

TEST_CASE("targets and decoding invert each other, Eqs. (D1)-(D5)", "[ch08][detection][decode]") {
  // Encode two objects, write the logits that make σ(P) equal the targets, decode: the same boxes.
  const std::vector<LabeledBox> objects = {{Box{3, 5, 21, 30}, 7}, {Box{40, 33, 60, 63}, 2}};
  nn::GridTargets t;
  nn::resize_targets(t, 1, 8);
  CHECK(nn::encode_targets(objects, 0, 64, 64, t) == 0);
  REQUIRE(t.objects() == 2);
  const auto& c = t.at(0, 2, 1);  // centre (12, 17.5) → cell row ⌊17.5/8⌋ = 2, column ⌊12/8⌋ = 1
  CHECK(c.object);
  CHECK(c.x == Approx(0.5));
  CHECK(c.y == Approx(0.1875));
  CHECK(c.sqrt_w == Approx(std::sqrt(18.0 / 64)));
  Tensor<double> P(Shape{1, 15, 8, 8}, -20.0);  // objectness ≈ 0 everywhere but the two cells
  for (std::size_t i = 0; i < 8; ++i)
    for (std::size_t j = 0; j < 8; ++j) {
      const auto& ct = t.at(0, i, j);
      if (!ct.object) continue;
      P(0, 0, i, j) = logit(0.99);
      P(0, 1, i, j) = logit(ct.x);
      P(0, 2, i, j) = logit(ct.y);
      P(0, 3, i, j) = logit(ct.sqrt_w);
      P(0, 4, i, j) = logit(ct.sqrt_h);
      P(0, 5 + std::size_t(ct.label), i, j) = 30.0;  // q_label ≈ 1
    }
  std::vector<Detection> d;
  nn::decode_detections(P, 64, 64, 0.5, 10, d);
  REQUIRE(d.size() == 2);
  for (const auto& det : d) {
    const auto& o = det.label == 7 ? objects[0] : objects[1];
    CAPTURE(det.box.str(), o.box.str());
    CHECK(det.image == 10);
    CHECK(det.score == Approx(0.99).epsilon(1e-9));
    CHECK(nn::iou(det.box, o.box) == Approx(1.0).epsilon(1e-9));
  }
  SECTION("two centres in one cell: the larger object keeps it") {
    nn::GridTargets t2;
    nn::resize_targets(t2, 1, 8);
    const std::vector<LabeledBox> two = {{Box{0, 0, 6, 6}, 1}, {Box{0, 0, 10, 10}, 2}};
    CHECK(nn::encode_targets(two, 0, 64, 64, t2) == 1);
    CHECK(t2.at(0, 0, 0).label == 2);
  }
}

TEST_CASE("grid detector: output (R, 5 + K, S, S) from the report's layers", "[ch08][detection][network]") {
  nn::GridDetectorSpec spec;
  spec.input = 32;
  spec.grid = 4;
  spec.classes = 3;
  spec.widths = {4, 8, 8, 8};
  auto net = nn::grid_detector<float>(spec, 1);
  CHECK(net.output_shape(Shape{2, 1, 32, 32}) == Shape{2, 8, 4, 4});
  spec.widths = {4, 8, 8, 8, 12};  // one more 3×3 conv at the grid's resolution
  CHECK(nn::grid_detector<float>(spec, 1).output_shape(Shape{2, 1, 32, 32}) == Shape{2, 8, 4, 4});
  spec.stem_stride = 2;  // the first halving by the stride: one pooling fewer, same output
  auto strided = nn::grid_detector<float>(spec, 1);
  CHECK(strided.output_shape(Shape{2, 1, 32, 32}) == Shape{2, 8, 4, 4});
  CHECK(strided.size() == net.size() - 1 + 3);  // −1 pool, +3 for the extra conv–BN–ReLU
  spec.stem_stride = 1;
  spec.widths = {4, 8};
  CHECK_THROWS_AS(nn::grid_detector<float>(spec, 1), std::invalid_argument);
  spec.grid = 5;
  CHECK_THROWS_AS(nn::grid_detector<float>(spec, 1), std::invalid_argument);
}

TEST_CASE("drawing boxes and text stays inside the image", "[ch08][detection][draw]") {
  Tensor<float> im = nn::gray_to_rgb(Tensor<float>(Shape{1, 1, 8, 8}, 0.5f), 2);
  REQUIRE(im.shape() == Shape{1, 3, 16, 16});
  nn::draw_box(im, Box{2, 3, 10, 12}, nn::Rgb{1, 0, 0}, 1);
  CHECK(im(0, 0, 3, 5) == 1.0f);   // top edge, red
  CHECK(im(0, 1, 3, 5) == 0.0f);
  CHECK(im(0, 0, 11, 9) == 1.0f);  // bottom-right corner (x2, y2 exclusive)
  CHECK(im(0, 0, 6, 6) == 0.5f);   // inside untouched
  nn::draw_box(im, Box{-5, -5, 40, 40}, nn::Rgb{0, 1, 0}, 2);  // clipped, no crash
  nn::draw_text(im, 14, 14, "7 face", nn::Rgb{1, 1, 1}, 1);    // clipped, no crash
  Tensor<float> gray(Shape{1, 1, 4, 4});
  CHECK_THROWS_AS(nn::draw_box(gray, Box{}, nn::Rgb{}), nn::shape_error);
  // dashed (dash 2): along the top edge from x1 = 2, pixels 2, 3 drawn, 4, 5 left out, 6, 7 drawn
  Tensor<float> dashed = nn::gray_to_rgb(Tensor<float>(Shape{1, 1, 16, 16}, 0.5f), 1);
  nn::draw_box(dashed, Box{2, 2, 14, 14}, nn::Rgb{0, 0, 1}, 1, 2);
  CHECK(dashed(0, 2, 2, 2) == 1.0f);
  CHECK(dashed(0, 2, 2, 3) == 1.0f);
  CHECK(dashed(0, 2, 2, 4) == 0.5f);
  CHECK(dashed(0, 2, 2, 5) == 0.5f);
  CHECK(dashed(0, 2, 2, 6) == 1.0f);
  CHECK(dashed(0, 2, 4, 2) == 0.5f);  // the left edge is dashed the same way, from y1
}

TEST_CASE("end to end: the grid detector learns generated scenes", "[ch08][detection][train]") {
  // A small detector (32×32 scenes of 1–2 generated digits of 3 classes, 4×4 grid) trained with
  // Adam for 250 steps of 16 scenes must reach mAP@0.5 ≥ 0.7 on 100 held-out scenes. Measured
  // with these seeds: 0.88 (7–12 s in a RelWithDebInfo build); an untrained network scores
  // below 0.05, and a wrong sign or factor in (D7)–(D9) stays far below 0.7.
  nn::Dataset digits = nn::generated_digits(300, 5);
  // keep classes 0, 1, 7 (distinct shapes), relabelled 0, 1, 2
  nn::Dataset three;
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < digits.size(); ++i)
    if (digits.labels[i] == 0 || digits.labels[i] == 1 || digits.labels[i] == 7) keep.push_back(i);
  three.images = Tensor<float>(Shape{keep.size(), 1, 28, 28});
  for (std::size_t k = 0; k < keep.size(); ++k) {
    std::copy_n(digits.images.data() + keep[k] * 784, 784, three.images.data() + k * 784);
    three.labels.push_back(digits.labels[keep[k]] == 0 ? 0 : digits.labels[keep[k]] == 1 ? 1 : 2);
  }
  nn::SceneOptions so;
  so.size = 32;
  so.min_objects = 1;
  so.max_objects = 2;
  so.min_scale = 10;
  so.max_scale = 18;
  so.max_iou = 0.0;
  nn::GridDetectorSpec spec;
  spec.input = 32;
  spec.grid = 4;
  spec.classes = 3;
  spec.widths = {8, 16, 16, 32};
  auto net = nn::grid_detector<float>(spec, 3);
  nn::Adam<float> opt(3e-3);
  const std::size_t R = 16, steps = 250;
  Tensor<float> X(Shape{R, 1, 32, 32}), dP;
  nn::GridTargets t;
  std::vector<LabeledBox> objs;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t s = 0; s < steps; ++s) {
    nn::resize_targets(t, R, 4);
    for (std::size_t r = 0; r < R; ++r) {
      nn::render_scene(three, so, nn::scene_seed(11, s * R + r), X.data() + r * 1024, objs);
      nn::encode_targets(objs, r, 32, 32, t);
    }
    const auto& P = net.forward(X);
    nn::detection_loss(P, t, {}, dP);
    net.backward(dP);
    opt.step(net.parameters());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  net.set_training(false);
  const auto test = nn::make_scenes(three, 100, so, 999);
  std::vector<Detection> dets;
  for (std::size_t b = 0; b < 100; b += 20) {
    Tensor<float> Xb(Shape{20, 1, 32, 32});
    std::copy_n(test.images.data() + b * 1024, 20 * 1024, Xb.data());
    nn::decode_detections(net.forward(Xb), 32, 32, 0.01, b, dets);
  }
  const auto m = nn::mean_average_precision(nn::non_max_suppression(dets, 0.45), test.objects, 3);
  CAPTURE(m.map, m.ap[0], m.ap[1], m.ap[2], seconds);
  CHECK(m.map >= 0.7);
}
