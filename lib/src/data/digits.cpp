/// @file digits.cpp
/// @brief MNIST preprocessing of user drawings, and synthetic digits.
#include "nn/data/digits.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "nn/errors.hpp"

namespace nn {

namespace {

/// Weights of the 1-D area resampling from n to m samples: w[i][j] = overlap of output cell i
/// (input coordinates [i·n/m, (i+1)·n/m)) with input pixel j, divided by the cell's width.
std::vector<std::vector<std::pair<std::size_t, float>>> area_weights(std::size_t n, std::size_t m) {
  std::vector<std::vector<std::pair<std::size_t, float>>> w(m);
  const double scale = double(n) / double(m);
  for (std::size_t i = 0; i < m; ++i) {
    const double a = i * scale, b = (i + 1) * scale;
    for (std::size_t j = std::size_t(std::floor(a)); j < n && double(j) < b; ++j) {
      const double overlap = std::min(b, double(j + 1)) - std::max(a, double(j));
      if (overlap > 0) w[i].push_back({j, float(overlap / scale)});
    }
  }
  return w;
}

}  // namespace

Tensor<float> resize_area(const Tensor<float>& image, std::size_t out_h, std::size_t out_w) {
  if (image.rank() != 2) throw shape_error("resize_area: needs a matrix (H, W), got " + image.shape().str());
  const std::size_t H = image.dim(0), W = image.dim(1);
  const auto wr = area_weights(H, out_h), wc = area_weights(W, out_w);
  Tensor<float> tmp(Shape{H, out_w});  // columns first
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t j = 0; j < out_w; ++j) {
      float s = 0;
      for (const auto& [w, weight] : wc[j]) s += weight * image(h, w);
      tmp(h, j) = s;
    }
  Tensor<float> out(Shape{out_h, out_w});
  for (std::size_t i = 0; i < out_h; ++i)
    for (std::size_t j = 0; j < out_w; ++j) {
      float s = 0;
      for (const auto& [h, weight] : wr[i]) s += weight * tmp(h, j);
      out(i, j) = s;
    }
  return out;
}

