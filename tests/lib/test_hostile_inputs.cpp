// Hostile inputs (design notes, "Limits"): files whose declared sizes would make the readers
// allocate gigabytes, whose numbers overflow, or whose values poison a forward pass. Each reader
// refuses them with an nn::data_error naming the file and the fault, before it allocates
// anything large. The program-level twins of these tests (tests/CMakeLists.txt, "hostile: …")
// also cap memory and time; these check the messages and the edges of each limit.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

#include "../hostile/hostile_files.hpp"
#include "nn/data/idx.hpp"
#include "nn/data/image.hpp"
#include "nn/data/lfw.hpp"
#include "nn/data/limits.hpp"
#include "nn/data/model_io.hpp"
#include "nn/data/npy.hpp"
#include "nn/data/wider_face.hpp"
#include "nn/errors.hpp"
#include "nn/tools/files.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::path(NN_TEST_TMP) / "hostile" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const nn::data_error& e) {
    return e.what();
  }
  return "no data_error";
}

}  // namespace

TEST_CASE("a PNG larger than nn::limits is refused from its header, naming its size", "[hostile][png]") {
  const fs::path dir = fresh_dir("png");
  const fs::path huge = dir / "huge.png";
  hostile::write(huge, hostile::png_huge_header());
  CHECK(fs::file_size(huge) < 100);
  const std::string msg = error_of([&] { nn::load_png(huge); });
  CHECK_THAT(msg, Contains(huge.string()) && Contains("40455 × 64009 pixels") && Contains("at most 16384 pixels a side"));
  // the edges: 16384 pixels a side is read, 16385 is not; 4096 × 4096 is read, 4097 × 4096 is not
  hostile::write(dir / "side.png", hostile::png_gray(16384, 1));
  CHECK(nn::load_png(dir / "side.png").dim(3) == 16384);
  hostile::write(dir / "side1.png", hostile::png_huge_header(16385, 1));
  CHECK_THAT(error_of([&] { nn::load_png(dir / "side1.png"); }), Contains("16385 × 1 pixels"));
  hostile::write(dir / "area1.png", hostile::png_huge_header(4097, 4096));
  CHECK_THAT(error_of([&] { nn::load_png(dir / "area1.png"); }), Contains("16777216 pixels in all"));
}

TEST_CASE("a PNG chunk that declares 2 GB is not allocated: the file is truncated or corrupt", "[hostile][png]") {
  // (libpng refuses such a chunk only with a warning and then allocates it; load_png's allocator
  // refuses every block above limits::png_chunk_bytes. The fuzzer and the sanitizer build's
  // program tests, which abort on any allocation above 1 GB, check that nothing larger is asked for.)
  const fs::path dir = fresh_dir("png_chunk");
  // (IDAT: found by fuzz_png in load_png's own pre-pass over the image data, which once
  // allocated a chunk's declared length before reading it)
  for (const char* type : {"sCAL", "iCCP", "tEXt", "zTXt", "iTXt", "sPLT", "IDAT"}) {
    const fs::path p = dir / (std::string(type) + ".png");
    hostile::write(p, hostile::png_huge_chunk(type));
    CAPTURE(type);
    const std::string msg = error_of([&] { nn::load_png(p); });
    CHECK_THAT(msg, Contains(p.string()) && (Contains("truncated") || Contains("corrupt")));
  }
}

