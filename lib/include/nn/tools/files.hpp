/// @file files.hpp
/// @brief Saving files so that nothing a user saved is lost (design notes, "Errors").
#pragma once

#include <filesystem>
#include <string>

namespace nn {

/// @brief Writes `contents` to `path` through a temporary file `NAME.tmpPID` in the same folder,
///        which is flushed to disk (fsync) and then renamed over `path`; the folder is flushed
///        too, so the rename survives a power cut. An interrupted program never leaves a
///        half-written file where a good one stood. Creates missing parent folders. Temporaries
///        `NAME.tmpPID` left by an earlier run that was killed (PID no longer running) are
///        removed.
/// @throws std::runtime_error naming the file, the step and the system's reason if any step
///         fails (the temporary is removed)
void write_file_atomically(const std::filesystem::path& path, const std::string& contents);

/// @brief Makes a finished temporary file the real one: flushes `tmp` to disk, renames it over
///        `path` and flushes the folder (for files another program wrote, e.g. gnuplot's PNGs).
/// @throws std::runtime_error naming `path`, the step and the system's reason (`tmp` is removed)
void commit_file(const std::filesystem::path& tmp, const std::filesystem::path& path);

/// @brief Makes sure a program can write its results into `dir` before it computes anything:
///        creates the folder if needed and creates and removes a probe file in it.
/// @throws std::runtime_error naming the folder and the system's reason (e.g. "Permission
///         denied", "Read-only file system", "Not a directory")
void require_writable_folder(const std::filesystem::path& dir);

}  // namespace nn
