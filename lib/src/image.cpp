/// @file image.cpp
/// @brief PNG reading and writing with libpng, and the gray conversion.
///
/// libpng reports errors by calling an error function that must not return; ours records the
/// message and longjmps back to the setjmp of the function that made the libpng call. Every
/// function below that calls setjmp holds only trivially destructible locals and returns a
/// bool, so a longjmp never skips a C++ destructor; the C++ objects (buffers, the FILE and the
/// libpng structs with their cleanup guards) live in the callers, which turn `false` into an
/// nn::data_error naming the file and libpng's message.
#include "nn/image.hpp"

#include <png.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "nn/errors.hpp"

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

bool read_pixels(png_structp png, png_infop info, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  png_read_end(png, info);
  return true;
}

bool write_pixels(png_structp png, png_infop info, std::FILE* file, png_uint_32 width, png_uint_32 height,
                  int color_type, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, file);
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

}  // namespace

Tensor<float> load_png(const fs::path& path) {
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) fail(path, std::string("cannot open (") + std::strerror(errno) + ")");
  png_byte signature[8] = {};
  if (std::fread(signature, 1, 8, file.get()) != 8 || png_sig_cmp(signature, 0, 8) != 0)
    fail(path, "not a PNG file (the 8-byte PNG signature is missing)");

  PngErrorState state{};
  // Frees the libpng structs however this function is left (return or exception).
  struct ReadStructs {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~ReadStructs() {
      if (png) png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    }
  } s;
  s.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, on_png_error, on_png_warning);
  if (!s.png) fail(path, "libpng could not allocate a read struct");
  s.info = png_create_info_struct(s.png);
  if (!s.info) fail(path, "libpng could not allocate an info struct");
  png_structp png = s.png;
  png_infop info = s.info;

  PngLayout layout;
  if (!read_header(png, info, file.get(), &layout)) fail(path, std::string("corrupt header (libpng: ") + state.message + ")");
  if (layout.channels < 1 || layout.channels > 4 || (layout.bit_depth != 8 && layout.bit_depth != 16))
    fail(path, "unsupported layout: " + std::to_string(layout.channels) + " channels of " +
                   std::to_string(layout.bit_depth) + " bits after expansion");

  std::vector<png_byte> pixels(layout.rowbytes * layout.height);
  std::vector<png_bytep> rows(layout.height);
  for (png_uint_32 y = 0; y < layout.height; ++y) rows[y] = pixels.data() + y * layout.rowbytes;
  if (!read_pixels(png, info, rows.data()))
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

Tensor<float> to_grayscale(const Tensor<float>& image) {
  if (image.rank() != 4 || image.dim(0) != 1 || image.dim(1) > 4)
    throw shape_error("to_grayscale: image " + image.shape().str() + " must be (1, C, H, W) with C = 1, 2, 3 or 4");
  const std::size_t C = image.dim(1), H = image.dim(2), W = image.dim(3);
  Tensor<float> gray(Shape{1, 1, H, W});
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t w = 0; w < W; ++w) {
      const float y = C <= 2 ? image(0, 0, h, w)
                             : 0.299f * image(0, 0, h, w) + 0.587f * image(0, 1, h, w) + 0.114f * image(0, 2, h, w);
      // with an alpha channel (C = 2 or 4), composite over white: a drawing exported with a
      // transparent background is ink on paper, not ink on black
      const float a = C == 2 || C == 4 ? image(0, C - 1, h, w) : 1.0f;
      gray(0, 0, h, w) = y * a + (1.0f - a);
    }
  return gray;
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

  const fs::path tmp = path.string() + ".tmp" + std::to_string(::getpid());
  bool ok = false;
  std::string fault;
  {
    File file(std::fopen(tmp.c_str(), "wb"));
    if (!file) fail(path, std::string("cannot create ") + tmp.string() + " (" + std::strerror(errno) + ")");
    PngErrorState state{};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (png && info) {
      ok = write_pixels(png, info, file.get(), png_uint_32(W), png_uint_32(H),
                        C == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, rows.data());
      if (!ok) fault = std::string("libpng: ") + state.message;
    } else {
      fault = "libpng could not allocate a write struct";
    }
    if (png) png_destroy_write_struct(&png, info ? &info : nullptr);
    std::FILE* f = file.release();
    if (std::ferror(f) && ok) {
      ok = false;
      fault = "write error";
    }
    if (std::fclose(f) != 0 && ok) {
      ok = false;
      fault = std::string("close failed (") + std::strerror(errno) + ")";
    }
  }
  std::error_code ec;
  if (ok) {
    fs::rename(tmp, path, ec);
    if (ec) fault = "cannot rename " + tmp.string() + " to it (" + ec.message() + ")";
  }
  if (!ok || ec) {
    fs::remove(tmp, ec);
    fail(path, "cannot write: " + fault);
  }
}

}  // namespace nn