TEST_CASE("PNG image data beyond the rows its header declares is refused unread; text bombs are skipped", "[hostile][png]") {
  const fs::path dir = fresh_dir("png_bombs");
  hostile::write(dir / "idat.png", hostile::png_idat_bomb(std::size_t(64) << 20));
  CHECK_THAT(error_of([&] { nn::load_png(dir / "idat.png"); }),
             Contains("idat.png") && Contains("inflates to more than the 812 bytes its header promises"));
  // a header whose bit depth is not a PNG one would size the budget above (255 bits a sample)
  hostile::write(dir / "depth.png", hostile::png_signature() + hostile::png_ihdr(4096, 4096, 255, 6) +
                                        hostile::png_chunk("IEND", ""));
  CHECK_THAT(error_of([&] { nn::load_png(dir / "depth.png"); }),
             Contains("colour type 6 with bit depth 255 and interlace method 0 is not a PNG layout"));
  // one stray byte after the rows: libpng only warns, and so the picture loads
  std::string rows;
  for (int y = 0; y < 28; ++y) rows += '\0' + std::string(28, char(200));
  hostile::write(dir / "plus1.png", hostile::png_signature() + hostile::png_ihdr(28, 28) +
                                        hostile::png_chunk("IDAT", hostile::zlib_compress(rows + '\0')) +
                                        hostile::png_chunk("IEND", ""));
  CHECK(nn::load_png(dir / "plus1.png").shape() == nn::Shape{1, 1, 28, 28});
  // 240 texts of 7.9 MB each: skipped unread, the digit after them is read
  hostile::write(dir / "text.png", hostile::png_text_bomb());
  const nn::Tensor<float> one = nn::load_png(dir / "text.png");
  REQUIRE(one.shape() == nn::Shape{1, 1, 28, 28});
  CHECK(one(0, 0, 10, 13) == 0.0f);  // the bar
  CHECK(one(0, 0, 10, 3) == 1.0f);   // the paper
}

TEST_CASE("a gzip IDX stream is inflated only as far as its header promises", "[hostile][idx]") {
  const fs::path dir = fresh_dir("idx");
  // 64 MiB of zeros behind a header of one 28×28 image: refused after 801 bytes
  const fs::path bomb = dir / "bomb-images.gz";
  hostile::write(bomb, hostile::idx_gzip_bomb(std::size_t(64) << 20));
  CHECK_THAT(error_of([&] { nn::read_idx_images(bomb); }),
             Contains(bomb.string()) && Contains("trailing data") && Contains("16 + 1 images of 28×28 = 800 bytes"));
  // exactly the promised bytes load; one fewer is truncated
  const std::string header = hostile::idx_images_header(1, 28, 28);
  hostile::write(dir / "exact.gz", hostile::gzip_with_zeros(header, 784));
  CHECK(nn::read_idx_images(dir / "exact.gz").pixels.size() == 784);
  hostile::write(dir / "short.gz", hostile::gzip_with_zeros(header, 783));
  CHECK_THAT(error_of([&] { nn::read_idx_images(dir / "short.gz"); }), Contains("truncated: 799 bytes"));
  // a header beyond nn::limits::idx_bytes, plain or gzipped, is refused before reading on
  hostile::write(dir / "many.gz", hostile::gzip_with_zeros(hostile::idx_images_header(400000, 28, 28), 0));
  CHECK_THAT(error_of([&] { nn::read_idx_images(dir / "many.gz"); }),
             Contains("header dimensions too large: 400000 images of 28×28") && Contains("67108864 bytes"));
}

TEST_CASE("an .npy header declaring 2^40 values is refused before anything is allocated", "[hostile][npy]") {
  const fs::path dir = fresh_dir("npy");
  const fs::path huge = dir / "faces" / "lfw_subset.npy";
  hostile::write(huge, hostile::npy_huge_shape());
  CHECK(fs::file_size(huge) == 128);
  const std::string limit = std::to_string(nn::limits::npy_values);
  CHECK_THAT(error_of([&] { nn::read_npy(huge); }),
             Contains(huge.string()) && Contains("shape (1048576, 1048576) holds 1099511627776 values, more than the " + limit));
  CHECK_THAT(error_of([&] { nn::load_lfw_subset(dir); }), Contains(huge.string()) && Contains("1099511627776 values"));
  // the edge: 2^24 byte values (a sparse body of zeros) are read, one more is not
  const fs::path edge = dir / "edge.npy", over = dir / "over.npy";
  const std::string header = hostile::npy_file("{'descr': '|u1', 'fortran_order': False, 'shape': (" + limit + ",), }", "");
  hostile::write(edge, header);
  fs::resize_file(edge, header.size() + nn::limits::npy_values);
  CHECK(nn::read_npy(edge).values.size() == nn::limits::npy_values);
  hostile::write(over, hostile::npy_file("{'descr': '|u1', 'fortran_order': False, 'shape': (" +
                                          std::to_string(nn::limits::npy_values + 1) + ",), }", ""));
  fs::resize_file(over, header.size() + nn::limits::npy_values + 1);
  CHECK_THAT(error_of([&] { nn::read_npy(over); }),
             Contains("entry 0 is " + std::to_string(nn::limits::npy_values + 1) + ", more than the " + limit));
}

