// PNG images as (1, C, H, W) tensors (§4.2): save/load round trips, every PNG colour type and
// bit depth through libpng's transforms, and the errors for broken files. The tests write
// their own small PNGs (no data set needed).
#include <catch2/catch.hpp>

#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nn/errors.hpp"
#include "nn/data/image.hpp"

namespace fs = std::filesystem;
using nn::Shape;
using nn::Tensor;

namespace {

fs::path tmp_dir() {
  const fs::path d = fs::path(NN_TEST_TMP) / "image";
  fs::create_directories(d);
  return d;
}

// A raw libpng writer for the colour types save_png() does not write (palette, 16 bit, alpha,
// 1-bit gray). setjmp sits in a function with trivially destructible locals only.
bool write_png_raw_impl(std::FILE* f, png_uint_32 w, png_uint_32 h, int depth, int color, png_bytepp rows,
                        const png_color* palette, int n_palette, const png_byte* trns, int n_trns, int interlace) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, w, h, depth, color, interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (palette) png_set_PLTE(png, info, palette, n_palette);
  if (trns) png_set_tRNS(png, info, trns, n_trns, nullptr);
  png_write_info(png, info);
  if (interlace != PNG_INTERLACE_NONE) png_set_interlace_handling(png);
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

void write_png_raw(const fs::path& path, png_uint_32 w, png_uint_32 h, int depth, int color, std::vector<png_byte> bytes,
                   const std::vector<png_color>& palette = {}, const std::vector<png_byte>& trns = {},
                   int interlace = PNG_INTERLACE_NONE) {
  const std::size_t rowbytes = bytes.size() / h;
  std::vector<png_bytep> rows(h);
  for (png_uint_32 y = 0; y < h; ++y) rows[y] = bytes.data() + y * rowbytes;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f);
  const bool ok = write_png_raw_impl(f, w, h, depth, color, rows.data(), palette.empty() ? nullptr : palette.data(),
                                     int(palette.size()), trns.empty() ? nullptr : trns.data(), int(trns.size()), interlace);
  std::fclose(f);
  REQUIRE(ok);
}

std::string load_error(const fs::path& path) {
  try {
    nn::load_png(path);
  } catch (const nn::data_error& e) {
    return e.what();
  }
  return "no data_error";
}

}  // namespace

TEST_CASE("save_png then load_png returns the same gray and RGB images", "[ch04][image]") {
  const fs::path dir = tmp_dir();
  // Values k/255 survive the 8-bit round trip exactly (up to float rounding).
  Tensor<float> gray(Shape{1, 1, 5, 7});
  for (std::size_t i = 0; i < gray.size(); ++i) gray[i] = float((i * 37) % 256) / 255.0f;
  nn::save_png(dir / "gray.png", gray);
  const auto g = nn::load_png(dir / "gray.png");
  REQUIRE(g.shape() == gray.shape());
  for (std::size_t i = 0; i < g.size(); ++i) REQUIRE(g[i] == Approx(gray[i]).margin(1e-6));

  Tensor<float> rgb(Shape{1, 3, 4, 6});
  for (std::size_t c = 0; c < 3; ++c)
    for (std::size_t h = 0; h < 4; ++h)
      for (std::size_t w = 0; w < 6; ++w) rgb(0, c, h, w) = float((c * 80 + h * 30 + w * 7) % 256) / 255.0f;
  nn::save_png(dir / "rgb.png", rgb);
  const auto c = nn::load_png(dir / "rgb.png");
  REQUIRE(c.shape() == rgb.shape());
  for (std::size_t i = 0; i < c.size(); ++i) REQUIRE(c[i] == Approx(rgb[i]).margin(1e-6));
  // the write was atomic: no temporary file is left beside the result
  for (const auto& e : fs::directory_iterator(dir)) CHECK(e.path().string().find(".tmp") == std::string::npos);
}

