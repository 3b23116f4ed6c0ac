/// @file facts.hpp
/// @brief The numbers a program measures, saved for the docs pages to quote.
///
/// A page never types a measured number: it writes `{{ch08_lenet_bn:test_accuracy}}`, and the
/// docs build puts in the value that the last run of `ch08_lenet_bn` saved in
/// `plots/ch08_lenet_bn.facts` (design notes, "Numbers on the pages"). A quick run saves quick
/// numbers, so a page always agrees with the printout beside it.
///
/// @code
/// nn::Facts facts("ch08_lenet_bn");
/// facts.set("test_accuracy", 100.0 * acc, "%.2f");   // percent, two decimals
/// facts.save(out_dir);                                // out_dir/ch08_lenet_bn.facts
/// @endcode
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <boost/format.hpp>

namespace nn {

/// @brief Named, formatted measurements of one program, written as `key value` lines.
class Facts {
 public:
  /// @param program  the program's name, e.g. "ch08_lenet_bn": the file is `program.facts`
  /// @throws std::invalid_argument if the name is not of [a-z0-9_]
  explicit Facts(std::string program);

  /// @brief Sets (or replaces) one fact, formatted with a Boost.Format spec such as "%.2f".
  /// @throws std::invalid_argument if the key is not of [a-z0-9_] or the text holds a space
  template <class V>
  Facts& set(const std::string& key, const V& value, const std::string& format) {
    return set_text(key, (boost::format(format) % value).str());
  }
  /// @brief Sets one fact to a given text (no spaces, no newline).
  Facts& set_text(const std::string& key, const std::string& text);

  /// @brief Writes all facts to `out_dir/program.facts` atomically; returns that path.
  std::filesystem::path save(const std::filesystem::path& out_dir) const;

 private:
  std::string program_;
  std::map<std::string, std::string> values_;
};

}  // namespace nn
