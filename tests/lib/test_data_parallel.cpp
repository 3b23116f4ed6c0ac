// nn::DataParallel: a batch cut into shares, each through its own copy of the network on its
// own thread, gives the gradients of one pass over the whole batch.
#include <catch2/catch.hpp>

#include <cmath>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <random>

#include "helpers.hpp"
#include "nn/activation_layer.hpp"
#include "nn/apps/models.hpp"
#include "nn/apps/train.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/data_parallel.hpp"
#include "nn/dense.hpp"
#include "nn/loss.hpp"
#include "nn/maxpool2d.hpp"
#include "nn/tools/threads.hpp"

namespace {

// A small LeNet in double: conv – ReLU – pool – flatten – dense – ReLU – dense.
nn::Sequential<double> small_cnn(bool batchnorm = false) {
  nn::Sequential<double> net;
  net.add<nn::Conv2d<double>>(2, 4, 3, 3, nn::ConvSpec{}, 7);
  if (batchnorm) net.add<nn::BatchNorm2d<double>>(4);
  net.add<nn::Activation<double>>(nn::ActivationFunction::relu);
  net.add<nn::MaxPool2d<double>>(2, 2);
  net.add<nn::Flatten<double>>();
  std::mt19937_64 rng(3);
  net.add<nn::Dense<double>>(4 * 4 * 4, 12, nn::Init::he_normal, rng);
  if (batchnorm) net.add<nn::BatchNorm1d<double>>(12);  // rank 2: one value per row and channel
  net.add<nn::Activation<double>>(nn::ActivationFunction::relu);
  net.add<nn::Dense<double>>(12, 5, nn::Init::xavier_uniform, rng);
  return net;
}

// Sets the library's threads for a scope (the test's OpenMP count is the machine's).
struct Threads {
  int before;
  explicit Threads(int t) : before(nn::set_library_threads(t)) {}
  ~Threads() { nn::set_library_threads(before); }
};

std::vector<std::size_t> labels_for(std::size_t R) {
  std::vector<std::size_t> y(R);
  for (std::size_t r = 0; r < R; ++r) y[r] = (3 * r + 1) % 5;
  return y;
}

}  // namespace

TEST_CASE("DataParallel equals one copy on the whole batch", "[data-parallel]") {
  const Threads two(2);
  // R = 2 … 9: even and odd cuts, and shares of one example; with and without batch norm
  for (bool batchnorm : {false, true})
  for (std::size_t R : {2u, 3u, 7u, 9u}) {
    CAPTURE(batchnorm, R);
    std::mt19937_64 rng(R);
    const auto X = test::uniform(nn::Shape{R, 2, 10, 10}, rng);
    const auto y = labels_for(R);
    auto whole = small_cnn(batchnorm), cut = small_cnn(batchnorm);
    nn::Tensor<double> dZ;
    const double L = nn::softmax_cross_entropy(whole.forward(X), y, dZ);
    whole.backward(dZ);

    nn::DataParallel<double> dp(cut, 2);
    REQUIRE(dp.shares() == 2);
    std::vector<std::size_t> first_rows(2, 99);
    const double Lcut = dp.forward_backward(X, [&](std::size_t t, std::size_t first, const nn::Tensor<double>& Z,
                                                   nn::Tensor<double>& d) {
      first_rows[t] = first;
      const std::vector<std::size_t> share(y.begin() + long(first), y.begin() + long(first + Z.dim(0)));
      return nn::softmax_cross_entropy(Z, share, d, R);
    });
    CHECK(first_rows == std::vector<std::size_t>{0, (R + 1) / 2});  // OpenMP's static cut
    // batch norm's statistics and running statistics: the whole batch's, bit for bit
    const auto bw = whole.buffers(), bc = cut.buffers();
    for (std::size_t i = 0; i < bw.size(); ++i)
      for (std::size_t k = 0; k < bw[i].value->size(); ++k) CHECK((*bw[i].value)[k] == (*bc[i].value)[k]);
    CHECK(Lcut == Approx(L).epsilon(1e-14));
    const auto pw = whole.parameters(), pc = cut.parameters();
    REQUIRE(pw.size() == pc.size());
    for (std::size_t i = 0; i < pw.size(); ++i) {
      CAPTURE(i, pw[i].name);
      const auto& gw = *pw[i].gradient;
      const auto& gc = *pc[i].gradient;
      REQUIRE(gw.shape() == gc.shape());
      double worst = 0, scale = 0;
      for (std::size_t k = 0; k < gw.size(); ++k) {
        worst = std::max(worst, std::abs(gw[k] - gc[k]));
        scale = std::max(scale, std::abs(gw[k]));
      }
      REQUIRE(scale > 0);  // every parameter has a gradient to compare
      // the same bits: the convolution already summed one partial per thread, in thread order;
      // batch norm's shares add their rows' sums in row order; a dense layer's shares continue
      // one sequential sum over r, share after share
      CHECK(worst == 0);
    }
  }
}

