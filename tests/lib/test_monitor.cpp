// The training monitor (nn/apps/monitor.hpp) and the passes Sequential remembers: every value
// it reports is recomputed here from tensors the test takes from the layers itself.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "nn/activation_layer.hpp"
#include "nn/apps/monitor.hpp"
#include "nn/apps/train.hpp"
#include "nn/batchnorm.hpp"
#include "nn/dense.hpp"
#include "nn/loss.hpp"
#include "nn/optim.hpp"

namespace {

/// N examples of shape (1, 2, 2), labels in 0..2, from a seed.
nn::Dataset small_set(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> x(0.f, 1.f);
  nn::Dataset ds;
  ds.images = nn::Tensor<float>(nn::Shape{n, 1, 2, 2});
  for (auto& v : ds.images) v = x(rng);
  for (std::size_t i = 0; i < n; ++i) ds.labels.push_back(int(i % 3));
  return ds;
}

/// Flatten – Dense(4 → 5) – [BatchNorm1d(5)] – ReLU – Dense(5 → 3).
nn::Sequential<float> tiny_net(bool bn, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  nn::Sequential<float> net;
  net.add<nn::Flatten<float>>();
  net.add<nn::Dense<float>>(4, 5, nn::Init::he_normal, rng);
  if (bn) net.add<nn::BatchNorm1d<float>>(5);
  net.add<nn::Activation<float>>(nn::ActivationFunction::relu);
  net.add<nn::Dense<float>>(5, 3, nn::Init::xavier_normal, rng);
  return net;
}

double norm(const nn::Tensor<float>& t) {
  double s = 0;
  for (float v : t) s += double(v) * v;
  return std::sqrt(s);
}

double mean(const nn::Tensor<float>& t) {
  double s = 0;
  for (float v : t) s += v;
  return s / double(t.size());
}

}  // namespace

TEST_CASE("Sequential remembers X^(l) and δ^(l) of its last passes, from the layers' buffers", "[monitor]") {
  auto net = tiny_net(false, 3);
  CHECK_THROWS_AS(net.activation(0), std::out_of_range);  // no forward yet
  const auto ds = small_set(6, 1);
  const nn::Tensor<float>& Z = net.forward(ds.images);
  REQUIRE(&net.activation(0) == &ds.images);
  REQUIRE(&net.activation(net.size()) == &Z);
  CHECK_THROWS_AS(net.activation(net.size() + 1), std::out_of_range);
  CHECK_THROWS_AS(net.delta(0), std::out_of_range);  // no backward yet
  nn::Tensor<float> dZ;
  std::vector<std::size_t> labels{0, 1, 2, 0, 1, 2};
  nn::softmax_cross_entropy(Z, labels, dZ);
  const nn::Tensor<float>& d0 = net.backward(dZ);
  CHECK(&net.delta(net.size()) == &dZ);
  CHECK(&net.delta(0) == &d0);
  // X^(2) is the first dense layer's output: equal to X^(1) W + b, computed here
  auto& fc1 = dynamic_cast<nn::Dense<float>&>(net[1]);
  const nn::Tensor<float>& X1 = net.activation(1);
  const nn::Tensor<float>& X2 = net.activation(2);
  REQUIRE(X2.shape() == nn::Shape{6, 5});
  for (std::size_t r = 0; r < 6; ++r)
    for (std::size_t j = 0; j < 5; ++j) {
      double y = fc1.bias()[j];
      for (std::size_t i = 0; i < 4; ++i) y += double(X1(r, i)) * fc1.weight()(i, j);
      CHECK(X2(r, j) == Approx(y).margin(1e-5));
    }
  // δ^(3) (into the ReLU's output) = δ^(4) Wᵀ of the last dense layer (Eq. (30))
  auto& fc2 = dynamic_cast<nn::Dense<float>&>(net[3]);
  const nn::Tensor<float>& d3 = net.delta(3);
  for (std::size_t r = 0; r < 6; ++r)
    for (std::size_t i = 0; i < 5; ++i) {
      double s = 0;
      for (std::size_t k = 0; k < 3; ++k) s += double(dZ(r, k)) * fc2.weight()(i, k);
      CHECK(d3(r, i) == Approx(s).margin(1e-6));
    }
  net.add<nn::Flatten<float>>();  // a new layer forgets the passes
  CHECK_THROWS_AS(net.delta(0), std::out_of_range);
}