Tensor<float> mnist_preprocess(const Tensor<float>& gray, double ink_quantile) {
  if (!(ink_quantile > 0 && ink_quantile <= 1))
    throw std::invalid_argument("mnist_preprocess: ink_quantile must be in (0, 1], got " +
                                std::to_string(ink_quantile));
  Tensor<float> img;
  if (gray.rank() == 4 && gray.dim(0) == 1 && gray.dim(1) == 1)
    img = gray.reshaped(Shape{gray.dim(2), gray.dim(3)});
  else if (gray.rank() == 2)
    img = gray;
  else
    throw shape_error("mnist_preprocess: needs one grayscale image, shape (1, 1, H, W) or (H, W), got " +
                      gray.shape().str());
  const std::size_t H = img.dim(0), W = img.dim(1);

  // (1) polarity: the border is background. Dark-on-light pictures are inverted.
  double border = 0, all = 0;
  std::size_t nb = 0;
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t w = 0; w < W; ++w) {
      all += img(h, w);
      if (h == 0 || w == 0 || h + 1 == H || w + 1 == W) border += img(h, w), ++nb;
    }
  if (border / nb > all / double(H * W))
    for (auto& v : img) v = 1.0f - v;

  // (2) background (the border's median level) to 0, strongest ink to 1: the scale of step 3
  std::vector<float> edge;
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t w = 0; w < W; ++w)
      if (h == 0 || w == 0 || h + 1 == H || w + 1 == W) edge.push_back(img(h, w));
  std::nth_element(edge.begin(), edge.begin() + edge.size() / 2, edge.end());
  const float bg = edge[edge.size() / 2];
  const float top = *std::max_element(img.begin(), img.end());
  if (!(top - bg > 1e-3f)) throw data_error("mnist_preprocess: the picture holds no ink (it is one flat shade)");
  for (auto& v : img) v = std::clamp((v - bg) / (top - bg), 0.0f, 1.0f);

  // (3) crop to the ink
  std::size_t h0 = H, h1 = 0, w0 = W, w1 = 0;
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t w = 0; w < W; ++w)
      if (img(h, w) > 0.1f) h0 = std::min(h0, h), h1 = std::max(h1, h), w0 = std::min(w0, w), w1 = std::max(w1, w);
  if (h0 > h1) throw data_error("mnist_preprocess: no ink above the threshold 0.1 after contrast stretching");
  const std::size_t ch = h1 - h0 + 1, cw = w1 - w0 + 1;
  Tensor<float> crop(Shape{ch, cw});
  for (std::size_t h = 0; h < ch; ++h)
    for (std::size_t w = 0; w < cw; ++w) crop(h, w) = img(h0 + h, w0 + w);

  // (4) longer side to 20 pixels, aspect ratio kept
  const double s = 20.0 / double(std::max(ch, cw));
  const std::size_t nh = std::max<std::size_t>(1, std::size_t(std::lround(ch * s)));
  const std::size_t nw = std::max<std::size_t>(1, std::size_t(std::lround(cw * s)));
  Tensor<float> small = resize_area(crop, nh, nw);

  // (5) contrast: the ink_quantile quantile of the ink (pixels above a tenth of the strongest)
  //     to 1, brighter pixels clipped to 1
  std::vector<float> ink;
  const float strongest = *std::max_element(small.begin(), small.end());
  for (float v : small)
    if (v > 0.1f * strongest) ink.push_back(v);
  if (ink.empty()) throw data_error("mnist_preprocess: the picture holds no ink (its values are not finite)");
  const std::size_t rank = std::size_t(std::ceil(ink_quantile * double(ink.size()))) - 1;  // nearest rank
  std::nth_element(ink.begin(), ink.begin() + long(rank), ink.end());
  const float level = ink[rank];
  for (auto& v : small) v = std::min(1.0f, v / level);

  // (6) centre of mass (row and column index, weighted by the ink) to (14, 14), as in MNIST
  double mass = 0, mh = 0, mw = 0;
  for (std::size_t h = 0; h < nh; ++h)
    for (std::size_t w = 0; w < nw; ++w) mass += small(h, w), mh += small(h, w) * h, mw += small(h, w) * w;
  const long top_h = std::clamp<long>(std::lround(14.0 - mh / mass), 0, long(28 - nh));
  const long left_w = std::clamp<long>(std::lround(14.0 - mw / mass), 0, long(28 - nw));
  Tensor<float> out(Shape{1, 1, 28, 28});
  for (std::size_t h = 0; h < nh; ++h)
    for (std::size_t w = 0; w < nw; ++w) out(0, 0, std::size_t(top_h) + h, std::size_t(left_w) + w) = small(h, w);
  return out;
}

void random_shift(Tensor<float>& X, int max_shift, std::mt19937_64& rng) {
  if (X.rank() != 4) throw shape_error("random_shift: needs a batch (R, C, H, W), got " + X.shape().str());
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  std::uniform_int_distribution<int> d(-max_shift, max_shift);
  std::vector<float> tmp(H * W);
  for (std::size_t r = 0; r < R; ++r) {
    const int dy = d(rng), dx = d(rng);
    if (dy == 0 && dx == 0) continue;
    for (std::size_t c = 0; c < C; ++c) {
      float* img = X.data() + (r * C + c) * H * W;
      std::fill(tmp.begin(), tmp.end(), 0.0f);
      for (std::size_t h = 0; h < H; ++h) {
        const long sh = long(h) - dy;  // the output pixel (h, w) comes from (h − dy, w − dx)
        if (sh < 0 || sh >= long(H)) continue;
        for (std::size_t w = 0; w < W; ++w) {
          const long sw = long(w) - dx;
          if (sw >= 0 && sw < long(W)) tmp[h * W + w] = img[std::size_t(sh) * W + std::size_t(sw)];
        }
      }
      std::copy(tmp.begin(), tmp.end(), img);
    }
  }
}

