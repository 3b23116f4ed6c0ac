// The benchmarks' option values: whole numbers in a range, read strictly (atoi took "abc" as 0
// and "-3" as "all cores"; a huge count ran until killed).
#pragma once

#include <string>

namespace bench {

/// A whole number in [1, limit] from an option's value into `out`; false (out untouched) for
/// anything else, so that the caller can name the option and the value.
inline bool parse_count(const std::string& text, int limit, int& out) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  const long v = std::stol(text);
  if (v < 1 || v > limit) return false;
  out = int(v);
  return true;
}

}  // namespace bench