TEST_CASE("model files: every field of a layer line is checked and named", "[hostile][model-io]") {
  const fs::path dir = fresh_dir("model");
  const std::string good = hostile::small_model_bytes(dir / "scratch.nnm");
  auto expect = [&](const std::string& name, const std::string& bytes, const std::string& words) {
    const fs::path p = dir / name;
    hostile::write(p, bytes);
    const std::string msg = error_of([&] { nn::load_model(p); });
    CAPTURE(name, msg);
    CHECK_THAT(msg, Contains(p.string()) && Contains(words));
  };
  using hostile::model_with_line;
  expect("layer.nnm", model_with_line(good, "layer Flatten", "layer"), "names no layer type (known: Dense, Conv2d");
  expect("unknown.nnm", model_with_line(good, "layer Flatten", "layer Flat"),
         "'Flat' in layer 5 (known: Dense, Conv2d, MaxPool2d, Activation, Flatten, BatchNorm2d, BatchNorm1d)");
  expect("pad.nnm", model_with_line(good, "layer Conv2d", "layer Conv2d 1 2 3 3 1 3"),
         "layer 1 'Conv2d 1 2 3 3 1 3': the padding (at most max(kH, kW) − 1) = 3 is outside 0 … 2");
  expect("stride.nnm", model_with_line(good, "layer Conv2d", "layer Conv2d 1 2 3 3 0 1"), "the stride = 0 is outside 1");
  expect("negative.nnm", model_with_line(good, "layer Conv2d", "layer Conv2d 1 -2 3 3 1 1"),
         "the output channels C′ must be a whole number, got '-2'");
  expect("short.nnm", model_with_line(good, "layer Conv2d", "layer Conv2d 1 2 3"),
         "the line ends where the kernel width kW (a whole number) was expected");
  expect("extra.nnm", model_with_line(good, "layer Flatten", "layer Flatten 7"), "unexpected word '7'");
  expect("relu6.nnm", model_with_line(good, "layer Activation", "layer Activation relu6"),
         "unknown function 'relu6' (known: sigmoid, tanh, relu)");
  expect("eps.nnm", model_with_line(good, "layer BatchNorm2d", "layer BatchNorm2d 2 nan 0.1"), "eps = nan is not finite");
  expect("momentum.nnm", model_with_line(good, "layer BatchNorm2d", "layer BatchNorm2d 2 1e-5 1.5"),
         "momentum = 1.5 must lie in [0, 1]");
  expect("input.nnm", model_with_line(good, "input", "input 1 28 28 28"), "bad input line 'input 1 28 28 28'");
  expect("classes.nnm", model_with_line(good, "classes", "classes a b c d e f g h i j k"),
         "names 11 classes, but its network has 10 outputs");
  // a header of a million layers, or of a million class names: refused at the limit
  std::string many;
  for (int i = 0; i < 1000000; ++i) many += "layer Flatten\n";
  expect("layers.nnm", model_with_line(good, "layer Flatten", many + "layer Flatten"), "more than 1024 layers");
  std::string names = "classes";
  for (int i = 0; i < 1000000; ++i) names += " c";
  expect("names.nnm", model_with_line(good, "classes", names), "names more than 65536 classes");
  // a model that fits its input but whose first activation would hold 2 · 4096 · 4096 values
  std::string big = model_with_line(good, "input", "input 1 4096 4096");
  expect("activation.nnm", big, "layer 1 (Conv2d(1 → 2, 3×3, s=1, p=1)) would output (1, 2, 4096, 4096), 33554432 values for one example");
  // a 66 KB file whose one convolution would need a 1.5 GB im2row workspace, and one that would
  // need 2^34 multiply-adds for one example
  {
    nn::Sequential<float> k128;
    k128.add<nn::Conv2d<float>>(1, 1, 128, 128, nn::ConvSpec{1, 127});
    nn::save_model(dir / "workspace.nnm", k128, nn::Shape{1, 28, 28});
    expect("workspace.nnm", hostile::read(dir / "workspace.nnm"),
           "layer 1 (Conv2d(1 → 1, 128×128, s=1, p=127)) would need an im2row workspace of 393625600 values for one example");
  }
  {  // output and workspace 2^24 values each (just within), but 2^31 multiply-adds
    nn::Sequential<float> wide;
    wide.add<nn::Conv2d<float>>(128, 128, 1, 1);
    nn::save_model(dir / "macs.nnm", wide, nn::Shape{128, 362, 362});
    expect("macs.nnm", hostile::read(dir / "macs.nnm"), "would need 2147024896 multiply-adds for one example, more than 1073741824");
  }
  // ε checked as the float it becomes
  expect("eps_tiny.nnm", model_with_line(good, "layer BatchNorm2d", "layer BatchNorm2d 2 1e-50 0.1"), "eps = 1e-50 is 0 or infinite as a float");
  expect("eps_huge.nnm", model_with_line(good, "layer BatchNorm2d", "layer BatchNorm2d 2 1e300 0.1"), "eps = 1e+300 is 0 or infinite as a float");
  // control characters from the file are shown escaped, never sent to the terminal
  expect("escape.nnm", model_with_line(good, "classes", "classes 0 1 2 3 4 5 6 7 8 \x1b[2J"), "class name '\\x1b[2J' holds control characters");
  {  // every layer within the limits, but eight of them hold 8 · 2^24 values together
    nn::Sequential<float> pools;
    for (int i = 0; i < 8; ++i) pools.add<nn::MaxPool2d<float>>(nn::PoolSpec{1, 1, 1, 1});
    nn::save_model(dir / "pools.nnm", pools, nn::Shape{1, 4096, 4096});
    expect("pools.nnm", hostile::read(dir / "pools.nnm"),
           "its layers up to layer 5 (MaxPool2d(1×1, s=1)) would hold 83886080 values");
  }
  // values: NaN, ±∞ and a negative running variance
  expect("nan.nnm", hostile::model_with_value(good, 0, 4, std::numeric_limits<float>::quiet_NaN()), "tensor 0 (W) holds nan at index 4");
  expect("inf.nnm", hostile::model_with_value(good, 5, 9, -std::numeric_limits<float>::infinity()), "tensor 5 (b) holds -inf at index 9");
  expect("var.nnm", hostile::model_with_value(good, 7, 1, -0.25f), "tensor 7 (running_var) holds -0.250000 at index 1");
}

