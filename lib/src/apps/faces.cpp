/// @file faces.cpp
/// @brief The face classifier and the pyramid scan (faces.hpp).
#include "nn/apps/faces.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "nn/activation_layer.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/data/digits.hpp"
#include "nn/maxpool2d.hpp"

namespace nn {

std::string FaceClassifierSpec::str() const {
  std::string blocks;
  for (std::size_t k = 0; k < widths.size(); ++k) blocks += (k ? "-" : "") + std::to_string(widths[k]);
  return "window " + std::to_string(window) + ", blocks " + blocks + ", hidden " + std::to_string(hidden);
}

Sequential<float> face_classifier(const FaceClassifierSpec& spec, std::uint64_t seed) {
  std::size_t side = spec.window;
  std::mt19937_64 rng(seed);
  Sequential<float> net;
  std::size_t in = 1;
  for (std::size_t k = 0; k < spec.widths.size(); ++k) {
    const std::size_t kernel = k == 0 ? 5 : 3;
    if (side < kernel + 1)
      throw std::invalid_argument("face_classifier: a " + std::to_string(spec.window) + "-pixel window is too small for " +
                                  spec.str());
    net.add<Conv2d<float>>(in, spec.widths[k], kernel, kernel, ConvSpec{1, 0}, rng());  // valid: side − k + 1
    net.add<BatchNorm2d<float>>(spec.widths[k]);
    net.add<Activation<float>>(ActivationFunction::relu);
    net.add<MaxPool2d<float>>(2, 2);  // ⌊side / 2⌋
    side = (side - kernel + 1) / 2;
    in = spec.widths[k];
  }
  if (side != 1)
    throw std::invalid_argument("face_classifier: " + spec.str() + " shrinks the window to " + std::to_string(side) +
                                "×" + std::to_string(side) + ", not 1×1");
  net.add<Conv2d<float>>(in, spec.hidden, 1, 1, ConvSpec{1, 0}, rng());
  net.add<Activation<float>>(ActivationFunction::relu);
  net.add<Conv2d<float>>(spec.hidden, 2, 1, 1, ConvSpec{1, 0}, rng());
  net.add<Flatten<float>>();  // (R, 2, 1, 1) → (R, 2) for the loss
  return net;
}

namespace {

/// p(face) = softmax of (z_nonface, z_face), second component.
double face_probability(double z0, double z1) { return 1.0 / (1.0 + std::exp(z0 - z1)); }

}  // namespace

std::vector<double> face_probabilities(Sequential<float>& net, const Tensor<float>& X) {
  net.set_training(false);
  const Tensor<float>& Z = net.forward(X);
  const std::size_t R = X.dim(0);
  if (Z.size() != 2 * R) throw shape_error("face_probabilities: expected 2 scores per window, got " + Z.shape().str());
  std::vector<double> p(R);
  for (std::size_t r = 0; r < R; ++r) p[r] = face_probability(Z[2 * r], Z[2 * r + 1]);
  return p;
}

std::vector<Detection> scan_faces(Sequential<float>& net, const Tensor<float>& picture, const ScanOptions& o,
                                  std::size_t image) {
  if (picture.rank() != 2) throw shape_error("scan_faces: needs a picture (H, W), got " + picture.shape().str());
  if (o.stride == 0 || o.net_stride % o.stride != 0)
    throw std::invalid_argument("scan_faces: the stride " + std::to_string(o.stride) + " must divide the network's " +
                                std::to_string(o.net_stride));
  if (o.min_face < double(o.window) || o.scale_step <= 1.0)
    throw std::invalid_argument("scan_faces: needs min_face ≥ the window and scale_step > 1");
  net.set_training(false);
  const double H = double(picture.dim(0)), W = double(picture.dim(1));
  const double largest = o.max_face > 0 ? std::min(o.max_face, std::min(H, W)) : std::min(H, W);
  std::vector<Detection> found;
  Tensor<float> part;
  for (double side = o.min_face; side <= largest + 1e-9; side *= o.scale_step) {
    const double f = double(o.window) / side;  // picture pixels → level pixels
    const std::size_t h = std::size_t(std::lround(H * f)), w = std::size_t(std::lround(W * f));
    if (h < o.window || w < o.window) break;
    const Tensor<float> level = resize_area(picture, h, w);
    const double fy = double(h) / H, fx = double(w) / W;  // the exact factors after rounding
    for (std::size_t dy = 0; dy < o.net_stride; dy += o.stride)
      for (std::size_t dx = 0; dx < o.net_stride; dx += o.stride) {
        if (h < dy + o.window || w < dx + o.window) continue;
        const std::size_t ph = h - dy, pw = w - dx;
        part.resize(Shape{1, 1, ph, pw});
        for (std::size_t y = 0; y < ph; ++y) std::copy_n(&level(dy + y, dx), pw, &part(0, 0, y, 0));
        const Tensor<float>& Z = net.forward(part);
        // output position (i, j) ↔ the window at (dx + stride·j, dy + stride·i) of the level
        const std::size_t oh = (ph - o.window) / o.net_stride + 1, ow = (pw - o.window) / o.net_stride + 1;
        if (Z.size() != 2 * oh * ow)
          throw shape_error("scan_faces: the network gave " + Z.shape().str() + " for " + part.shape().str() +
                            "; expected 2 × " + std::to_string(oh) + " × " + std::to_string(ow) +
                            " scores (is it a face_classifier() with this window and stride?)");
        const float* z0 = Z.data();
        const float* z1 = Z.data() + oh * ow;  // channel 1 after channel 0 (Flatten keeps C, H, W order)
        for (std::size_t i = 0; i < oh; ++i)
          for (std::size_t j = 0; j < ow; ++j) {
            const double p = face_probability(z0[i * ow + j], z1[i * ow + j]);
            if (p < o.min_score) continue;
            const double x = double(dx + o.net_stride * j), y = double(dy + o.net_stride * i);
            Detection d;
            d.image = image, d.label = 0, d.score = p;
            d.box = Box{x / fx, y / fy, (x + double(o.window)) / fx, (y + double(o.window)) / fy};
            found.push_back(d);
          }
      }
  }
  if (found.size() > o.max_candidates) {
    std::partial_sort(found.begin(), found.begin() + std::ptrdiff_t(o.max_candidates), found.end(),
                      [](const Detection& a, const Detection& b) { return a.score > b.score; });
    found.resize(o.max_candidates);
  }
  std::vector<Detection> kept = non_max_suppression(std::move(found), o.nms_iou);  // by decreasing score
  std::vector<Detection> out;
  for (const Detection& d : kept) {
    const bool inside = std::any_of(out.begin(), out.end(), [&](const Detection& better) {
      const Box cap{std::max(d.box.x1, better.box.x1), std::max(d.box.y1, better.box.y1),
                    std::min(d.box.x2, better.box.x2), std::min(d.box.y2, better.box.y2)};
      return cap.area() > o.max_inside * d.box.area();
    });
    if (!inside) out.push_back(d);
  }
  return out;
}

}  // namespace nn