TEST_CASE("save_png clamps to [0, 1] or stretches [min, max]", "[ch04][image]") {
  const fs::path dir = tmp_dir();
  const Tensor<float> t(Shape{1, 1, 1, 4}, {-2.0f, 0.0f, 1.0f, 2.0f});
  nn::save_png(dir / "clamp.png", t);
  const auto a = nn::load_png(dir / "clamp.png");
  CHECK(a[0] == 0.0f);
  CHECK(a[1] == 0.0f);
  CHECK(a[2] == 1.0f);
  CHECK(a[3] == 1.0f);
  nn::save_png(dir / "minmax.png", t, nn::PngScaling::min_max);
  const auto b = nn::load_png(dir / "minmax.png");
  CHECK(b[0] == 0.0f);
  CHECK(b[1] == Approx(128.0 / 255.0));  // (0 − (−2)) / 4 · 255 = 127.5 → 128
  CHECK(b[2] == Approx(191.0 / 255.0));  // 3/4 · 255 = 191.25 → 191
  CHECK(b[3] == 1.0f);
  CHECK_THROWS_AS(nn::save_png(dir / "bad.png", Tensor<float>(Shape{1, 2, 3, 3})), nn::shape_error);
  // a missing folder is created; a folder that is a file is an error naming the file and the reason
  nn::save_png(dir / "new" / "sub" / "dir.png", t);
  CHECK(fs::exists(dir / "new" / "sub" / "dir.png"));
  std::ofstream(dir / "plain") << "x";
  CHECK_THROWS_WITH(nn::save_png(dir / "plain" / "dir.png", t),
                    Catch::Contains((dir / "plain" / "dir.png").string()) && Catch::Contains("Not a directory"));
}

TEST_CASE("load_png reads Adam7-interlaced images of every size and depth as the plain ones", "[ch04][image]") {
  // load_png inflates the image data once before libpng, with a budget of exactly what the header
  // promises (design notes, "Limits"); for Adam7 that is the sum over seven passes, each with its
  // own rows and filter bytes, so every small size and odd width is tried
  const fs::path dir = tmp_dir();
  struct Kind {
    int depth, colour, channels;
  };
  for (const Kind k : {Kind{1, PNG_COLOR_TYPE_GRAY, 1}, Kind{8, PNG_COLOR_TYPE_RGB, 3}, Kind{16, PNG_COLOR_TYPE_RGB_ALPHA, 4}})
    for (png_uint_32 w : {1u, 2u, 3u, 5u, 8u, 9u, 17u})
      for (png_uint_32 h : {1u, 4u, 7u, 13u}) {
        const std::size_t rowbytes = (std::size_t(w) * std::size_t(k.channels * k.depth) + 7) / 8;
        std::vector<png_byte> px(rowbytes * h);
        for (std::size_t i = 0; i < px.size(); ++i) px[i] = png_byte((i * 37 + w * 11 + h) % 256);
        if (k.depth == 1 && w % 8)  // the unused low bits of a 1-bit row's last byte are 0
          for (png_uint_32 y = 0; y < h; ++y) px[y * rowbytes + rowbytes - 1] &= png_byte(0xff << (8 - w % 8));
        write_png_raw(dir / "plain.png", w, h, k.depth, k.colour, px);
        write_png_raw(dir / "adam7.png", w, h, k.depth, k.colour, px, {}, {}, PNG_INTERLACE_ADAM7);
        const auto a = nn::load_png(dir / "plain.png"), b = nn::load_png(dir / "adam7.png");
        CAPTURE(k.depth, k.colour, w, h);
        REQUIRE(a.shape() == b.shape());
        CHECK(std::equal(a.begin(), a.end(), b.begin()));
      }
}

