/// @file facts.cpp
/// @brief Measured numbers saved as `key value` lines for the docs pages.
#include "nn/tools/facts.hpp"

#include <stdexcept>

#include "nn/tools/files.hpp"

namespace nn {

namespace {
bool is_name(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}
}  // namespace

Facts::Facts(std::string program) : program_(std::move(program)) {
  if (!is_name(program_))
    throw std::invalid_argument("Facts: program name '" + program_ + "' is not of [a-z0-9_]");
}

Facts& Facts::set_text(const std::string& key, const std::string& text) {
  if (!is_name(key))
    throw std::invalid_argument("Facts(" + program_ + "): key '" + key + "' is not of [a-z0-9_]");
  if (text.empty() || text.find_first_of(" \t\r\n") != std::string::npos)
    throw std::invalid_argument("Facts(" + program_ + "): the value of '" + key + "' ('" + text +
                                "') is empty or holds white space");
  values_[key] = text;
  return *this;
}

std::filesystem::path Facts::save(const std::filesystem::path& out_dir) const {
  std::string text = "# measured by " + program_ + "; the docs pages quote these as {{" +
                     program_ + ":key}}\n";
  for (const auto& [key, value] : values_) text += key + " " + value + "\n";
  const auto path = out_dir / (program_ + ".facts");
  write_file_atomically(path, text);
  return path;
}

}  // namespace nn
