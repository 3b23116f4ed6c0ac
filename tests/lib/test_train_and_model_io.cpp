// Training on generated digits, model files (save, load, corrupt, truncated, mismatched) and
// prediction on a drawing the test makes itself — §1.3's digit recognition without downloads.
#include <catch2/catch.hpp>

#include <boost/crc.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "nn/activation_layer.hpp"
#include "nn/dense.hpp"
#include "nn/data/digits.hpp"
#include "nn/data/image.hpp"
#include "nn/loss.hpp"
#include "nn/data/model_io.hpp"
#include "nn/apps/models.hpp"
#include "nn/apps/train.hpp"

namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::path(NN_TEST_TMP) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

nn::Dataset synthetic_set(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  nn::Dataset ds;
  ds.images = nn::Tensor<float>(nn::Shape{n, 1, 28, 28});
  ds.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int d = int(i % 10);
    // prepared as MNIST was made (fit 20×20, centre of mass at the centre), like a user's drawing
    const auto img = nn::mnist_preprocess(nn::synthetic_digit(d, rng));
    std::copy(img.begin(), img.end(), ds.images.data() + i * 784);
    ds.labels[i] = d;
  }
  return ds;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}
void spit(const fs::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary);
  f << s;
}
/// Recomputes the trailing CRC, so a test can make a file that is consistent but wrong inside.
std::string with_fixed_crc(std::string s) {
  boost::crc_32_type crc;
  crc.process_bytes(s.data(), s.size() - 4);
  const std::uint32_t c = crc.checksum();
  std::memcpy(&s[s.size() - 4], &c, 4);
  return s;
}

/// A LeNet-5 trained for two quick epochs on 2,000 synthetic digits (shared by the tests).
nn::Sequential<float>& trained_lenet() {
  static nn::Sequential<float> net = [] {
    auto n = nn::lenet5(11, /*batchnorm=*/true);
    const auto train = synthetic_set(2000, 1);
    nn::Adam<float> opt(2e-3);
    std::mt19937_64 rng(2);
    for (int e = 0; e < 2; ++e) nn::train_epoch(n, opt, train, 32, rng);
    return n;
  }();
  return net;
}

}  // namespace

TEST_CASE("LeNet-5 with batch norm learns generated digits", "[ch08][train]") {
  auto& net = trained_lenet();
  const auto test = synthetic_set(500, 99);  // other seed: digits never seen in training
  const auto st = nn::evaluate(net, test, 100);
  CAPTURE(st.loss, st.accuracy);
  // Ten stroke shapes with random slant, width and position: a CNN separates them easily;
  // chance is 10%. 90% after two epochs leaves margin for seeds and platforms.
  CHECK(st.accuracy >= 0.90);
  // LeNet-5 has 44,426 parameters; batch norm adds γ and β for 6 + 16 + 120 + 84 channels
  CHECK(net.summary(nn::Shape{1, 1, 28, 28}).find("total 44878 parameters") != std::string::npos);
}

TEST_CASE("a training run is reproducible from its seed", "[ch08][train]") {
  const auto train = synthetic_set(200, 5);
  auto run = [&] {
    auto net = nn::mlp_digits(3, 32);
    nn::SGD<float> opt(0.05, 0.9);
    std::mt19937_64 rng(4);
    return nn::train_epoch(net, opt, train, 20, rng).loss;
  };
  CHECK(run() == run());
}

TEST_CASE("a last batch of one example joins the batch before it (batch norm needs two)", "[ch08][train]") {
  // 65 = 64 + 1: BatchNorm1d cannot normalise one example; the epoch runs one batch of 65
  const auto train = synthetic_set(65, 6);
  auto net = nn::lenet5(1, /*batchnorm=*/true);
  nn::SGD<float> opt(0.01, 0.9);
  std::mt19937_64 rng(1);
  nn::EpochStats st;
  CHECK_NOTHROW(st = nn::train_epoch(net, opt, train, 64, rng));
  CHECK(std::isfinite(st.loss));
  CHECK(nn::train_epoch(net, opt, synthetic_set(130, 7), 64, rng).loss > 0);  // 64 + 64 + 2: unchanged
}

