/// @file table.cpp
/// @brief Aligned text tables for the chapters' numeric comparisons.
#include "nn/tools/table.hpp"

#include <algorithm>
#include <ostream>

#include "nn/tools/files.hpp"

namespace nn {

namespace {
/// Display width of a UTF-8 string: code points, not bytes (γ, σ, δ, X̂ are two bytes each;
/// a combining mark such as the hat of X̂ takes no column).
std::size_t width_of(const std::string& s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;                              // continuation byte
    if (c == 0xCC && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0xAF)              // U+0300–U+036F combining marks
      continue;
    ++n;
  }
  return n;
}
}  // namespace

std::string wrap_text(const std::string& text, std::size_t width) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    const bool last = end == std::string::npos;
    if (last) end = text.size();
    const std::string line = text.substr(start, end - start);
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    if (width_of(line) <= width || line.find("  ", indent) != std::string::npos) {
      out += line;
    } else {  // prose: words onto lines of at most `width`, continuations indented two more
      std::string current = line.substr(0, indent);
      const std::string hanging(indent + 2, ' ');
      bool empty = true;  // no word on `current` yet
      std::size_t pos = indent;
      while (pos < line.size()) {
        std::size_t next = line.find(' ', pos);
        if (next == std::string::npos) next = line.size();
        const std::string word = line.substr(pos, next - pos);
        if (!empty && width_of(current) + 1 + width_of(word) > width) {
          out += current + "\n";
          current = hanging;
          empty = true;
        }
        current += (empty ? "" : " ") + word;
        empty = false;
        pos = next + 1;
      }
      out += current;
    }
    if (last) break;
    out += "\n";
    start = end + 1;
  }
  return out;
}

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {
  if (columns_.empty()) throw std::invalid_argument("Table: needs at least one column");
}

std::string Table::str() const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t j = 0; j < columns_.size(); ++j) {
    width[j] = width_of(columns_[j].header);
    for (const auto& r : rows_) {
      std::string c = r[j];
      c.erase(0, c.find_first_not_of(' '));
      c.erase(c.find_last_not_of(' ') + 1);
      width[j] = std::max(width[j], width_of(c));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t j = 0; j < cells.size(); ++j) {
      std::string c = cells[j];
      // trim the padding Boost.Format added, then align to the column width: right, or left
      // for a "%-…" format
      c.erase(0, c.find_first_not_of(' '));
      c.erase(c.find_last_not_of(' ') + 1);
      const std::string pad(width[j] - std::min(width[j], width_of(c)), ' ');
      const bool left = columns_[j].format.rfind("%-", 0) == 0;
      s += (j ? "  " : "") + (left ? c + pad : pad + c);
    }
    return s + "\n";
  };
  std::vector<std::string> headers;
  for (const auto& c : columns_) headers.push_back(c.header);
  std::string out = line(headers);
  std::size_t total = 0;
  for (auto w : width) total += w;
  out += std::string(total + 2 * (width.size() - 1), '-') + "\n";
  for (const auto& r : rows_) out += line(r);
  return out;
}

void Table::print(std::ostream& os) const { os << str(); }

void Table::save(const std::filesystem::path& path) const { write_file_atomically(path, str()); }

}  // namespace nn
