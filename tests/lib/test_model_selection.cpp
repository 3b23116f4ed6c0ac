// Choosing the epoch on a validation split (chapters/ch08_digits/model_selection.hpp, used by
// ch08_fashion): the split is stratified, seeded and disjoint; the best epoch is the one of the
// highest validation accuracy; a weight snapshot brings back parameters and batch norm's buffers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "../../chapters/ch08_digits/digits_common.hpp"
#include "../../chapters/ch08_digits/model_selection.hpp"
#include "nn/apps/models.hpp"

namespace {

/// n tiny images whose first pixel is their index, labels i*7 % classes (not sorted by class).
nn::Dataset numbered(std::size_t n, std::size_t classes) {
  nn::Dataset ds;
  ds.images = nn::Tensor<float>(nn::Shape{n, 1, 2, 2});
  ds.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) ds.images.data()[i * 4] = float(i), ds.labels[i] = int(i * 7 % classes);
  return ds;
}

std::vector<std::size_t> ids(const nn::Dataset& ds) {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < ds.size(); ++i) v.push_back(std::size_t(ds.images.data()[i * 4]));
  return v;
}

std::vector<float> scores(nn::Sequential<float>& net, const nn::Tensor<float>& X) {
  net.set_training(false);
  const auto& Y = net.forward(X);
  return std::vector<float>(Y.begin(), Y.end());
}

}  // namespace

TEST_CASE("split_validation: stratified, disjoint, complete and seeded", "[model_selection]") {
  const auto ds = numbered(300, 10);  // 30 of each class
  const auto s = ch08::split_validation(ds, 10, 4, 7, "numbered");
  REQUIRE(s.validation.size() == 40);
  REQUIRE(s.train.size() == 260);
  std::vector<std::size_t> per(10, 0);
  for (int y : s.validation.labels) ++per[std::size_t(y)];
  CHECK(std::all_of(per.begin(), per.end(), [](std::size_t c) { return c == 4; }));
  auto a = ids(s.train), b = ids(s.validation);
  CHECK(std::is_sorted(a.begin(), a.end()));  // original order kept
  CHECK(std::is_sorted(b.begin(), b.end()));
  std::set<std::size_t> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  CHECK(all.size() == 300);  // every image once, in one of the two
  for (std::size_t k = 0; k < s.validation.size(); ++k)  // labels travel with their images
    CHECK(s.validation.labels[k] == int(b[k] * 7 % 10));
  CHECK(ids(ch08::split_validation(ds, 10, 4, 7, "numbered").validation) == b);  // same seed, same split
  CHECK(ids(ch08::split_validation(ds, 10, 4, 8, "numbered").validation) != b);  // another seed, another
  CHECK(b.back() > 40);  // not simply the first ones of each class
}

TEST_CASE("split_validation refuses a class too small and a label out of range, naming the data", "[model_selection]") {
  const auto ds = numbered(50, 10);  // 5 of each class
  CHECK_NOTHROW(ch08::split_validation(ds, 10, 4, 1, "tiny"));
  CHECK_THROWS_AS(ch08::split_validation(ds, 10, 5, 1, "tiny"), nn::data_error);  // none left to train on
  CHECK_THROWS_WITH(ch08::split_validation(ds, 10, 6, 1, "tiny"), Catch::Contains("tiny") && Catch::Contains("fewer"));
  CHECK_THROWS_WITH(ch08::split_validation(ds, 9, 1, 1, "tiny"), Catch::Contains("label 9"));
}

TEST_CASE("first_per_class takes the first n of each class in order", "[model_selection]") {
  const auto ds = numbered(100, 10);
  const auto k = ch08::first_per_class(ds, 10, 2, {}, "numbered");
  REQUIRE(k.size() == 20);
  CHECK(std::is_sorted(k.begin(), k.end()));
  CHECK(k.back() < 20);  // labels i*7 % 10 cycle through all classes every 10 images
  const auto sub = ch08::subset(ds, k);
  CHECK(ids(sub) == k);
}

