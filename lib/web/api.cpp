/// @file api.cpp
/// @brief The C API of the interactive pages: the library's own functions, compiled to
///        WebAssembly (scripts/build-wasm.sh) and called from docs/web/*.js.
///
/// Every function returns a negative number on bad input and leaves the reason in
/// nn_web_error(); nothing throws across the JavaScript boundary. Arrays are row-major and
/// owned by the caller (JavaScript allocates them on the wasm heap with _malloc), except the
/// results of the digit model, which live here until the next nn_web_predict().
#include <emscripten/emscripten.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/apps/train.hpp"
#include "nn/conv2d.hpp"
#include "nn/data/digits.hpp"
#include "nn/data/image.hpp"
#include "nn/data/model_io.hpp"
#include "nn/maxpool2d.hpp"
#include "nn/optim.hpp"
#include "nn/output_size.hpp"

namespace {

std::string last_error;

/// Runs f, turning an exception into -1 and its message into nn_web_error().
template <class F>
int guarded(F f) {
  try {
    last_error.clear();
    return f();
  } catch (const std::exception& e) {
    last_error = e.what();
    return -1;
  }
}

/// A size from JavaScript: the C API takes int, the library std::size_t; a negative one is
/// refused with a message, never wrapped round.
std::size_t dim(int n, const char* what) {
  if (n < 0) throw std::invalid_argument(std::string("nn_web: ") + what + " = " + std::to_string(n) + " must not be negative");
  return std::size_t(n);
}

/// One H × W plane as a (1, 1, H, W) tensor.
nn::Tensor<double> plane(const double* values, int H, int W) {
  const std::size_t n = dim(H, "H") * dim(W, "W");
  return nn::Tensor<double>(nn::Shape{1, 1, std::size_t(H), std::size_t(W)}, std::vector<double>(values, values + n));
}

void copy_out(const nn::Tensor<double>& t, double* out) { std::copy(t.begin(), t.end(), out); }

/// The digit model and what its last prediction saw.
struct DigitModel {
  nn::Model model;
  bool loaded = false;
  nn::Tensor<float> input;                  // the 28 × 28 that mnist_preprocess made
  std::vector<double> probabilities;        // softmax of the scores
  std::vector<nn::Tensor<float>> maps;      // the output of every convolution layer
};
DigitModel digits;

}  // namespace

extern "C" {

/// The message of the last failed call ("" after a call that worked).
EMSCRIPTEN_KEEPALIVE const char* nn_web_error() { return last_error.c_str(); }

// ---- draw a digit: load_model, to_grayscale, mnist_preprocess, predict_probabilities -------

/// Reads a model file (the bytes of ch08_lenet_bn.nnm) with nn::load_model. Returns the number
/// of classes, or −1.
EMSCRIPTEN_KEEPALIVE int nn_web_load_model(const unsigned char* bytes, int n) {
  return guarded([&] {
    const char* path = "/model.nnm";  // the in-memory file system of the page
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes), n);
    digits.model = nn::load_model(path);
    if (digits.model.input != nn::Shape{1, 28, 28})
      throw nn::data_error("the model takes inputs " + digits.model.input.str() + ", not 1×28×28 digits");
    digits.loaded = true;
    return int(digits.model.net.output_shape(nn::Shape{1, 1, 28, 28})[1]);
  });
}

/// Classifies a canvas's pixels (RGBA bytes, width × height) as ch08_predict classifies a PNG:
/// to_grayscale, mnist_preprocess, predict_probabilities. Returns the class, or −1 (no model,
/// or no ink).
EMSCRIPTEN_KEEPALIVE int nn_web_predict(const unsigned char* rgba, int width, int height) {
  return guarded([&] {
    if (!digits.loaded) throw std::runtime_error("no model loaded");
    const std::size_t W = dim(width, "width"), H = dim(height, "height");
    nn::Tensor<float> picture(nn::Shape{1, 4, H, W});
    for (std::size_t c = 0; c < 4; ++c)
      for (std::size_t i = 0; i < H * W; ++i) picture[c * H * W + i] = float(rgba[4 * i + c]) / 255.0f;
    digits.input = nn::mnist_preprocess(nn::to_grayscale(picture));
    digits.probabilities = nn::predict_probabilities(digits.model.net, digits.input);
    digits.maps.clear();
    for (std::size_t l = 0; l < digits.model.net.size(); ++l)
      if (digits.model.net[l].name().rfind("Conv2d", 0) == 0) digits.maps.push_back(digits.model.net.activation(l + 1));
    std::size_t best = 0;
    for (std::size_t k = 1; k < digits.probabilities.size(); ++k)
      if (digits.probabilities[k] > digits.probabilities[best]) best = k;
    return int(best);
  });
}

