// The .npy reader and writer (nn/data/npy.hpp) and scikit-image's LFW face crops
// (nn/data/lfw.hpp): a round trip, every dtype and version read, every fault named with its
// file. All files are made here, byte by byte where they are malformed; no network.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "../hostile/hostile_files.hpp"
#include "nn/data/lfw.hpp"
#include "nn/data/limits.hpp"
#include "nn/data/npy.hpp"
#include "nn/errors.hpp"

namespace fs = std::filesystem;
using Catch::Contains;
using hostile::npy_file;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::path(NN_TEST_TMP) / "npy" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

/// The header dict NumPy writes for a C-order array.
std::string dict(const std::string& descr, const std::string& shape) {
  return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
}

/// The little-endian bytes of the values, one after the other.
template <class T>
std::string le(const std::vector<T>& values) {
  std::string s;
  for (T v : values) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // the test machines are little-endian, as .npy's '<' is
    s.append(b, sizeof(T));
  }
  return s;
}

/// Writes `bytes` to dir/name and returns the path.
fs::path file(const fs::path& dir, const std::string& name, const std::string& bytes) {
  hostile::write(dir / name, bytes);
  return dir / name;
}

}  // namespace

TEST_CASE("write_npy and read_npy round-trip shapes and doubles exactly", "[npy]") {
  const fs::path d = fresh_dir("roundtrip");
  std::mt19937 rng(15);
  std::uniform_real_distribution<double> u(-1e3, 1e3);
  std::vector<double> values(3 * 4 * 2);
  for (auto& v : values) v = u(rng);
  values[5] = 1e-300;  // tiny and large magnitudes keep every bit
  values[6] = -4.9e307;
  nn::write_npy(d / "a.npy", {3, 4, 2}, values);
  const nn::NpyArray a = nn::read_npy(d / "a.npy");
  CHECK(a.shape == std::vector<std::size_t>{3, 4, 2});
  CHECK(a.dtype == "<f8");
  CHECK(a.values == values);

  // NumPy's layout: magic, version 1.0, a header padded so that the values start at a multiple of 64
  const std::string raw = hostile::read(d / "a.npy");
  REQUIRE(raw.size() > 10);
  CHECK(raw.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header = std::uint8_t(raw[8]) | std::size_t(std::uint8_t(raw[9])) << 8;
  CHECK((10 + header) % 64 == 0);
  CHECK(raw.size() == 10 + header + 8 * values.size());
  CHECK(raw[10 + header - 1] == '\n');
  CHECK(raw.substr(10, header).find("'shape': (3, 4, 2), }") != std::string::npos);
  CHECK(std::distance(fs::directory_iterator(d), fs::directory_iterator()) == 1);  // no temporary left

  // a 1-d shape is written (5,), a 0-d array () with one value
  nn::write_npy(d / "v.npy", {5}, {1, 2, 3, 4, 5});
  CHECK(hostile::read(d / "v.npy").find("'shape': (5,), }") != std::string::npos);
  CHECK(nn::read_npy(d / "v.npy").values == std::vector<double>{1, 2, 3, 4, 5});
  nn::write_npy(d / "s.npy", {}, {-2.5});
  const nn::NpyArray s = nn::read_npy(d / "s.npy");
  CHECK(s.shape.empty());
  CHECK(s.values == std::vector<double>{-2.5});
}

TEST_CASE("write_npy refuses values that do not fit the shape or are not finite", "[npy]") {
  const fs::path d = fresh_dir("write");
  CHECK_THROWS_WITH(nn::write_npy(d / "a.npy", {2, 3}, {1, 2, 3}),
                    Contains("a.npy") && Contains("cannot write shape (2, 3) from 3 values"));
  CHECK_THROWS_WITH(nn::write_npy(d / "b.npy", {2}, {1, std::nan("")}),
                    Contains("b.npy") && Contains("flat index 1") && Contains("not finite"));
  CHECK_FALSE(fs::exists(d / "a.npy"));
  CHECK_FALSE(fs::exists(d / "b.npy"));
}

TEST_CASE("read_npy reads <f4, |u1, <i4 and <i8, versions 2.0 and 3.0, and any key order", "[npy]") {
  const fs::path d = fresh_dir("dtypes");
  const nn::NpyArray f4 = nn::read_npy(file(d, "f4.npy", npy_file(dict("<f4", "(2, 2)"), le<float>({0.5f, -1.25f, 3.0f, 1e-3f}))));
  CHECK(f4.dtype == "<f4");
  CHECK(f4.shape == std::vector<std::size_t>{2, 2});
  CHECK(f4.values == std::vector<double>{0.5, -1.25, 3.0, double(1e-3f)});
  const nn::NpyArray u1 = nn::read_npy(file(d, "u1.npy", npy_file(dict("|u1", "(3,)"), std::string("\x00\x7f\xff", 3))));
  CHECK(u1.values == std::vector<double>{0, 127, 255});
  const nn::NpyArray i4 = nn::read_npy(file(d, "i4.npy", npy_file(dict("<i4", "(2,)"), le<std::int32_t>({-7, 2147483647}))));
  CHECK(i4.values == std::vector<double>{-7, 2147483647});
  const std::int64_t big = std::int64_t(1) << 53;
  const nn::NpyArray i8 = nn::read_npy(file(d, "i8.npy", npy_file(dict("<i8", "(2,)"), le<std::int64_t>({-big, big}))));
  CHECK(i8.values == std::vector<double>{-9007199254740992.0, 9007199254740992.0});
  // versions 2.0 and 3.0: a 32-bit header length
  for (int major : {2, 3}) {
    const fs::path p = file(d, "v" + std::to_string(major) + ".npy", npy_file(dict("<f8", "(1,)"), le<double>({4.0}), major));
    CHECK(nn::read_npy(p).values == std::vector<double>{4.0});
  }
  // keys in another order, double quotes, tabs, no trailing comma, a 0-sized shape
  const fs::path odd = file(d, "odd.npy", npy_file("{\"shape\":(2,1),\t'fortran_order':False,'descr':\"<f8\"}", le<double>({1, 2})));
  CHECK(nn::read_npy(odd).shape == std::vector<std::size_t>{2, 1});
  const nn::NpyArray empty = nn::read_npy(file(d, "empty.npy", npy_file(dict("<f8", "(0, 5)"), "")));
  CHECK(empty.shape == std::vector<std::size_t>{0, 5});
  CHECK(empty.values.empty());
}

TEST_CASE("read_npy names the file and the fault of every malformed file", "[npy]") {
  const fs::path d = fresh_dir("faults");
  const std::string good_header = dict("<f8", "(2, 3)");
  const std::string body = le<double>({1, 2, 3, 4, 5, 6});
  // each case: a file name, its bytes, and what the message must say
  auto expect = [&](const std::string& name, const std::string& bytes, const std::string& fault) {
    const fs::path p = file(d, name, bytes);
    CAPTURE(name);
    CHECK_THROWS_WITH(nn::read_npy(p), Contains(p.string()) && Contains(fault));
  };
  const std::string good = npy_file(good_header, body);
  REQUIRE(nn::read_npy(file(d, "good.npy", good)).values.size() == 6);

  expect("magic.npy", "\x89PNG\r\n\x1a\n" + good.substr(8), "not an .npy file: it starts with the bytes 89 50 4e 47 0d 0a");
  expect("zip.npy", std::string("PK\x03\x04", 4) + good.substr(4), "perhaps an .npz");
  expect("empty.npy", "", "is empty (0 bytes)");
  expect("prefix.npy", good.substr(0, 7), "truncated: 7 bytes");
  std::string v4 = good;
  v4[6] = 4;
  expect("version.npy", v4, "unsupported .npy format version 4.0");
  std::string v11 = good;
  v11[7] = 1;
  expect("minor.npy", v11, "version 1.1");
  std::string past = good;
  past[8] = char(0xff);
  past[9] = char(0x7f);
  expect("header_length.npy", past, "the header length 32767 (bytes 8–9) runs past the end of the file");
  std::string nonl = good;
  nonl[10 + std::size_t(std::uint8_t(good[8])) - 1] = ' ';  // the header's final newline
  expect("newline.npy", nonl, "does not end in a newline");

  expect("list.npy", npy_file("['descr', '<f8']", body), "expected '{' opening the dict at header byte 0, found '['descr'");
  expect("no_colon.npy", npy_file("{'descr' '<f8', 'fortran_order': False, 'shape': (2, 3), }", body),
         "expected ':' after the key 'descr' at header byte 9");
  expect("junk_after.npy", npy_file(good_header + " x", body), "only spaces and the final newline after the dict's '}'");
  expect("missing.npy", npy_file("{'descr': '<f8', 'fortran_order': False, }", body), "the header has no 'shape' key");
  expect("unknown.npy", npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'order': 'C', }", body),
         "unknown key 'order' in the header");
  expect("twice.npy", npy_file("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", body),
         "the key 'descr' appears twice");
  expect("bool.npy", npy_file("{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 3), }", body),
         "expected True or False as the value of 'fortran_order'");
  expect("tuple.npy", npy_file(dict("<f8", "(6)"), body), "the comma of a 1-d shape tuple, (6,)");

  expect("c16.npy", npy_file(dict("<c16", "(2, 3)"), body), "dtype '<c16' is not supported; supported: '<f8', '<f4', '|u1'");
  expect("structured.npy", npy_file("{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (2, 3), }", body),
         "a structured dtype (a list as 'descr') is not supported");
  expect("big_endian.npy", npy_file(dict(">f8", "(2, 3)"), body), "big-endian dtype '>f8' is not supported");
  expect("fortran.npy", npy_file("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", body),
         "Fortran order is not supported");

  expect("negative.npy", npy_file(dict("<f8", "(2, -3)"), body), "shape entry 1 is '-3', not a whole number");
  expect("float_dim.npy", npy_file(dict("<f8", "(2.0, 3)"), body), "shape entry 0 is '2.0', not a whole number");
  expect("2^64.npy", npy_file(dict("<f8", "(18446744073709551616,)"), body),
         "shape entry 0 is 18446744073709551616, which does not fit 64 bits");
  expect("overflow.npy", npy_file(dict("<f8", "(16777216, 16777216, 16777216)"), body),
         "shape (16777216, 16777216, 16777216): the product of its entries overflows 64 bits");
  expect("huge.npy", npy_file(dict("<f8", "(4097, 4096)"), body),
         "shape (4097, 4096) holds 16781312 values, more than the 16777216 an .npy file may hold (nn::limits)");
  // a 0 makes the product small, but an absurd entry beside it is still refused
  expect("zero_and_huge.npy", npy_file(dict("<f8", "(0, 18446744073709551615, 2)"), ""),
         "entry 1 is 18446744073709551615, more than the 16777216 values");
  expect("long_entry.npy", npy_file(dict("<f8", "(16777217,)"), body), "entry 0 is 16777217, more than the 16777216");

  expect("truncated.npy", npy_file(good_header, body.substr(0, 47)),
         "truncated: the data after the header has 47 bytes, but the shape (2, 3) of '<f8' needs 6 × 8 = 48 bytes");
  expect("trailing.npy", npy_file(good_header, body + "xy"),
         "trailing bytes: the data after the header has 50 bytes, but the shape (2, 3) of '<f8' needs 6 × 8 = 48 bytes (2 bytes too many)");
  expect("nan.npy", npy_file(good_header, le<double>({1, 2, 3, 4, std::nan(""), 6})), "the value at flat index 4 is nan");
  expect("inf_f4.npy", npy_file(dict("<f4", "(2,)"), le<float>({-std::numeric_limits<float>::infinity(), 0})),
         "the value at flat index 0 is -inf");
  expect("i8_2^53.npy", npy_file(dict("<i8", "(1,)"), le<std::int64_t>({(std::int64_t(1) << 53) + 1})),
         "9007199254740993, is beyond ±2^53");

  CHECK_THROWS_WITH(nn::read_npy(d / "nope.npy"), Contains("nope.npy") && Contains("does not exist"));
  CHECK_THROWS_WITH(nn::read_npy(d), Contains(d.string()) && Contains("is a folder"));
}

