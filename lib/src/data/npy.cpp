/// @file npy.cpp
/// @brief The `.npy` reader, which checks every field before it trusts it, and the writer.
#include "nn/data/npy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <ios>
#include <set>
#include <sstream>

#include "nn/data/limits.hpp"
#include "nn/errors.hpp"
#include "nn/tools/files.hpp"

namespace fs = std::filesystem;

namespace nn {
namespace {

const char kMagic[] = "\x93NUMPY";  // 6 bytes
constexpr std::size_t kMagicBytes = 6;
const char* const kSupported = "'<f8', '<f4', '|u1', '<i4', '<i8'";

[[noreturn]] void fail(const fs::path& path, const std::string& fault) {
  throw data_error(path.string() + ": " + fault);
}

/// The dtypes read: their `descr`, bytes per value, and kind.
enum class Kind { f8, f4, u1, i4, i8 };
struct Dtype {
  const char* descr;
  std::size_t bytes;
  Kind kind;
};
const Dtype kDtypes[] = {{"<f8", 8, Kind::f8}, {"<f4", 4, Kind::f4}, {"|u1", 1, Kind::u1},
                         {"<i4", 4, Kind::i4}, {"<i8", 8, Kind::i8}};

/// A shape as Python writes the tuple: `()`, `(5,)`, `(200, 25, 25)`.
std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

/// product(shape) into `n`; false if it overflows 64 bits.
bool product(const std::vector<std::size_t>& shape, std::uint64_t& n) {
  n = 1;
  for (std::size_t d : shape)
    if (__builtin_mul_overflow(n, std::uint64_t(d), &n)) return false;
  return true;
}

/// Bytes as two-digit hex numbers, e.g. "93 4e 55".
std::string hex_bytes(const std::string& bytes) {
  std::ostringstream s;
  s << std::hex;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const unsigned v = static_cast<unsigned char>(bytes[i]);
    s << (i ? " " : "") << (v < 16 ? "0" : "") << v;
  }
  return s.str();
}

std::uint64_t little_endian(const char* p, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = bytes; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

/// The header's three entries as written in the file.
struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
};

/// Parses the header, the dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`
/// (keys in any order, spaces or tabs between the tokens, an optional trailing comma), padded with
/// spaces and ending in a newline. Names the first thing that does not fit, and where.
class HeaderParser {
 public:
  HeaderParser(const fs::path& path, const std::string& text) : path_(path), h_(text) {}

  Header parse() {
    if (h_.empty() || h_.back() != '\n')
      fail(path_, "the header (" + std::to_string(h_.size()) + " bytes: '" + printable(h_) +
                      "') does not end in a newline, as an .npy header does");
    Header out;
    std::set<std::string> seen;
    skip_spaces();
    expect('{', "'{' opening the dict");
    for (;;) {
      skip_spaces();
      if (peek() == '}') break;  // an empty dict, or after a trailing comma
      if (peek() != '\'' && peek() != '"') bad("a key in quotes or '}'");
      const std::string key = string_literal("the key");
      if (key != "descr" && key != "fortran_order" && key != "shape")
        fail(path_, "unknown key '" + printable(key) +
                        "' in the header (an .npy header has exactly 'descr', 'fortran_order' and 'shape')");
      if (!seen.insert(key).second) fail(path_, "the key '" + key + "' appears twice in the header");
      skip_spaces();
      expect(':', "':' after the key '" + key + "'");
      skip_spaces();
      if (key == "descr") {
        if (peek() == '[')
          fail(path_, "a structured dtype (a list as 'descr') is not supported; supported: " + std::string(kSupported));
        out.descr = string_literal("the dtype after 'descr'");
      } else if (key == "fortran_order") {
        out.fortran_order = boolean();
      } else {
        out.shape = shape_tuple();
      }
      skip_spaces();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() != '}') bad("',' or '}' after the value of '" + key + "'");
      break;
    }
    ++i_;  // the '}'
    while (i_ + 1 < h_.size() && h_[i_] == ' ') ++i_;
    if (i_ + 1 != h_.size()) bad("only spaces and the final newline after the dict's '}'");
    for (const char* key : {"descr", "fortran_order", "shape"})
      if (!seen.count(key)) fail(path_, "the header has no '" + std::string(key) + "' key (header: '" + printable(h_) + "')");
    return out;
  }

