/// @file wider_face.cpp
/// @brief WIDER FACE annotations, images, letterboxing, and synthetic folders (see wider_face.hpp).
#include "nn/data/wider_face.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#include <stb_image.h>

#include "nn/data/digits.hpp"
#include "nn/errors.hpp"
#include "nn/data/image.hpp"
#include "nn/data/limits.hpp"
#include "nn/init.hpp"
#include "nn/tools/files.hpp"

namespace nn {

namespace fs = std::filesystem;

namespace {

const char* const kLayout =
    "expected layout: ROOT/wider_face_split/wider_face_{train,val}_bbx_gt.txt and "
    "ROOT/WIDER_{train,val}/images/<event>/<image>.jpg";

[[noreturn]] void fail_at(const fs::path& file, std::size_t line, const std::string& what) {
  throw data_error(file.string() + ":" + std::to_string(line) + ": " + what);
}

/// The line without a trailing '\r' (files written on Windows) and surrounding blanks.
std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  return s.substr(b);
}

/// Whole numbers separated by blanks, each within ±limits::box_coordinate; false if any token
/// is not one (so that x1 + w below can never overflow). Parsed with strtol, not a stream: a
/// 64 MiB file holds millions of these lines.
bool parse_integers(const std::string& s, std::vector<long>& out) {
  out.clear();
  if (s.find('\0') != std::string::npos) return false;
  const char* p = s.c_str();
  for (;;) {
    while (*p == ' ' || *p == '\t') ++p;
    if (*p == '\0') return true;
    const char* start = p;
    while (*p != '\0' && *p != ' ' && *p != '\t') ++p;
    const std::size_t len = std::size_t(p - start);
    if (len > 12 || out.size() >= 16) return false;  // far beyond any valid value or line
    char token[16];
    std::memcpy(token, start, len);
    token[len] = '\0';
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(token, &end, 10);
    if (end != token + len || errno == ERANGE || v > limits::box_coordinate || v < -limits::box_coordinate) return false;
    out.push_back(v);
  }
}

bool is_image_path(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  auto ends = [&](const std::string& e) { return s.size() > e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0; };
  return ends(".jpg") || ends(".jpeg") || ends(".png");
}

/// A path that stays inside the images folder: relative, without "..".
bool stays_inside(const std::string& s) {
  const fs::path p(s);
  if (p.is_absolute()) return false;
  for (const auto& part : p)
    if (part == "..") return false;
  return true;
}

std::string shown(const std::string& s) { return "'" + printable(s.size() > 60 ? s.substr(0, 60) : s) + (s.size() > 60 ? "…'" : "'"); }

/// Lines of a text file read one at a time (nothing but the current line is held), each at most
/// limits::text_line_bytes long, with their numbers for messages.
class LineReader {
 public:
  LineReader(std::istream& in, const fs::path& file) : in_(in), file_(file), buffer_(limits::text_line_bytes + 2) {}
  /// The next line, trimmed; false at the end of the file.
  bool next(std::string& line) {
    line.clear();
    if (!in_.good()) return false;
    // istream::getline into a buffer one byte longer than the limit: it stops there (failbit
    // without eofbit) instead of growing a string to the length of a hostile line
    in_.getline(buffer_.data(), std::streamsize(buffer_.size()));
    const std::size_t got = static_cast<std::size_t>(in_.gcount());
    if (in_.bad()) throw data_error(file_.string() + ": read error after line " + std::to_string(number_));
    if (in_.fail() && !in_.eof())
      fail_at(file_, number_ + 1, "line longer than " + std::to_string(limits::text_line_bytes) + " bytes");
    if (in_.fail() && got == 0) return false;  // the end, after the last newline
    ++number_;
    line.assign(buffer_.data(), in_.eof() ? got : got - 1);  // without the '\n' getline took
    line = trimmed(line);
    return true;
  }
  std::size_t number() const { return number_; }

 private:
  std::istream& in_;
  const fs::path& file_;
  std::vector<char> buffer_;
  std::size_t number_ = 0;
};

}  // namespace

