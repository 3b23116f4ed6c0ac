/// @file table.hpp
/// @brief Numeric comparison tables, printed with Boost.Format and saved as text.
///
/// @code
/// nn::Table t({{"x", "%8.3f"}, {"analytic", "%14.6e"}, {"central", "%14.6e"}, {"rel. error", "%10.2e"}});
/// t.row(x, a, c, nn::relative_error(a, c));
/// t.print(std::cout);
/// t.save(out_dir / "ch02_derivatives.txt");   // the docs include the saved table
/// @endcode
#pragma once

#include <filesystem>
#include <iosfwd>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/format.hpp>

namespace nn {

/// @brief The widest printout line, in characters: what the docs' text column shows of a
///        `@verbinclude` without scrolling (13-px monospace in a column of about 650 px).
constexpr std::size_t kPrintoutWidth = 78;

/// @brief Wraps the prose lines of a printout at spaces to at most `width` characters (code
///        points); a continuation line keeps its line's indentation plus two spaces. A line with a
///        run of two or more spaces after its indentation is a table row or a matrix and stays
///        whole, and so does a word longer than the width.
std::string wrap_text(const std::string& text, std::size_t width = kPrintoutWidth);

/// @brief A table with a header and a Boost.Format specification per column.
class Table {
 public:
  /// @brief One column: its header and a Boost.Format (printf-like) spec such as "%10.3e".
  struct Column {
    std::string header;  ///< column title
    std::string format;  ///< Boost.Format spec for the cells
  };

  /// @param columns  the columns, left to right
  explicit Table(std::vector<Column> columns);

  /// @brief Adds a row; the number of values must equal the number of columns.
  /// @throws std::invalid_argument otherwise
  template <class... Values>
  Table& row(const Values&... values) {
    if (sizeof...(Values) != columns_.size())
      throw std::invalid_argument("Table::row: " + std::to_string(sizeof...(Values)) + " values for " +
                                  std::to_string(columns_.size()) + " columns");
    std::vector<std::string> cells;
    std::size_t i = 0;
    (cells.push_back(cell(i++, values)), ...);
    rows_.push_back(std::move(cells));
    return *this;
  }

  /// @brief The table as text: header, rule, rows; columns right-aligned to their widest cell.
  std::string str() const;
  /// @brief Prints str() to `os`.
  void print(std::ostream& os) const;
  /// @brief Writes str() to `path` atomically (temporary file, then rename).
  void save(const std::filesystem::path& path) const;
  /// Number of rows so far.
  std::size_t size() const { return rows_.size(); }

 private:
  template <class V>
  std::string cell(std::size_t i, const V& v) const {
    return (boost::format(columns_[i].format) % v).str();
  }
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace nn
