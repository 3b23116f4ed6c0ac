/// @file image.cpp
/// @brief PNG reading and writing with libpng, and the gray conversion.
///
/// libpng reports errors by calling an error function that must not return; ours records the
/// message and longjmps back to the setjmp of the function that made the libpng call. Every
/// function below that calls setjmp holds only trivially destructible locals and returns a
/// bool, so a longjmp never skips a C++ destructor; the C++ objects (buffers, the FILE and the
/// libpng structs with their cleanup guards) live in the callers, which turn `false` into an
/// nn::data_error naming the file and libpng's message.
#include "nn/data/image.hpp"

#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "nn/data/limits.hpp"
#include "nn/errors.hpp"
#include "nn/tools/files.hpp"

namespace nn {

namespace fs = std::filesystem;

namespace {

/// Where the error function leaves libpng's message (plain data: survives the longjmp).
struct PngErrorState {
  char message[256];
};

void on_png_error(png_structp png, png_const_charp msg) {
  auto* state = static_cast<PngErrorState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof state->message, "%s", msg ? msg : "unknown libpng error");
  png_longjmp(png, 1);  // back to the setjmp in read_header / read_pixels / write_pixels
}

void on_png_warning(png_structp, png_const_charp) {}  // warnings (e.g. a bad sRGB profile) are harmless here

/// libpng's allocator, refusing any one block above limits::png_chunk_bytes. libpng 1.6.39 checks
/// a chunk's length against its chunk limit only as a "benign error", a warning on read, and then
/// allocates the chunk anyway (2 GB for a 143-byte file that declares an sCAL chunk of that size). Its own buffers are small (a row is at most limits::image_side × 8 bytes), and the
/// pixels go into our buffer, so nothing legitimate is refused.
png_voidp capped_malloc(png_structp, png_alloc_size_t n) {
  return n > limits::png_chunk_bytes ? nullptr : std::malloc(n);
}
void capped_free(png_structp, png_voidp p) { std::free(p); }

struct PngLayout {
  png_uint_32 width = 0, height = 0;
  int channels = 0, bit_depth = 0;
  std::size_t rowbytes = 0;
};

/// Reads the header and asks libpng for 8- or 16-bit samples of 1–4 channels. Returns false if
/// libpng called on_png_error.
bool read_header(png_structp png, png_infop info, std::FILE* file, PngLayout* layout) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, file);
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  const int color = png_get_color_type(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);                   // palette → RGB
  if (color == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);             // tRNS → alpha
  png_set_interlace_handling(png);                                                     // Adam7 → rows
  png_read_update_info(png, info);
  layout->width = png_get_image_width(png, info);
  layout->height = png_get_image_height(png, info);
  layout->channels = png_get_channels(png, info);
  layout->bit_depth = png_get_bit_depth(png, info);
  layout->rowbytes = png_get_rowbytes(png, info);
  return true;
}

/// Reads the rows and stops: png_read_end is not called, so image data beyond the last row (a
/// 1 MB IDAT can inflate to gigabytes) and the chunks after it are never decompressed.
bool read_pixels(png_structp png, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  return true;
}

/// libpng's write callback: appends to the std::string behind png_get_io_ptr.
void append_bytes(png_structp png, png_bytep data, png_size_t n) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  try {
    out->append(reinterpret_cast<const char*>(data), n);
  } catch (...) {
    png_error(png, "out of memory while encoding");  // longjmps; never lets a C++ exception cross libpng
  }
}
void no_flush(png_structp) {}