std::vector<WiderFaceImage> read_wider_face_annotations(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) throw data_error(file.string() + " is missing (" + kLayout + ")");
  if (fs::is_directory(file, ec)) throw data_error(file.string() + " is a folder, not an annotation file (" + kLayout + ")");
  if (!fs::is_regular_file(file, ec)) throw data_error(file.string() + " is not a regular file (a pipe or a device)");
  if (const auto bytes = fs::file_size(file, ec); !ec && bytes > limits::annotation_file_bytes)
    throw data_error(file.string() + ": " + std::to_string(bytes) + " bytes, more than the " +
                     std::to_string(limits::annotation_file_bytes) + " an annotation file may have (nn::limits)");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw data_error(file.string() + " cannot be opened for reading");
  LineReader lines(in, file);
  std::vector<WiderFaceImage> records;
  std::vector<long> v;
  std::string s;
  auto next = [&](const std::string& expected) -> const std::string& {
    if (!lines.next(s)) fail_at(file, lines.number() + 1, "file ends where " + expected + " was expected");
    return s;
  };
  while (lines.next(s)) {
    if (s.empty()) continue;  // blank lines between records or at the end
    WiderFaceImage rec;
    rec.line = lines.number();
    rec.path = s;
    if (!is_image_path(rec.path)) {
      fail_at(file, rec.line, "expected an image path ending in .jpg, .jpeg or .png, got " + shown(rec.path));
    }
    if (has_control_characters(rec.path)) fail_at(file, rec.line, "image path " + shown(rec.path) + " holds control characters");
    if (!stays_inside(rec.path)) {
      fail_at(file, rec.line, "image path " + shown(rec.path) + " must be relative to the images folder, without '..'");
    }
    const std::string& count_line = next("the number of faces");
    if (!parse_integers(count_line, v) || v.size() != 1 || v[0] < 0) {
      fail_at(file, lines.number(), "expected the number of faces (a whole number 0 … " +
                                        std::to_string(limits::box_coordinate) + "), got " + shown(count_line));
    }
    const long n = v[0];
    // n = 0 is followed by one line of ten zeros, read and ignored
    const long face_lines = n == 0 ? 1 : n;
    for (long f = 0; f < face_lines; ++f) {
      const std::string& line = next("face line " + std::to_string(f + 1) + " of " + std::to_string(face_lines) + " of " +
                                     printable(rec.path));
      const std::size_t at = lines.number();
      if (!parse_integers(line, v) || v.size() != 10) {
        fail_at(file, at,
                "expected 10 whole numbers 'x1 y1 w h blur expression illumination invalid occlusion pose', each "
                "within ±" + std::to_string(limits::box_coordinate) + ", got " + shown(line));
      }
      if (n == 0) continue;
      if (v[2] < 0 || v[3] < 0) fail_at(file, at, "negative box size w = " + std::to_string(v[2]) + ", h = " + std::to_string(v[3]));
      if (v[0] < 0 || v[1] < 0)
        fail_at(file, at, "box corner x1 = " + std::to_string(v[0]) + ", y1 = " + std::to_string(v[1]) + " lies outside the image");
      const struct {
        const char* name;
        long value, max;
      } attrs[] = {{"blur", v[4], 2},    {"expression", v[5], 1}, {"illumination", v[6], 1},
                   {"invalid", v[7], 1}, {"occlusion", v[8], 2},  {"pose", v[9], 1}};
      for (const auto& a : attrs) {
        if (a.value < 0 || a.value > a.max) {
          fail_at(file, at, std::string(a.name) + " = " + std::to_string(a.value) + " outside 0 … " + std::to_string(a.max));
        }
      }
      WiderFace face;
      // |x1|, |w| ≤ 2^24 (parse_integers): the sums are exact, in long and in double
      face.box = Box{double(v[0]), double(v[1]), double(v[0] + v[2]), double(v[1] + v[3])};
      face.blur = int(v[4]), face.expression = int(v[5]), face.illumination = int(v[6]);
      face.invalid = int(v[7]), face.occlusion = int(v[8]), face.pose = int(v[9]);
      face.line = at;
      rec.faces.push_back(face);
    }
    records.push_back(std::move(rec));
  }
  if (records.empty()) throw data_error(file.string() + ": empty annotation file");
  return records;
}

