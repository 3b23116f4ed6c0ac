/// @file idx.cpp
/// @brief IDX reader and writer with validation, and the digit data sets (§1.3, §4.3).
#include "nn/data/idx.hpp"

#include <boost/iostreams/device/array.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <ios>
#include <limits>
#include <sstream>
#include <utility>

#include "nn/data/limits.hpp"
#include "nn/errors.hpp"
#include "nn/tools/files.hpp"

namespace fs = std::filesystem;

namespace nn {
namespace {

constexpr std::size_t kImagesHeader = 16;  // magic, N, rows, cols
constexpr std::size_t kLabelsHeader = 8;   // magic, N

[[noreturn]] void fail(const fs::path& path, const std::string& fault) {
  throw data_error(path.string() + ": " + fault);
}

using Bytes = std::vector<std::uint8_t>;

/// Reads an IDX file, plain or gzip-compressed (it starts with the gzip magic bytes 1f 8b), without
/// ever holding more than its header promises. The first `header` bytes are read and handed to
/// `promise`, which checks them (magic, dimensions, limits::idx_bytes) and returns the length
/// the whole file must have; then at most that many bytes and one more are read, so a small
/// file whose stream inflates to gigabytes stops at "trailing bytes" after a few.
template <class Promise>
Bytes read_idx_bytes(const fs::path& path, std::size_t header, Promise promise, bool& was_gzip) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw data_error(missing_data_message(path.string()));
  if (fs::is_directory(path, ec)) fail(path, "is a folder, not an IDX file");
  if (!fs::is_regular_file(path, ec)) fail(path, "is not a regular file (a pipe or a device)");
  const std::uintmax_t on_disk = fs::file_size(path, ec);
  if (ec) fail(path, "cannot read its size (" + ec.message() + ")");
  if (on_disk > limits::idx_bytes)
    fail(path, std::to_string(on_disk) + " bytes on disk, more than an IDX file may have (" +
                   std::to_string(limits::idx_bytes) + " bytes, nn::limits)");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot be opened for reading");
  Bytes raw(static_cast<std::size_t>(on_disk));
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
  if (static_cast<std::size_t>(in.gcount()) != raw.size()) fail(path, "read error");
  was_gzip = raw.size() >= 2 && raw[0] == 0x1f && raw[1] == 0x8b;
  if (!was_gzip) {
    Bytes head(raw.begin(), raw.begin() + std::ptrdiff_t(std::min(header, raw.size())));
    promise(head);  // checks the header; the length is checked by the caller
    return raw;
  }
  Bytes out;
  try {
    namespace io = boost::iostreams;
    io::filtering_istream gz;
    gz.push(io::gzip_decompressor(io::zlib::default_window_bits, 1 << 16), 1 << 16);
    gz.push(io::array_source(reinterpret_cast<const char*>(raw.data()), raw.size()));
    // After the chain is complete (an incomplete chain is "bad"): rethrow the decompressor's
    // gzip_error / zlib_error instead of silently stopping.
    gz.exceptions(std::ios::badbit);
    // Reads up to `want` bytes in total, growing `out` only as data arrives.
    auto fill = [&](std::size_t want) {
      while (out.size() < want && gz) {
        const std::size_t at = out.size(), chunk = std::min<std::size_t>(want - at, 1 << 20);
        out.resize(at + chunk);
        gz.read(reinterpret_cast<char*>(out.data() + at), static_cast<std::streamsize>(chunk));
        out.resize(at + static_cast<std::size_t>(gz.gcount()));
      }
    };
    fill(header);
    const std::size_t expected = promise(out);
    out.reserve(expected + 1);  // (bounded by limits::idx_bytes) so growing never doubles past it
    fill(expected + 1);  // one byte more than promised is enough to tell "trailing bytes"
  } catch (const data_error&) {
    throw;
  } catch (const std::exception& e) {
    fail(path, std::string("is gzip-compressed but cannot be decompressed (corrupt or truncated .gz): ") + e.what());
  }
  return out;
}

std::uint32_t big_endian_u32(const Bytes& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | bytes[at + i];
  return v;
}

std::string hex(std::uint32_t v) {
  std::ostringstream s;
  s << "0x" << std::hex;
  s.width(8);
  s.fill('0');
  s << v;
  return s.str();
}

/// Names what a wrong magic number probably is, so the message helps.
std::string magic_fault(std::uint32_t got, std::uint32_t expected) {
  std::string what = "wrong magic number " + std::to_string(got) + " (" + hex(got) + "), expected " +
                     std::to_string(expected) + " (" + hex(expected) + ", an IDX " +
                     (expected == idx_images_magic ? "image" : "label") + " file)";
  if (got == idx_labels_magic) what += "; this is an IDX label file";
  if (got == idx_images_magic) what += "; this is an IDX image file";
  const std::uint32_t swapped =
      (got >> 24) | ((got >> 8) & 0xff00u) | ((got << 8) & 0xff0000u) | (got << 24);
  if (swapped == expected) what += "; its bytes are in little-endian order, IDX is big-endian";
  return what;
}

/// count·rows·cols into `n`; false if it would overflow (N, rows, cols are up to 2^32 − 1 each).
bool pixel_count(const IdxImages& im, std::size_t& n) {
  const std::size_t max = std::numeric_limits<std::size_t>::max() - kImagesHeader;
  if (im.rows > max / im.cols || im.rows * im.cols > max / im.count) return false;
  n = im.count * im.rows * im.cols;
  return true;
}

std::string where(bool was_gzip) { return was_gzip ? " (after gzip decompression)" : ""; }

/// Length fault: truncated or trailing bytes.
void check_length(const fs::path& path, std::size_t got, std::size_t expected, const std::string& promise,
                  bool was_gzip) {
  if (got < expected)
    fail(path, "truncated: " + std::to_string(got) + " bytes" + where(was_gzip) + ", but the header promises " +
                   promise + " = " + std::to_string(expected) + " bytes");
  if (got > expected && was_gzip)
    fail(path, "trailing data: the gzip stream holds more than the header promises (" + promise + " = " +
                   std::to_string(expected) + " bytes); decompression stopped there");
  if (got > expected)
    fail(path, "trailing bytes: " + std::to_string(got) + " bytes" + where(was_gzip) + ", but the header promises " +
                   promise + " = " + std::to_string(expected) + " bytes (" + std::to_string(got - expected) +
                   " bytes too many)");
}

std::string header_bytes(const std::vector<std::uint32_t>& fields) {
  std::string h;
  for (std::uint32_t v : fields)
    for (int shift = 24; shift >= 0; shift -= 8) h.push_back(static_cast<char>((v >> shift) & 0xffu));
  return h;
}

void write_or_fail(const fs::path& path, const std::string& bytes) {
  try {
    write_file_atomically(path, bytes);
  } catch (const std::exception& e) {
    fail(path, std::string("cannot be written: ") + e.what());
  }
}

/// Copies the examples whose global index satisfies `keep` into a new Dataset.
template <class Keep>
Dataset select(const Dataset& all, Keep keep) {
  const Shape s = all.images.shape();
  const std::size_t per = s[1] * s[2] * s[3];
  std::size_t n = 0;
  for (std::size_t g = 0; g < all.size(); ++g) n += keep(g) ? 1 : 0;
  Dataset part;
  part.images = Tensor<float>(Shape{n, s[1], s[2], s[3]});
  part.labels.reserve(n);
  std::size_t i = 0;
  for (std::size_t g = 0; g < all.size(); ++g) {
    if (!keep(g)) continue;
    std::copy(all.images.data() + g * per, all.images.data() + (g + 1) * per, part.images.data() + i * per);
    part.labels.push_back(all.labels[g]);
    ++i;
  }
  return part;
}

/// `dir/stem` if it exists, else `dir/stem.gz`, else empty.
fs::path find_plain_or_gz(const fs::path& dir, const std::string& stem) {
  std::error_code ec;
  if (fs::is_regular_file(dir / stem, ec)) return dir / stem;
  if (fs::is_regular_file(dir / (stem + ".gz"), ec)) return dir / (stem + ".gz");
  return {};
}

const std::array<const char*, 4> kOfficialStems = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                                   "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

/// The networks of ch08 take 28×28 inputs: a file of other sizes is refused here, by name, not
/// at the first layer of a network.
void require_28x28(const Dataset& d, const fs::path& images) {
  if (d.images.dim(2) != 28 || d.images.dim(3) != 28)
    throw data_error(images.string() + ": images of " + std::to_string(d.images.dim(2)) + "×" +
                     std::to_string(d.images.dim(3)) + ", expected 28×28");
}

/// Loads the four official files of `dir`; `how_to_get` ends the message when one is missing.
TrainTest load_official_layout(const fs::path& dir, const std::string& how_to_get) {
  std::array<fs::path, 4> p;
  for (std::size_t i = 0; i < 4; ++i) {
    p[i] = find_plain_or_gz(dir, kOfficialStems[i]);
    if (p[i].empty())
      throw data_error((dir / kOfficialStems[i]).string() + "[.gz] is missing (a folder of the official " +
                       "MNIST layout holds train-images-idx3-ubyte, train-labels-idx1-ubyte, " +
                       "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally .gz). " + how_to_get);
  }
  TrainTest tt{load_idx_pair(p[0], p[1]), load_idx_pair(p[2], p[3])};
  require_28x28(tt.train, p[0]);
  require_28x28(tt.test, p[2]);
  return tt;
}

}  // namespace