TEST_CASE("an .npy file above nn::limits is refused from its size, before it is read", "[npy][hostile]") {
  const fs::path d = fresh_dir("limits");
  const fs::path p = file(d, "big.npy", npy_file(dict("|u1", "(67108864,)"), ""));
  fs::resize_file(p, std::uintmax_t(nn::limits::npy_file_bytes) + 1);  // holes: nothing is written
  CHECK_THROWS_WITH(nn::read_npy(p), Contains(p.string()) && Contains("67108865 bytes on disk, more than an .npy file may have"));
}

namespace {

/// A (200, 25, 25) array like scikit-image's: each crop a gradient, the faces brighter.
std::vector<double> lfw_like() {
  std::vector<double> v(200 * 25 * 25);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::size_t image = i / 625, row = i / 25 % 25;
    v[i] = (image < 100 ? 0.5 : 0.0) + 0.02 * double(row);
  }
  return v;
}

}  // namespace

TEST_CASE("load_lfw_subset gives 200 crops (N, 1, 25, 25), the first 100 faces", "[npy][lfw]") {
  const fs::path d = fresh_dir("lfw");
  const fs::path p = d / nn::lfw_subset_relative_path;
  std::vector<double> v = lfw_like();
  nn::write_npy(p, {200, 25, 25}, v);
  const nn::Dataset faces = nn::load_lfw_subset(d);
  REQUIRE(faces.size() == 200);
  CHECK(faces.images.shape() == nn::Shape{200, 1, 25, 25});
  CHECK(faces.labels[0] == 1);
  CHECK(faces.labels[99] == 1);
  CHECK(faces.labels[100] == 0);
  CHECK(faces.labels[199] == 0);
  int ones = 0;
  for (int y : faces.labels) ones += y;
  CHECK(ones == 100);
  CHECK(faces.images(0, 0, 24, 3) == float(0.5 + 0.02 * 24));  // image 0, row 24: C order kept
  CHECK(faces.images(150, 0, 1, 7) == float(0.02));

  // a value outside [0, 1], named with its image, row and column
  v[625 * 7 + 25 * 3 + 4] = 1.5;
  nn::write_npy(p, {200, 25, 25}, v);
  CHECK_THROWS_WITH(nn::load_lfw_subset(d),
                    Contains(p.string()) && Contains("value 1.5 of image 7 at row 3, column 4") && Contains("outside [0, 1]"));
  // another shape: expected and got
  nn::write_npy(p, {100, 25, 25}, std::vector<double>(100 * 625, 0.5));
  CHECK_THROWS_WITH(nn::load_lfw_subset(d), Contains(p.string()) && Contains("shape (100, 25, 25), expected (200, 25, 25)"));
  nn::write_npy(p, {200, 625}, std::vector<double>(200 * 625, 0.5));
  CHECK_THROWS_WITH(nn::load_lfw_subset(d), Contains("shape (200, 625), expected (200, 25, 25)"));
  // no file: the fetch command
  fs::remove(p);
  CHECK_THROWS_WITH(nn::load_lfw_subset(d), Contains(p.string()) && Contains("bash " NN_SOURCE_DIR "/scripts/fetch-data.sh"));
}

TEST_CASE("the fetched LFW subset, when present, holds 100 faces and 100 non-faces in [0, 1]", "[npy][lfw][fetched]") {
  const fs::path data = NN_DEFAULT_DATA_DIR;
  if (!fs::exists(data / nn::lfw_subset_relative_path)) {
    WARN("the LFW subset is not in " << data << "; run bash scripts/fetch-data.sh to test it too");
    return;
  }
  const nn::NpyArray raw = nn::read_npy(data / nn::lfw_subset_relative_path);
  CHECK(raw.dtype == "<f8");
  const nn::Dataset faces = nn::load_lfw_subset(data);
  REQUIRE(faces.images.shape() == nn::Shape{200, 1, 25, 25});
  float lo = 1, hi = 0;
  for (float v : faces.images.values()) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  CHECK(lo >= 0.0f);
  CHECK(hi <= 1.0f);
  CHECK(hi - lo > 0.5f);  // real photos, not a constant
}