bool write_pixels(png_structp png, png_infop info, std::string* out, png_uint_32 width, png_uint_32 height,
                  int color_type, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_write_fn(png, out, append_bytes, no_flush);
  png_set_IHDR(png, info, width, height, 8, color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  return true;
}

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

[[noreturn]] void fail(const fs::path& path, const std::string& fault) {
  throw data_error("PNG file " + path.string() + ": " + fault);
}

std::uint32_t big_endian_u32(const png_byte* b) {
  return std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | std::uint32_t(b[3]);
}

/// Bytes the image data of a PNG inflate to: per row a filter byte and the row's samples, for the
/// whole image or for each of Adam7's seven passes.
std::size_t inflated_size(std::size_t W, std::size_t H, int depth, int colour, bool interlaced) {
  const int channels = colour == 2 ? 3 : colour == 4 ? 2 : colour == 6 ? 4 : 1;  // 0 gray, 3 palette: 1
  const std::size_t bits = std::size_t(channels) * std::size_t(depth);
  auto rows = [&](std::size_t w, std::size_t h) { return w == 0 || h == 0 ? 0 : h * (1 + (w * bits + 7) / 8); };
  if (!interlaced) return rows(W, H);
  const std::size_t start_x[7] = {0, 4, 0, 2, 0, 1, 0}, start_y[7] = {0, 0, 4, 0, 2, 0, 1};
  const std::size_t step_x[7] = {8, 8, 4, 4, 2, 2, 1}, step_y[7] = {8, 8, 8, 4, 4, 2, 2};
  std::size_t n = 0;
  for (int p = 0; p < 7; ++p)
    n += rows(W > start_x[p] ? (W - start_x[p] + step_x[p] - 1) / step_x[p] : 0,
              H > start_y[p] ? (H - start_y[p] + step_y[p] - 1) / step_y[p] : 0);
  return n;
}

/// Image data a PNG may hold beyond what its header promises before load_png refuses it: libpng
/// itself only warns about a little extra data ("Too much image data"), so such files still load.
constexpr std::size_t kImageDataSlack = std::size_t(1) << 16;

/// Skips n bytes by reading them through `buffer` (an fseek per chunk would be a system call per
/// chunk: 5 million empty chunks in a 64 MiB file would take seconds); long runs are sought.
bool skip(std::FILE* file, std::size_t n, std::vector<unsigned char>& buffer) {
  if (n > (std::size_t(1) << 20)) return std::fseek(file, long(n), SEEK_CUR) == 0;
  while (n > 0) {
    const std::size_t piece = std::min(n, buffer.size());
    if (std::fread(buffer.data(), 1, piece, file) != piece) return false;
    n -= piece;
  }
  return true;
}

/// Back to just after the signature, where libpng starts.
void rewind(std::FILE* file, const fs::path& path) {
  if (std::fseek(file, 8, SEEK_SET) != 0) fail(path, "cannot seek back to its first chunk");
}

/// Walks the chunks of the file (positioned after the signature) and inflates the IDAT stream
/// with a budget of the bytes its header promises (plus kImageDataSlack): a 1 MB IDAT that
/// inflates to gigabytes after the last row is refused here, in the time of the image's own
/// size, instead of being inflated to its end by libpng. Rewinds to just after the signature.
void check_image_data(std::FILE* file, const fs::path& path, std::size_t expected) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) fail(path, "zlib could not start");
  struct End {
    z_stream& z;
    ~End() { inflateEnd(&z); }
  } end{z};
  std::vector<unsigned char> in(1 << 16), out(1 << 16);
  std::size_t produced = 0;
  bool ended = false;
  for (;;) {
    png_byte head[8];
    if (std::fread(head, 1, 8, file) != 8) break;  // libpng will say what is missing
    const std::uint32_t length = big_endian_u32(head);
    if (length > 0x7fffffffu) break;  // libpng refuses it
    const bool idat = std::memcmp(head + 4, "IDAT", 4) == 0;
    if (std::memcmp(head + 4, "IEND", 4) == 0) break;
    if (!idat || ended) {
      if (!skip(file, std::size_t(length) + 4, in)) break;  // the data and its CRC
      continue;
    }
    // the chunk in pieces of 64 KiB: what is allocated never depends on the length it declares
    bool corrupt = false;
    for (std::uint32_t left = length; left > 0 && !ended && !corrupt;) {
      const std::size_t piece = std::min<std::size_t>(left, in.size());
      if (std::fread(in.data(), 1, piece, file) != piece) return rewind(file, path);  // truncated: libpng names it
      left -= std::uint32_t(piece);
      z.next_in = in.data();
      z.avail_in = uInt(piece);
      while (z.avail_in > 0 && !ended) {
        z.next_out = out.data();
        z.avail_out = uInt(out.size());
        const int ret = inflate(&z, Z_NO_FLUSH);
        produced += out.size() - z.avail_out;
        if (produced > expected + kImageDataSlack)
          fail(path, "corrupt image data: it inflates to more than the " + std::to_string(expected) +
                         " bytes its header promises");
        if (ret == Z_STREAM_END) ended = true;
        else if (ret != Z_OK) {
          corrupt = true;  // libpng names it
          break;
        }
      }
      if (left > 0 && (ended || corrupt) && !skip(file, left, in)) return rewind(file, path);
      if (ended || corrupt) break;
    }
    if (corrupt || !skip(file, 4, in)) break;  // its CRC
  }
  rewind(file, path);
}

