/// @file grayscale.cpp
/// @brief nn::to_grayscale, apart from the PNG code of image.cpp so that the WebAssembly build
///        (which has no libpng) turns a page's canvas into gray values with the same formula.
#include "nn/data/image.hpp"

#include "nn/errors.hpp"

namespace nn {

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

}  // namespace nn