TEST_CASE("model files: an indented or spaced header line is read like any other", "[hostile][model-io]") {
  const fs::path dir = fresh_dir("model_spaces");
  const std::string good = hostile::small_model_bytes(dir / "scratch.nnm");
  {  // what save_model writes loads: a 1×5 "same" convolution pads 2 on both sides
    nn::Sequential<float> wide;
    wide.add<nn::Conv2d<float>>(1, 2, 1, 5, nn::ConvSpec{1, 2});
    nn::save_model(dir / "k1x5.nnm", wide, nn::Shape{1, 28, 28});
    CHECK(nn::load_model(dir / "k1x5.nnm").net.size() == 1);
  }
  hostile::write(dir / "spaced.nnm", hostile::model_with_line(good, "layer Dense", "  layer   Dense\t392  10 "));
  const nn::Model m = nn::load_model(dir / "spaced.nnm");
  CHECK(m.net.size() == 6);
  CHECK(m.classes.size() == 10);
  // and a good model loads: the checks refuse only what is wrong
  hostile::write(dir / "good.nnm", good);
  CHECK(nn::load_model(dir / "good.nnm").net.size() == 6);
}

TEST_CASE("WIDER FACE: numbers beyond ±2^24, long lines and paths out of the folder are refused", "[hostile][wider_face]") {
  const fs::path dir = fresh_dir("wider");
  const fs::path f = dir / "wider_face_train_bbx_gt.txt";
  auto expect = [&](const std::string& text, const std::string& words) {
    hostile::write(f, text);
    const std::string msg = error_of([&] { nn::read_wider_face_annotations(f); });
    CAPTURE(text.substr(0, 80), msg);
    CHECK_THAT(msg, Contains(f.string() + ":") && Contains(words));
  };
  expect("a.jpg\n1\n9223372036854775807 36 1 32 0 0 0 0 0 0\n", ":3: expected 10 whole numbers");
  expect("a.jpg\n1\n16777217 36 1 32 0 0 0 0 0 0\n", ":3: expected 10 whole numbers");
  expect("a.jpg\n1\n-3 36 1 32 0 0 0 0 0 0\n", ":3: box corner x1 = -3, y1 = 36 lies outside the image");
  expect("a.jpg\n99999999999999999999\n", ":2: expected the number of faces");
  expect("a.jpg\n3\n1 1 1 1 0 0 0 0 0 0\n", ":4: file ends where face line 2 of 3 of a.jpg was expected");
  expect("../../etc/a.jpg\n0\n0 0 0 0 0 0 0 0 0 0\n", ":1: image path '../../etc/a.jpg' must be relative");
  expect("/etc/a.jpg\n0\n0 0 0 0 0 0 0 0 0 0\n", ":1: image path '/etc/a.jpg' must be relative");
  expect("a.jpg\n1\n" + std::string(100000, '7') + "\n", ":3: line longer than 65536 bytes");
  expect("a\x1b[2J.jpg\n0\n", ":1: image path 'a\\x1b[2J.jpg' holds control characters");
  // the largest box that is allowed is read exactly
  hostile::write(f, "a.jpg\n1\n16777216 0 16777216 1 0 0 0 0 0 0\n\n\nb.jpg\n0\n0 0 0 0 0 0 0 0 0 0\n");
  const auto recs = nn::read_wider_face_annotations(f);
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].faces[0].box.x2 == 33554432.0);
  CHECK(recs[1].line == 6);
}

