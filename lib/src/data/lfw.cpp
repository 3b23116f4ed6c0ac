/// @file lfw.cpp
/// @brief scikit-image's LFW subset as a Dataset: faces 1, non-faces 0 (§1.3).
#include "nn/data/lfw.hpp"

#include <sstream>

#include "nn/data/npy.hpp"
#include "nn/errors.hpp"

namespace fs = std::filesystem;

namespace nn {

Dataset load_lfw_subset(const fs::path& data_dir) {
  constexpr std::size_t kCount = 200, kFaces = 100, kSide = 25;
  const fs::path path = data_dir / lfw_subset_relative_path;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw data_error(missing_data_message(path.string()));
  const NpyArray a = read_npy(path);
  if (a.shape != std::vector<std::size_t>{kCount, kSide, kSide}) {
    std::string got = "(";
    for (std::size_t i = 0; i < a.shape.size(); ++i) got += (i ? ", " : "") + std::to_string(a.shape[i]);
    throw data_error(path.string() + ": shape " + got + (a.shape.size() == 1 ? ",)" : ")") +
                     ", expected (200, 25, 25): scikit-image's 200 crops of 25×25 pixels");
  }
  Dataset d;
  d.images = Tensor<float>(Shape{kCount, 1, kSide, kSide});
  float* x = d.images.data();
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    const double v = a.values[i];
    if (!(v >= 0 && v <= 1)) {
      const std::size_t image = i / (kSide * kSide), row = i / kSide % kSide, col = i % kSide;
      std::ostringstream value;
      value << v;
      throw data_error(path.string() + ": value " + value.str() + " of image " + std::to_string(image) +
                       " at row " + std::to_string(row) + ", column " + std::to_string(col) + " (flat index " +
                       std::to_string(i) + ") is outside [0, 1]");
    }
    x[i] = static_cast<float>(v);
  }
  d.labels.assign(kCount, 0);
  for (std::size_t i = 0; i < kFaces; ++i) d.labels[i] = 1;
  return d;
}

}  // namespace nn