TEST_CASE("DataParallel: the copies take the updated parameters every step", "[data-parallel]") {
  const Threads two(2);
  std::mt19937_64 rng(11);
  const auto X = test::uniform(nn::Shape{6, 2, 10, 10}, rng);
  const auto y = labels_for(6);
  auto whole = small_cnn(), cut = small_cnn();
  nn::DataParallel<double> dp(cut, 2);
  const auto share_loss = [&](std::size_t, std::size_t first, const nn::Tensor<double>& Z, nn::Tensor<double>& d) {
    const std::vector<std::size_t> share(y.begin() + long(first), y.begin() + long(first + Z.dim(0)));
    return nn::softmax_cross_entropy(Z, share, d, 6);
  };
  for (int step = 0; step < 3; ++step) {
    nn::Tensor<double> dZ;
    nn::softmax_cross_entropy(whole.forward(X), y, dZ);
    whole.backward(dZ);
    dp.forward_backward(X, share_loss);
    // the same plain gradient step on both networks
    for (auto* net : {&whole, &cut})
      for (auto& p : net->parameters())
        for (std::size_t k = 0; k < p.value->size(); ++k) (*p.value)[k] -= 0.5 * (*p.gradient)[k];
  }
  // a copy left at its first parameters would give a different loss, by far more than rounding
  const double Lw = nn::softmax_cross_entropy(whole.forward(X), y);
  const double Lc = dp.forward_backward(X, share_loss);
  CHECK(Lc == Approx(Lw).epsilon(1e-12));
}

namespace {
// A layer that mixes the examples and cannot meet the other shares (as a student's own might)
struct BatchMean final : nn::Layer<double> {
  nn::Tensor<double> Y;
  std::string name() const override { return "BatchMean"; }
  const nn::Tensor<double>& forward(const nn::Tensor<double>& X) override { return Y = X; }
  const nn::Tensor<double>& backward(const nn::Tensor<double>& dY) override { return Y = dY; }
  nn::Shape output_shape(const nn::Shape& in) const override { return in; }
  std::unique_ptr<nn::Layer<double>> clone() const override { return std::make_unique<BatchMean>(*this); }
  bool mixes_examples() const override { return true; }
};
}  // namespace

TEST_CASE("DataParallel: a layer that mixes the examples without meeting the shares runs on one, as does a batch of one",
          "[data-parallel]") {
  const Threads two(2);
  auto mixed = small_cnn();
  mixed.add<BatchMean>();
  CHECK(mixed.mixes_examples());
  CHECK_FALSE(mixed.runs_on_shares());
  CHECK(nn::DataParallel<double>(mixed, 2).shares() == 1);
  auto bn = small_cnn(true);
  CHECK(bn.mixes_examples());
  CHECK(bn.runs_on_shares());  // batch norm meets the other shares
  CHECK(nn::DataParallel<double>(bn, 2).shares() == 2);
  CHECK(nn::DataParallel<double>(bn, 1).shares() == 1);

  // a batch of one example runs on the network itself (S = min(shares, R))
  auto net = small_cnn();
  nn::DataParallel<double> dp(net, 2);
  std::mt19937_64 rng(5);
  const auto X = test::uniform(nn::Shape{1, 2, 10, 10}, rng);
  std::size_t calls = 0;
  dp.forward_backward(X, [&](std::size_t t, std::size_t, const nn::Tensor<double>& Z, nn::Tensor<double>& d) {
    ++calls;
    CHECK(t == 0);
    return nn::softmax_cross_entropy(Z, std::vector<std::size_t>{2}, d);
  });
  CHECK(calls == 1);
}