/// Reads the IHDR chunk that must follow the signature and refuses an image larger than
/// limits::image_side or limits::image_pixels, before libpng allocates anything for it; then
/// rewinds to just after the signature.
void check_declared_size(std::FILE* file, const fs::path& path) {
  png_byte ihdr[21] = {};  // length (4), "IHDR" (4), width (4), height (4), depth, colour, compression, filter, interlace
  if (std::fread(ihdr, 1, sizeof ihdr, file) != sizeof ihdr) fail(path, "truncated: the file ends inside the IHDR header");
  if (std::memcmp(ihdr + 4, "IHDR", 4) != 0) fail(path, "corrupt header: the first chunk is not IHDR");
  if (big_endian_u32(ihdr) != 13) fail(path, "corrupt header: its IHDR chunk is not 13 bytes long");
  const std::size_t w = big_endian_u32(ihdr + 8), h = big_endian_u32(ihdr + 12);
  // the bit depths each colour type allows (PNG spec, 11.2.2), before they size anything below
  const int depth = ihdr[16], colour = ihdr[17];
  const bool valid = (colour == 0 && (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16)) ||
                     (colour == 3 && (depth == 1 || depth == 2 || depth == 4 || depth == 8)) ||
                     ((colour == 2 || colour == 4 || colour == 6) && (depth == 8 || depth == 16));
  if (!valid || ihdr[20] > 1)
    fail(path, "corrupt header: colour type " + std::to_string(colour) + " with bit depth " + std::to_string(depth) +
                   " and interlace method " + std::to_string(ihdr[20]) + " is not a PNG layout");
  const std::string size = std::to_string(w) + " × " + std::to_string(h) + " pixels";
  if (w == 0 || h == 0) fail(path, "corrupt header: it declares an image of " + size);
  if (w > limits::image_side || h > limits::image_side || w * h > limits::image_pixels)
    fail(path, "its header declares an image of " + size + ", larger than this program reads (at most " +
                   std::to_string(limits::image_side) + " pixels a side and " + std::to_string(limits::image_pixels) +
                   " pixels in all, nn::limits); scale it down first");
  if (std::fseek(file, 8, SEEK_SET) != 0) fail(path, "cannot seek back to its first chunk");
  check_image_data(file, path, inflated_size(w, h, depth, colour, ihdr[20] != 0));
}

}  // namespace

Tensor<float> load_png(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec))  // a folder, a pipe that would block, a device
    fail(path, fs::is_directory(path, ec) ? "is a folder, not a picture" : "is not a regular file");
  // libpng reads every chunk before the image data, however long: the file's size bounds its time
  if (const auto bytes = fs::file_size(path, ec); !ec && bytes > limits::image_file_bytes)
    fail(path, std::to_string(bytes) + " bytes, more than the " + std::to_string(limits::image_file_bytes) +
                   " an image file may have (nn::limits)");
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) fail(path, std::string("cannot open (") + std::strerror(errno) + ")");
  png_byte signature[8] = {};
  if (std::fread(signature, 1, 8, file.get()) != 8 || png_sig_cmp(signature, 0, 8) != 0)
    fail(path, "not a PNG file (the 8-byte PNG signature is missing)");
  check_declared_size(file.get(), path);

  PngErrorState state{};
  // Frees the libpng structs however this function is left (return or exception).
  struct ReadStructs {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~ReadStructs() {
      if (png) png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    }
  } s;
  s.png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &state, on_png_error, on_png_warning, nullptr, capped_malloc,
                                   capped_free);
  if (!s.png) fail(path, "libpng could not allocate a read struct");
  s.info = png_create_info_struct(s.png);
  if (!s.info) fail(path, "libpng could not allocate an info struct");
  png_structp png = s.png;
  png_infop info = s.info;
  // libpng's own limits, behind the checks above: the image size, the memory one ancillary chunk
  // may take, and how many such chunks are kept. Text, colour profiles, palettes of suggestions
  // and EXIF data are skipped unread: 240 zTXt chunks of a 1.9 MB file would otherwise inflate
  // to 1.9 GB of text that nothing here uses.
  png_set_user_limits(png, png_uint_32(limits::image_side), png_uint_32(limits::image_side));
  png_set_chunk_malloc_max(png, limits::png_chunk_bytes);
  png_set_chunk_cache_max(png, 16);
  static const png_byte skipped[] = "tEXt\0zTXt\0iTXt\0iCCP\0sPLT\0eXIf\0";
  png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skipped, 6);
#ifdef NN_FUZZING
  png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);  // let the fuzzer past the checksums