TEST_CASE("a diverging run stops with a clear message", "[ch08][train]") {
  const auto train = synthetic_set(200, 5);
  auto net = nn::mlp_digits(3, 32);
  // absurd learning rate: one step moves the weights to ~1e27, the next forward pass overflows
  // float (a milder 1e6 once stayed finite when the generated digits changed)
  nn::SGD<float> opt(1e30f);
  std::mt19937_64 rng(4);
  try {
    for (int e = 0; e < 5; ++e) nn::train_epoch(net, opt, train, 20, rng);
    FAIL("no training_error");
  } catch (const nn::training_error& e) {
    const std::string msg = e.what();
    CAPTURE(msg);
    CHECK(msg.find("diverged") != std::string::npos);
    CHECK(msg.find("learning rate 1e+30") != std::string::npos);
  }
}

TEST_CASE("the progress display prints plain lines when not on a terminal", "[ch08][train]") {
  std::ostringstream os;
  nn::Progress p(os, false);
  p.start("epoch 1/1", 8);
  for (std::size_t i = 1; i <= 8; ++i) p.update(i, 0.5, 0.75, 1234.0);
  p.finish(0.5, 0.75, 1234.0);
  const std::string s = os.str();
  CAPTURE(s);
  CHECK(s.find('\r') == std::string::npos);
  CHECK(std::count(s.begin(), s.end(), '\n') == 4);  // 25%, 50%, 75% and the final line
  CHECK(s.find("1.2k img/s") != std::string::npos);
  CHECK(s.find("acc  75.0%") != std::string::npos);
}