IdxImages read_idx_images(const fs::path& path) {
  bool gz = false;
  IdxImages im;
  std::size_t n_pixels = 0;
  // The magic number first: a label file given as images should be named as such.
  auto promise = [&](const Bytes& head) -> std::size_t {
    if (head.size() >= 4 && big_endian_u32(head, 0) != idx_images_magic)
      fail(path, magic_fault(big_endian_u32(head, 0), idx_images_magic));
    if (head.size() < kImagesHeader)
      fail(path, "truncated: " + std::to_string(head.size()) + " bytes" + where(gz) +
                     ", an IDX image file needs a 16-byte header (magic, N, rows, cols)");
    im.count = big_endian_u32(head, 4);
    im.rows = big_endian_u32(head, 8);
    im.cols = big_endian_u32(head, 12);
    const std::string dims =
        std::to_string(im.count) + " images of " + std::to_string(im.rows) + "×" + std::to_string(im.cols);
    if (im.count == 0 || im.rows == 0 || im.cols == 0) fail(path, "zero dimension in the header: " + dims);
    if (!pixel_count(im, n_pixels) || n_pixels > limits::idx_bytes - kImagesHeader)
      fail(path, "header dimensions too large: " + dims + " would be more than the " +
                     std::to_string(limits::idx_bytes) + " bytes an IDX file may have (nn::limits)");
    return kImagesHeader + n_pixels;
  };
  Bytes bytes = read_idx_bytes(path, kImagesHeader, promise, gz);
  const std::string dims =
      std::to_string(im.count) + " images of " + std::to_string(im.rows) + "×" + std::to_string(im.cols);
  check_length(path, bytes.size(), kImagesHeader + n_pixels, "16 + " + dims, gz);
  bytes.erase(bytes.begin(), bytes.begin() + kImagesHeader);
  im.pixels = std::move(bytes);
  return im;
}