void write_wider_face_annotations(const fs::path& file, const std::vector<WiderFaceImage>& images) {
  std::ostringstream os;
  for (const auto& im : images) {
    os << im.path << "\n" << im.faces.size() << "\n";
    if (im.faces.empty()) os << "0 0 0 0 0 0 0 0 0 0\n";
    for (const auto& f : im.faces) {
      os << std::lround(f.box.x1) << " " << std::lround(f.box.y1) << " " << std::lround(f.box.width()) << " "
         << std::lround(f.box.height()) << " " << f.blur << " " << f.expression << " " << f.illumination << " "
         << f.invalid << " " << f.occlusion << " " << f.pose << "\n";
    }
  }
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  write_file_atomically(file, os.str());
}

WiderFaceSplit wider_face_split(const fs::path& root, const std::string& split) {
  if (split != "train" && split != "val") throw std::invalid_argument("wider_face_split: split must be 'train' or 'val', not '" + split + "'");
  WiderFaceSplit s{root / "wider_face_split" / ("wider_face_" + split + "_bbx_gt.txt"), root / ("WIDER_" + split) / "images"};
  std::error_code ec;
  if (!fs::is_regular_file(s.annotations, ec)) throw data_error(s.annotations.string() + " is missing (" + kLayout + ")");
  if (!fs::is_directory(s.images, ec)) throw data_error(s.images.string() + " is missing (" + kLayout + ")");
  return s;
}

bool is_wider_face_folder(const fs::path& root) {
  std::error_code ec;
  return fs::is_regular_file(root / "wider_face_split" / "wider_face_train_bbx_gt.txt", ec);
}

Tensor<float> load_image(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (ext == ".png") return load_png(path);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw data_error(path.string() + ": image file is missing");
  const auto bytes_on_disk = fs::file_size(path, ec);
  if (ec || bytes_on_disk > limits::image_file_bytes)
    throw data_error(path.string() + ": " + (ec ? "cannot read its size (" + ec.message() + ")"
                                                : std::to_string(bytes_on_disk) + " bytes, more than the " +
                                                      std::to_string(limits::image_file_bytes) + " an image file may have (nn::limits)"));
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int w = 0, h = 0, c = 0;
  // the size from the header first, so that nothing is decoded for an image too large
  if (!stbi_info_from_memory(bytes.data(), int(bytes.size()), &w, &h, &c))
    throw data_error(path.string() + ": cannot decode image (" + stbi_failure_reason() + ")");
  if (w <= 0 || h <= 0 || std::size_t(w) > limits::image_side || std::size_t(h) > limits::image_side ||
      std::size_t(w) * std::size_t(h) > limits::image_pixels)
    throw data_error(path.string() + ": its header declares an image of " + std::to_string(w) + " × " + std::to_string(h) +
                     " pixels, larger than this program reads (at most " + std::to_string(limits::image_side) +
                     " pixels a side and " + std::to_string(limits::image_pixels) + " pixels in all, nn::limits)");
  unsigned char* px = stbi_load_from_memory(bytes.data(), int(bytes.size()), &w, &h, &c, 0);
  if (!px) throw data_error(path.string() + ": cannot decode image (" + stbi_failure_reason() + ")");
  Tensor<float> im(Shape{1, std::size_t(c), std::size_t(h), std::size_t(w)});
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int ch = 0; ch < c; ++ch)
        im(0, std::size_t(ch), std::size_t(y), std::size_t(x)) = float(px[(y * w + x) * c + ch]) / 255.0f;
  stbi_image_free(px);
  return im;
}