TEST_CASE("a saved model loads back with identical outputs", "[ch08][model-io]") {
  auto& net = trained_lenet();
  const auto dir = fresh_dir("model_roundtrip");
  const auto path = dir / "lenet.nnm";
  nn::save_model(path, net, nn::Shape{1, 28, 28}, {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
  auto m = nn::load_model(path);
  CHECK(m.input == nn::Shape{1, 28, 28});
  REQUIRE(m.classes.size() == 10);
  CHECK(m.classes[7] == "7");
  const auto test = synthetic_set(64, 77);
  net.set_training(false);
  const nn::Tensor<float> a = net.forward(test.images);
  const nn::Tensor<float> b = m.net.forward(test.images);  // batch norm running statistics included
  CHECK(nn::max_abs_diff(a, b) == 0.0f);
  // and a second save overwrites the first whole, leaving no temporary file
  nn::save_model(path, m.net, m.input, m.classes);
  int files = 0;
  for (auto& e : fs::directory_iterator(dir)) (void)e, ++files;
  CHECK(files == 1);
}

TEST_CASE("corrupt, truncated and mismatched model files give clear errors", "[ch08][model-io]") {
  const auto dir = fresh_dir("model_bad");
  auto net = nn::mlp_digits(1, 16);
  const auto good = dir / "good.nnm";
  nn::save_model(good, net, nn::Shape{1, 28, 28});
  const std::string bytes = slurp(good);
  auto expect_error = [&](const std::string& name, const std::string& content, const std::string& words) {
    const auto p = dir / name;
    spit(p, content);
    try {
      nn::load_model(p);
      FAIL("no data_error for " + name);
    } catch (const nn::data_error& e) {
      const std::string msg = e.what();
      CAPTURE(name, msg);
      CHECK(msg.find(p.string()) != std::string::npos);
      CHECK(msg.find(words) != std::string::npos);
    }
  };
  expect_error("empty.nnm", "", "truncated");
  expect_error("half.nnm", bytes.substr(0, bytes.size() / 2), "checksum");
  expect_error("notmodel.nnm", "\x89PNG\r\n\x1a\n and some more bytes to pass the length check....", "not a model file");
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  expect_error("flipped.nnm", flipped, "checksum");
  std::string v2 = bytes;
  v2[8] = 2;
  expect_error("v2.nnm", with_fixed_crc(v2), "format version 2");
  // a consistent file whose header describes another layer than its tensors hold
  std::string other = bytes;
  const auto last = other.find("Dense 8 10");
  REQUIRE(last != std::string::npos);
  other.replace(last, 10, "Dense 8 09");
  expect_error("mismatch.nnm", with_fixed_crc(other), "mismatched");
  // … or more parameters than it holds (a wider first layer)
  std::string wider = bytes;
  const auto at = wider.find("Dense 784 16");
  REQUIRE(at != std::string::npos);
  wider.replace(at, 12, "Dense 784 17");
  expect_error("wider.nnm", with_fixed_crc(wider), "more than its");
  // a consistent file whose header promises far more parameters than the file holds: refused
  // before anything is allocated (this one would need 14 GB; each size is within nn::limits)
  std::string huge = bytes;
  huge.replace(at, 12, "Dense 60000 60000");
  // the header length field (8 bytes after magic and version) grows by 5 characters
  std::uint64_t hlen = 0;
  std::memcpy(&hlen, huge.data() + 12, 8);
  hlen += 5;
  std::memcpy(huge.data() + 12, &hlen, 8);
  expect_error("huge.nnm", with_fixed_crc(huge), "more than its");
  // header lines edited by hand: 'layer' alone is named, an indented line reads as it is
  auto edit_header = [&](const std::string& from, const std::string& to) {
    std::string b = bytes;
    const auto pos = b.find(from);
    REQUIRE(pos != std::string::npos);
    b.replace(pos, from.size(), to);
    std::uint64_t len = 0;
    std::memcpy(&len, b.data() + 12, 8);
    len = len + to.size() - from.size();
    std::memcpy(b.data() + 12, &len, 8);
    return with_fixed_crc(b);
  };
  expect_error("bare_layer.nnm", edit_header("layer Dense 784 16", "layer"), "names no layer type");
  {
    const auto indented = edit_header("layer Dense 784 16", "  layer Dense 784 16");
    const auto path = dir / "indented.nnm";
    spit(path, indented);
    CHECK_NOTHROW(nn::load_model(path));
  }
  // a consistent file cut inside its tensors
  std::string cut = bytes.substr(0, bytes.size() - 100) + bytes.substr(bytes.size() - 4);
  expect_error("cut.nnm", with_fixed_crc(cut), "truncated");
  CHECK_THROWS_WITH(nn::load_model(dir / "absent.nnm"), Catch::Contains("does not exist"));
}

TEST_CASE("predict: a digit the test draws as a PNG is read correctly", "[ch08][predict]") {
  auto& net = trained_lenet();
  const auto dir = fresh_dir("predict");
  // A large, dark-on-light "3" with a gray background, like a photo of a drawing.
  std::mt19937_64 rng(2024);
  for (int digit : {3, 7}) {
    const auto big = nn::synthetic_digit(digit, rng, 120);
    nn::Tensor<float> pic(nn::Shape{1, 1, 120, 90}, 0.9f);
    for (std::size_t h = 0; h < 120; ++h)
      for (std::size_t w = 0; w < 90; ++w) pic(0, 0, h, w) = 0.9f - 0.8f * big(0, 0, h, w + 15);
    const auto png = dir / ("drawn_" + std::to_string(digit) + ".png");
    nn::save_png(png, pic);
    const auto x = nn::mnist_preprocess(nn::to_grayscale(nn::load_png(png)));
    const auto p = nn::predict_probabilities(net, x);
    REQUIRE(p.size() == 10);
    const auto best = std::max_element(p.begin(), p.end()) - p.begin();
    CAPTURE(digit, p);
    CHECK(best == digit);
    double sum = 0;
    for (double v : p) sum += v;
    CHECK(sum == Approx(1.0).epsilon(1e-5));
  }
}
