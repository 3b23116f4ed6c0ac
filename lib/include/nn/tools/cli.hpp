/// @file cli.hpp
/// @brief The options every chapter program takes: `--out DIR`, `--quick`, `--data DIR`,
///        `--seed N`, `--help`; the options a program adds; and the "wrote FILE" lines the
///        tests check. Parsed by CLI11 in one place (cli.cpp), so every program behaves alike.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nn {

/// @brief Parsed command line of a chapter program.
struct ChapterArgs {
  std::filesystem::path out;   ///< where figures, .dat files and tables go (created, checked writable)
  std::filesystem::path data;  ///< where the fetched data sets are (default: data/ of the checkout)
  bool quick = false;          ///< small sizes for CI (seconds, not minutes)
  std::uint64_t seed = 42;     ///< seed of every random choice, so a run is reproducible
};

/// @brief Options a program takes besides the common ones.
struct ExtraOptions {
  /// @brief An option that takes a file, e.g. `--model FILE`.
  struct File {
    std::string flag;                ///< e.g. "--model"
    std::string help;                ///< one line for `--help`
    std::filesystem::path* target;   ///< set if the option is given
  };
  std::vector<File> files;                              ///< the file options
  std::vector<File> folders;                            ///< options that take a folder, e.g. `--faces DIR` (same fields)
  /// @brief An option without a value, e.g. `--full`.
  struct Flag {
    std::string flag;  ///< e.g. "--full"
    std::string help;  ///< one line for `--help`
    bool* target;      ///< set to true if the option is given
  };
  std::vector<Flag> flags;                              ///< the flag options
  std::string positional_help;                          ///< what the positional arguments are (empty: none allowed)
  std::vector<std::filesystem::path>* positional = nullptr;  ///< where they go
};

/// @brief Parses the command line. `--help` prints the generated usage and exits 0. A usage
///        error (an unknown option, a missing or malformed value, a seed that is not a whole
///        number in 0 … 2^64 − 1, a `--data` folder that does not exist) prints the error and the
///        usage and exits 2. Then the `--out` folder is created and checked writable, before the
///        program computes anything.
/// @param argc, argv  the program's command line
/// @param summary     one line saying what the program shows, with its report section
/// @param extra       the program's own options
/// @throws std::runtime_error naming the folder and the system's reason if `--out` is not writable
ChapterArgs parse_chapter_args(int argc, char** argv, const std::string& summary, const ExtraOptions& extra = {});

/// @brief Prints "wrote PATH" (the chapter tests check every such file exists and is non-empty).
void report_written(const std::filesystem::path& path);

/// @brief Runs a chapter program's body, turning exceptions into a message and exit code 1.
int run_chapter(int argc, char** argv, const std::string& summary, int (*body)(const ChapterArgs&));

}  // namespace nn