TEST_CASE("saving removes the temporaries of killed runs, and names the reason of a failure", "[hostile][files]") {
  const fs::path dir = fresh_dir("files");
  const fs::path target = dir / "table.txt";
  // the PID of a process that has ended
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  ::waitpid(child, nullptr, 0);
  const fs::path stale = dir / ("table.txt.tmp" + std::to_string(child));
  const fs::path alive = dir / "table.txt.tmp1";  // PID 1 always runs
  const fs::path other = dir / ("other.txt.tmp" + std::to_string(child));
  for (const auto& p : {stale, alive, other}) hostile::write(p, "half a file");
  nn::write_file_atomically(target, "all of it\n");
  CHECK(hostile::read(target) == "all of it\n");
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(alive));
  CHECK(fs::exists(other));
  // a folder that is a file: the error names the target, the step and the system's reason
  hostile::write(dir / "plain", "x");
  try {
    nn::write_file_atomically(dir / "plain" / "a.txt", "x");
    FAIL("no error");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Contains((dir / "plain" / "a.txt").string()) && Contains("Not a directory"));
  }
  try {
    nn::require_writable_folder(dir / "plain");
    FAIL("no error");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Contains("cannot write results to " + (dir / "plain").string()));
  }
  nn::require_writable_folder(dir / "new" / "sub");  // created, and nothing is left in it
  CHECK(fs::is_empty(dir / "new" / "sub"));
}

TEST_CASE("a pipe or a folder given as a file is refused at once, not waited on", "[hostile][files]") {
  const fs::path dir = fresh_dir("pipe");
  const fs::path fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);  // opening it for reading would block until a writer comes
  CHECK_THAT(error_of([&] { nn::load_png(fifo); }), Contains(fifo.string()) && Contains("not a regular file"));
  CHECK_THAT(error_of([&] { nn::load_model(fifo); }), Contains(fifo.string()) && Contains("not a regular file"));
  CHECK_THAT(error_of([&] { nn::read_idx_images(fifo); }), Contains(fifo.string()) && Contains("not a regular file"));
  CHECK_THAT(error_of([&] { nn::read_wider_face_annotations(fifo); }), Contains(fifo.string()) && Contains("not a regular file"));
  CHECK_THAT(error_of([&] { nn::load_png(dir); }), Contains(dir.string()) && Contains("is a folder"));
}