TEST_CASE("DataParallel: a share's error reaches the caller, not std::terminate or a hang", "[data-parallel]") {
  const Threads two(2);
  // with batch norm, share 0 waits for share 1 in the backward pass's meeting: it must be let go
  for (bool batchnorm : {false, true}) {
  CAPTURE(batchnorm);
  auto net = small_cnn(batchnorm);
  nn::DataParallel<double> dp(net, 2);
  std::mt19937_64 rng(5);
  const auto wrong = test::uniform(nn::Shape{4, 3, 10, 10}, rng);  // 3 channels, the network takes 2
  CHECK_THROWS_AS(dp.forward_backward(wrong, [](std::size_t, std::size_t, const nn::Tensor<double>&,
                                                nn::Tensor<double>&) { return 0.0; }),
                  nn::shape_error);
  const auto X = test::uniform(nn::Shape{4, 2, 10, 10}, rng);
  CHECK_THROWS_WITH(dp.forward_backward(X, [](std::size_t t, std::size_t, const nn::Tensor<double>& Z,
                                              nn::Tensor<double>& d) -> double {
                      if (t == 1) throw std::runtime_error("share 1 failed");
                      return nn::softmax_cross_entropy(Z, std::vector<std::size_t>{0, 1}, d, 4);
                    }),
                    "share 1 failed");
  // and the next batch runs normally
  CHECK(std::isfinite(dp.forward_backward(X, [](std::size_t, std::size_t first, const nn::Tensor<double>& Z,
                                                nn::Tensor<double>& d) {
    const std::vector<std::size_t> y{0, 1, 2, 3};
    return nn::softmax_cross_entropy(Z, std::vector<std::size_t>(y.begin() + long(first), y.begin() + long(first + Z.dim(0))), d, 4);
  })));
  }
}

TEST_CASE("softmax cross-entropy of a share divides by the whole batch", "[data-parallel][loss]") {
  std::mt19937_64 rng(2);
  const auto Z = test::uniform(nn::Shape{4, 3}, rng);
  const std::vector<std::size_t> y{0, 2, 1, 1};
  nn::Tensor<double> d_all, d_top, d_bottom;
  const double L = nn::softmax_cross_entropy(Z, y, d_all);
  nn::Tensor<double> top(nn::Shape{2, 3}), bottom(nn::Shape{2, 3});
  std::copy_n(Z.data(), 6, top.data());
  std::copy_n(Z.data() + 6, 6, bottom.data());
  const double L2 = nn::softmax_cross_entropy(top, {0, 2}, d_top, 4) + nn::softmax_cross_entropy(bottom, {1, 1}, d_bottom, 4);
  CHECK(L2 == Approx(L).epsilon(1e-15));
  for (std::size_t k = 0; k < 6; ++k) {
    CHECK(d_top[k] == d_all[k]);
    CHECK(d_bottom[k] == d_all[6 + k]);
  }
  CHECK_THROWS_AS(nn::softmax_cross_entropy(Z, y, d_all, 3), nn::shape_error);  // R smaller than the rows
}

TEST_CASE("DataParallel's forward pass gives every example the outputs of one pass, bit for bit",
          "[data-parallel]") {
  const Threads two(2);
  for (bool batchnorm : {false, true}) {
    CAPTURE(batchnorm);
    auto net = small_cnn(batchnorm);
    std::mt19937_64 rng(8);
    if (batchnorm) {  // running statistics away from 0 and 1, as after training
      const auto X = test::uniform(nn::Shape{16, 2, 10, 10}, rng);
      for (int i = 0; i < 5; ++i) net.forward(X);
    }
    net.set_training(false);
    const auto X = test::uniform(nn::Shape{7, 2, 10, 10}, rng);
    const nn::Tensor<double> whole = net.forward(X);
    nn::DataParallel<double> dp(net, 2);
    REQUIRE(dp.shares() == 2);
    nn::Tensor<double> cut(whole.shape(), 0.0);
    std::vector<std::size_t> rows(2, 0);
    dp.forward(X, [&](std::size_t t, std::size_t first, const nn::Tensor<double>& Z) {
      rows[t] = Z.dim(0);
      std::copy(Z.begin(), Z.end(), cut.begin() + long(first * Z.dim(1)));
    });
    CHECK(rows == std::vector<std::size_t>{4, 3});
    for (std::size_t k = 0; k < whole.size(); ++k) REQUIRE(cut[k] == whole[k]);
  }
}