#endif

  PngLayout layout;
  if (!read_header(png, info, file.get(), &layout)) {
    // libpng says "Read Error" when the file ends inside a chunk (e.g. one that declares 2 GB)
    const bool ended = std::strcmp(state.message, "Read Error") == 0;
    fail(path, std::string(ended ? "truncated: the file ends inside a chunk before the image data" : "corrupt header") +
                   " (libpng: " + state.message + ")");
  }
  if (layout.channels < 1 || layout.channels > 4 || (layout.bit_depth != 8 && layout.bit_depth != 16))
    fail(path, "unsupported layout: " + std::to_string(layout.channels) + " channels of " +
                   std::to_string(layout.bit_depth) + " bits after expansion");

  std::vector<png_byte> pixels(layout.rowbytes * layout.height);
  std::vector<png_bytep> rows(layout.height);
  for (png_uint_32 y = 0; y < layout.height; ++y) rows[y] = pixels.data() + y * layout.rowbytes;
  if (!read_pixels(png, rows.data()))
    fail(path, std::string("truncated or corrupt image data (libpng: ") + state.message + ")");

  const std::size_t C = std::size_t(layout.channels), H = layout.height, W = layout.width;
  Tensor<float> image(Shape{1, C, H, W});
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t w = 0; w < W; ++w)
      for (std::size_t c = 0; c < C; ++c) {
        const std::size_t k = w * C + c;  // interleaved samples in the file's row
        image(0, c, h, w) = layout.bit_depth == 8
                                ? float(rows[h][k]) / 255.0f
                                : float((unsigned(rows[h][2 * k]) << 8) | rows[h][2 * k + 1]) / 65535.0f;  // big-endian
      }
  return image;
}

void save_png(const fs::path& path, const Tensor<float>& image, PngScaling scaling) {
  if (image.rank() != 4 || image.dim(0) != 1 || (image.dim(1) != 1 && image.dim(1) != 3))
    throw shape_error("save_png(" + path.string() + "): image " + image.shape().str() +
                      " must be (1, 1, H, W) or (1, 3, H, W)");
  const std::size_t C = image.dim(1), H = image.dim(2), W = image.dim(3);
  float lo = 0, range = 1;
  if (scaling == PngScaling::min_max) {
    const auto [mn, mx] = std::minmax_element(image.begin(), image.end());
    lo = *mn;
    range = *mx - *mn;
  }
  std::vector<png_byte> pixels(C * H * W);
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t w = 0; w < W; ++w)
      for (std::size_t c = 0; c < C; ++c) {
        float v = range > 0 ? (image(0, c, h, w) - lo) / range : 0.0f;
        if (!(v >= 0.0f)) v = 0.0f;  // also NaN
        if (v > 1.0f) v = 1.0f;
        pixels[(h * W + w) * C + c] = png_byte(std::lround(v * 255.0f));
      }
  std::vector<png_bytep> rows(H);
  for (std::size_t h = 0; h < H; ++h) rows[h] = pixels.data() + h * W * C;

  std::string encoded;
  encoded.reserve(C * H * W / 2 + 1024);
  PngErrorState state{};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_png_error, on_png_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  std::string fault;
  if (png && info) {
    if (!write_pixels(png, info, &encoded, png_uint_32(W), png_uint_32(H), C == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                      rows.data()))
      fault = std::string("libpng: ") + state.message;
  } else {
    fault = "libpng could not allocate a write struct";
  }
  if (png) png_destroy_write_struct(&png, info ? &info : nullptr);
  if (!fault.empty()) fail(path, "cannot encode: " + fault);
  try {
    write_file_atomically(path, encoded);
  } catch (const std::runtime_error& e) {
    throw data_error(e.what());
  }
}

// ---- drawing ----------------------------------------------------------------------------------