std::vector<std::uint8_t> read_idx_labels(const fs::path& path, int num_classes) {
  if (num_classes < 1 || num_classes > 256)
    throw data_error(path.string() + ": num_classes must be 1 … 256 for byte labels, got " +
                     std::to_string(num_classes));
  bool gz = false;
  std::size_t count = 0;
  auto promise = [&](const Bytes& head) -> std::size_t {
    if (head.size() >= 4 && big_endian_u32(head, 0) != idx_labels_magic)
      fail(path, magic_fault(big_endian_u32(head, 0), idx_labels_magic));
    if (head.size() < kLabelsHeader)
      fail(path, "truncated: " + std::to_string(head.size()) + " bytes" + where(gz) +
                     ", an IDX label file needs an 8-byte header (magic, N)");
    count = big_endian_u32(head, 4);
    if (count == 0) fail(path, "zero dimension in the header: 0 labels");
    if (count > limits::idx_bytes - kLabelsHeader)
      fail(path, "header dimensions too large: " + std::to_string(count) + " labels would be more than the " +
                     std::to_string(limits::idx_bytes) + " bytes an IDX file may have (nn::limits)");
    return kLabelsHeader + count;
  };
  Bytes bytes = read_idx_bytes(path, kLabelsHeader, promise, gz);
  check_length(path, bytes.size(), kLabelsHeader + count, "8 + " + std::to_string(count) + " labels", gz);
  bytes.erase(bytes.begin(), bytes.begin() + kLabelsHeader);
  std::vector<std::uint8_t> labels = std::move(bytes);
  for (std::size_t i = 0; i < count; ++i)
    if (labels[i] >= num_classes)
      fail(path, "label " + std::to_string(labels[i]) + " at index " + std::to_string(i) + " is outside 0 … " +
                     std::to_string(num_classes - 1));
  return labels;
}