namespace {
// The gradients of one pass over the whole batch against a DataParallel's: bit for bit. With
// exact false, to 1e-13 relative (a run on another number of threads sums the convolution's
// per-thread partials differently; a layer before batch norm has a bias gradient of rounding
// size only, hence a floor of 1e-3 of the largest gradient's 1e-13).
void check_same_gradients(nn::Sequential<double>& whole, nn::Sequential<double>& cut, bool exact = true) {
  const auto pw = whole.parameters(), pc = cut.parameters();
  REQUIRE(pw.size() == pc.size());
  double largest = 0;  // the largest gradient of any parameter: the floor's scale
  for (const auto& p : pw)
    for (double g : *p.gradient) largest = std::max(largest, std::abs(g));
  for (std::size_t i = 0; i < pw.size(); ++i) {
    CAPTURE(i, pw[i].name);
    double worst = 0, scale = 0;
    for (std::size_t k = 0; k < pw[i].gradient->size(); ++k) {
      worst = std::max(worst, std::abs((*pw[i].gradient)[k] - (*pc[i].gradient)[k]));
      scale = std::max(scale, std::abs((*pw[i].gradient)[k]));
    }
    REQUIRE(scale > 0);
    CHECK(worst <= (exact ? 0.0 : 1e-13 * (scale + largest * 1e-3)));
  }
}

double whole_pass(nn::Sequential<double>& net, const nn::Tensor<double>& X, const std::vector<std::size_t>& y) {
  nn::Tensor<double> dZ;
  const double L = nn::softmax_cross_entropy(net.forward(X), y, dZ);
  net.backward(dZ);
  return L;
}

nn::DataParallel<double>::ShareLoss share_loss_for(const std::vector<std::size_t>& y) {
  return [&y](std::size_t, std::size_t first, const nn::Tensor<double>& Z, nn::Tensor<double>& d) {
    const std::vector<std::size_t> share(y.begin() + long(first), y.begin() + long(first + Z.dim(0)));
    return nn::softmax_cross_entropy(Z, share, d, y.size());
  };
}
}  // namespace

TEST_CASE("DataParallel with three shares, and a batch smaller than the shares after a larger one",
          "[data-parallel]") {
  const Threads three(3);
  std::mt19937_64 rng(21);
  auto whole = small_cnn(true), cut = small_cnn(true);
  // gradients already in the network when the copies are made (as from the epoch before):
  // a copy's dense gradients must not carry them into the sum
  whole_pass(cut, test::uniform(nn::Shape{5, 2, 10, 10}, rng), labels_for(5));
  nn::DataParallel<double> dp(cut, 3);
  REQUIRE(dp.shares() == 3);
  // 7 rows: shares of 3, 2, 2
  const auto X7 = test::uniform(nn::Shape{7, 2, 10, 10}, rng);
  const auto y7 = labels_for(7);
  std::vector<std::size_t> firsts(3, 99);
  const double L = whole_pass(whole, X7, y7);
  const double Lcut = dp.forward_backward(X7, [&](std::size_t t, std::size_t first, const nn::Tensor<double>& Z,
                                                  nn::Tensor<double>& d) {
    firsts[t] = first;
    return share_loss_for(y7)(t, first, Z, d);
  });
  CHECK(firsts == std::vector<std::size_t>{0, 3, 5});
  CHECK(dp.ran() == 3);
  CHECK(Lcut == Approx(L).epsilon(1e-14));
  check_same_gradients(whole, cut);
  // then 2 rows: two shares run, and the third copy's gradients of the batch before must not count
  const auto X2 = test::uniform(nn::Shape{2, 2, 10, 10}, rng);
  const auto y2 = labels_for(2);
  whole_pass(whole, X2, y2);
  dp.forward_backward(X2, share_loss_for(y2));
  CHECK(dp.ran() == 2);
  check_same_gradients(whole, cut);
}