TEST_CASE("the monitor's δ norms, gradient ratios and running statistics equal the test's own", "[monitor]") {
  auto net = tiny_net(true, 5);
  nn::TrainingMonitor monitor(net);
  REQUIRE(monitor.delta_labels() == std::vector<std::string>{"fc1", "fc2"});
  REQUIRE(monitor.parameter_labels() ==
          std::vector<std::string>{"fc1.W", "fc1.b", "bn1.gamma", "bn1.beta", "fc2.W", "fc2.b"});
  REQUIRE(monitor.relu_labels() == std::vector<std::string>{"relu1"});
  REQUIRE(monitor.bn_labels() == std::vector<std::string>{"bn1"});
  const auto ds = small_set(20, 2);
  auto& fc1 = dynamic_cast<nn::Dense<float>&>(net[1]);
  auto& bn = dynamic_cast<nn::BatchNorm1d<float>&>(net[2]);
  auto& fc2 = dynamic_cast<nn::Dense<float>&>(net[4]);
  nn::SGD<float> opt(0.1);
  // Two epochs by hand: batches of 8, 8, 4; the expected values from the layers' own tensors.
  for (int epoch = 0; epoch < 2; ++epoch) {
    double d_fc1 = 0, d_fc2 = 0, r_fc1W = 0, r_bng = 0, r_fc2b = 0, dead = 0;
    const std::size_t sizes[] = {8, 8, 4};
    std::size_t begin = 0;
    for (std::size_t R : sizes) {
      std::vector<std::size_t> order(ds.size()), labels;
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      nn::Tensor<float> X, dZ;
      nn::gather_batch(ds, order, begin, R, X, labels);
      begin += R;
      const auto& Z = net.forward(X);
      nn::softmax_cross_entropy(Z, labels, dZ);
      // δ^(2) at fc1's output by the chain rule run layer by layer here: fc2, ReLU, BN
      const nn::Tensor<float> d4 = net[4].backward(dZ);  // δ^(4), at the ReLU's output
      const nn::Tensor<float> d3 = net[3].backward(d4);  // δ^(3), at BN's output
      const nn::Tensor<float> d_bn_out = net[2].backward(d3);  // δ^(2), at fc1's output
      net.backward(dZ);  // the network's own pass, which the monitor reads
      d_fc2 += std::sqrt(double(R)) * norm(dZ);
      d_fc1 += std::sqrt(double(R)) * norm(d_bn_out);
      r_fc1W += norm(fc1.weight_gradient()) / norm(fc1.weight());
      r_bng += norm(bn.gradients().dgamma) / norm(bn.gamma());
      r_fc2b += norm(fc2.bias()) > 0 ? norm(fc2.bias_gradient()) / norm(fc2.bias()) : 0.0;
      const nn::Tensor<float>& relu = net.activation(4);
      std::size_t never = 0;
      for (std::size_t j = 0; j < 5; ++j) {
        bool on = false;
        for (std::size_t r = 0; r < R; ++r) on = on || relu(r, j) > 0;
        never += !on;
      }
      dead += double(never) / 5;
      monitor.observe(net);
      opt.step(net.parameters());
    }
    const auto& e = monitor.end_epoch(net);
    CHECK(e.batches == 3);
    CHECK(e.delta_norm[1] == Approx(d_fc2 / 3).epsilon(1e-5));
    CHECK(e.delta_norm[0] == Approx(d_fc1 / 3).epsilon(1e-5));
    CHECK(e.gradient_ratio[0] == Approx(r_fc1W / 3).epsilon(1e-5));
    CHECK(e.gradient_ratio[2] == Approx(r_bng / 3).epsilon(1e-5));
    CHECK(e.gradient_ratio[5] == Approx(r_fc2b / 3).epsilon(1e-5).margin(1e-12));
    CHECK(e.dead_fraction[0] == Approx(dead / 3).margin(1e-12));
    const auto buffers = net.buffers();  // running_mean, running_var
    REQUIRE(buffers.size() == 2);
    CHECK(e.bn_mean[0] == Approx(mean(*buffers[0].value)).epsilon(1e-6));
    CHECK(e.bn_var[0] == Approx(mean(*buffers[1].value)).epsilon(1e-6));
    CHECK(e.bn_var[0] != Approx(1.0));  // the running variance has moved from its start
  }
  CHECK(monitor.epochs().size() == 2);
  CHECK_THROWS_AS(monitor.end_epoch(net), std::logic_error);  // no batch since
}

