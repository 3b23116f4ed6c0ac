/// @file cli.cpp
/// @brief The common command line of the chapter programs.
#include "nn/tools/cli.hpp"

#include <cstdlib>
#include <exception>
#include <iostream>

namespace nn {

ChapterArgs parse_chapter_args(int argc, char** argv, const std::string& summary, bool allow_extra) {
  ChapterArgs a;
  a.out = NN_DEFAULT_PLOTS_DIR;
  a.data = NN_DEFAULT_DATA_DIR;
  const std::string prog = argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "program";
  auto usage = [&](std::ostream& os) {
    os << prog << " — " << summary << "\n\n"
       << "Options:\n"
       << "  --out DIR    write figures, their .dat/.gp files and tables to DIR (default " << NN_DEFAULT_PLOTS_DIR
       << ")\n"
       << "  --data DIR   read data sets from DIR (default " << NN_DEFAULT_DATA_DIR << ")\n"
       << "  --quick      small sizes, for the tests (seconds)\n"
       << "  --seed N     seed of every random choice (default 42)\n"
       << "  --help       this text\n";
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << prog << ": " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      std::exit(0);
    } else if (arg == "--out") {
      a.out = value();
    } else if (arg == "--data") {
      a.data = value();
    } else if (arg == "--quick") {
      a.quick = true;
    } else if (arg == "--seed") {
      const std::string v = value();
      char* end = nullptr;
      a.seed = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end) {
        std::cerr << prog << ": --seed needs a whole number, got '" << v << "'\n";
        std::exit(2);
      }
    } else if (allow_extra) {
      a.rest.push_back(arg);
    } else {
      std::cerr << prog << ": unknown option '" << arg << "'\n\n";
      usage(std::cerr);
      std::exit(2);
    }
  }
  std::filesystem::create_directories(a.out);
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