TEST_CASE("load_png reads palette, 16-bit, gray+alpha, RGBA and 1-bit images", "[ch04][image]") {
  const fs::path dir = tmp_dir();
  SECTION("palette → RGB") {
    write_png_raw(dir / "pal.png", 3, 1, 8, PNG_COLOR_TYPE_PALETTE, {2, 0, 1}, {{255, 0, 0}, {0, 255, 0}, {0, 0, 51}});
    const auto t = nn::load_png(dir / "pal.png");
    REQUIRE(t.shape() == Shape{1, 3, 1, 3});
    CHECK(t(0, 2, 0, 0) == Approx(0.2f));  // index 2 = (0, 0, 51)
    CHECK(t(0, 0, 0, 1) == 1.0f);          // index 0 = red
    CHECK(t(0, 1, 0, 2) == 1.0f);          // index 1 = green
  }
  SECTION("palette with transparency → RGBA") {
    write_png_raw(dir / "palt.png", 2, 1, 8, PNG_COLOR_TYPE_PALETTE, {0, 1}, {{10, 20, 30}, {40, 50, 60}}, {0});
    const auto t = nn::load_png(dir / "palt.png");
    REQUIRE(t.shape() == Shape{1, 4, 1, 2});
    CHECK(t(0, 3, 0, 0) == 0.0f);  // entry 0 transparent
    CHECK(t(0, 3, 0, 1) == 1.0f);  // entry 1 opaque (no tRNS entry)
  }
  SECTION("16-bit gray keeps full precision") {
    // big-endian samples 0x0000, 0x8000, 0xFFFF, 0x0101
    write_png_raw(dir / "g16.png", 4, 1, 16, PNG_COLOR_TYPE_GRAY, {0, 0, 0x80, 0, 0xFF, 0xFF, 0x01, 0x01});
    const auto t = nn::load_png(dir / "g16.png");
    REQUIRE(t.shape() == Shape{1, 1, 1, 4});
    CHECK(t[0] == 0.0f);
    CHECK(t[1] == Approx(32768.0 / 65535.0).epsilon(1e-7));
    CHECK(t[2] == 1.0f);
    CHECK(t[3] == Approx(257.0 / 65535.0).epsilon(1e-6));
  }
  SECTION("gray + alpha") {
    write_png_raw(dir / "ga.png", 2, 1, 8, PNG_COLOR_TYPE_GRAY_ALPHA, {255, 0, 51, 255});
    const auto t = nn::load_png(dir / "ga.png");
    REQUIRE(t.shape() == Shape{1, 2, 1, 2});
    CHECK(t(0, 0, 0, 0) == 1.0f);
    CHECK(t(0, 1, 0, 0) == 0.0f);
    CHECK(t(0, 0, 0, 1) == Approx(0.2f));
    CHECK(nn::to_grayscale(t).shape() == Shape{1, 1, 1, 2});
  }
  SECTION("RGBA, 16 bit") {
    write_png_raw(dir / "rgba16.png", 1, 1, 16, PNG_COLOR_TYPE_RGB_ALPHA, {0xFF, 0xFF, 0, 0, 0x80, 0, 0xFF, 0xFF});
    const auto t = nn::load_png(dir / "rgba16.png");
    REQUIRE(t.shape() == Shape{1, 4, 1, 1});
    CHECK(t[0] == 1.0f);
    CHECK(t[1] == 0.0f);
    CHECK(t[3] == 1.0f);
    // luma of (1, 0, 0.5): 0.299 + 0.114 · 0.5
    CHECK(nn::to_grayscale(t)[0] == Approx(0.299 + 0.114 * 32768.0 / 65535.0).epsilon(1e-6));
  }
  SECTION("1-bit gray expands to 0 and 1") {
    write_png_raw(dir / "g1.png", 8, 1, 1, PNG_COLOR_TYPE_GRAY, {0b10100000});
    const auto t = nn::load_png(dir / "g1.png");
    REQUIRE(t.shape() == Shape{1, 1, 1, 8});
    CHECK(t[0] == 1.0f);
    CHECK(t[1] == 0.0f);
    CHECK(t[2] == 1.0f);
    CHECK(t[3] == 0.0f);
  }
}