TEST_CASE("best_epoch: the highest validation accuracy, ties by the lower loss", "[model_selection]") {
  CHECK(ch08::best_epoch({0.80, 0.91, 0.90, 0.91}, {0.5, 0.30, 0.20, 0.35}) == 1);
  CHECK(ch08::best_epoch({0.80, 0.91, 0.90, 0.91}, {0.5, 0.40, 0.20, 0.35}) == 3);
  CHECK(ch08::best_epoch({0.80, 0.85, 0.92}, {0.2, 0.3, 0.4}) == 2);  // accuracy rules, not loss
  CHECK(ch08::best_epoch({0.5}, {1.0}) == 0);
  CHECK_THROWS_AS(ch08::best_epoch({}, {}), std::invalid_argument);
  CHECK_THROWS_AS(ch08::best_epoch({0.5, 0.6}, {1.0}), std::invalid_argument);
}

TEST_CASE("WeightSnapshot restores parameters and batch norm's running statistics", "[model_selection]") {
  auto net = nn::lenet5(3, /*batchnorm=*/true);
  std::mt19937_64 rng(5);
  std::normal_distribution<float> g(0.5f, 0.3f);
  nn::Tensor<float> X(nn::Shape{4, 1, 28, 28});
  for (auto& v : X) v = g(rng);
  const auto before = scores(net, X);
  ch08::WeightSnapshot snap;
  CHECK(snap.empty());
  snap.save(net);
  CHECK_FALSE(snap.empty());
  REQUIRE_FALSE(net.buffers().empty());
  for (auto& p : net.buffers()) *p.value = nn::Tensor<float>(p.value->shape(), 3.0f);  // running μ, σ² moved
  CHECK(scores(net, X) != before);
  snap.restore(net);
  CHECK(scores(net, X) == before);
  for (auto& p : net.parameters()) (*p.value)[0] += 1.0f;
  CHECK(scores(net, X) != before);
  snap.restore(net);
  CHECK(scores(net, X) == before);
  auto other = nn::lenet5(3, /*batchnorm=*/false);
  CHECK_THROWS_AS(snap.restore(other), nn::shape_error);
}

TEST_CASE("fit with a snapshot at the best validation epoch gives back that epoch's results", "[model_selection]") {
  const nn::TrainTest data{ch08::synthetic_digits(300, 1), ch08::synthetic_digits(100, 2)};
  const auto split = ch08::split_validation(data.train, 10, 5, 3, "generated digits");
  auto net = nn::lenet5(4, /*batchnorm=*/true);
  nn::Adam<float> opt(2e-3);
  ch08::FitOptions o;
  o.epochs = 4, o.batch = 32, o.seed = 4, o.quiet = true, o.validation = &split.validation;
  o.lr0 = 2e-3, o.schedule = ch08::Schedule::constant;
  ch08::WeightSnapshot best, second;
  o.after_epoch = [&](std::size_t e, nn::Sequential<float>& n, const ch08::Curve& c) {
    if (ch08::best_epoch(c.val_acc, c.val_loss) == e) best.save(n);
    if (e == 1) second.save(n);  // a forced earlier epoch: restore must really go back
  };
  const auto curve = ch08::fit(net, opt, {split.train, data.test}, o);
  const std::size_t chosen = ch08::best_epoch(curve.val_acc, curve.val_loss);
  best.restore(net);
  const auto te = nn::evaluate(net, data.test, 500), va = nn::evaluate(net, split.validation, 500);
  CHECK(te.loss == curve.test_loss[chosen]);
  CHECK(va.loss == curve.val_loss[chosen]);
  CHECK(va.accuracy == curve.val_acc[chosen]);
  // the chosen epoch may be the last, where a restore that does nothing would pass; epoch 2's
  // snapshot is never the state the network ends in
  REQUIRE(curve.test_loss[1] != curve.test_loss.back());
  second.restore(net);
  CHECK(nn::evaluate(net, data.test, 500).loss == curve.test_loss[1]);
  CHECK(nn::evaluate(net, split.validation, 500).loss == curve.val_loss[1]);
}