Letterbox letterbox(const Tensor<float>& gray, std::size_t size) {
  if (gray.rank() != 4 || gray.dim(0) != 1 || gray.dim(1) != 1 || size == 0) {
    throw shape_error("letterbox: needs a gray image (1, 1, H, W) and size >= 1, got " + gray.shape().str());
  }
  const std::size_t H = gray.dim(2), W = gray.dim(3);
  Letterbox lb;
  lb.scale = double(size) / double(std::max(H, W));
  const std::size_t h = std::max<std::size_t>(1, std::size_t(std::lround(double(H) * lb.scale)));
  const std::size_t w = std::max<std::size_t>(1, std::size_t(std::lround(double(W) * lb.scale)));
  const Tensor<float> small = resize_area(gray.reshaped(Shape{H, W}), std::min(h, size), std::min(w, size));
  lb.pad_x = double((size - small.dim(1)) / 2);
  lb.pad_y = double((size - small.dim(0)) / 2);
  lb.image = Tensor<float>(Shape{1, 1, size, size}, 0.5f);
  for (std::size_t y = 0; y < small.dim(0); ++y)
    for (std::size_t x = 0; x < small.dim(1); ++x)
      lb.image(0, 0, y + std::size_t(lb.pad_y), x + std::size_t(lb.pad_x)) = small(y, x);
  return lb;
}

FaceSet load_wider_face(const fs::path& root, const std::string& split, std::size_t size, double min_face,
                        std::size_t max_images) {
  const WiderFaceSplit where = wider_face_split(root, split);
  std::vector<WiderFaceImage> records = read_wider_face_annotations(where.annotations);
  if (max_images && records.size() > max_images) records.resize(max_images);
  FaceSet set;
  set.images = Tensor<float>(Shape{records.size(), 1, size, size});
  set.objects.resize(records.size());
  for (std::size_t n = 0; n < records.size(); ++n) {
    const auto& rec = records[n];
    const Tensor<float> gray = to_grayscale(load_image(where.images / rec.path));
    const Letterbox lb = letterbox(gray, size);
    std::copy(lb.image.begin(), lb.image.end(), set.images.data() + n * size * size);
    set.paths.push_back(rec.path);
    for (const auto& f : rec.faces) {
      if (f.box.x1 < 0 || f.box.y1 < 0 || f.box.x2 > double(gray.dim(3)) || f.box.y2 > double(gray.dim(2))) {
        throw data_error(where.annotations.string() + ":" + std::to_string(f.line ? f.line : rec.line) + ": face " + f.box.str() +
                         " lies outside the image " + printable(rec.path) + " of " + std::to_string(gray.dim(3)) + "x" +
                         std::to_string(gray.dim(2)) + " pixels");
      }
      const Box b = lb.map(f.box);
      if (f.invalid || std::max(b.width(), b.height()) < min_face) {
        ++set.faces_dropped;
        continue;
      }
      set.objects[n].push_back(LabeledBox{b, 0});
      ++set.faces_kept;
    }
  }
  return set;
}

// ---- synthetic faces ----------------------------------------------------------------------------

