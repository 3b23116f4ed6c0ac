/// @file cli.cpp
/// @brief The common command line of the chapter programs, parsed by CLI11.
#include "nn/tools/cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>

#include "nn/errors.hpp"
#include "nn/tools/files.hpp"

namespace nn {

namespace {

/// A seed: decimal digits only (no sign, no base prefix), at most 2^64 − 1. CLI11's own
/// conversion would wrap "-1" to 2^64 − 1, so the text is checked here.
std::uint64_t parse_seed(const std::string& v) {
  const std::string why = "--seed needs a whole number 0 … 18446744073709551615, got '" + printable(v) + "'";
  if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) throw CLI::ValidationError(why);
  std::uint64_t n = 0;
  for (char c : v) {
    const std::uint64_t d = std::uint64_t(c - '0');
    if (n > (UINT64_MAX - d) / 10) throw CLI::ValidationError(why);
    n = n * 10 + d;
  }
  return n;
}

}  // namespace

ChapterArgs parse_chapter_args(int argc, char** argv, const std::string& summary, const ExtraOptions& extra) {
  ChapterArgs a;
  a.out = NN_DEFAULT_PLOTS_DIR;
  a.data = NN_DEFAULT_DATA_DIR;
  const std::string prog = argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "program";
  CLI::App app(summary, prog);
  app.allow_extras(true);  // unknown arguments are collected and refused below, in our words
  app.get_formatter()->column_width(22);
  const CLI::Validator not_empty([](std::string& v) { return v.empty() ? std::string("needs a folder, got ''") : std::string(); },
                                 "");
  app.add_option("--out", a.out, "write figures, their .dat/.gp files and tables to DIR")
      ->type_name("DIR")
      ->check(not_empty)
      ->default_str(NN_DEFAULT_PLOTS_DIR);
  app.add_option("--data", a.data, "read data sets from DIR")
      ->type_name("DIR")
      ->default_str(NN_DEFAULT_DATA_DIR)
      ->check(CLI::ExistingDirectory.description(""));
  app.add_flag("--quick", a.quick, "small sizes, for the tests (seconds)");
  app.add_option_function<std::string>("--seed", [&](const std::string& v) { a.seed = parse_seed(v); },
                                       "seed of every random choice")
      ->type_name("N")
      ->default_str("42");
  for (const auto& f : extra.files) app.add_option(f.flag, *f.target, f.help)->type_name("FILE");
  for (const auto& f : extra.folders) app.add_option(f.flag, *f.target, f.help)->type_name("DIR");
  for (const auto& f : extra.flags) app.add_flag(f.flag, *f.target, f.help);
  std::vector<std::string> positional;
  if (extra.positional) app.add_option("FILE", positional, extra.positional_help)->type_name("");

  auto usage_error = [&](const std::string& message) {
    std::cerr << prog << ": " << message << "\n\n" << app.help();
    std::exit(2);
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    std::exit(0);
  } catch (const CLI::ParseError& e) {
    usage_error(e.what());
  }
  for (const std::string& r : app.remaining())
    usage_error(r.rfind("-", 0) == 0 && r != "--" ? "unknown option '" + printable(r) + "'"
                                                  : "unexpected argument '" + printable(r) + "'");
  if (extra.positional)
    for (const auto& p : positional) extra.positional->emplace_back(p);
  require_writable_folder(a.out);
  return a;
}

void report_written(const std::filesystem::path& path) { std::cout << "wrote " << path.string() << std::endl; }

int run_chapter(int argc, char** argv, const std::string& summary, int (*body)(const ChapterArgs&)) {
  try {
    const ChapterArgs args = parse_chapter_args(argc, argv, summary);
    return body(args);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace nn
