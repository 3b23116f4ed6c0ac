// Loss-landscape slices (nn/apps/landscape.hpp): the flat parameter vector, filter-normalised
// directions, the 1-D and 2-D slices against evaluate(), and the projection of a path.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "nn/activation_layer.hpp"
#include "nn/apps/landscape.hpp"
#include "nn/apps/train.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/maxpool2d.hpp"

namespace {

/// Conv2d(2 → 3, 3×3) – ReLU – MaxPool 2×2 – Flatten – Dense(12 → 4) on 2×6×6 inputs. Two
/// input channels, so that a filter (an output channel, 2·3·3 values) differs from a kernel slice.
nn::Sequential<float> small_cnn(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  nn::Sequential<float> net;
  net.add<nn::Conv2d<float>>(2, 3, 3, 3, nn::ConvSpec{1, 0}, rng());  // 6 → 4
  net.add<nn::Activation<float>>(nn::ActivationFunction::relu);
  net.add<nn::MaxPool2d<float>>(2, 2);  // 4 → 2
  net.add<nn::Flatten<float>>();        // 3·2·2 = 12
  net.add<nn::Dense<float>>(12, 4, nn::Init::xavier_normal, rng);
  return net;
}

nn::Dataset small_images(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  nn::Dataset ds;
  ds.images = nn::Tensor<float>(nn::Shape{n, 2, 6, 6});
  for (auto& v : ds.images) v = u(rng);
  for (std::size_t i = 0; i < n; ++i) ds.labels.push_back(int(i % 4));
  return ds;
}

std::vector<float> random_vector(std::size_t n, std::mt19937_64& rng) {
  std::normal_distribution<float> d(0.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

}  // namespace

TEST_CASE("get_parameters and set_parameters are inverse, in Sequential::parameters() order", "[landscape]") {
  auto net = small_cnn(1);
  const auto theta = nn::get_parameters(net);
  REQUIRE(theta.size() == net.parameter_count());
  auto& conv = dynamic_cast<nn::Conv2d<float>&>(net[0]);
  CHECK(theta[0] == conv.weights()[0]);  // θ starts with conv's W
  CHECK(theta[54] == conv.bias()[0]);    // then its 3 biases
  std::mt19937_64 rng(2);
  const auto other = random_vector(theta.size(), rng);
  nn::set_parameters(net, other);
  CHECK(conv.weights()[5] == other[5]);
  auto& fc = dynamic_cast<nn::Dense<float>&>(net[4]);
  CHECK(fc.bias()[3] == other.back());
  CHECK(nn::get_parameters(net) == other);
  nn::set_parameters(net, theta);
  CHECK(nn::get_parameters(net) == theta);
  CHECK_THROWS_AS(nn::set_parameters(net, std::vector<float>(theta.size() - 1)), std::invalid_argument);
}

TEST_CASE("a filter-normalised direction has each filter's norm equal to the weights' filter", "[landscape]") {
  auto net = small_cnn(3);
  std::mt19937_64 rng(4);
  const auto d = nn::filter_normalized_direction(net, rng);
  REQUIRE(d.size() == net.parameter_count());
  auto& conv = dynamic_cast<nn::Conv2d<float>&>(net[0]);
  auto& fc = dynamic_cast<nn::Dense<float>&>(net[4]);
  // conv W: 3 filters of 18 values at 0…53, then 3 biases, then fc W (12, 4), then 4 biases
  for (std::size_t f = 0; f < 3; ++f) {
    double dd = 0, ww = 0;
    for (std::size_t i = 0; i < 18; ++i) {
      dd += double(d[f * 18 + i]) * d[f * 18 + i];
      ww += double(conv.weights()[f * 18 + i]) * conv.weights()[f * 18 + i];
    }
    CAPTURE(f);
    // each scaled entry is rounded to float (relative 6e-8), so the norms agree to ~1e-7; 1e-5
    // leaves room for that and catches any wrong scale (a slice's norm is off by tens of %)
    CHECK(std::sqrt(dd) == Approx(std::sqrt(ww)).epsilon(1e-5));
  }
  for (std::size_t i = 54; i < 57; ++i) CHECK(d[i] == 0.f);  // conv biases stay
  const std::size_t off = 57;
  for (std::size_t j = 0; j < 4; ++j) {  // a dense filter is one output neuron: column j
    double dd = 0, ww = 0;
    for (std::size_t i = 0; i < 12; ++i) {
      dd += double(d[off + i * 4 + j]) * d[off + i * 4 + j];
      ww += double(fc.weight()(i, j)) * fc.weight()(i, j);
    }
    CAPTURE(j);
    CHECK(std::sqrt(dd) == Approx(std::sqrt(ww)).epsilon(1e-5));  // float rounding, as above
  }
  for (std::size_t i = off + 48; i < d.size(); ++i) CHECK(d[i] == 0.f);  // dense biases stay
  // a direction, not the weights: random signs, and another seed gives another one
  std::mt19937_64 rng2(5);
  CHECK(nn::filter_normalized_direction(net, rng2) != d);
  CHECK(std::vector<float>(d.begin(), d.begin() + 54) !=
        std::vector<float>(conv.weights().begin(), conv.weights().end()));
}

TEST_CASE("the slices agree with evaluate(): L at (0, 0), at a grid point, and at t = 0, ½, 1", "[landscape]") {
  auto net = small_cnn(6);
  const auto ds = small_images(30, 7);
  nn::SGD<float> opt(0.05);
  std::mt19937_64 rng(8);
  const auto theta0 = nn::get_parameters(net);
  for (int e = 0; e < 3; ++e) nn::train_epoch(net, opt, ds, 10, rng);
  const auto theta1 = nn::get_parameters(net);
  const double L1 = nn::evaluate(net, ds, 7).loss;
  const auto d1 = nn::filter_normalized_direction(net, rng);
  const auto d2 = nn::filter_normalized_direction(net, rng);
  const auto S = nn::loss_slice(net, theta1, d1, d2, {-0.5, 0.0}, {0.0, 0.25}, ds, 7);
  REQUIRE(S.size() == 2);
  REQUIRE(S[0].size() == 2);
  CHECK(S[1][0] == Approx(L1).epsilon(1e-6));
  CHECK(nn::get_parameters(net) == theta1);  // restored
  std::vector<float> moved(theta1.size());
  for (std::size_t i = 0; i < moved.size(); ++i) moved[i] = float(theta1[i] - 0.5 * d1[i] + 0.25 * d2[i]);
  nn::set_parameters(net, moved);
  const double L_moved = nn::evaluate(net, ds, 30).loss;
  CHECK(S[0][1] == Approx(L_moved).epsilon(1e-5));
  CHECK(std::abs(S[0][1] - L1) > 1e-3);  // the grid point is elsewhere

  const auto I = nn::interpolate_losses(net, theta0, theta1, {0.0, 0.5, 1.0}, ds, 10);
  CHECK(nn::get_parameters(net) == moved);  // restored to what the network held
  nn::set_parameters(net, theta0);
  const double L0 = nn::evaluate(net, ds, 30).loss;
  std::vector<float> half(theta0.size());
  for (std::size_t i = 0; i < half.size(); ++i) half[i] = float(0.5 * theta0[i] + 0.5 * theta1[i]);
  nn::set_parameters(net, half);
  const double Lh = nn::evaluate(net, ds, 30).loss;
  CHECK(I[0] == Approx(L0).epsilon(1e-6));
  CHECK(I[1] == Approx(Lh).epsilon(1e-5));
  CHECK(I[2] == Approx(L1).epsilon(1e-6));
  CHECK(L1 < L0);  // the training did lower the loss
  CHECK_THROWS_AS(nn::interpolate_losses(net, theta0, {1.f}, {0.0}, ds), std::invalid_argument);
}

TEST_CASE("projecting a path built from known coefficients recovers them", "[landscape]") {
  std::mt19937_64 rng(9);
  const std::size_t n = 500;
  const auto center = random_vector(n, rng);
  const auto d1 = random_vector(n, rng);
  auto d2 = random_vector(n, rng);
  for (std::size_t i = 0; i < n; ++i) d2[i] += 0.6f * d1[i];  // far from orthogonal
  // a component orthogonal to both, by Gram–Schmidt in double
  std::vector<double> q1(d1.begin(), d1.end()), q2(d2.begin(), d2.end()), o;
  auto dotd = [](const std::vector<double>& x, const std::vector<double>& y) {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) s += x[i] * y[i];
    return s;
  };
  auto remove = [&](std::vector<double>& v, const std::vector<double>& u) {
    const double c = dotd(v, u) / dotd(u, u);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] -= c * u[i];
  };
  remove(q2, q1);
  const auto raw = random_vector(n, rng);
  o.assign(raw.begin(), raw.end());
  remove(o, q1), remove(o, q2);
  const std::vector<double> as{1.5, -0.25, 0.0, 3.0}, bs{-2.0, 0.5, 0.0, 0.75}, off{0.0, 0.3, 0.0, 0.0};
  std::vector<std::vector<float>> path;
  for (std::size_t k = 0; k < as.size(); ++k) {
    std::vector<float> t(n);
    for (std::size_t i = 0; i < n; ++i) t[i] = float(center[i] + as[k] * d1[i] + bs[k] * d2[i] + off[k] * o[i]);
    path.push_back(t);
  }
  const auto pc = nn::project_onto_plane(path, center, d1, d2);
  REQUIRE(pc.a.size() == 4);
  for (std::size_t k = 0; k < 4; ++k) {
    CAPTURE(k);
    CHECK(pc.a[k] == Approx(as[k]).margin(1e-4));
    CHECK(pc.b[k] == Approx(bs[k]).margin(1e-4));
  }
  CHECK(pc.residual[0] < 1e-5);
  CHECK(pc.residual[2] == 0.0);  // θ = θ*
  // point 1 is off the plane by 0.3 o: its residual is that part of ‖θ − θ*‖
  double in = 0, out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double p = as[1] * d1[i] + bs[1] * d2[i], q = off[1] * o[i];
    in += (p + q) * (p + q), out += q * q;
  }
  CHECK(pc.residual[1] == Approx(std::sqrt(out / in)).epsilon(1e-3));
  CHECK_THROWS_AS(nn::project_onto_plane(path, center, d1, d1), std::invalid_argument);
  CHECK_THROWS_AS(nn::project_onto_plane(path, center, d1, std::vector<float>(3)), std::invalid_argument);
}