TEST_CASE("to_grayscale uses BT.601 luma", "[ch04][image]") {
  const Tensor<float> rgb(Shape{1, 3, 1, 2}, {1, 0, 0, 1, 0, 1});  // pixel 0 = (1, 0, 0), pixel 1 = (0, 1, 1)
  const auto g = nn::to_grayscale(rgb);
  REQUIRE(g.shape() == Shape{1, 1, 1, 2});
  CHECK(g[0] == Approx(0.299));
  CHECK(g[1] == Approx(0.587 + 0.114));
  CHECK_THROWS_AS(nn::to_grayscale(Tensor<float>(Shape{2, 3, 4, 4})), nn::shape_error);
}

TEST_CASE("to_grayscale composites an alpha channel over white", "[ch08][image]") {
  // RGBA: transparent background (any colour, α = 0), opaque black ink, half-transparent black
  const Tensor<float> rgba(Shape{1, 4, 1, 3}, {0, 0, 0.5f,  //  R
                                               0, 0, 0.5f,  //  G
                                               0, 0, 0.5f,  //  B
                                               0, 1, 0.5f}); // α
  const auto g = nn::to_grayscale(rgba);
  CHECK(g[0] == Approx(1.0));   // paper
  CHECK(g[1] == Approx(0.0));   // ink
  CHECK(g[2] == Approx(0.75));  // 0.5 · 0.5 + 0.5
  const Tensor<float> ga(Shape{1, 2, 1, 2}, {0, 0, 0, 1});  // gray + α: transparent, opaque black
  const auto h = nn::to_grayscale(ga);
  CHECK(h[0] == Approx(1.0));
  CHECK(h[1] == Approx(0.0));
}

TEST_CASE("broken PNG files throw data_error naming the file and the fault", "[ch04][image][errors]") {
  const fs::path dir = tmp_dir();
  SECTION("missing file") {
    const auto msg = load_error(dir / "missing.png");
    CAPTURE(msg);
    CHECK(msg.find("missing.png") != std::string::npos);
    CHECK(msg.find("cannot open") != std::string::npos);
  }
  SECTION("not a PNG") {
    std::ofstream(dir / "text.png") << "this is not an image, just text long enough\n";
    const auto msg = load_error(dir / "text.png");
    CAPTURE(msg);
    CHECK(msg.find("text.png") != std::string::npos);
    CHECK(msg.find("not a PNG") != std::string::npos);
  }
  SECTION("truncated") {
    Tensor<float> noise(Shape{1, 3, 40, 40});
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = float((i * 7919) % 255) / 255.0f;  // incompressible-ish
    nn::save_png(dir / "whole.png", noise);
    const auto size = fs::file_size(dir / "whole.png");
    REQUIRE(size > 200);
    for (const auto keep : {std::uintmax_t(20), std::uintmax_t(size / 2)}) {
      fs::copy_file(dir / "whole.png", dir / "cut.png", fs::copy_options::overwrite_existing);
      fs::resize_file(dir / "cut.png", keep);
      const auto msg = load_error(dir / "cut.png");
      CAPTURE(keep, msg);
      CHECK(msg.find("cut.png") != std::string::npos);
      CHECK((msg.find("libpng") != std::string::npos || msg.find("truncated") != std::string::npos));
    }
    // without its last 12 bytes (the IEND chunk) every pixel is still there: load_png stops
    // after the last row and never reads what follows, so it returns the whole image
    fs::copy_file(dir / "whole.png", dir / "cut.png", fs::copy_options::overwrite_existing);
    fs::resize_file(dir / "cut.png", size - 12);
    const auto whole = nn::load_png(dir / "whole.png"), cut = nn::load_png(dir / "cut.png");
    CHECK(std::equal(whole.begin(), whole.end(), cut.begin(), cut.end()));
  }
  SECTION("corrupt data (a flipped byte in the image data breaks its CRC)") {
    Tensor<float> t(Shape{1, 1, 16, 16}, 0.5f);
    nn::save_png(dir / "ok.png", t);
    std::fstream f(dir / "ok.png", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(60);
    f.put('\x55');
    f.close();
    const auto msg = load_error(dir / "ok.png");
    CAPTURE(msg);
    CHECK(msg.find("ok.png") != std::string::npos);
  }
}
