/// @file table.cpp
/// @brief Aligned text tables for the chapters' numeric comparisons.
#include "nn/table.hpp"

#include <algorithm>
#include <ostream>

#include "nn/plot.hpp"

namespace nn {

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {
  if (columns_.empty()) throw std::invalid_argument("Table: needs at least one column");
}

std::string Table::str() const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t j = 0; j < columns_.size(); ++j) {
    width[j] = columns_[j].header.size();
    for (const auto& r : rows_) width[j] = std::max(width[j], r[j].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t j = 0; j < cells.size(); ++j) {
      std::string c = cells[j];
      // trim the padding Boost.Format added, then right-align to the column width
      c.erase(0, c.find_first_not_of(' '));
      s += (j ? "  " : "") + std::string(width[j] - std::min(width[j], c.size()), ' ') + c;
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
