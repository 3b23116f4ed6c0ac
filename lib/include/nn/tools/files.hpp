/// @file files.hpp
/// @brief Saving files so that nothing a user saved is lost (design notes, "Errors").
#pragma once

#include <filesystem>
#include <string>

namespace nn {

/// @brief Writes `contents` to `path` through a temporary file in the same folder, which is
///        flushed to disk (fsync) and then renamed over `path`: an interrupted program never
///        leaves a half-written file where a good one stood. Creates missing parent folders.
/// @throws std::runtime_error naming the file if any step fails (the temporary is removed)
void write_file_atomically(const std::filesystem::path& path, const std::string& contents);

}  // namespace nn
