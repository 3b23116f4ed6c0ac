// libFuzzer target: load_png, then what ch08_predict does with the picture (to_grayscale and
// mnist_preprocess). Any input must end in a 28×28 digit or an nn::data_error.
#include <cmath>

#include "fuzz_input.hpp"
#include "nn/data/digits.hpp"
#include "nn/data/image.hpp"
#include "nn/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::input_file(data, size, ".png");
  try {
    const nn::Tensor<float> picture = nn::to_grayscale(nn::load_png(path));
    const nn::Tensor<float> x = nn::mnist_preprocess(picture);
    if (x.shape() != nn::Shape{1, 1, 28, 28}) __builtin_trap();
    for (float v : x)
      if (!std::isfinite(v)) __builtin_trap();
  } catch (const nn::data_error&) {
  }
  return 0;
}