 private:
  const fs::path& path_;
  const std::string& h_;
  std::size_t i_ = 0;

  char peek() const { return i_ < h_.size() ? h_[i_] : '\0'; }
  void skip_spaces() {
    while (peek() == ' ' || peek() == '\t') ++i_;
  }
  std::string found() const {
    if (i_ + 1 >= h_.size()) return "the end of the header";
    return "'" + printable(h_.substr(i_, 12)) + "'" + (i_ + 12 < h_.size() ? "…" : "");
  }
  [[noreturn]] void bad(const std::string& expected) const {
    fail(path_, "the header is not the dict literal {'descr': …, 'fortran_order': …, 'shape': (…), }: expected " +
                    expected + " at header byte " + std::to_string(i_) + ", found " + found() + " (header: '" +
                    printable(h_) + "')");
  }
  void expect(char c, const std::string& what) {
    if (peek() != c) bad(what);
    ++i_;
  }
  /// A string in single or double quotes, without escapes.
  std::string string_literal(const std::string& what) {
    const char q = peek();
    if (q != '\'' && q != '"') bad(what + " in quotes");
    const std::size_t start = ++i_;
    while (i_ < h_.size() && h_[i_] != q) {
      const unsigned char c = static_cast<unsigned char>(h_[i_]);
      if (c == '\\' || c < 0x20 || c == 0x7f) bad("the closing quote of " + what + " (no escapes or control characters)");
      ++i_;
    }
    if (i_ >= h_.size()) bad("the closing quote of " + what);
    return h_.substr(start, i_++ - start);
  }
  bool boolean() {
    for (const bool value : {true, false}) {
      const std::string word = value ? "True" : "False";
      if (h_.compare(i_, word.size(), word) == 0) {
        i_ += word.size();
        return value;
      }
    }
    bad("True or False as the value of 'fortran_order'");
  }
  /// `()`, `(n,)` or `(n, m, …)` with an optional trailing comma; entries whole numbers below 2^64.
  std::vector<std::size_t> shape_tuple() {
    expect('(', "'(' opening the shape tuple");
    std::vector<std::size_t> shape;
    bool comma = false;
    for (;;) {
      skip_spaces();
      if (peek() == ')') break;
      const std::size_t start = i_;
      while (i_ < h_.size() && std::strchr(",) \t\n}", h_[i_]) == nullptr) ++i_;
      const std::string token = h_.substr(start, i_ - start);
      if (token.empty()) bad("a shape entry");
      std::uint64_t v = 0;
      for (char c : token) {
        if (c < '0' || c > '9')
          fail(path_, "shape entry " + std::to_string(shape.size()) + " is '" + printable(token) +
                          "', not a whole number ≥ 0");
        if (__builtin_mul_overflow(v, std::uint64_t(10), &v) || __builtin_add_overflow(v, std::uint64_t(c - '0'), &v))
          fail(path_, "shape entry " + std::to_string(shape.size()) + " is " + printable(token) +
                          ", which does not fit 64 bits");
      }
      shape.push_back(static_cast<std::size_t>(v));
      skip_spaces();
      comma = peek() == ',';
      if (comma) {
        ++i_;
        continue;
      }
      if (peek() != ')') bad("',' or ')' after a shape entry");
      break;
    }
    if (shape.size() == 1 && !comma)
      bad("the comma of a 1-d shape tuple, (" + std::to_string(shape[0]) + ",)");
    ++i_;  // the ')'
    return shape;
  }
};

