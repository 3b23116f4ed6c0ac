// MNIST preprocessing of a user's drawing (§1.3: reading handwritten digits) and the synthetic
// digits the tests train on.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "nn/data/digits.hpp"

namespace {
double mass_centre(const nn::Tensor<float>& d, int axis) {  // rows and columns counted 0–27, as MNIST's
  double m = 0, c = 0;
  for (std::size_t h = 0; h < 28; ++h)
    for (std::size_t w = 0; w < 28; ++w) m += d(0, 0, h, w), c += d(0, 0, h, w) * double(axis == 0 ? h : w);
  return c / m;
}
}  // namespace

TEST_CASE("resize_area keeps the mean and averages blocks", "[ch08][digits]") {
  nn::Tensor<float> img(nn::Shape{4, 4}, {1, 1, 0, 0,  //
                                         1, 1, 0, 0,  //
                                         0, 0, 0, 0,  //
                                         0, 0, 0, 1});
  const auto s = nn::resize_area(img, 2, 2);
  CHECK(s(0, 0) == Approx(1.0));
  CHECK(s(0, 1) == Approx(0.0));
  CHECK(s(1, 1) == Approx(0.25));
  const auto t = nn::resize_area(img, 3, 3);  // fractional coverage: the mean is kept
  double m4 = 0, m3 = 0;
  for (float v : img) m4 += v;
  for (float v : t) m3 += v;
  CHECK(m3 / 9 == Approx(m4 / 16).epsilon(1e-6));
}

TEST_CASE("mnist_preprocess: dark-on-light drawing of any size becomes a centred 20x20-fitted digit", "[ch08][digits]") {
  // A tall dark bar on white, off-centre, in a 90×60 picture.
  nn::Tensor<float> pic(nn::Shape{1, 1, 90, 60}, 1.0f);
  for (std::size_t h = 10; h < 70; ++h)
    for (std::size_t w = 5; w < 20; ++w) pic(0, 0, h, w) = 0.1f;
  const auto d = nn::mnist_preprocess(pic);
  REQUIRE(d.shape() == nn::Shape{1, 1, 28, 28});
  // ink is bright, the background 0, and the box is 20 tall
  std::size_t rows_with_ink = 0;
  for (std::size_t h = 0; h < 28; ++h) {
    bool ink = false;
    for (std::size_t w = 0; w < 28; ++w) ink |= d(0, 0, h, w) > 0.5f;
    rows_with_ink += ink;
  }
  CHECK(rows_with_ink == 20);
  CHECK(d(0, 0, 0, 0) == 0.0f);
  CHECK(mass_centre(d, 0) == Approx(14.0).margin(0.5));
  CHECK(mass_centre(d, 1) == Approx(14.0).margin(0.5));
}

TEST_CASE("mnist_preprocess: light-on-dark gives the same digit as dark-on-light", "[ch08][digits]") {
  std::mt19937_64 rng(7);
  const auto digit = nn::synthetic_digit(4, rng, 64);
  nn::Tensor<float> inverted = digit;
  for (auto& v : inverted) v = 1.0f - v;
  const auto a = nn::mnist_preprocess(digit);
  const auto b = nn::mnist_preprocess(inverted);
  CHECK(nn::max_abs_diff(a, b) < 1e-5f);
}

TEST_CASE("mnist_preprocess refuses a picture without ink", "[ch08][digits]") {
  nn::Tensor<float> blank(nn::Shape{1, 1, 30, 30}, 0.8f);
  CHECK_THROWS_AS(nn::mnist_preprocess(blank), nn::data_error);
  CHECK_THROWS_AS(nn::mnist_preprocess(nn::Tensor<float>(nn::Shape{2, 1, 30, 30})), nn::shape_error);
}

TEST_CASE("synthetic digits are reproducible, varied and distinct", "[ch08][digits]") {
  std::mt19937_64 r1(3), r2(3);
  const auto a = nn::synthetic_digit(8, r1);
  const auto b = nn::synthetic_digit(8, r2);
  CHECK(nn::max_abs_diff(a, b) == 0.0f);
  const auto c = nn::synthetic_digit(8, r1);  // next draw differs
  CHECK(nn::max_abs_diff(a, c) > 0.1f);
  // 1 has much less ink than 8
  double ink1 = 0, ink8 = 0;
  std::mt19937_64 r3(5);
  for (float v : nn::synthetic_digit(1, r3)) ink1 += v;
  for (float v : a) ink8 += v;
  CHECK(ink1 < 0.6 * ink8);
  CHECK_THROWS_AS(nn::synthetic_digit(10, r3), std::invalid_argument);
}

TEST_CASE("random_shift moves each image by at most the given pixels and keeps its ink", "[ch08][digits]") {
  nn::Tensor<float> X(nn::Shape{50, 1, 9, 9});
  for (std::size_t r = 0; r < 50; ++r) X(r, 0, 4, 4) = 1.0f;  // one bright pixel in the middle
  std::mt19937_64 rng(3);
  nn::random_shift(X, 2, rng);
  int moved = 0;
  for (std::size_t r = 0; r < 50; ++r) {
    float total = 0;
    std::size_t hh = 0, ww = 0;
    for (std::size_t h = 0; h < 9; ++h)
      for (std::size_t w = 0; w < 9; ++w)
        if (X(r, 0, h, w) > 0) total += X(r, 0, h, w), hh = h, ww = w;
    CHECK(total == 1.0f);  // the pixel is moved, not lost or copied
    CHECK(std::abs(long(hh) - 4) <= 2);
    CHECK(std::abs(long(ww) - 4) <= 2);
    moved += (hh != 4 || ww != 4);
  }
  CHECK(moved > 30);  // 24 of 25 shifts move it
}
