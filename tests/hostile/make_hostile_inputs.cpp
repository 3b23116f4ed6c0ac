// Writes the hostile input files of the program tests (tests/CMakeLists.txt, "hostile: …") into
// one folder: small files that once made the programs allocate gigabytes, overflow or crash.
//
//   make_hostile_inputs DIR
#include <cmath>
#include <iostream>
#include <limits>

#include "hostile_files.hpp"
#include "nn/data/idx.hpp"

namespace fs = std::filesystem;
using namespace hostile;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_hostile_inputs DIR\n";
    return 2;
  }
  const fs::path dir = argv[1];
  fs::remove_all(dir);
  fs::create_directories(dir);

  // PNG: a header that declares 2.6 gigapixels; an sCAL chunk and an iCCP profile that declare 2 GB
  write(dir / "png_huge_header.png", png_huge_header());
  write(dir / "png_huge_scal.png", png_huge_chunk("sCAL"));
  write(dir / "png_huge_iccp.png", png_huge_chunk("iCCP"));
  write(dir / "png_huge_idat.png", png_huge_chunk("IDAT"));  // found by fuzz_png
  write(dir / "png_wide_row.png", png_huge_header(16384 * 64, 1));  // one row of a million pixels
  // PNG: 240 zTXt chunks of 7.9 MB text each in 1.9 MB; 512 MiB of image data behind a 28×28
  // header; and a sparse file of 100 MiB
  write(dir / "png_text_bomb.png", png_text_bomb());
  write(dir / "png_idat_bomb.png", png_idat_bomb());
  {
    std::string s = png_signature() + png_ihdr(28, 28);
    write(dir / "png_sparse_chunks.png", s);
    fs::resize_file(dir / "png_sparse_chunks.png", std::uintmax_t(100) << 20);  // 100 MiB of holes
  }

  // IDX: a gzip stream that inflates to 1.5 GiB behind a header of one image; the other three
  // files of the official layout are valid, so the bomb is what the program meets
  const fs::path idx = dir / "idx_gzip_bomb";
  fs::create_directories(idx);
  write(idx / "train-images-idx3-ubyte.gz", idx_gzip_bomb());
  nn::write_idx_labels(idx / "train-labels-idx1-ubyte", {3});
  nn::write_idx_images(idx / "t10k-images-idx3-ubyte", nn::IdxImages{1, 28, 28, std::vector<std::uint8_t>(784, 7)});
  nn::write_idx_labels(idx / "t10k-labels-idx1-ubyte", {3});
  // IDX: a plain header promising 2^32 − 1 images, a sparse file of 300 MiB, and a 261 KB gzip of
  // 342,392 honest images (256 MiB, whose float tensor would take 1 GiB more)
  const fs::path idx2 = dir / "idx_huge_count";
  fs::create_directories(idx2);
  write(idx2 / "train-images-idx3-ubyte", idx_images_header(0xffffffffu, 28, 28));
  for (const char* f : {"train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"}) fs::copy_file(idx / f, idx2 / f);
  fs::copy_file(idx / "t10k-images-idx3-ubyte", idx2 / "t10k-images-idx3-ubyte");
  const fs::path idx3 = dir / "idx_sparse";
  fs::create_directories(idx3);
  write(idx3 / "train-images-idx3-ubyte", idx_images_header(400000, 28, 28));
  fs::resize_file(idx3 / "train-images-idx3-ubyte", std::uintmax_t(400000) * 784 + 16);  // 300 MiB of holes
  for (const char* f : {"train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte", "t10k-images-idx3-ubyte"}) fs::copy_file(idx / f, idx3 / f);

  const fs::path idx4 = dir / "idx_honest_giant";
  fs::create_directories(idx4);
  write(idx4 / "train-images-idx3-ubyte.gz", gzip_with_zeros(idx_images_header(342392, 28, 28), std::size_t(342392) * 784));
  for (const char* f : {"train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte", "t10k-images-idx3-ubyte"}) fs::copy_file(idx / f, idx4 / f);

  // NumPy .npy: the LFW subset of a --data folder, 128 bytes whose header declares 2^40 doubles
  write(dir / "npy_huge_shape" / "faces" / "lfw_subset.npy", npy_huge_shape());

  // Model files: one valid, then each with one fault (the checksum always matches)
  const std::string good = small_model_bytes(dir / "scratch.nnm");
  write(dir / "model_good.nnm", good);
  write(dir / "model_layer_only.nnm", model_with_line(good, "layer Flatten", "layer"));
  {  // a model that loads in the old reader and whose forward pass on one 28×28 image needs 1.7 GB
    nn::Sequential<float> conv;
    conv.add<nn::Conv2d<float>>(1, 6, 5, 5, nn::ConvSpec{1, 6000});
    nn::save_model(dir / "model_pad6000.nnm", conv, nn::Shape{1, 28, 28});
  }
  write(dir / "model_pad2e32.nnm", model_with_line(good, "layer Conv2d", "layer Conv2d 1 2 3 3 1 4294967296"));
  write(dir / "model_nan_weight.nnm", model_with_value(good, 0, 4, std::numeric_limits<float>::quiet_NaN()));
  write(dir / "model_negative_variance.nnm", model_with_value(good, 7, 1, -0.25f));
  write(dir / "model_negative_eps.nnm", model_with_line(good, "layer BatchNorm2d", "layer BatchNorm2d 2 -1e-05 0.1"));
  write(dir / "model_few_classes.nnm", model_with_line(good, "classes", "classes zero one two"));
  write(dir / "model_wide_pool.nnm", model_with_line(good, "layer MaxPool2d", "layer MaxPool2d 2 2 0 2"));
  write(dir / "model_huge_dense.nnm", model_with_line(good, "layer Dense", "layer Dense 392 99999999999999999999"));
  {  // 66 KB: one convolution whose im2row workspace for one 28×28 image is 1.5 GB
    nn::Sequential<float> k128;
    k128.add<nn::Conv2d<float>>(1, 1, 128, 128, nn::ConvSpec{1, 127});
    nn::save_model(dir / "model_conv_k128.nnm", k128, nn::Shape{1, 28, 28});
  }
  write(dir / "model_eps_tiny.nnm", model_with_line(good, "layer BatchNorm2d", "layer BatchNorm2d 2 1e-50 0.1"));
  fs::create_directories(dir / "model_folder.nnm");
  write(dir / "model_sparse.nnm", good);
  fs::resize_file(dir / "model_sparse.nnm", std::uintmax_t(300) << 20);  // 300 MiB of holes after a good model

  // WIDER FACE: a face line whose x1 + w overflows a 64-bit integer; a 32 MiB line of zero bytes;
  // a sparse annotation file of 300 MiB
  const std::string overflow = "0--Parade/a.jpg\n1\n9223372036854775807 36 1 32 0 0 0 0 0 0\n";
  // a WIDER FACE folder whose training annotations are `train`, grown to `holes` bytes if nonzero
  auto wider_folder = [&](const std::string& name, const std::string& train, std::uintmax_t holes) {
    const fs::path root = dir / name, split = root / "wider_face_split";
    fs::create_directories(root / "WIDER_train" / "images");
    fs::create_directories(root / "WIDER_val" / "images");
    write(split / "wider_face_train_bbx_gt.txt", train);
    if (holes) fs::resize_file(split / "wider_face_train_bbx_gt.txt", holes);
    write(split / "wider_face_val_bbx_gt.txt", overflow);
  };
  wider_folder("wider_overflow", overflow, 0);
  wider_folder("wider_long_line", "", std::uintmax_t(32) << 20);
  wider_folder("wider_sparse", "", std::uintmax_t(300) << 20);

  std::cout << "make_hostile_inputs: wrote the hostile files into " << dir.string() << "\n";
  return 0;
}
