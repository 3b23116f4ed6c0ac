// The benchmarks' options: --data DIR and whole numbers in a range, read strictly (atoi took
// "abc" as 0 and "-3" as "all cores"; a huge count ran until killed).
#pragma once

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <string>

namespace bench {

/// The processor's model name from /proc/cpuinfo, which every benchmark prints with its results.
inline std::string cpu_model() {
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

/// A whole number in [1, limit] from an option's value into `out`; false (out untouched) for
/// anything else, so that the caller can name the option and the value.
inline bool parse_count(const std::string& text, int limit, int& out) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  const long v = std::stol(text);
  if (v < 1 || v > limit) return false;
  out = int(v);
  return true;
}

/// An option that takes a count: its name ("--threads"), where it goes, its largest value.
struct CountOption {
  std::string name;
  int* value;
  int limit;
};

/// Reads --data DIR and the count options from the command line; on anything else (an unknown
/// option, a missing or bad value) says what and how to call the program, and returns false.
inline bool parse_options(int argc, char** argv, std::filesystem::path& data_dir,
                          std::initializer_list<CountOption> counts) {
  const std::string program = std::filesystem::path(argv[0]).filename().string();
  std::string usage = "usage: " + program + " [--data DIR]";
  for (const auto& c : counts) usage += " [" + c.name + " N]";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) {
      data_dir = argv[++i];
      continue;
    }
    const CountOption* option = nullptr;
    for (const auto& c : counts)
      if (c.name == a) option = &c;
    if (!option || i + 1 >= argc) {
      std::cerr << program << ": " << (option ? a + " needs a value" : "unknown option '" + a + "'") << "\n" << usage << "\n";
      return false;
    }
    if (!parse_count(argv[++i], option->limit, *option->value)) {
      std::cerr << program << ": " << a << " takes a whole number from 1 to " << option->limit << ", not '" << argv[i]
                << "'\n" << usage << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace bench
