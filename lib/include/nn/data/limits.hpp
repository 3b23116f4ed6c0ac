/// @file limits.hpp
/// @brief The largest inputs the readers accept (design notes, "Limits").
///
/// Every size a file declares (an image's width and height, an IDX file's count, a model's layer
/// widths, a box's corner) is checked against these limits *before* anything is allocated for
/// it, so a small hostile file cannot make a program use gigabytes. The limits are far above
/// what the companion's data needs (MNIST: 60,000 × 28 × 28; a phone photo: 12 megapixels;
/// LeNet-5: 44,426 parameters) and far below what would exhaust a student's laptop: reading one
/// file within them takes at most a few hundred MiB. Each factor is bounded before sizes are
/// multiplied or added, so that arithmetic on them cannot overflow.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nn {

/// @brief What the readers refuse above.
namespace limits {

/// @brief Pixels of one image (PNG or JPEG): 2^24 ≈ 16.8 megapixels, e.g. 4096 × 4096. The float
/// tensor of a 4-channel image this large takes 256 MiB.
constexpr std::size_t image_pixels = std::size_t(1) << 24;
/// @brief Width or height of one image, in pixels.
constexpr std::size_t image_side = 16384;
/// @brief Bytes libpng may allocate for one ancillary chunk (a colour profile, a text, sCAL, …).
constexpr std::size_t png_chunk_bytes = std::size_t(8) << 20;
/// @brief Bytes of one (decompressed) IDX file: 64 MiB (MNIST's training images: 45 MiB). The
/// compressed file, its bytes and the float tensor made from them take at most 6 × 64 = 384 MiB.
constexpr std::size_t idx_bytes = std::size_t(64) << 20;
/// @brief Bytes of one NumPy `.npy` file: 64 MiB (scikit-image's LFW subset: 1 MB).
constexpr std::size_t npy_file_bytes = std::size_t(64) << 20;
/// @brief Values of one `.npy` array, the product of its shape: 2^24, whose doubles take 128 MiB
/// (the LFW subset holds 200 × 25 × 25 = 125,000).
constexpr std::size_t npy_values = std::size_t(1) << 24;
/// @brief Bytes of a model file: 256 MiB (LeNet-5 with batch norm: 178 KiB).
constexpr std::size_t model_file_bytes = std::size_t(256) << 20;
/// @brief Channels, features or kernel size of one layer of a model file.
constexpr std::size_t layer_size = std::size_t(1) << 16;
/// @brief Layers of a model file (LeNet-5 has 12, 16 with batch norm).
constexpr std::size_t model_layers = 1024;
/// @brief Bytes of one class name of a model file.
constexpr std::size_t class_name_bytes = 256;
/// @brief Values of one example's activation after any layer of a model, and of a convolution's im2row
/// workspace (C·kH·kW·H′·W′), each: 2^24 floats = 64 MiB.
constexpr std::size_t activation_values = std::size_t(1) << 24;
/// @brief Multiply-adds of one layer for one example: 2^30
/// (LeNet-5's largest layer needs 0.24 million).
constexpr std::size_t layer_multiply_adds = std::size_t(1) << 30;
/// @brief Values all layers of a model hold for one example (outputs and im2row workspaces
/// summed: each layer keeps its own): 2^26 floats = 256 MiB.
constexpr std::size_t network_values = std::size_t(1) << 26;
/// @brief Multiply-adds of all layers of a model for one example: 2^32.
constexpr std::uint64_t network_multiply_adds = std::uint64_t(1) << 32;
/// @brief Bytes of one line of a text file (annotations, model headers).
constexpr std::size_t text_line_bytes = std::size_t(1) << 16;
/// @brief Bytes of an image file (PNG, JPEG): 64 MiB. Also bounds the time libpng spends on chunks.
constexpr std::size_t image_file_bytes = std::size_t(64) << 20;
/// @brief Bytes of an annotation file (WIDER FACE's own hold one short line per face).
constexpr std::size_t annotation_file_bytes = std::size_t(64) << 20;
/// @brief Files and folders of an identity folder (one folder per person), counted while it is
/// listed, before any image is read (LFW: 5,749 people, 13,233 images).
constexpr std::size_t identity_folder_entries = std::size_t(1) << 16;
/// @brief A box coordinate or size in an annotation file, pixels (2^24: no photo is wider).
constexpr long box_coordinate = long(1) << 24;

}  // namespace limits

}  // namespace nn
