/// @file image.hpp
/// @brief PNG images as the report's tensors (§4.2: "if it is an image, the first layer's
///        activation has C = 3 channels, one per RGB channel"): read, convert to gray, write.
///
/// An image of H×W pixels is a tensor of shape (1, C, H, W) with values in [0, 1]:
/// C = 1 (gray), 2 (gray, alpha), 3 (R, G, B) or 4 (R, G, B, alpha). Every PNG colour type and
/// bit depth is read — palettes are expanded to RGB, gray of 1, 2 or 4 bits to 8 bits, a tRNS
/// transparency chunk to an alpha channel, and 16-bit samples are kept at full precision
/// (divided by 65535). Sample values are taken as stored (no gamma correction).
#pragma once

#include <filesystem>

#include "nn/data/boxes.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief Reads a PNG file into a tensor of shape (1, C, H, W) with values in [0, 1].
/// @param path  the PNG file
/// @return the image; C is 1, 2, 3 or 4 (see the file comment)
/// @throws data_error naming the file and the fault if it is missing, not a PNG, truncated,
///         corrupt, or larger than limits::image_side or limits::image_pixels (checked from its
///         header, before any pixel buffer is allocated)
Tensor<float> load_png(const std::filesystem::path& path);

/// @brief The luma of an image, Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601), shape (1, 1, H, W).
///
/// A gray image (C = 1) is returned unchanged. An image with an alpha channel (C = 2 or 4) is
/// composited over white, Y·α + (1 − α): a drawing saved with a transparent background reads as
/// dark ink on white paper.
/// @param image  shape (1, C, H, W) with C = 1, 2, 3 or 4
/// @throws shape_error for any other shape
Tensor<float> to_grayscale(const Tensor<float>& image);

/// @brief How save_png() maps tensor values to the 0–255 of a PNG.
enum class PngScaling {
  clamp,          ///< values in [0, 1] → 0–255; values outside are clamped
  min_max,        ///< the tensor's smallest value → 0 and its largest → 255 (e.g. edge maps)
};

/// @brief Writes a gray (1, 1, H, W) or RGB (1, 3, H, W) tensor as an 8-bit PNG, atomically
///        (write_file_atomically(): a temporary file in the same folder, flushed, renamed over
///        `path` only when complete).
/// @param path    the PNG file to write (a missing folder is created)
/// @param image   shape (1, 1, H, W) or (1, 3, H, W)
/// @param scaling clamp [0, 1], or stretch the tensor's [min, max] to the full range
/// @throws shape_error for another shape; data_error naming the file if it cannot be written
void save_png(const std::filesystem::path& path, const Tensor<float>& image, PngScaling scaling = PngScaling::clamp);

// ---- drawing ----------------------------------------------------------------------------------

/// @brief An RGB colour with components in [0, 1].
struct Rgb {
  float r = 0;  ///< red
  float g = 0;  ///< green
  float b = 0;  ///< blue
};

/// @brief Draws the outline of a box into an RGB image (1, 3, H, W), clipped to the image.
/// @param image      shape (1, 3, H, W)
/// @param box        the box, pixels
/// @param colour     its colour
/// @param thickness  line width in pixels (drawn inside the box)
/// @param dash       0 for a solid line; n > 0 for a dashed one, n pixels drawn and n left out in
///                   turn along each side, starting at its corners
void draw_box(Tensor<float>& image, const Box& box, Rgb colour, int thickness = 1, int dash = 0);

/// @brief Writes text with a 3×5 pixel font (digits, a–z, '.', '-', ' ', '%'), scaled by an
///        integer factor, top-left corner at (x, y), on a dark backing; clipped to the image.
/// @param image   shape (1, 3, H, W)
/// @param x, y    top-left corner, pixels
/// @param text    the text (characters outside the font are drawn as blanks)
/// @param colour  the colour of the letters
/// @param scale   pixel size of one font dot
void draw_text(Tensor<float>& image, int x, int y, const std::string& text, Rgb colour, int scale = 1);

/// @brief A gray image (1, 1, H, W) as RGB (1, 3, H, W), enlarged `zoom` times by repetition.
/// @param gray  shape (1, 1, H, W), values in [0, 1]
/// @param zoom  integer enlargement ≥ 1
Tensor<float> gray_to_rgb(const Tensor<float>& gray, std::size_t zoom = 1);

/// @brief Pastes `tile` (1, 3, h, w) into `canvas` (1, 3, H, W) at (x, y), clipped.
/// @param canvas  the destination
/// @param tile    the source
/// @param x, y    top-left corner in the canvas
void paste(Tensor<float>& canvas, const Tensor<float>& tile, std::size_t x, std::size_t y);

}  // namespace nn