TEST_CASE("DataParallel: the copies follow the network's mode and buffers, and a second DataParallel",
          "[data-parallel]") {
  const Threads two(2);
  std::mt19937_64 rng(31);
  auto net = small_cnn(true);
  nn::DataParallel<double> dp(net, 2);
  const auto X = test::uniform(nn::Shape{6, 2, 10, 10}, rng);
  const auto y = labels_for(6);
  for (int i = 0; i < 3; ++i) dp.forward_backward(X, share_loss_for(y));  // training mode: running statistics move
  // the network switched to evaluation while the DataParallel lives: the copies must follow
  // (a copy left in training mode would wait at batch norm's meeting for ever)
  net.set_training(false);
  // and buffers changed behind its back (as loading a model file does) must reach the copies
  for (auto& b : net.buffers())
    for (auto& v : *b.value) v = 0.5 * v + 0.25;
  const nn::Tensor<double> expected = net.forward(X);
  nn::Tensor<double> got(expected.shape(), 0.0);
  const auto collect = [&](std::size_t, std::size_t first, const nn::Tensor<double>& Z) {
    std::copy(Z.begin(), Z.end(), got.begin() + long(first * Z.dim(1)));
  };
  CHECK(dp.forward(X, collect) == 2);
  for (std::size_t k = 0; k < expected.size(); ++k) REQUIRE(got[k] == expected[k]);

  // a second DataParallel on the same network, made and gone, must not leave the first's
  // batch norm pointing at nothing (or normalising share 0 on its own rows)
  net.set_training(true);
  { nn::DataParallel<double> other(net, 2); }
  auto whole = small_cnn(true);
  for (std::size_t i = 0; i < whole.parameters().size(); ++i)
    *whole.parameters()[i].value = *net.parameters()[i].value;
  const double L = whole_pass(whole, X, y);
  CHECK(dp.forward_backward(X, share_loss_for(y)) == Approx(L).epsilon(1e-14));
  check_same_gradients(whole, net);
}

#ifdef _OPENMP
TEST_CASE("DataParallel: fewer OpenMP threads than shares runs the whole batch on the network, not a hang",
          "[data-parallel]") {
  const Threads two(2);
  std::mt19937_64 rng(41);
  auto whole = small_cnn(true), cut = small_cnn(true);
  nn::DataParallel<double> dp(cut, 2);
  REQUIRE(dp.shares() == 2);
  const auto X = test::uniform(nn::Shape{6, 2, 10, 10}, rng);
  const auto y = labels_for(6);
  const double L = whole_pass(whole, X, y);
  double Lcut = 0;
  std::size_t ran = 0;
  // called from inside a parallel region, OpenMP gives the inner one a single thread
#pragma omp parallel num_threads(2)
  {
#pragma omp single
    {
      Lcut = dp.forward_backward(X, share_loss_for(y));
      ran = dp.ran();
    }
  }
  CHECK((ran == 1 || omp_get_max_active_levels() > 1));  // nested regions allowed: shares may run
  CHECK(Lcut == Approx(L).epsilon(1e-14));
  check_same_gradients(whole, cut, /*exact=*/false);  // one thread inside the region
  // and a DataParallel made inside a parallel region makes no copies
  std::size_t shares = 0;
#pragma omp parallel num_threads(2)
  {
#pragma omp single
    shares = nn::DataParallel<double>(cut, 2).shares();
  }
  CHECK(shares == 1);
}
#endif

