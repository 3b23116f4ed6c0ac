// Drawings a user might make of a digit: a Gaussian blur and an erosion of a picture (1, 1, H,
// W), for ch08_predict's robustness table and the tests that check mnist_preprocess on them.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "nn/tensor.hpp"

namespace ch08 {

/// Separable Gaussian blur with standard deviation sigma pixels (zero outside the picture).
inline nn::Tensor<float> blur(const nn::Tensor<float>& x, double sigma) {
  const std::size_t H = x.dim(2), W = x.dim(3);
  const int r = int(std::ceil(3 * sigma));
  std::vector<double> k(std::size_t(2 * r + 1));
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[std::size_t(i + r)] = std::exp(-i * i / (2 * sigma * sigma));
  for (auto& v : k) v /= sum;
  nn::Tensor<float> rows(x.shape()), out(x.shape());
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t w = 0; w < W; ++w)
      for (int i = -r; i <= r; ++i)
        if (long c = long(w) + i; c >= 0 && c < long(W)) rows(0, 0, h, w) += float(k[std::size_t(i + r)]) * x(0, 0, h, std::size_t(c));
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t w = 0; w < W; ++w)
      for (int i = -r; i <= r; ++i)
        if (long c = long(h) + i; c >= 0 && c < long(H)) out(0, 0, h, w) += float(k[std::size_t(i + r)]) * rows(0, 0, std::size_t(c), w);
  return out;
}

/// Grayscale erosion by the four neighbours: every stroke a pixel thinner on each side.
inline nn::Tensor<float> erode(const nn::Tensor<float>& x) {
  const std::size_t H = x.dim(2), W = x.dim(3);
  nn::Tensor<float> out(x.shape());
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t w = 0; w < W; ++w) {
      float m = x(0, 0, h, w);
      if (h > 0) m = std::min(m, x(0, 0, h - 1, w));
      if (h + 1 < H) m = std::min(m, x(0, 0, h + 1, w));
      if (w > 0) m = std::min(m, x(0, 0, h, w - 1));
      if (w + 1 < W) m = std::min(m, x(0, 0, h, w + 1));
      out(0, 0, h, w) = m;
    }
  return out;
}

}  // namespace ch08
