// §1.3 / §4.3 scenes for object detection: reproducibility, the overlap bound, the scale range,
// tight boxes, and refusal of inconsistent options. Generated digits stand in for MNIST (CI has
// no data folder).
#include <catch2/catch.hpp>

#include <algorithm>

#include "nn/apps/detection.hpp"
#include "nn/data/scenes.hpp"

using nn::Shape;
using nn::Tensor;

namespace {
const nn::Dataset& digits() {
  static const nn::Dataset d = nn::generated_digits(200, 17);
  return d;
}
}  // namespace

TEST_CASE("scenes are reproducible: same seed gives the same scene and another seed another", "[ch08][scenes]") {
  const nn::SceneOptions o;
  const auto a = nn::make_scene(digits(), o, 123), b = nn::make_scene(digits(), o, 123);
  const auto c = nn::make_scene(digits(), o, 124);
  CHECK(a.image.values() == b.image.values());
  REQUIRE(a.objects.size() == b.objects.size());
  for (std::size_t k = 0; k < a.objects.size(); ++k) {
    CHECK(a.objects[k].label == b.objects[k].label);
    CHECK(nn::iou(a.objects[k].box, b.objects[k].box) == 1.0);
  }
  CHECK(a.image.values() != c.image.values());
  // a set's scene n is the single scene of seed scene_seed(seed, n), whatever the set's size
  const auto set5 = nn::make_scenes(digits(), 5, o, 9), set2 = nn::make_scenes(digits(), 2, o, 9);
  const auto third = nn::make_scene(digits(), o, nn::scene_seed(9, 3));
  CHECK(std::equal(third.image.begin(), third.image.end(), set5.images.data() + 3 * 64 * 64));
  CHECK(std::equal(set2.images.begin(), set2.images.end(), set5.images.data()));
}

TEST_CASE("scene boxes: count, overlap bound, scale, tight around the ink", "[ch08][scenes]") {
  nn::SceneOptions o;
  o.max_iou = GENERATE(0.0, 0.1, 0.3);
  CAPTURE(o.max_iou);
  std::size_t total = 0, max_seen = 0;
  for (std::uint64_t s = 0; s < 200; ++s) {
    const auto sc = nn::make_scene(digits(), o, s);
    CAPTURE(s);
    REQUIRE(sc.objects.size() >= 1);
    REQUIRE(sc.objects.size() <= 5);
    total += sc.objects.size();
    max_seen = std::max(max_seen, sc.objects.size());
    for (std::size_t i = 0; i < sc.objects.size(); ++i) {
      const auto& b = sc.objects[i].box;
      CHECK(b.x1 >= 0);
      CHECK(b.y1 >= 0);
      CHECK(b.x2 <= 64);
      CHECK(b.y2 <= 64);
      // the longer side of the resampled digit is 12–36 px; its ink box is at most that
      CHECK(std::max(b.width(), b.height()) <= 36);
      CHECK(std::max(b.width(), b.height()) >= 9);  // 12 px minus a faint edge row/column at most
      for (std::size_t j = 0; j < i; ++j) CHECK(nn::iou(b, sc.objects[j].box) <= o.max_iou);
      // tight: ink on every edge of the box
      const auto ink = [&](std::size_t x, std::size_t y) { return sc.image(0, 0, y, x) > o.ink_threshold; };
      bool top = false, left = false;
      for (std::size_t x = std::size_t(b.x1); x < std::size_t(b.x2); ++x) top = top || ink(x, std::size_t(b.y1));
      for (std::size_t y = std::size_t(b.y1); y < std::size_t(b.y2); ++y) left = left || ink(std::size_t(b.x1), y);
      CHECK(top);
      CHECK(left);
    }
  }
  CHECK(max_seen == 5);
  CHECK(double(total) / 200 > 2.5);  // 1–5 drawn uniformly, few left out for lack of room
}

TEST_CASE("scene noise and clutter stay in [0, 1] and keep the boxes", "[ch08][scenes]") {
  nn::SceneOptions o;
  o.noise = 0.1;
  o.clutter = 3;
  const auto sc = nn::make_scene(digits(), o, 5);
  const auto plain = nn::make_scene(digits(), nn::SceneOptions{}, 5);
  CHECK(*std::min_element(sc.image.begin(), sc.image.end()) >= 0.0f);
  CHECK(*std::max_element(sc.image.begin(), sc.image.end()) <= 1.0f);
  REQUIRE(sc.objects.size() == plain.objects.size());  // objects are drawn before clutter and noise
  for (std::size_t k = 0; k < sc.objects.size(); ++k) CHECK(nn::iou(sc.objects[k].box, plain.objects[k].box) == 1.0);
}

TEST_CASE("scene options are checked", "[ch08][scenes]") {
  nn::SceneOptions o;
  o.min_objects = 0;
  CHECK_THROWS_AS(nn::make_scene(digits(), o, 1), std::invalid_argument);
  o = {};
  o.max_scale = 80;
  CHECK_THROWS_AS(nn::make_scene(digits(), o, 1), std::invalid_argument);
  CHECK_THROWS_AS(nn::make_scene(nn::Dataset{}, nn::SceneOptions{}, 1), std::invalid_argument);
}