std::string read_file_bounded(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(path, "does not exist");
  if (fs::is_directory(path, ec)) fail(path, "is a folder, not an .npy file");
  if (!fs::is_regular_file(path, ec)) fail(path, "is not a regular file (a pipe or a device)");
  const std::uintmax_t on_disk = fs::file_size(path, ec);
  if (ec) fail(path, "cannot read its size (" + ec.message() + ")");
  if (on_disk > limits::npy_file_bytes)
    fail(path, std::to_string(on_disk) + " bytes on disk, more than an .npy file may have (" +
                   std::to_string(limits::npy_file_bytes) + " bytes, nn::limits)");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot be opened for reading");
  std::string bytes(static_cast<std::size_t>(on_disk), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (static_cast<std::size_t>(in.gcount()) != bytes.size()) fail(path, "read error");
  return bytes;
}

}  // namespace

NpyArray read_npy(const fs::path& path) {
  const std::string bytes = read_file_bounded(path);
  const std::size_t size = bytes.size();
  // the prefix: magic, version, header length
  const std::string magic(kMagic, kMagicBytes);
  if (size == 0) fail(path, "is empty (0 bytes), not an .npy file");
  if (bytes.compare(0, kMagicBytes, magic, 0, std::min(size, kMagicBytes)) != 0) {
    std::string what = "not an .npy file: it starts with the bytes " + hex_bytes(bytes.substr(0, kMagicBytes)) +
                       ", not the magic 93 4e 55 4d 50 59 (\\x93NUMPY)";
    if (bytes.compare(0, 4, "PK\x03\x04") == 0) what += "; it is a zip archive, perhaps an .npz: unpack its .npy files";
    fail(path, what);
  }
  if (size < 10)
    fail(path, "truncated: " + std::to_string(size) +
                   " bytes, an .npy file starts with 10 or 12 (magic, version, header length)");
  const int major = static_cast<unsigned char>(bytes[6]), minor = static_cast<unsigned char>(bytes[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    fail(path, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                   " (read are 1.0, 2.0 and 3.0)");
  const std::size_t length_bytes = major == 1 ? 2 : 4, prefix = 8 + length_bytes;
  if (size < prefix)
    fail(path, "truncated: " + std::to_string(size) + " bytes, an .npy file of version " + std::to_string(major) +
                   ".0 starts with " + std::to_string(prefix) + " (magic, version, header length)");
  const std::size_t header_length = static_cast<std::size_t>(little_endian(bytes.data() + 8, length_bytes));
  if (header_length > size - prefix)
    fail(path, "the header length " + std::to_string(header_length) + " (bytes 8–" + std::to_string(prefix - 1) +
                   ") runs past the end of the file: the header would end at byte " +
                   std::to_string(prefix + header_length) + ", the file has " + std::to_string(size) + " bytes");
  const std::string text = bytes.substr(prefix, header_length);
  const Header h = HeaderParser(path, text).parse();

  // the dtype, the order and the shape
  const Dtype* dtype = nullptr;
  for (const Dtype& d : kDtypes)
    if (h.descr == d.descr) dtype = &d;
  if (!dtype && !h.descr.empty() && h.descr[0] == '>')
    fail(path, "big-endian dtype '" + printable(h.descr) + "' is not supported; save the array little-endian " +
                   "(NumPy: a.astype('<" + printable(h.descr.substr(1)) + "'))");
  if (!dtype) fail(path, "dtype '" + printable(h.descr) + "' is not supported; supported: " + kSupported);
  if (h.fortran_order)
    fail(path, "Fortran order is not supported ('fortran_order': True); save the array in C order "
               "(NumPy: np.ascontiguousarray(a))");
  // each entry on its own, too: with a 0 elsewhere the product says nothing about the others
  for (std::size_t k = 0; k < h.shape.size(); ++k)
    if (h.shape[k] > limits::npy_values)
      fail(path, "shape " + shape_text(h.shape) + ": entry " + std::to_string(k) + " is " +
                     std::to_string(h.shape[k]) + ", more than the " + std::to_string(limits::npy_values) +
                     " values an .npy file may hold (nn::limits)");
  std::uint64_t n = 0;
  if (!product(h.shape, n))
    fail(path, "shape " + shape_text(h.shape) + ": the product of its entries overflows 64 bits");
  if (n > limits::npy_values)
    fail(path, "shape " + shape_text(h.shape) + " holds " + std::to_string(n) + " values, more than the " +
                   std::to_string(limits::npy_values) + " an .npy file may hold (nn::limits)");

  // the body: exactly n values (n ≤ 2^24 and 8 bytes each, so this cannot overflow)
  const std::size_t offset = prefix + header_length, got = size - offset, expected = std::size_t(n) * dtype->bytes;
  const std::string need = "shape " + shape_text(h.shape) + " of '" + dtype->descr + "' needs " + std::to_string(n) +
                           " × " + std::to_string(dtype->bytes) + " = " + std::to_string(expected) + " bytes";
  if (got < expected)
    fail(path, "truncated: the data after the header has " + std::to_string(got) + " bytes, but the " + need);
  if (got > expected)
    fail(path, "trailing bytes: the data after the header has " + std::to_string(got) + " bytes, but the " + need +
                   " (" + std::to_string(got - expected) + " bytes too many)");

  NpyArray out;
  out.shape = h.shape;
  out.dtype = dtype->descr;
  out.values.resize(std::size_t(n));
  const char* p = bytes.data() + offset;
  for (std::size_t i = 0; i < out.values.size(); ++i, p += dtype->bytes) {
    const std::uint64_t raw = little_endian(p, dtype->bytes);
    double v = 0;
    switch (dtype->kind) {
      case Kind::f8: std::memcpy(&v, &raw, 8); break;
      case Kind::f4: {
        const std::uint32_t r32 = static_cast<std::uint32_t>(raw);
        float f = 0;
        std::memcpy(&f, &r32, 4);
        v = f;
        break;
      }
      case Kind::u1: v = static_cast<double>(raw); break;
      case Kind::i4: v = static_cast<double>(static_cast<std::int32_t>(static_cast<std::uint32_t>(raw))); break;
      case Kind::i8: {
        const std::int64_t s = static_cast<std::int64_t>(raw);
        if (s > (std::int64_t(1) << 53) || s < -(std::int64_t(1) << 53))
          fail(path, "the value at flat index " + std::to_string(i) + ", " + std::to_string(s) +
                         ", is beyond ±2^53, where doubles no longer hold every integer");
        v = static_cast<double>(s);
        break;
      }
    }
    if (!std::isfinite(v))
      fail(path, "the value at flat index " + std::to_string(i) + " is " +
                     (std::isnan(v) ? std::string("nan") : v > 0 ? "inf" : "-inf") + ", not a finite number");
    out.values[i] = v;
  }
  return out;
}

void write_npy(const fs::path& path, const std::vector<std::size_t>& shape, const std::vector<double>& values) {
  std::uint64_t n = 0;
  if (!product(shape, n) || n != values.size())
    fail(path, "cannot write shape " + shape_text(shape) + " from " + std::to_string(values.size()) + " values");
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      fail(path, "cannot write the value at flat index " + std::to_string(i) + ": it is not finite");
  std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  // NumPy pads the header with spaces so that the values start at a multiple of 64 bytes
  const bool v1 = dict.size() + 1 + 64 <= 65535;
  const std::size_t prefix = v1 ? 10 : 12;
  const std::size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict += '\n';
  std::string bytes(kMagic, kMagicBytes);
  bytes += static_cast<char>(v1 ? 1 : 2);
  bytes += '\0';
  for (std::size_t k = 0; k < prefix - 8; ++k) bytes += static_cast<char>((dict.size() >> (8 * k)) & 0xffu);
  bytes += dict;
  bytes.reserve(bytes.size() + 8 * values.size());
  for (double v : values) {
    std::uint64_t raw = 0;
    std::memcpy(&raw, &v, 8);
    for (int k = 0; k < 8; ++k) bytes += static_cast<char>((raw >> (8 * k)) & 0xffu);
  }
  try {
    write_file_atomically(path, bytes);
  } catch (const std::exception& e) {
    fail(path, std::string("cannot be written: ") + e.what());
  }
}

}  // namespace nn
