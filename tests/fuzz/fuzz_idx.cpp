// libFuzzer target: the IDX reader, plain and gzip-compressed (the gzip magic 1f 8b decides).
// Any input must end in a value or an nn::data_error; a crash, a leak, a hang (-timeout) or more
// than -rss_limit_mb of memory is a bug.
#include "fuzz_input.hpp"
#include "nn/data/idx.hpp"
#include "nn/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::input_file(data, size, ".idx");
  try {
    const nn::IdxImages im = nn::read_idx_images(path);
    if (im.pixels.size() != im.count * im.rows * im.cols) __builtin_trap();  // the reader's own promise
  } catch (const nn::data_error&) {
  }
  try {  // the same bytes as images and as labels: the pair must agree, or be refused
    const nn::Dataset d = nn::load_idx_pair(path, path, 256);
    if (d.images.dim(0) != d.labels.size()) __builtin_trap();
  } catch (const nn::data_error&) {
  }
  try {
    const auto labels = nn::read_idx_labels(path, 10);
    for (auto l : labels)
      if (l >= 10) __builtin_trap();
  } catch (const nn::data_error&) {
  }
  return 0;
}
