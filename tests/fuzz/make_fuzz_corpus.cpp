// Writes the fuzzers' seed corpora: small valid files of every kind each reader takes, and the
// hostile files of tests/hostile/ (so a fuzzer starts next to the inputs that once broke us).
//
//   make_fuzz_corpus DIR      → DIR/idx, DIR/png, DIR/model, DIR/wider_face, DIR/npy
#include <iostream>
#include <limits>

#include "../hostile/hostile_files.hpp"
#include "nn/data/idx.hpp"
#include "nn/data/image.hpp"
#include "nn/data/npy.hpp"
#include "nn/data/wider_face.hpp"

namespace fs = std::filesystem;
using namespace hostile;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_fuzz_corpus DIR\n";
    return 2;
  }
  const fs::path dir = argv[1];
  fs::remove_all(dir);
  for (const char* d : {"idx", "png", "model", "wider_face", "npy"}) fs::create_directories(dir / d);

  // IDX: images and labels, plain and gzipped, and a gzip of more than the header promises
  nn::IdxImages im{2, 3, 4, {}};
  for (std::size_t i = 0; i < 24; ++i) im.pixels.push_back(std::uint8_t(i * 10));
  nn::write_idx_images(dir / "idx" / "images", im);
  nn::write_idx_labels(dir / "idx" / "labels", {3, 1, 4, 1, 5});
  write(dir / "idx" / "images.gz", gzip_with_zeros(idx_images_header(2, 3, 4), 24));
  write(dir / "idx" / "labels.gz", gzip_with_zeros(read(dir / "idx" / "labels"), 0));
  write(dir / "idx" / "bomb.gz", idx_gzip_bomb(4096));

  // PNG: gray, RGB and the colour types save_png does not write, by hand; the hostile headers
  nn::Tensor<float> gray(nn::Shape{1, 1, 9, 7}), rgb(nn::Shape{1, 3, 5, 6});
  for (std::size_t i = 0; i < gray.size(); ++i) gray[i] = float(i % 5) / 4.0f;
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = float(i % 7) / 6.0f;
  nn::save_png(dir / "png" / "gray.png", gray);
  nn::save_png(dir / "png" / "rgb.png", rgb);
  write(dir / "png" / "flat.png", png_gray(8, 8));
  write(dir / "png" / "huge_header.png", png_huge_header());
  write(dir / "png" / "huge_scal.png", png_huge_chunk("sCAL"));
  write(dir / "png" / "huge_idat.png", png_huge_chunk("IDAT", 1191182395u));  // once made load_png allocate 1.2 GB
  write(dir / "png" / "idat_bomb.png", png_idat_bomb(std::size_t(1) << 20));
  write(dir / "png" / "text_bomb.png", png_text_bomb(3, 100000));
  write(dir / "png" / "one.png", png_signature() + png_ihdr(28, 28) + png_one_idat() + png_chunk("IEND", ""));
  write(dir / "png" / "text.png", png_signature() + png_ihdr(2, 2) + png_chunk("tEXt", std::string("a\0b", 3)) +
                                      png_chunk("IDAT", zlib_compress(std::string("\0\1\2\0\3\4", 6))) + png_chunk("IEND", ""));

  // model files: the small LeNet-like model and one with each kind of layer line varied
  const std::string good = small_model_bytes(dir / "model" / "scratch.nnm");
  write(dir / "model" / "good.nnm", good);
  write(dir / "model" / "tanh.nnm", model_with_line(good, "layer Activation", "layer Activation tanh"));
  write(dir / "model" / "pool3.nnm", model_with_line(good, "layer MaxPool2d", "layer MaxPool2d 3 3 2 2"));
  write(dir / "model" / "pad6000.nnm", model_with_line(good, "layer Conv2d", "layer Conv2d 1 2 3 3 1 6000"));
  write(dir / "model" / "nan.nnm", model_with_value(good, 0, 0, std::numeric_limits<float>::quiet_NaN()));

  // WIDER FACE annotations: a good file, one with a record of no faces, CRLF, and the overflow
  write(dir / "wider_face" / "good.txt",
        "0--Parade/a.jpg\n2\n449 330 122 149 0 0 0 0 0 0\n1 2 3 4 2 1 1 1 2 1\n1--H/b.png\n0\n0 0 0 0 0 0 0 0 0 0\n");
  write(dir / "wider_face" / "crlf.txt", "x/y.JPG\r\n1\r\n5 5 10 12 1 0 0 0 1 0\r\n");
  write(dir / "wider_face" / "overflow.txt", "a.jpg\n1\n9223372036854775807 36 1 32 0 0 0 0 0 0\n");
  // .npy: a written <f8 array, each other dtype, versions 2.0 and 3.0, a 0-d array, and the hostile shape
  nn::write_npy(dir / "npy" / "f8.npy", {2, 3}, {0, 0.25, 0.5, 0.75, 1, -2});
  const auto npy = [](const std::string& descr, const std::string& shape) {
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  };
  write(dir / "npy" / "f4.npy", npy_file(npy("<f4", "(2,)"), std::string("\0\0\0\x3f\0\0\x80\xbf", 8)));
  write(dir / "npy" / "u1.npy", npy_file(npy("|u1", "(1, 3)"), "\x01\x7f\xff"));
  write(dir / "npy" / "i4.npy", npy_file(npy("<i4", "(1,)"), std::string("\xf9\xff\xff\xff", 4)));
  write(dir / "npy" / "i8.npy", npy_file(npy("<i8", "(1,)"), std::string("\x07\0\0\0\0\0\0\0", 8)));
  write(dir / "npy" / "v2.npy", npy_file("{'shape': (1,), 'descr': '<f8', 'fortran_order': False}", std::string(8, '\0'), 2));
  write(dir / "npy" / "v3.npy", npy_file(npy("|u1", "(2, 1)"), "\x02\x03", 3));
  write(dir / "npy" / "scalar.npy", npy_file(npy("<f8", "()"), std::string(8, '\0')));
  write(dir / "npy" / "huge_shape.npy", npy_huge_shape());
  std::cout << "make_fuzz_corpus: wrote the seed corpora into " << dir.string() << "\n";
  return 0;
}