TEST_CASE("a ReLU unit forced dead is counted; one forced alive is not", "[monitor]") {
  nn::Tensor<float> Y(nn::Shape{2, 3});  // column 1 is never positive
  Y(0, 0) = 0, Y(1, 0) = 1, Y(0, 1) = 0, Y(1, 1) = 0, Y(0, 2) = 2, Y(1, 2) = 3;
  CHECK(nn::dead_unit_fraction(Y) == Approx(1.0 / 3));
  // a convolution's output: a unit is one (c, h, w), not a channel; channel 1 is alive at three
  // of its four positions, so a per-channel count would find nothing dead here
  nn::Tensor<float> Z(nn::Shape{2, 2, 2, 2}, 1.0f);
  Z(0, 1, 0, 1) = 0, Z(1, 1, 0, 1) = 0;  // dead for both examples
  Z(0, 0, 1, 1) = 0;                     // zero for one example only: alive
  CHECK(nn::dead_unit_fraction(Z) == Approx(1.0 / 8));
  CHECK_THROWS_AS(nn::dead_unit_fraction(nn::Tensor<float>(nn::Shape{4})), nn::shape_error);

  auto net = tiny_net(false, 7);
  auto& fc1 = dynamic_cast<nn::Dense<float>&>(net[1]);
  // unit 2: zero weights and bias −1, so its ReLU input is −1 on every example (dead);
  // the other units: bias +100, far above what the small weights can take away (alive)
  for (std::size_t i = 0; i < 4; ++i) fc1.weight()(i, 2) = 0;
  for (std::size_t j = 0; j < 5; ++j) fc1.bias()[j] = j == 2 ? -1.f : 100.f;
  nn::TrainingMonitor monitor(net);
  const auto ds = small_set(24, 3);
  nn::SGD<float> opt(1e-6);  // small steps: the forced units stay as they are
  std::mt19937_64 rng(1);
  std::size_t calls = 0;
  nn::train_epoch(net, opt, ds, 8, rng, nullptr, {}, [&](nn::Sequential<float>& n) {
    ++calls;
    monitor.observe(n);
  });
  CHECK(calls == 3);
  const auto& e = monitor.end_epoch(net);
  CHECK(e.dead_fraction[0] == Approx(1.0 / 5));
  CHECK(e.bn_mean.empty());
}

TEST_CASE("train_epoch's observer sees the gradients before the optimizer's step", "[monitor]") {
  auto net = tiny_net(false, 9);
  auto& fc2 = dynamic_cast<nn::Dense<float>&>(net[3]);
  const auto ds = small_set(10, 4);
  const double lr = 0.5;
  nn::SGD<float> opt(lr);
  std::mt19937_64 rng(2);
  nn::Tensor<float> W_seen, dW_seen;
  nn::train_epoch(net, opt, ds, 10, rng, nullptr, {}, [&](nn::Sequential<float>&) {
    W_seen = fc2.weight();
    dW_seen = fc2.weight_gradient();
  });
  REQUIRE(W_seen.size() == fc2.weight().size());
  double moved = 0;
  for (std::size_t i = 0; i < W_seen.size(); ++i) {
    CHECK(fc2.weight()[i] == Approx(W_seen[i] - lr * dW_seen[i]).margin(1e-6));  // Eq. (20)
    moved += std::abs(fc2.weight()[i] - W_seen[i]);
  }
  CHECK(moved > 1e-4);  // the step did happen after the observer
}