void write_idx_images(const fs::path& path, const IdxImages& images) {
  const std::size_t u32 = std::numeric_limits<std::uint32_t>::max();
  const std::string dims = std::to_string(images.count) + " images of " + std::to_string(images.rows) + "×" +
                           std::to_string(images.cols);
  if (images.count == 0 || images.rows == 0 || images.cols == 0)
    fail(path, "cannot write an IDX image file with a zero dimension: " + dims);
  if (images.count > u32 || images.rows > u32 || images.cols > u32)
    fail(path, "cannot write " + dims + ": IDX dimensions are 32-bit");
  std::size_t n_pixels = 0;
  if (!pixel_count(images, n_pixels) || images.pixels.size() != n_pixels)
    fail(path, "cannot write " + dims + " from " + std::to_string(images.pixels.size()) + " pixels");
  std::string bytes = header_bytes({idx_images_magic, static_cast<std::uint32_t>(images.count),
                                    static_cast<std::uint32_t>(images.rows), static_cast<std::uint32_t>(images.cols)});
  bytes.append(images.pixels.begin(), images.pixels.end());
  write_or_fail(path, bytes);
}

void write_idx_labels(const fs::path& path, const std::vector<std::uint8_t>& labels) {
  if (labels.empty()) fail(path, "cannot write an IDX label file with 0 labels");
  if (labels.size() > std::numeric_limits<std::uint32_t>::max())
    fail(path, "cannot write " + std::to_string(labels.size()) + " labels: IDX dimensions are 32-bit");
  std::string bytes = header_bytes({idx_labels_magic, static_cast<std::uint32_t>(labels.size())});
  bytes.append(labels.begin(), labels.end());
  write_or_fail(path, bytes);
}

Dataset load_idx_pair(const fs::path& images_path, const fs::path& labels_path, int num_classes) {
  const IdxImages im = read_idx_images(images_path);
  const std::vector<std::uint8_t> lab = read_idx_labels(labels_path, num_classes);
  if (lab.size() != im.count)
    throw data_error(images_path.string() + " has " + std::to_string(im.count) + " images but " +
                     labels_path.string() + " has " + std::to_string(lab.size()) +
                     " labels; the two files do not belong together");
  Dataset d;
  d.images = Tensor<float>(Shape{im.count, 1, im.rows, im.cols});
  float* x = d.images.data();
  for (std::size_t i = 0; i < im.pixels.size(); ++i) x[i] = static_cast<float>(im.pixels[i]) / 255.0f;
  d.labels.assign(lab.begin(), lab.end());
  return d;
}

TrainTest npm10k_split(const Dataset& all) {
  if (all.size() < 5)
    throw data_error("npm10k_split: " + std::to_string(all.size()) +
                     " examples; the rule g % 5 == 4 needs at least 5 to give a test example");
  if (all.images.rank() != 4 || all.images.dim(0) != all.size())
    throw data_error("npm10k_split: images of shape " + all.images.shape().str() + " do not match " +
                     std::to_string(all.size()) + " labels; expected (N, 1, H, W)");
  return {select(all, [](std::size_t g) { return !npm10k_is_test(g); }),
          select(all, [](std::size_t g) { return npm10k_is_test(g); })};
}

TrainTest load_mnist_npm10k(const fs::path& data_dir) {
  const fs::path images = data_dir / "mnist" / "npm10k-images-idx3-ubyte";
  const fs::path labels = data_dir / "mnist" / "npm10k-labels-idx1-ubyte";
  const Dataset all = load_idx_pair(images, labels);
  // The split relies on the order 0.json … 9.json: the labels must be these runs of equal digits.
  const std::array<std::size_t, 10> counts = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
  std::size_t g = 0;
  for (int digit = 0; digit < 10; ++digit)
    for (std::size_t k = 0; k < counts[digit]; ++k, ++g)
      if (g >= all.size() || all.labels[g] != digit)
        throw data_error(labels.string() + ": not the 10,000 npm digits in the order 0.json … 9.json " +
                         "(expected digit " + std::to_string(digit) + " at index " + std::to_string(g) +
                         "); make it again with  bash " NN_SOURCE_DIR "/scripts/fetch-data.sh");
  if (all.size() != g)
    throw data_error(labels.string() + ": " + std::to_string(all.size()) + " labels, expected 10000; make it again with  bash " NN_SOURCE_DIR "/scripts/fetch-data.sh");
  require_28x28(all, images);
  return npm10k_split(all);
}

TrainTest load_mnist_official(const fs::path& dir) {
  return load_official_layout(dir, "Put the MNIST files there, or leave out --data to use the 10,000 "
                                   "digits that  bash " NN_SOURCE_DIR "/scripts/fetch-data.sh  fetches.");
}

TrainTest load_fashion_mnist(const fs::path& dir) {
  return load_official_layout(dir, "Fashion-MNIST comes from a Debian package; as root run:  apt-get install "
                                   "--no-install-recommends dataset-fashion-mnist");
}

}  // namespace nn