TEST_CASE("DataParallel: the network itself runs on the whole batch between and after passes, and a failing "
          "share releases the shares waiting for their turn",
          "[data-parallel]") {
  const Threads three(3);
  std::mt19937_64 rng(51);
  const auto X = test::uniform(nn::Shape{6, 2, 10, 10}, rng);
  const auto y = labels_for(6);
  for (bool batchnorm : {false, true}) {
    CAPTURE(batchnorm);
    auto net = small_cnn(batchnorm), whole = small_cnn(batchnorm);
    nn::DataParallel<double> dp(net, 3);
    REQUIRE(dp.shares() == 3);
    dp.forward_backward(X, share_loss_for(y));
    // used directly while the DataParallel lives: no meeting, no turn to wait for (twice over)
    for (int i = 0; i < 2; ++i) {
      const double a = whole_pass(net, X, y), b = whole_pass(whole, X, y);
      CHECK(a == Approx(b).epsilon(1e-14));
    }
    // share 1 of 3 fails before its dense layers' turns: share 2 waits for that turn, share 0
    // (with batch norm) at the meeting; both must be let go, and the error reach the caller
    CHECK_THROWS_WITH(dp.forward_backward(X, [&](std::size_t t, std::size_t first, const nn::Tensor<double>& Z,
                                                 nn::Tensor<double>& d) -> double {
                        if (t == 1) throw std::runtime_error("share 1 failed");
                        return share_loss_for(y)(t, first, Z, d);
                      }),
                      "share 1 failed");
    // and the next pass runs normally, with the gradients of one pass
    for (std::size_t i = 0; i < whole.parameters().size(); ++i)
      *whole.parameters()[i].value = *net.parameters()[i].value;
    const double L = whole_pass(whole, X, y);
    CHECK(dp.forward_backward(X, share_loss_for(y)) == Approx(L).epsilon(1e-14));
  }
}

TEST_CASE("DataParallel: a layer added after the copies were made is an error, not a read past the end",
          "[data-parallel]") {
  const Threads two(2);
  auto net = small_cnn();
  nn::DataParallel<double> dp(net, 2);
  net.add<nn::Activation<double>>(nn::ActivationFunction::relu);
  std::mt19937_64 rng(61);
  const auto X = test::uniform(nn::Shape{4, 2, 10, 10}, rng);
  CHECK_THROWS_AS(dp.forward_backward(X, share_loss_for(labels_for(4))), std::logic_error);
}

TEST_CASE("train_epoch and evaluate count the same on shares as on one copy", "[data-parallel][train]") {
  // LeNet-5 on generated digits: evaluate's predictions and accuracy must not depend on the
  // cut (every example's output is the same bits), and an epoch at learning rate 0 must report
  // the accuracy and loss evaluate gives for the same parameters (no batch norm: training and
  // evaluation modes agree)
  std::mt19937_64 rng(3);
  nn::Dataset ds;
  ds.images = nn::Tensor<float>(nn::Shape{150, 1, 28, 28});
  for (auto& v : ds.images) v = float(std::uniform_real_distribution<double>(0, 1)(rng));
  for (std::size_t i = 0; i < 150; ++i) ds.labels.push_back(int(i * 7 % 10));
  auto net = nn::lenet5(5);
  std::vector<int> p1, p2;
  nn::EpochStats e1, e2;
  {
    const Threads one(1);
    e1 = nn::evaluate(net, ds, 64, &p1);
  }
  {
    const Threads two(2);
    e2 = nn::evaluate(net, ds, 64, &p2);
  }
  CHECK(p1 == p2);
  CHECK(e1.accuracy == e2.accuracy);
  CHECK(e1.loss == Approx(e2.loss).epsilon(1e-6));
  std::size_t right = 0;
  for (std::size_t i = 0; i < p2.size(); ++i) right += p2[i] == ds.labels[i];
  CHECK(e2.accuracy == Approx(double(right) / 150));
  const Threads two(2);
  nn::SGD<float> frozen(0.0, 0.0);
  std::mt19937_64 order(9);
  const auto st = nn::train_epoch(net, frozen, ds, 64, order);  // 64 + 64 + 22 rows, on 2 shares each
  CHECK(st.accuracy == Approx(e2.accuracy));
  // the same parameters and the same bits per example: the two differ only in how each
  // rounds its share losses to float (about 6e-8 relative each), so 1e-6 is ample
  CHECK(st.loss == Approx(e2.loss).epsilon(1e-6));
}
