// Hostile input files, made byte by byte: the inputs of issue 13's table (and more of their
// kind) that once made the programs use gigabytes, overflow or crash. The library's tests, the
// program tests (make_hostile_inputs.cpp) and the fuzzers' seed corpora all make them here, so
// each hostile file is described once.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/activation_layer.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/data/model_io.hpp"
#include "nn/dense.hpp"
#include "nn/maxpool2d.hpp"

namespace hostile {

namespace fs = std::filesystem;

inline void write(const fs::path& path, const std::string& bytes) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

inline std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void put_be32(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(char((v >> shift) & 0xffu));
}
inline void put_le32(std::string& s, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) s.push_back(char((v >> shift) & 0xffu));
}
inline void put_le64(std::string& s, std::uint64_t v) {
  for (int shift = 0; shift < 64; shift += 8) s.push_back(char((v >> shift) & 0xffu));
}

// ---- PNG ---------------------------------------------------------------------------------------

/// One PNG chunk: length, type, data, CRC-32 of type and data. `declared` overrides the length
/// field (a chunk that claims more than it holds).
inline std::string png_chunk(const std::string& type, const std::string& data, std::int64_t declared = -1) {
  std::string c;
  put_be32(c, declared < 0 ? std::uint32_t(data.size()) : std::uint32_t(declared));
  const std::string body = type + data;
  c += body;
  put_be32(c, std::uint32_t(crc32(0, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()))));
  return c;
}

inline std::string png_signature() { return std::string("\x89PNG\r\n\x1a\n", 8); }

inline std::string png_ihdr(std::uint32_t w, std::uint32_t h, int depth = 8, int colour = 0) {
  std::string d;
  put_be32(d, w);
  put_be32(d, h);
  d += char(depth);
  d += char(colour);
  d += std::string("\0\0\0", 3);  // compression, filter, interlace
  return png_chunk("IHDR", d);
}

/// zlib-compressed `raw`.
inline std::string zlib_compress(const std::string& raw) {
  uLongf n = compressBound(uLong(raw.size()));
  std::string out(n, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()), 9) != Z_OK)
    throw std::runtime_error("compress2 failed");
  out.resize(n);
  return out;
}

/// A valid 8-bit gray PNG of w × h pixels, all of value v.
inline std::string png_gray(std::uint32_t w, std::uint32_t h, unsigned char v = 200) {
  std::string raw;
  for (std::uint32_t y = 0; y < h; ++y) raw += '\0' + std::string(w, char(v));  // filter byte 0, then the row
  return png_signature() + png_ihdr(w, h) + png_chunk("IDAT", zlib_compress(raw)) + png_chunk("IEND", "");
}

/// The IDAT chunk of a 28 × 28 gray "1": a dark vertical bar on white paper.
inline std::string png_one_idat() {
  std::string raw;
  for (int y = 0; y < 28; ++y) {
    raw += '\0';
    for (int x = 0; x < 28; ++x) raw += char(x >= 12 && x < 16 && y >= 4 && y < 24 ? 0 : 255);
  }
  return png_chunk("IDAT", zlib_compress(raw));
}

/// A text-chunk bomb: `n` zTXt chunks of `text` bytes each (compressed to a few KB), then a good
/// 28 × 28 digit. libpng would inflate and keep every text.
inline std::string png_text_bomb(int n = 240, std::size_t text = 7900000) {
  const std::string z = png_chunk("zTXt", std::string("Comment\0\0", 9) + zlib_compress(std::string(text, 'a')));
  std::string s = png_signature() + png_ihdr(28, 28);
  for (int i = 0; i < n; ++i) s += z;
  return s + png_one_idat() + png_chunk("IEND", "");
}

/// Issue 13, row 1: a 75-byte PNG whose header declares 40455 × 64009 RGBA pixels and holds none.
inline std::string png_huge_header(std::uint32_t w = 40455, std::uint32_t h = 64009) {
  return png_signature() + png_ihdr(w, h, 8, 6) + png_chunk("IDAT", zlib_compress(std::string(2, '\0'))) +
         png_chunk("IEND", "");
}

/// Issue 13, row 2: a small PNG whose sCAL chunk declares 2,130,706,432 bytes.
inline std::string png_huge_chunk(const std::string& type = "sCAL", std::uint32_t declared = 2130706432u) {
  std::string s = png_signature() + png_ihdr(1, 1);
  put_be32(s, declared);
  s += type + std::string("\x01" "1.0\0" "1.0", 8) + std::string(64, 'x');
  return s;
}

// ---- IDX ---------------------------------------------------------------------------------------

inline std::string idx_images_header(std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
  std::string s;
  put_be32(s, 0x00000803u);
  put_be32(s, n);
  put_be32(s, rows);
  put_be32(s, cols);
  return s;
}

/// gzip (or, with `gzip` false, zlib) of `prefix` followed by `zeros` zero bytes, compressed as
/// it goes (never all in memory).
inline std::string gzip_with_zeros(const std::string& prefix, std::size_t zeros, bool gzip = true) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, gzip ? 15 + 16 : 15, 9, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2");
  std::string out;
  std::vector<unsigned char> buf(1 << 16);
  const std::string block(1 << 20, '\0');
  auto feed = [&](const std::string& data, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = uInt(data.size());
    do {
      z.next_out = buf.data();
      z.avail_out = uInt(buf.size());
      deflate(&z, flush);
      out.append(reinterpret_cast<char*>(buf.data()), buf.size() - z.avail_out);
    } while (z.avail_out == 0 || z.avail_in > 0);
  };
  feed(prefix, Z_NO_FLUSH);
  for (std::size_t left = zeros; left > 0;) {
    const std::size_t n = std::min(left, block.size());
    feed(block.substr(0, n), Z_NO_FLUSH);
    left -= n;
  }
  feed(std::string(), Z_FINISH);
  deflateEnd(&z);
  return out;
}

