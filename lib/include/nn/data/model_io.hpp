/// @file model_io.hpp
/// @brief Model files: a trained nn::Sequential (architecture, parameters, batch-norm running
///        statistics) saved and loaded in a documented, versioned binary format with a checksum.
///
/// **Format, version 1** (all integers little-endian):
///
/// | bytes | content |
/// |---|---|
/// | 8 | magic `NNMODEL` followed by a 0 byte |
/// | 4 | u32 format version = 1 |
/// | 8 | u64 length n of the header text |
/// | n | header, UTF-8 lines: `input C H W`, optional `classes NAME …`, then one `layer …` line per layer (below) |
/// | 8 | u64 number of tensors |
/// | … | per tensor: u32 rank, rank × u64 dimensions, then the float32 values in row-major order |
/// | 4 | u32 CRC-32 (the zip/PNG polynomial) of every byte before it |
///
/// Layer lines: `layer Dense n m`, `layer Conv2d C C′ kH kW stride pad`,
/// `layer MaxPool2d kH kW sH sW`, `layer Activation sigmoid|tanh|relu`, `layer Flatten`,
/// `layer BatchNorm2d C eps momentum`, `layer BatchNorm1d C eps momentum`. The tensors follow
/// in the order of Sequential::parameters() and then Sequential::buffers().
///
/// Files are written to a temporary name and renamed, so an interrupted save never destroys
/// the previous model. Loading checks the magic, the version, the checksum, the header, every
/// tensor shape against the architecture, and the length, and throws nn::data_error naming
/// the file and the fault; it never reads past the end of the data.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief A network with what is needed to use it: its input shape and class names.
struct Model {
  Sequential<float> net;             ///< the layers with their parameters
  Shape input;                       ///< one example's shape (C, H, W)
  std::vector<std::string> classes;  ///< class names, in output order (may be empty)
};

/// @brief The format version this build writes and reads.
constexpr unsigned kModelFormatVersion = 1;

/// @brief Writes a model file (atomically: temporary file, then rename).
/// @param path     the file to write
/// @param net      the network (every layer must be one of the layer types listed above)
/// @param input    one example's shape (C, H, W)
/// @param classes  class names in output order (may be empty; no spaces in a name)
/// @throws std::invalid_argument for a layer type the format does not know
void save_model(const std::filesystem::path& path, Sequential<float>& net, const Shape& input,
                const std::vector<std::string>& classes = {});

/// @brief Reads a model file written by save_model().
/// @param path  the file
/// @return the model, in evaluation mode
/// @throws data_error naming the file and the fault for a missing, truncated, corrupt or
///         mismatched file
Model load_model(const std::filesystem::path& path);

}  // namespace nn
