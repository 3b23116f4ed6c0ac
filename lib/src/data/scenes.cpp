/// @file scenes.cpp
/// @brief Scenes of real digits with their true boxes (see scenes.hpp).
#include "nn/data/scenes.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include "nn/data/digits.hpp"
#include "nn/init.hpp"

namespace nn {

namespace {

/// A uniform integer in [lo, hi] from one platform-independent draw.
std::size_t uniform_int(std::mt19937_64& rng, std::size_t lo, std::size_t hi) {
  const std::size_t k = lo + std::size_t(uniform01(rng) * double(hi - lo + 1));
  return std::min(k, hi);
}

/// The tight box [r0, r1] × [c0, c1] (inclusive) of the pixels above `threshold` of an h×w
/// image; false if there are none.
bool ink_bounds(const float* img, std::size_t h, std::size_t w, float threshold, std::size_t& r0, std::size_t& r1,
                std::size_t& c0, std::size_t& c1) {
  r0 = h, r1 = 0, c0 = w, c1 = 0;
  for (std::size_t r = 0; r < h; ++r)
    for (std::size_t c = 0; c < w; ++c)
      if (img[r * w + c] > threshold) r0 = std::min(r0, r), r1 = std::max(r1, r), c0 = std::min(c0, c), c1 = std::max(c1, c);
  return r0 <= r1 && c0 <= c1;
}

/// The crop [r0, r1] × [c0, c1] of digit `index` as an (h, w) matrix.
Tensor<float> crop(const Dataset& digits, std::size_t index, std::size_t r0, std::size_t r1, std::size_t c0,
                   std::size_t c1) {
  const std::size_t W = digits.images.dim(3), HW = digits.images.dim(2) * W;
  const float* src = digits.images.data() + index * HW;
  Tensor<float> out(Shape{r1 - r0 + 1, c1 - c0 + 1});
  for (std::size_t r = r0; r <= r1; ++r)
    for (std::size_t c = c0; c <= c1; ++c) out(r - r0, c - c0) = src[r * W + c];
  return out;
}

/// Pastes `patch` at (x, y) into the size×size canvas by maximum (ink over ink), clipped.
void paste_max(float* canvas, std::size_t size, const Tensor<float>& patch, std::size_t x, std::size_t y) {
  for (std::size_t r = 0; r < patch.dim(0) && y + r < size; ++r)
    for (std::size_t c = 0; c < patch.dim(1) && x + c < size; ++c) {
      float& px = canvas[(y + r) * size + x + c];
      px = std::max(px, patch(r, c));
    }
}

void check(const Dataset& digits, const SceneOptions& o) {
  if (digits.size() == 0 || digits.images.rank() != 4 || digits.images.dim(1) != 1) {
    throw std::invalid_argument("scenes: the digit set must hold images (N, 1, H, W) with N >= 1, got " +
                                digits.images.shape().str());
  }
  if (o.min_objects == 0 || o.min_objects > o.max_objects) {
    throw std::invalid_argument("scenes: need 1 <= min_objects <= max_objects, got " + std::to_string(o.min_objects) +
                                " and " + std::to_string(o.max_objects));
  }
  if (o.min_scale == 0 || o.min_scale > o.max_scale || o.max_scale > o.size) {
    throw std::invalid_argument("scenes: need 1 <= min_scale <= max_scale <= size, got " +
                                std::to_string(o.min_scale) + ", " + std::to_string(o.max_scale) + ", " +
                                std::to_string(o.size));
  }
}

}  // namespace

std::uint64_t scene_seed(std::uint64_t seed, std::uint64_t n) {
  // SplitMix64 of seed + (n + 1)·golden ratio: nearby (seed, n) give unrelated streams.
  std::uint64_t z = seed + (n + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void render_scene(const Dataset& digits, const SceneOptions& o, std::uint64_t seed, float* image,
                  std::vector<LabeledBox>& objects) {
  check(digits, o);
  std::mt19937_64 rng(seed);
  const std::size_t N = digits.size(), H = digits.images.dim(2), W = digits.images.dim(3), S = o.size;
  std::fill(image, image + S * S, 0.0f);
  objects.clear();
  const std::size_t count = uniform_int(rng, o.min_objects, o.max_objects);
  for (std::size_t n = 0; n < count; ++n) {
    // 1. a digit, cropped to its ink
    const std::size_t index = uniform_int(rng, 0, N - 1);
    std::size_t r0, r1, c0, c1;
    if (!ink_bounds(digits.images.data() + index * H * W, H, W, o.ink_threshold, r0, r1, c0, c1)) continue;
    const Tensor<float> ink = crop(digits, index, r0, r1, c0, c1);
    // 2. resampled so that its longer side is the drawn scale
    const std::size_t scale = uniform_int(rng, o.min_scale, o.max_scale);
    const double longer = double(std::max(ink.dim(0), ink.dim(1)));
    const std::size_t ph = std::max<std::size_t>(1, std::size_t(std::lround(double(ink.dim(0)) * double(scale) / longer)));
    const std::size_t pw = std::max<std::size_t>(1, std::size_t(std::lround(double(ink.dim(1)) * double(scale) / longer)));
    const Tensor<float> patch = resize_area(ink, ph, pw);
    // 3. its true box: the tight box of the resampled ink
    std::size_t b0, b1, d0, d1;
    if (!ink_bounds(patch.data(), ph, pw, o.ink_threshold, b0, b1, d0, d1)) continue;
    // 4. a position whose box overlaps no placed box by more than max_iou
    for (std::size_t attempt = 0; attempt < o.max_attempts; ++attempt) {
      const std::size_t x = uniform_int(rng, 0, S - pw), y = uniform_int(rng, 0, S - ph);
      const Box box{double(x + d0), double(y + b0), double(x + d1 + 1), double(y + b1 + 1)};
      const bool fits = std::all_of(objects.begin(), objects.end(),
                                    [&](const LabeledBox& other) { return iou(box, other.box) <= o.max_iou; });
      if (!fits) continue;
      paste_max(image, S, patch, x, y);
      objects.push_back(LabeledBox{box, digits.labels[index]});
      break;
    }
  }
  // Clutter: fragments of other digits, unlabelled (the detector must learn to ignore them).
  const std::size_t fragments = o.clutter ? uniform_int(rng, 0, o.clutter) : 0;
  for (std::size_t f = 0; f < fragments; ++f) {
    const std::size_t index = uniform_int(rng, 0, N - 1);
    std::size_t r0, r1, c0, c1;
    if (!ink_bounds(digits.images.data() + index * H * W, H, W, o.ink_threshold, r0, r1, c0, c1)) continue;
    const std::size_t side = uniform_int(rng, 6, 10);
    const std::size_t fr = r0 + uniform_int(rng, 0, r1 - r0), fc = c0 + uniform_int(rng, 0, c1 - c0);
    const Tensor<float> piece = crop(digits, index, std::min(fr, H - side), std::min(fr, H - side) + side - 1,
                                     std::min(fc, W - side), std::min(fc, W - side) + side - 1);
    paste_max(image, S, piece, uniform_int(rng, 0, S - side), uniform_int(rng, 0, S - side));
  }
  if (o.noise > 0) {
    for (std::size_t k = 0; k < S * S; ++k)
      image[k] = float(std::clamp(double(image[k]) + o.noise * standard_normal(rng), 0.0, 1.0));
  }
}

Scene make_scene(const Dataset& digits, const SceneOptions& options, std::uint64_t seed) {
  Scene s;
  s.image = Tensor<float>(Shape{1, 1, options.size, options.size});
  render_scene(digits, options, seed, s.image.data(), s.objects);
  return s;
}

SceneSet make_scenes(const Dataset& digits, std::size_t n, const SceneOptions& options, std::uint64_t seed) {
  SceneSet set;
  const std::size_t S = options.size;
  set.images = Tensor<float>(Shape{n, 1, S, S});
  set.objects.resize(n);
  for (std::size_t k = 0; k < n; ++k) render_scene(digits, options, scene_seed(seed, k), set.images.data() + k * S * S, set.objects[k]);
  return set;
}

Dataset generated_digits(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Dataset ds;
  ds.images = Tensor<float>(Shape{n, 1, 28, 28});
  ds.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Tensor<float> img = mnist_preprocess(synthetic_digit(int(i % 10), rng));
    std::copy(img.begin(), img.end(), ds.images.data() + i * 784);
    ds.labels[i] = int(i % 10);
  }
  return ds;
}

}  // namespace nn