/// An image-data bomb: a 28 × 28 gray header whose IDAT stream inflates to `inflated` bytes
/// (784 + 28 are the image; the rest is data after the last row).
inline std::string png_idat_bomb(std::size_t inflated = std::size_t(512) << 20) {
  return png_signature() + png_ihdr(28, 28) + png_chunk("IDAT", gzip_with_zeros("", inflated, false)) + png_chunk("IEND", "");
}

/// Issue 13, row 3: a gzip IDX file whose header says one 28×28 image, whose stream inflates
/// to `inflated` bytes (1.5 GiB by default, from about 1.5 MB).
inline std::string idx_gzip_bomb(std::size_t inflated = std::size_t(3) << 29) {
  return gzip_with_zeros(idx_images_header(1, 28, 28), inflated - 16);
}

// ---- NumPy .npy ----------------------------------------------------------------------------------

/// An .npy file of format version `major`.0 with the header `dict` (padded with spaces to a
/// multiple of 64 bytes, then a newline) followed by `body`: any header can be made, well-formed or not.
inline std::string npy_file(const std::string& dict, const std::string& body, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  header.append((64 - (prefix + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string s("\x93NUMPY", 6);
  s += char(major);
  s += '\0';
  for (std::size_t k = 0; k < prefix - 8; ++k) s += char((header.size() >> (8 * k)) & 0xffu);
  return s + header + body;
}

/// A 128-byte .npy file whose header declares 2^40 doubles (8 TiB) and which holds none.
inline std::string npy_huge_shape() {
  return npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (1048576, 1048576), }", "");
}

// ---- model files ---------------------------------------------------------------------------------

/// A small valid model for 1×28×28 inputs: Conv2d 1→2 k3 p1, BatchNorm2d, ReLU, MaxPool 2,
/// Flatten, Dense 392→10; ten classes.
inline std::string small_model_bytes(const fs::path& scratch) {
  nn::Sequential<float> net;
  net.add<nn::Conv2d<float>>(1, 2, 3, 3, nn::ConvSpec{1, 1});
  net.add<nn::BatchNorm2d<float>>(2);
  net.add<nn::Activation<float>>(nn::ActivationFunction::relu);
  net.add<nn::MaxPool2d<float>>(nn::PoolSpec{2, 2, 2, 2});
  net.add<nn::Flatten<float>>();
  net.add<nn::Dense<float>>(392, 10);
  int k = 0;  // small deterministic weights in [−0.05, 0.05)
  for (auto& p : net.parameters())
    for (auto& v : *p.value) v = 0.01f * float(k++ % 10 - 5);
  nn::save_model(scratch, net, nn::Shape{1, 28, 28}, {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
  const std::string bytes = read(scratch);
  fs::remove(scratch);
  return bytes;
}

/// Layout of a model file (model_io.hpp): where the header text and the tensors are.
struct ModelParts {
  std::string header;   // the text lines
  std::string tensors;  // from the tensor count to before the checksum
};

inline ModelParts split_model(const std::string& bytes) {
  std::uint64_t hlen = 0;
  for (int i = 7; i >= 0; --i) hlen = (hlen << 8) | std::uint8_t(bytes[12 + std::size_t(i)]);
  return {bytes.substr(20, hlen), bytes.substr(20 + hlen, bytes.size() - 4 - 20 - hlen)};
}

/// A model file from its parts, with a correct length field and checksum: the reader's
/// checks of the contents, not its checksum, must catch what is wrong.
inline std::string join_model(const ModelParts& p) {
  std::string s("NNMODEL\0", 8);
  put_le32(s, 1);
  put_le64(s, p.header.size());
  s += p.header + p.tensors;
  put_le32(s, std::uint32_t(crc32(0, reinterpret_cast<const Bytef*>(s.data()), uInt(s.size()))));
  return s;
}

/// The small model with its first header line that starts with `prefix` replaced by `line`.
inline std::string model_with_line(const std::string& good, const std::string& prefix, const std::string& line) {
  ModelParts p = split_model(good);
  std::size_t at = 0;
  while (at < p.header.size() && p.header.compare(at, prefix.size(), prefix) != 0) at = p.header.find('\n', at) + 1;
  if (at == 0 && p.header.compare(0, prefix.size(), prefix) != 0) throw std::runtime_error("no line '" + prefix + "'");
  p.header.replace(at, p.header.find('\n', at) - at, line);
  return join_model(p);
}

/// The small model with value `index` of tensor `tensor` replaced by `value` (each tensor is
/// its rank, its dimensions, then its values).
inline std::string model_with_value(const std::string& good, std::size_t tensor, std::size_t index, float value) {
  ModelParts p = split_model(good);
  std::size_t at = 8;  // after the u64 tensor count
  for (std::size_t t = 0;; ++t) {
    std::uint32_t rank = 0;
    for (int i = 3; i >= 0; --i) rank = (rank << 8) | std::uint8_t(p.tensors[at + std::size_t(i)]);
    at += 4;
    std::uint64_t n = 1;
    for (std::uint32_t d = 0; d < rank; ++d, at += 8) {
      std::uint64_t dim = 0;
      for (int i = 7; i >= 0; --i) dim = (dim << 8) | std::uint8_t(p.tensors[at + std::size_t(i)]);
      n *= dim;
    }
    if (t == tensor) {
      if (index >= n) throw std::runtime_error("model_with_value: index out of range");
      std::memcpy(p.tensors.data() + at + 4 * index, &value, 4);
      return join_model(p);
    }
    at += 4 * n;
  }
}

}  // namespace hostile