namespace {

struct Seg {
  float x0, y0, x1, y1;
};

// Segment endpoints on a unit box [0,1]²; y grows downwards. a top, b top-right, c bottom-right,
// d bottom, e bottom-left, f top-left, g middle, plus diagonals for 1, 4 and 7 to vary shapes.
constexpr Seg kA{0, 0, 1, 0}, kB{1, 0, 1, 0.5f}, kC{1, 0.5f, 1, 1}, kD{0, 1, 1, 1}, kE{0, 0.5f, 0, 1},
    kF{0, 0, 0, 0.5f}, kG{0, 0.5f, 1, 0.5f};

std::vector<Seg> strokes(int digit) {
  switch (digit) {
    case 0: return {kA, kB, kC, kD, kE, kF};
    case 1: return {{0.6f, 0, 0.6f, 1}, {0.3f, 0.2f, 0.6f, 0}};
    case 2: return {kA, kB, kG, kE, kD};
    case 3: return {kA, kB, kG, kC, kD};
    case 4: return {kF, kG, kB, kC};
    case 5: return {kA, kF, kG, kC, kD};
    case 6: return {kA, kF, kG, kC, kD, kE};
    case 7: return {kA, {1, 0, 0.35f, 1}};
    case 8: return {kA, kB, kC, kD, kE, kF, kG};
    case 9: return {kA, kB, kC, kD, kF, kG};
  }
  throw std::invalid_argument("synthetic_digit: digit must be 0-9, got " + std::to_string(digit));
}

}  // namespace

Tensor<float> synthetic_digit(int digit, std::mt19937_64& rng, std::size_t size) {
  const auto segs = strokes(digit);
  std::uniform_real_distribution<float> u(0, 1);
  const float S = float(size);
  const float width = S * (0.28f + 0.14f * u(rng));   // box width
  const float height = S * (0.55f + 0.15f * u(rng));  // box height
  const float slant = -0.25f + 0.5f * u(rng);         // x shift per unit of y
  const float thick = S * (0.045f + 0.035f * u(rng)); // half stroke width
  const float cx = S * (0.5f + 0.06f * (u(rng) - 0.5f)), cy = S * (0.5f + 0.06f * (u(rng) - 0.5f));
  auto map = [&](float x, float y) {
    const float px = cx + (x - 0.5f) * width + (0.5f - y) * slant * height;
    const float py = cy + (y - 0.5f) * height;
    return std::array<float, 2>{px, py};
  };
  Tensor<float> img(Shape{1, 1, size, size});
  for (const auto& s : segs) {
    // jitter the endpoints a little so no two digits are the same
    const auto p = map(s.x0 + 0.05f * (u(rng) - 0.5f), s.y0 + 0.05f * (u(rng) - 0.5f));
    const auto q = map(s.x1 + 0.05f * (u(rng) - 0.5f), s.y1 + 0.05f * (u(rng) - 0.5f));
    const float dx = q[0] - p[0], dy = q[1] - p[1], len2 = std::max(1e-6f, dx * dx + dy * dy);
    for (std::size_t h = 0; h < size; ++h)
      for (std::size_t w = 0; w < size; ++w) {
        const float x = float(w) + 0.5f, y = float(h) + 0.5f;
        const float t = std::clamp(((x - p[0]) * dx + (y - p[1]) * dy) / len2, 0.0f, 1.0f);
        const float ex = x - (p[0] + t * dx), ey = y - (p[1] + t * dy);
        const float dist = std::sqrt(ex * ex + ey * ey);
        const float ink = std::clamp(thick + 0.5f - dist, 0.0f, 1.0f);  // anti-aliased edge
        float& v = img(0, 0, h, w);
        v = std::max(v, ink);
      }
  }
  return img;
}

}  // namespace nn
