/// @file cli.hpp
/// @brief The options every chapter program takes: `--out DIR`, `--quick`, `--data DIR`,
///        `--seed N`, `--help`; and the "wrote FILE" lines the tests check.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nn {

/// @brief Parsed command line of a chapter program.
struct ChapterArgs {
  std::filesystem::path out;   ///< where figures, .dat files and tables go (created)
  std::filesystem::path data;  ///< where the fetched data sets are (default: data/ of the checkout)
  bool quick = false;          ///< small sizes for CI (seconds, not minutes)
  std::uint64_t seed = 42;     ///< seed of every random choice, so a run is reproducible
  std::vector<std::string> rest;  ///< further arguments the program handles itself
};

/// @brief Parses the common options; prints usage and exits 0 on `--help`, exits 2 with a
///        message on an unknown option (unless `allow_extra`, which keeps them in `rest`).
/// @param argc, argv   the program's command line
/// @param summary      one line saying what the program shows, with its report section
/// @param allow_extra  keep unknown arguments in ChapterArgs::rest instead of failing
ChapterArgs parse_chapter_args(int argc, char** argv, const std::string& summary, bool allow_extra = false);

/// @brief Prints "wrote PATH" (the chapter tests check every such file exists and is non-empty).
void report_written(const std::filesystem::path& path);

/// @brief Runs a chapter program's body, turning exceptions into a message and exit code 1.
int run_chapter(int argc, char** argv, const std::string& summary, int (*body)(const ChapterArgs&));

}  // namespace nn
