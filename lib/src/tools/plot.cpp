/// @file plot.cpp
/// @brief Figure rendering through gnuplot-iostream, with the checks gnuplot itself lacks.
#include "nn/tools/plot.hpp"
#include "nn/tools/files.hpp"

#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <random>
#include <sstream>
#include <unistd.h>

#include <gnuplot-iostream.h>

namespace nn {

namespace fs = std::filesystem;

bool gnuplot_available() {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::stringstream ss(path);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path p = fs::path(dir) / "gnuplot";
    if (::access(p.c_str(), X_OK) == 0) return true;
  }
  return false;
}

Figure::Figure(fs::path out_dir, std::string name, int width, int height)
    : dir_(std::move(out_dir)), name_(std::move(name)), width_(width), height_(height) {}

Figure& Figure::set(const std::string& setting) {
  pre_.push_back("set " + setting);
  return *this;
}

Figure& Figure::command(const std::string& cmd) {
  pre_.push_back(cmd);
  return *this;
}

int Figure::block(const std::vector<std::vector<double>>& columns) {
  if (columns.empty()) throw std::invalid_argument("Figure::block: no columns");
  const std::size_t n = columns[0].size();
  for (const auto& c : columns)
    if (c.size() != n)
      throw std::invalid_argument("Figure::block of " + name_ + ": columns of lengths " + std::to_string(n) + " and " +
                                  std::to_string(c.size()));
  std::ostringstream os;
  os << std::setprecision(10);
  if (blocks_ > 0) os << "\n\n";
  os << "# block " << blocks_ << "\n";
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < columns.size(); ++j) os << (j ? " " : "") << columns[j][i];
    os << "\n";
  }
  data_ += os.str();
  return blocks_++;
}

int Figure::matrix(const std::vector<std::vector<double>>& values) {
  if (values.empty()) throw std::invalid_argument("Figure::matrix of " + name_ + ": no rows");
  std::ostringstream os;
  os << std::setprecision(8);
  if (blocks_ > 0) os << "\n\n";
  os << "# block " << blocks_ << " (matrix " << values.size() << "x" << values[0].size() << ")\n";
  for (const auto& row : values) {
    if (row.size() != values[0].size())
      throw std::invalid_argument("Figure::matrix of " + name_ + ": rows of unequal length");
    for (std::size_t j = 0; j < row.size(); ++j) os << (j ? " " : "") << row[j];
    os << "\n";
  }
  data_ += os.str();
  return blocks_++;
}

std::string Figure::data(int block_index) const {
  return "'" + name_ + ".dat' index " + std::to_string(block_index);
}

Figure& Figure::plot(const std::string& clause) {
  clause_verb_ = "plot";
  clauses_.push_back(clause);
  return *this;
}

Figure& Figure::splot(const std::string& clause) {
  clause_verb_ = "splot";
  clauses_.push_back(clause);
  return *this;
}

void Figure::flush_clauses() {
  if (clauses_.empty()) return;
  std::string cmd = clause_verb_ + " ";
  for (std::size_t i = 0; i < clauses_.size(); ++i) cmd += (i ? ", \\\n     " : "") + clauses_[i];
  pre_.push_back(cmd);
  clauses_.clear();
}

int Figure::cells(const Tensor<double>& X, std::size_t r, std::size_t c) {
  if (X.rank() != 4 || r >= X.dim(0) || c >= X.dim(1))
    throw shape_error("Figure::cells: feature map (" + std::to_string(r) + ", " + std::to_string(c) +
                      ") of a tensor of shape " + X.shape().str() + " (needs rank 4, r < R, c < C)");
  std::vector<std::vector<double>> cols(3);
  for (std::size_t h = 0; h < X.dim(2); ++h)
    for (std::size_t w = 0; w < X.dim(3); ++w) {
      cols[0].push_back(double(w));  // x: column w
      cols[1].push_back(double(h));  // y: row h (reverse the y range to draw row 0 on top)
      cols[2].push_back(X(r, c, h, w));
    }
  return block(cols);
}

Figure& Figure::labelled_cells(int b, const std::string& format, const std::string& label_style) {
  plot(data(b) + " using 1:2:3 with image notitle");
  // `$3 + 0` turns gnuplot's −0 into 0, so a zero never prints as "-0.0"
  return plot(data(b) + " using 1:2:(sprintf('" + format + "', $3 + 0)) with labels " + label_style + " notitle");
}

Figure& Figure::next_panel() {
  flush_clauses();
  return *this;
}

fs::path Figure::render() {
  if (!std::getenv("GNUPLOT_IOSTREAM_CMD") && !gnuplot_available())
    throw plot_error("cannot draw " + name_ + ".png: gnuplot is not installed. Install it with:  "
                     "apt-get install --no-install-recommends gnuplot-nox");
  fs::create_directories(dir_);
  flush_clauses();
  const fs::path png = png_path();
  const fs::path dat = dir_ / (name_ + ".dat");
  const fs::path gp = dir_ / (name_ + ".gp");
  write_file_atomically(dat, data_);

  // The script draws into a temporary PNG that is renamed once gnuplot has finished, so a
  // failed run never leaves a truncated figure behind.
  std::ostringstream script;
  script << "# Redraw with:  cd " << dir_.string() << " && gnuplot " << name_ << ".gp\n"
         << "set terminal pngcairo enhanced font 'DejaVu Sans,11' size " << width_ << "," << height_ << "\n"
         << "set output '" << name_ << ".png'\n"
         << "set encoding utf8\n";
  for (const auto& line : pre_) script << line << "\n";
  script << "unset output\n";
  write_file_atomically(gp, script.str());

  const fs::path tmp_png = dir_ / (name_ + ".png.tmp");
  std::error_code ec;
  fs::remove(tmp_png, ec);
  {
    // gnuplot-iostream honours GNUPLOT_IOSTREAM_CMD (tests set it to capture the script).
    Gnuplot gnuplot;
    gnuplot << "cd '" << dir_.string() << "'\n";
    std::string s = script.str();
    const std::string from = "set output '" + name_ + ".png'";
    s.replace(s.find(from), from.size(), "set output '" + name_ + ".png.tmp'");
    gnuplot << s;
    gnuplot << "exit\n";
  }  // the destructor waits for gnuplot to finish
  if (!fs::exists(tmp_png) || fs::file_size(tmp_png) == 0) {
    fs::remove(tmp_png, ec);
    throw plot_error("gnuplot did not write " + png.string() + " (its messages are above; the script is " +
                     gp.string() + ")");
  }
  fs::rename(tmp_png, png);
  return png;
}

}  // namespace nn