namespace {
void put(Tensor<float>& im, long x, long y, Rgb c) {
  const long H = long(im.dim(2)), W = long(im.dim(3));
  if (x < 0 || y < 0 || x >= W || y >= H) return;
  const std::size_t plane = std::size_t(H * W), o = std::size_t(y * W + x);
  im.data()[o] = c.r;
  im.data()[plane + o] = c.g;
  im.data()[2 * plane + o] = c.b;
}
void require_rgb(const Tensor<float>& im, const char* what) {
  if (im.rank() != 4 || im.dim(0) != 1 || im.dim(1) != 3) {
    throw shape_error(std::string(what) + ": needs an RGB image (1, 3, H, W), got " + im.shape().str());
  }
}
/// 3×5 glyphs, row by row, '1' = ink.
const char* glyph(char ch) {
  static const std::array<const char*, 36> alnum = {
      "111101101101111", "010110010010111", "111001111100111", "111001111001111", "101101111001001",
      "111100111001111", "111100111101111", "111001001001001", "111101111101111", "111101111001111",
      "010101111101101", "110101110101110", "011100100100011", "110101101101110", "111100110100111",
      "111100110100100", "011100101101011", "101101111101101", "111010010010111", "001001001101010",
      "101101110101101", "100100100100111", "101111111101101", "110101101101101", "010101101101010",
      "110101110100100", "010101101110011", "110101110101101", "011100010001110", "111010010010010",
      "101101101101111", "101101101101010", "101101111111101", "101101010101101", "101101010010010",
      "111001010100111"};
  if (ch >= '0' && ch <= '9') return alnum[std::size_t(ch - '0')];
  if (ch >= 'a' && ch <= 'z') return alnum[std::size_t(10 + ch - 'a')];
  if (ch >= 'A' && ch <= 'Z') return alnum[std::size_t(10 + ch - 'A')];
  switch (ch) {
    case '.': return "000000000000010";
    case '-': return "000000111000000";
    case '%': return "101001010100101";
    case ':': return "000010000010000";
    default: return "000000000000000";
  }
}
}  // namespace

void draw_box(Tensor<float>& image, const Box& box, Rgb colour, int thickness, int dash) {
  require_rgb(image, "draw_box");
  const long x1 = std::lround(box.x1), y1 = std::lround(box.y1);
  const long x2 = std::lround(box.x2) - 1, y2 = std::lround(box.y2) - 1;
  // pixel d of a side (counted from the corner) is drawn on a solid line, or in a dash's "on" half
  const auto on = [dash](long d) { return dash <= 0 || (d / dash) % 2 == 0; };
  for (int t = 0; t < thickness; ++t) {
    for (long x = x1; x <= x2; ++x)
      if (on(x - x1)) put(image, x, y1 + t, colour), put(image, x, y2 - t, colour);
    for (long y = y1; y <= y2; ++y)
      if (on(y - y1)) put(image, x1 + t, y, colour), put(image, x2 - t, y, colour);
  }
}

void draw_text(Tensor<float>& image, int x, int y, const std::string& text, Rgb colour, int scale) {
  require_rgb(image, "draw_text");
  const Rgb backing{0.f, 0.f, 0.f};
  const long n = long(text.size());
  for (long yy = y - scale; yy < y + 6 * scale; ++yy)  // dark backing, one dot of margin
    for (long xx = x - scale; xx < x + n * 4 * scale; ++xx) put(image, xx, yy, backing);
  for (long k = 0; k < n; ++k) {
    const char* g = glyph(text[std::size_t(k)]);
    for (int row = 0; row < 5; ++row)
      for (int col = 0; col < 3; ++col)
        if (g[row * 3 + col] == '1')
          for (int dy = 0; dy < scale; ++dy)
            for (int dx = 0; dx < scale; ++dx)
              put(image, x + (k * 4 + col) * scale + dx, y + row * scale + dy, colour);
  }
}

Tensor<float> gray_to_rgb(const Tensor<float>& gray, std::size_t zoom) {
  if (gray.rank() != 4 || gray.dim(0) != 1 || gray.dim(1) != 1 || zoom == 0) {
    throw shape_error("gray_to_rgb: needs a gray image (1, 1, H, W) and zoom >= 1, got " + gray.shape().str());
  }
  const std::size_t H = gray.dim(2), W = gray.dim(3);
  Tensor<float> rgb(Shape{1, 3, H * zoom, W * zoom});
  for (std::size_t c = 0; c < 3; ++c)
    for (std::size_t h = 0; h < H * zoom; ++h)
      for (std::size_t w = 0; w < W * zoom; ++w) rgb(0, c, h, w) = gray(0, 0, h / zoom, w / zoom);
  return rgb;
}

void paste(Tensor<float>& canvas, const Tensor<float>& tile, std::size_t x, std::size_t y) {
  require_rgb(canvas, "paste (canvas)");
  require_rgb(tile, "paste (tile)");
  for (std::size_t c = 0; c < 3; ++c)
    for (std::size_t h = 0; h < tile.dim(2) && y + h < canvas.dim(2); ++h)
      for (std::size_t w = 0; w < tile.dim(3) && x + w < canvas.dim(3); ++w) canvas(0, c, y + h, x + w) = tile(0, c, h, w);
}

// ---- instantiations -----------------------------------------------------------------------------

}  // namespace nn
