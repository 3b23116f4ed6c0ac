/// @file faces.cpp
/// @brief Windows, augmentation and pasted scenes of real face crops (faces.hpp).
#include "nn/data/faces.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "nn/data/digits.hpp"
#include "nn/errors.hpp"

namespace nn {

namespace {

/// Bilinear sample of a (H, W) picture at (x, y) in pixel-centre coordinates, clamped to the edge.
float bilinear(const Tensor<float>& p, double x, double y) {
  const double H = double(p.dim(0)), W = double(p.dim(1));
  x = std::clamp(x - 0.5, 0.0, W - 1), y = std::clamp(y - 0.5, 0.0, H - 1);
  const std::size_t x0 = std::size_t(x), y0 = std::size_t(y);
  const std::size_t x1 = std::min(x0 + 1, p.dim(1) - 1), y1 = std::min(y0 + 1, p.dim(0) - 1);
  const float fx = float(x - double(x0)), fy = float(y - double(y0));
  const float top = p(y0, x0) + fx * (p(y0, x1) - p(y0, x0));
  const float bottom = p(y1, x0) + fx * (p(y1, x1) - p(y1, x0));
  return top + fy * (bottom - top);
}

double uniform(std::mt19937_64& rng, double lo, double hi) {
  return lo + (hi - lo) * std::generate_canonical<double, 53>(rng);
}

std::size_t uniform_index(std::mt19937_64& rng, std::size_t lo, std::size_t hi) {  // [lo, hi]
  return lo + std::size_t(rng() % (hi - lo + 1));
}

/// The crop resampled to side × side: area averaging to shrink, bilinear to enlarge.
Tensor<float> resampled(const Tensor<float>& crop, std::size_t side) {
  if (side <= crop.dim(0)) return resize_area(crop, side, side);
  Tensor<float> out(Shape{side, side});
  warp_window(crop, double(crop.dim(1)) / 2, double(crop.dim(0)) / 2, double(crop.dim(0)), 0, false, side, out.data());
  return out;
}

}  // namespace

Tensor<float> picture_of(const Tensor<float>& batch, std::size_t n) {
  if (batch.rank() != 4 || n >= batch.dim(0))
    throw shape_error("picture_of: picture " + std::to_string(n) + " of a batch " + batch.shape().str() +
                      " (needs rank 4 and n < N)");
  const std::size_t h = batch.dim(2), w = batch.dim(3);
  Tensor<float> m(Shape{h, w});
  std::copy_n(batch.data() + n * h * w * batch.dim(1), h * w, m.data());
  return m;
}

void warp_window(const Tensor<float>& picture, double cx, double cy, double side, double angle, bool flip,
                 std::size_t out, float* dst) {
  if (picture.rank() != 2) throw shape_error("warp_window: needs a picture (H, W), got " + picture.shape().str());
  const double step = side / double(out), c = std::cos(angle), s = std::sin(angle), half = double(out) / 2;
  for (std::size_t i = 0; i < out; ++i)
    for (std::size_t j = 0; j < out; ++j) {
      const double u = (flip ? half - (double(j) + 0.5) : double(j) + 0.5 - half) * step;
      const double v = (double(i) + 0.5 - half) * step;
      dst[i * out + j] = bilinear(picture, cx + c * u + s * v, cy - s * u + c * v);
    }
}

void cut_window(const Tensor<float>& picture, std::size_t x, std::size_t y, std::size_t side, std::size_t out,
                float* dst) {
  if (picture.rank() != 2) throw shape_error("cut_window: needs a picture (H, W), got " + picture.shape().str());
  if (side == 0 || x + side > picture.dim(1) || y + side > picture.dim(0))
    throw std::invalid_argument("cut_window: the square at (" + std::to_string(x) + ", " + std::to_string(y) +
                                ") of side " + std::to_string(side) + " is not inside the picture " +
                                picture.shape().str());
  Tensor<float> square(Shape{side, side});
  for (std::size_t i = 0; i < side; ++i) std::copy_n(&picture(y + i, x), side, &square(i, 0));
  const Tensor<float> small = resize_area(square, out, out);
  std::copy(small.begin(), small.end(), dst);
}

void augment_crop(const Tensor<float>& crop, const FaceAugment& aug, std::size_t out, std::mt19937_64& rng,
                  float* dst) {
  const double side = double(crop.dim(0));
  const double zoom = uniform(rng, aug.min_scale, aug.max_scale);
  const double cx = side / 2 + side * uniform(rng, -aug.max_shift, aug.max_shift);
  const double cy = side / 2 + side * uniform(rng, -aug.max_shift, aug.max_shift);
  const double angle = uniform(rng, -aug.max_rotation, aug.max_rotation);
  const bool flip = aug.flip && rng() % 2;
  warp_window(crop, cx, cy, side * zoom, angle, flip, out, dst);
  const std::size_t n = out * out;
  double mean = 0;
  for (std::size_t k = 0; k < n; ++k) mean += dst[k];
  mean /= double(n);
  const double contrast = uniform(rng, aug.min_contrast, aug.max_contrast);
  const double brightness = uniform(rng, -aug.brightness, aug.brightness);
  std::normal_distribution<double> noise(0.0, aug.noise);
  for (std::size_t k = 0; k < n; ++k) {
    const double v = contrast * (dst[k] - mean) + mean + brightness + (aug.noise > 0 ? noise(rng) : 0.0);
    dst[k] = float(std::clamp(v, 0.0, 1.0));
  }
}

std::pair<Backdrop, Backdrop> split_halves(const Tensor<float>& picture) {
  if (picture.rank() != 2 || picture.dim(1) < 2)
    throw shape_error("split_halves: needs a picture (H, W) with W ≥ 2, got " + picture.shape().str());
  const std::size_t H = picture.dim(0), W = picture.dim(1), half = W / 2;
  Backdrop left{Tensor<float>(Shape{H, half})}, right{Tensor<float>(Shape{H, W - half})};
  for (std::size_t y = 0; y < H; ++y) {
    std::copy_n(&picture(y, 0), half, &left.picture(y, 0));
    std::copy_n(&picture(y, half), W - half, &right.picture(y, 0));
  }
  return {std::move(left), std::move(right)};
}

void random_backdrop_window(const std::vector<Backdrop>& backdrops, std::size_t min_side, std::size_t max_side,
                            std::size_t out, std::mt19937_64& rng, float* dst) {
  if (backdrops.empty()) throw std::invalid_argument("random_backdrop_window: no backdrop");
  const Tensor<float>& p = backdrops[rng() % backdrops.size()].picture;
  const std::size_t most = std::min({max_side, p.dim(0), p.dim(1)});
  const std::size_t side = uniform_index(rng, std::min(min_side, most), most);
  const std::size_t x = uniform_index(rng, 0, p.dim(1) - side), y = uniform_index(rng, 0, p.dim(0) - side);
  cut_window(p, x, y, side, out, dst);
}

FaceScenes make_face_scenes(const std::vector<Backdrop>& backdrops, const Tensor<float>& faces,
                            const Tensor<float>& distractors, std::size_t n, const FaceSceneOptions& o,
                            std::uint64_t seed) {
  if (backdrops.empty()) throw std::invalid_argument("make_face_scenes: no backdrop");
  if (faces.rank() != 4 || faces.dim(0) == 0) throw std::invalid_argument("make_face_scenes: no face crops");
  if (o.max_side >= double(o.size) || o.min_side < 4 || o.min_side > o.max_side || o.min_faces > o.max_faces)
    throw std::invalid_argument("make_face_scenes: sides must satisfy 4 ≤ min_side ≤ max_side < size");
  const std::size_t S = o.size;
  FaceScenes out;
  out.images = Tensor<float>(Shape{n, 1, S, S});
  std::mt19937_64 rng(seed);
  for (std::size_t s = 0; s < n; ++s) {
    // the backdrop square, enlarged first if the region is smaller than the scene
    const Tensor<float>& p = backdrops[rng() % backdrops.size()].picture;
    const std::size_t side = std::min(p.dim(0), p.dim(1));
    const std::size_t cut = std::min(side, uniform_index(rng, S, std::max(S, std::size_t(1.5 * double(S)))));
    float* scene = out.images.data() + s * S * S;
    const std::size_t x0 = uniform_index(rng, 0, p.dim(1) - cut), y0 = uniform_index(rng, 0, p.dim(0) - cut);
    if (cut >= S) {
      cut_window(p, x0, y0, cut, S, scene);
    } else {
      warp_window(p, double(x0) + double(cut) / 2, double(y0) + double(cut) / 2, double(cut), 0, false, S, scene);
    }
    Tensor<float> canvas(Shape{S, S});
    std::copy_n(scene, S * S, canvas.data());

    const std::size_t n_faces = uniform_index(rng, o.min_faces, o.max_faces);
    const std::size_t n_dis = distractors.rank() == 4 && distractors.dim(0) > 0 ? uniform_index(rng, 0, o.max_distractors) : 0;
    std::vector<Box> placed;
    std::vector<LabeledBox> truth;
    std::vector<Box> dis;
    for (std::size_t k = 0; k < n_faces + n_dis; ++k) {
      const bool is_face = k < n_faces;
      const Tensor<float>& pool = is_face ? faces : distractors;
      // up to 50 tries for a place that does not overlap an earlier paste
      for (int attempt = 0; attempt < 50; ++attempt) {
        const double w = std::round(uniform(rng, o.min_side, o.max_side));
        const double x = std::floor(uniform(rng, 0, double(S) - w)), y = std::floor(uniform(rng, 0, double(S) - w));
        const Box b{x, y, x + w, y + w};
        if (std::any_of(placed.begin(), placed.end(), [&](const Box& q) { return iou(q, b) > 0; })) continue;
        placed.push_back(b);
        const Tensor<float> tile = resampled(picture_of(pool, rng() % pool.dim(0)), std::size_t(w));
        const double tone = uniform(rng, -o.tone, o.tone);
        const double band = std::max(1.0, o.feather * w);
        for (std::size_t i = 0; i < std::size_t(w); ++i)
          for (std::size_t j = 0; j < std::size_t(w); ++j) {
            // distance to the paste's nearest edge, in pixels, sets the blend weight
            const double d = std::min({double(i) + 0.5, double(j) + 0.5, w - double(i) - 0.5, w - double(j) - 0.5});
            const double a = std::min(1.0, d / band);
            float& v = canvas(std::size_t(y) + i, std::size_t(x) + j);
            v = float(std::clamp((1 - a) * v + a * (tile(i, j) + tone), 0.0, 1.0));
          }
        if (is_face) truth.push_back(LabeledBox{b, 0});
        else dis.push_back(b);
        break;
      }
    }
    std::copy(canvas.begin(), canvas.end(), scene);
    out.faces.push_back(std::move(truth));
    out.distractors.push_back(std::move(dis));
  }
  return out;
}

namespace {

/// Paints v inside the ellipse centred (cx, cy) with half-axes (a, b), with a one-pixel soft edge.
void paint_ellipse(Tensor<float>& im, double cx, double cy, double a, double b, float v) {
  for (std::size_t y = 0; y < im.dim(0); ++y)
    for (std::size_t x = 0; x < im.dim(1); ++x) {
      const double u = (double(x) + 0.5 - cx) / a, w = (double(y) + 0.5 - cy) / b;
      const double r = std::sqrt(u * u + w * w), t = std::clamp((1.0 - r) * std::min(a, b), 0.0, 1.0);
      im(y, x) = float((1 - t) * im(y, x) + t * v);
    }
}

void shade_and_noise(Tensor<float>& im, std::mt19937_64& rng, double lo, double hi) {
  const double a = uniform(rng, lo, hi), gx = uniform(rng, -0.3, 0.3), gy = uniform(rng, -0.3, 0.3);
  std::normal_distribution<double> noise(0.0, 0.03);
  const double H = double(im.dim(0)), W = double(im.dim(1));
  for (std::size_t y = 0; y < im.dim(0); ++y)
    for (std::size_t x = 0; x < im.dim(1); ++x)
      im(y, x) = float(std::clamp(a + gx * (double(x) / W - 0.5) + gy * (double(y) / H - 0.5) + noise(rng), 0.0, 1.0));
}

}  // namespace

std::pair<Tensor<float>, std::vector<int>> generated_face_crops(std::size_t n, std::size_t side, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tensor<float> images(Shape{2 * n, 1, side, side});
  std::vector<int> labels(2 * n);
  const double S = double(side);
  for (std::size_t k = 0; k < 2 * n; ++k) {
    Tensor<float> im(Shape{side, side});
    shade_and_noise(im, rng, 0.1, 0.5);
    const bool face = k < n;
    if (face) {
      const double a = S * uniform(rng, 0.38, 0.48), b = S * uniform(rng, 0.45, 0.55);
      const double cx = S / 2 + uniform(rng, -1, 1), cy = S / 2 + uniform(rng, -1, 1);
      const float skin = float(uniform(rng, 0.6, 0.9)), dark = float(uniform(rng, 0.0, 0.25));
      paint_ellipse(im, cx, cy, a, b, skin);
      paint_ellipse(im, cx - 0.38 * a, cy - 0.2 * b, 0.16 * a + 0.6, 0.12 * b + 0.6, dark);  // eyes
      paint_ellipse(im, cx + 0.38 * a, cy - 0.2 * b, 0.16 * a + 0.6, 0.12 * b + 0.6, dark);
      paint_ellipse(im, cx, cy + 0.5 * b, 0.4 * a, 0.07 * b + 0.6, dark);  // mouth
    } else {
      const std::size_t blobs = uniform_index(rng, 0, 3);
      for (std::size_t q = 0; q < blobs; ++q)
        paint_ellipse(im, uniform(rng, 0, S), uniform(rng, 0, S), S * uniform(rng, 0.1, 0.5), S * uniform(rng, 0.1, 0.5),
                      float(uniform(rng, 0.0, 1.0)));
    }
    std::copy(im.begin(), im.end(), images.data() + k * side * side);
    labels[k] = face ? 1 : 0;
  }
  return {std::move(images), std::move(labels)};
}

Tensor<float> generated_backdrop(std::size_t side, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tensor<float> im(Shape{side, side});
  shade_and_noise(im, rng, 0.2, 0.8);
  for (int q = 0; q < 12; ++q)
    paint_ellipse(im, uniform(rng, 0, double(side)), uniform(rng, 0, double(side)), uniform(rng, 3, 30),
                  uniform(rng, 3, 30), float(uniform(rng, 0.0, 1.0)));
  return im;
}

}  // namespace nn