namespace {

std::size_t pick(std::mt19937_64& rng, std::size_t lo, std::size_t hi) {
  return std::min(hi, lo + std::size_t(uniform01(rng) * double(hi - lo + 1)));
}
double between(std::mt19937_64& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }

/// Paints value v inside the ellipse centred (cx, cy) with half-axes (a, b), 1-px soft edge.
void ellipse(Tensor<float>& im, double cx, double cy, double a, double b, float v) {
  const long H = long(im.dim(2)), W = long(im.dim(3));
  for (long y = std::max(0L, long(cy - b - 2)); y < std::min(H, long(cy + b + 2)); ++y)
    for (long x = std::max(0L, long(cx - a - 2)); x < std::min(W, long(cx + a + 2)); ++x) {
      const double dx = (double(x) + 0.5 - cx) / a, dy = (double(y) + 0.5 - cy) / b;
      const double d = std::sqrt(dx * dx + dy * dy);  // 1 on the edge
      const double cover = std::clamp((1.0 - d) * std::min(a, b) + 0.5, 0.0, 1.0);
      float& p = im(0, 0, std::size_t(y), std::size_t(x));
      p = float((1 - cover) * p + cover * v);
    }
}

/// One synthetic image with its faces.
WiderFaceImage synthetic_image(const fs::path& dir, const std::string& rel, std::mt19937_64& rng) {
  const std::size_t W = pick(rng, 64, 96), H = pick(rng, 56, 80);
  Tensor<float> im(Shape{1, 1, H, W});
  // background: a linear shade plus blobs (some bright like skin) and eyeless ellipses
  const double g0 = between(rng, 0.1, 0.5), gx = between(rng, -0.2, 0.2) / double(W), gy = between(rng, -0.2, 0.2) / double(H);
  for (std::size_t y = 0; y < H; ++y)
    for (std::size_t x = 0; x < W; ++x) im(0, 0, y, x) = float(g0 + gx * double(x) + gy * double(y));
  const std::size_t blobs = pick(rng, 1, 4);
  for (std::size_t k = 0; k < blobs; ++k)
    ellipse(im, between(rng, 0, double(W)), between(rng, 0, double(H)), between(rng, 4, 14), between(rng, 4, 14),
            float(between(rng, 0.0, 0.9)));
  WiderFaceImage rec;
  rec.path = rel;
  const std::size_t faces = pick(rng, 1, 3);
  for (std::size_t f = 0; f < faces; ++f) {
    for (int attempt = 0; attempt < 30; ++attempt) {
      const double w = double(pick(rng, 12, 30)), h = std::round(w * between(rng, 1.15, 1.35));
      if (h + 2 > double(H) || w + 2 > double(W)) continue;
      const double x1 = double(pick(rng, 1, W - std::size_t(w) - 1)), y1 = double(pick(rng, 1, H - std::size_t(h) - 1));
      const Box box{x1, y1, x1 + w, y1 + h};
      bool free = true;
      for (const auto& o : rec.faces) free = free && iou(Box{o.box.x1 - 2, o.box.y1 - 2, o.box.x2 + 2, o.box.y2 + 2}, box) == 0.0;
      if (!free) continue;
      const double cx = x1 + w / 2, cy = y1 + h / 2, a = w / 2, b = h / 2;
      const float skin = float(between(rng, 0.65, 0.9)), dark = float(between(rng, 0.0, 0.2));
      ellipse(im, cx, cy, a, b, skin);
      ellipse(im, cx - 0.38 * a, cy - 0.2 * b, 0.16 * a + 0.6, 0.12 * b + 0.6, dark);  // eyes
      ellipse(im, cx + 0.38 * a, cy - 0.2 * b, 0.16 * a + 0.6, 0.12 * b + 0.6, dark);
      ellipse(im, cx, cy + 0.5 * b, 0.4 * a, 0.07 * b + 0.6, dark);                    // mouth
      WiderFace face;
      face.box = box;
      rec.faces.push_back(face);
      break;
    }
  }
  // distractors drawn after the faces, away from them: bright ellipses without eyes
  const std::size_t decoys = pick(rng, 0, 2);
  for (std::size_t k = 0; k < decoys; ++k) {
    const double w = double(pick(rng, 12, 28)), h = std::round(w * between(rng, 1.1, 1.4));
    const double x1 = between(rng, 0, double(W) - w), y1 = between(rng, 0, double(H) - h);
    const Box box{x1 - 2, y1 - 2, x1 + w + 2, y1 + h + 2};
    bool free = true;
    for (const auto& o : rec.faces) free = free && iou(o.box, box) == 0.0;
    if (free) ellipse(im, x1 + w / 2, y1 + h / 2, w / 2, h / 2, float(between(rng, 0.6, 0.9)));
  }
  for (auto& p : im) p = float(std::clamp(double(p) + 0.03 * standard_normal(rng), 0.0, 1.0));
  fs::create_directories((dir / rel).parent_path());
  save_png(dir / rel, im);
  return rec;
}

}  // namespace

void write_synthetic_wider_face(const fs::path& root, std::size_t n_train, std::size_t n_val, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (const std::string split : {"train", "val"}) {
    const std::size_t n = split == "train" ? n_train : n_val;
    std::vector<WiderFaceImage> records;
    const fs::path images = root / ("WIDER_" + split) / "images";
    for (std::size_t k = 0; k < n; ++k) {
      records.push_back(synthetic_image(images, "0--Synthetic/0_Synthetic_" + split + "_" + std::to_string(k) + ".png", rng));
    }
    write_wider_face_annotations(root / "wider_face_split" / ("wider_face_" + split + "_bbx_gt.txt"), records);
  }
}

}  // namespace nn