/// The 28 × 28 input of the last prediction.
EMSCRIPTEN_KEEPALIVE const float* nn_web_input() { return digits.input.data(); }
/// The class probabilities of the last prediction.
EMSCRIPTEN_KEEPALIVE const double* nn_web_probabilities() { return digits.probabilities.data(); }
/// How many convolution layers' outputs the last prediction kept.
EMSCRIPTEN_KEEPALIVE int nn_web_map_count() { return int(digits.maps.size()); }
/// The shape (C, H, W) of convolution i's output, written into chw; −1 for no such layer.
EMSCRIPTEN_KEEPALIVE int nn_web_map_shape(int i, int* chw) {
  if (i < 0 || std::size_t(i) >= digits.maps.size()) return -1;
  const nn::Shape& s = digits.maps[std::size_t(i)].shape();
  for (int d = 0; d < 3; ++d) chw[d] = int(s[std::size_t(d) + 1]);
  return 0;
}
/// Convolution i's output for the last prediction, (C, H, W) row-major.
EMSCRIPTEN_KEEPALIVE const float* nn_web_map(int i) {
  return i < 0 || std::size_t(i) >= digits.maps.size() ? nullptr : digits.maps[std::size_t(i)].data();
}

// ---- max-pooling, Figure 8: maxpool2d_forward and maxpool2d_backward ----------------------

/// Y = maxpool2d_forward(X) for one H × W plane, k × k windows at stride s; Y holds H′ × W′
/// values. Returns H′ · W′, or −1.
EMSCRIPTEN_KEEPALIVE int nn_web_maxpool_forward(const double* X, int H, int W, int k, int s, double* Y) {
  return guarded([&] {
    nn::MaxPoolCache cache;
    const auto out = nn::maxpool2d_forward(plane(X, H, W), nn::PoolSpec::square(dim(k, "k"), dim(s, "s")), cache);
    copy_out(out, Y);
    return int(out.size());
  });
}

/// δ^(l) = maxpool2d_backward(δ^(l+1)) for the same plane: dY holds H′ × W′ values, dX gets
/// H × W. Returns 0, or −1.
EMSCRIPTEN_KEEPALIVE int nn_web_maxpool_backward(const double* X, int H, int W, int k, int s, const double* dY,
                                                 double* dX) {
  return guarded([&] {
    nn::MaxPoolCache cache;
    const nn::PoolSpec spec = nn::PoolSpec::square(dim(k, "k"), dim(s, "s"));
    nn::maxpool2d_forward(plane(X, H, W), spec, cache);
    const nn::Shape& o = cache.output_shape;
    copy_out(nn::maxpool2d_backward(plane(dY, int(o[2]), int(o[3])), cache), dX);
    return 0;
  });
}

// ---- convolution backward, Eq. (42): conv2d_backward_naive ---------------------------------

/// The output size of Eqs. (34)–(35), nn::conv_out_size(n, k, s, p); −1 if the kernel does
/// not fit.
EMSCRIPTEN_KEEPALIVE int nn_web_conv_out_size(int n, int k, int s, int p) {
  return guarded([&] { return int(nn::conv_out_size(dim(n, "n"), dim(k, "k"), dim(s, "s"), dim(p, "p"))); });
}

/// δ^(l) = ∂L/∂X of conv2d_backward_naive for one H × W input plane X and one k × k kernel K
/// at stride s and padding p; dY holds H′ × W′ values, dX gets H × W. Returns 0, or −1.
EMSCRIPTEN_KEEPALIVE int nn_web_conv_backward(const double* X, int H, int W, const double* K, int k, int s, int p,
                                              const double* dY, double* dX) {
  return guarded([&] {
    const nn::ConvSpec spec{dim(s, "s"), dim(p, "p")};
    const nn::Shape out = nn::conv2d_output_shape(nn::Shape{1, 1, std::size_t(H), std::size_t(W)},
                                                  nn::Shape{1, 1, dim(k, "k"), dim(k, "k")}, spec);
    const auto g = nn::conv2d_backward_naive(plane(dY, int(out[2]), int(out[3])), plane(X, H, W), plane(K, k, k), spec);
    copy_out(g.dX, dX);
    return 0;
  });
}

// ---- gradient descent, Figure 3: sgd_step ---------------------------------------------------

/// Eq. (20), θ ← θ − α∇f(θ), by nn::sgd_step on the valley f(x, y) = ½(λ₁x² + λ₂y²), from
/// (x0, y0) for at most `steps` steps; path gets the points (x, y) pairs, start included. The
/// path stops early once it is more than `limit` from the minimum. Returns the number of points.
EMSCRIPTEN_KEEPALIVE int nn_web_descend(double x0, double y0, double alpha, double lambda1, double lambda2, int steps,
                                        double limit, double* path) {
  return guarded([&] {
    nn::Tensor<double> theta(nn::Shape{2}, {x0, y0});
    int n = 0;
    path[2 * n] = x0, path[2 * n + 1] = y0, ++n;
    for (int k = 0; k < steps; ++k) {
      const nn::Tensor<double> gradient(nn::Shape{2}, {lambda1 * theta(0), lambda2 * theta(1)});
      nn::sgd_step(theta, gradient, alpha);  // Eq. (20)
      path[2 * n] = theta(0), path[2 * n + 1] = theta(1), ++n;
      if (std::abs(theta(0)) > limit || std::abs(theta(1)) > limit) break;
    }
    return n;
  });
}

}  // extern "C"
