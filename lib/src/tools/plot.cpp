/// @file plot.cpp
/// @brief Figure rendering through gnuplot-iostream, with the checks gnuplot itself lacks.
#include "nn/tools/plot.hpp"
#include "nn/tools/files.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <random>
#include <sstream>
#include <unistd.h>

#include <gnuplot-iostream.h>

namespace nn {

namespace fs = std::filesystem;

// ---- colours ------------------------------------------------------------------------------------
// The one place where the figures' colours are defined. gnuplot's `palette defined` interpolates
// linearly in RGB between its points, and so does map_colour(): the text colours chosen here
// match what gnuplot draws.

namespace {

struct Stop {
  double t;           // position in [0, 1]
  std::uint32_t rgb;  // 0xrrggbb
};

// Signed values: ColorBrewer's RdBu blues below 0 and PuOr oranges above it (their 7-class
// versions), meeting at the neutral #f7f7f7. Blue against orange stays apart for protan, deutan
// and tritan eyes, and both ends are dark, so |value| reads as depth of colour.
constexpr Stop kSigned[] = {{0.0, 0x2166ac},     {1.0 / 6, 0x67a9cf}, {2.0 / 6, 0xd1e5f0}, {0.5, 0xf7f7f7},
                            {4.0 / 6, 0xfee0b6}, {5.0 / 6, 0xf1a340}, {1.0, 0xb35806}};
// Non-negative values: viridis (matplotlib's) at nine evenly spaced points; its lightness rises
// steadily from end to end, so it also reads in grey.
constexpr Stop kViridis[] = {{0.0, 0x440154},   {0.125, 0x472d7b}, {0.25, 0x3b528b}, {0.375, 0x2c728e}, {0.5, 0x21908c},
                             {0.625, 0x27ad81}, {0.75, 0x5dc863},  {0.875, 0xaadc32}, {1.0, 0xfde725}};
// Lines and boxes: Okabe and Ito's colours (yellow left out: it does not read on white), then
// Tol's wine and olive and a grey, for ten distinct ones.
constexpr const char* kSeries[] = {"#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7",
                                   "#56b4e9", "#000000", "#882255", "#999933", "#777777"};

struct Colour {
  double r, g, b;  // in [0, 1]
};

Colour colour_of(std::uint32_t rgb) {
  return {double((rgb >> 16) & 0xff) / 255, double((rgb >> 8) & 0xff) / 255, double(rgb & 0xff) / 255};
}

// A colour blended towards white: strength 1 keeps it, 0 gives white.
Colour faded(Colour c, double strength) {
  return {1 - strength * (1 - c.r), 1 - strength * (1 - c.g), 1 - strength * (1 - c.b)};
}

template <std::size_t N>
Colour interpolate(const Stop (&stops)[N], double t) {
  t = std::clamp(t, 0.0, 1.0);
  std::size_t i = 0;
  while (i + 2 < N && t > stops[i + 1].t) ++i;
  const double u = (t - stops[i].t) / (stops[i + 1].t - stops[i].t);
  const Colour a = colour_of(stops[i].rgb), b = colour_of(stops[i + 1].rgb);
  return {a.r + u * (b.r - a.r), a.g + u * (b.g - a.g), a.b + u * (b.b - a.b)};
}

Colour colour_at(ColourMap map, double t, double strength) {
  const Colour c = map == ColourMap::signed_values ? interpolate(kSigned, t) : interpolate(kViridis, t);
  return faded(c, strength);
}

std::string hex(Colour c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", unsigned(std::lround(255 * c.r)), unsigned(std::lround(255 * c.g)),
                unsigned(std::lround(255 * c.b)));
  return buf;
}

// White text reads better than black where its contrast ratio (WCAG 2: (L1 + 0.05)/(L2 + 0.05)
// of the relative luminances) is the higher one.
bool wants_white_text(Colour c) {
  auto linear = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
  const double L = 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
  return (1.0 + 0.05) / (L + 0.05) > (L + 0.05) / 0.05;
}

// gnuplot's `palette defined (…)` for a map.
std::string palette_setting(ColourMap map, double strength) {
  std::ostringstream os;
  os << "palette defined (";
  const auto emit = [&](const auto& stops) {
    for (std::size_t i = 0; i < std::size(stops); ++i)
      os << (i ? ", " : "") << std::setprecision(4) << stops[i].t << " '"
         << hex(faded(colour_of(stops[i].rgb), strength)) << "'";
  };
  if (map == ColourMap::signed_values) emit(kSigned);
  else emit(kViridis);
  os << ")";
  return os.str();
}

}  // namespace

std::string map_colour(ColourMap map, double t, double strength) { return hex(colour_at(map, t, strength)); }

std::string text_colour(ColourMap map, double t, double strength) {
  return wants_white_text(colour_at(map, t, strength)) ? "#ffffff" : "#000000";
}

std::string sign_colour(double v) {
  if (v > 0) return hex(colour_at(ColourMap::signed_values, 1.0, 1.0));
  if (v < 0) return hex(colour_at(ColourMap::signed_values, 0.0, 1.0));
  return "#999999";
}

std::string series_colour(std::size_t k) { return kSeries[k % std::size(kSeries)]; }

double largest_magnitude(const std::vector<const Tensor<double>*>& tensors) {
  double m = 1e-12;
  for (const auto* t : tensors)
    for (double v : *t) m = std::max(m, std::abs(v));
  return m;
}

double rgb_number(const std::string& colour) {
  if (colour.size() != 7 || colour[0] != '#') throw std::invalid_argument("rgb_number: '" + colour + "' is not #rrggbb");
  return double(std::stoul(colour.substr(1), nullptr, 16));
}

std::string series_style(std::size_t k) {
  return "lc rgb '" + series_colour(k) + "' dt " + std::to_string(1 + k % 5);
}

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
    : dir_(std::move(out_dir)), name_(std::move(name)), width_(width), height_(height) {
  if (width_ > kFigureMaxWidth) {  // no wider than the docs' text column: shrink, keeping the shape
    height_ = int(std::lround(double(height_) * kFigureMaxWidth / width_));
    width_ = kFigureMaxWidth;
  }
}

Figure& Figure::set(const std::string& setting) {
  pre_.push_back("set " + setting);
  return *this;
}

Figure& Figure::command(const std::string& cmd) {
  pre_.push_back(cmd);
  return *this;
}

Figure& Figure::colour_map(ColourMap map, double lo, double hi, const std::string& label, bool log,
                           double strength) {
  if (!(lo < hi) || (log && lo <= 0))
    throw std::invalid_argument("Figure::colour_map of " + name_ + ": the range [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + "] is empty" + (log ? " or not positive (log scale)" : ""));
  has_map_ = true, map_ = map, map_lo_ = lo, map_hi_ = hi, map_log_ = log, map_strength_ = strength;
  std::ostringstream range;
  range << std::setprecision(10) << "cbrange [" << lo << ":" << hi << "]";
  set(palette_setting(map, strength)).set(range.str());
  if (log) {
    set("logscale cb").set("cbtics auto");
  } else {  // about four steps of 1, 2 or 5 × 10^k: gnuplot's own choice crowds a short bar
    command("unset logscale cb");
    const double raw = (hi - lo) / 4, magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double step = raw <= magnitude ? magnitude : raw <= 2 * magnitude ? 2 * magnitude
                                                     : raw <= 5 * magnitude ? 5 * magnitude : 10 * magnitude;
    std::ostringstream tics;
    tics << std::setprecision(6) << "cbtics " << step;
    set(tics.str());
  }
  set("colorbox");
  // gnuplot sets the bar's title against its tics; one character further keeps it off wide labels
  std::string quoted;  // in gnuplot's single quotes, ' is written ''
  for (char ch : label) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
  return label.empty() ? command("unset cblabel") : set("cblabel '" + quoted + "' offset 1,0");
}

Figure& Figure::signed_colours(double limit, const std::string& label) {
  return colour_map(ColourMap::signed_values, -limit, limit, label);
}

std::string Figure::text_colour_of(const std::string& value) const {
  if (!has_map_) return "(0x000000)";
  // Both maps are light on one interval [a, b] of t and dark outside it: find it on a fine grid.
  const int n = 1000;
  int first = -1, last = -1;
  for (int i = 0; i <= n; ++i)
    if (!wants_white_text(colour_at(map_, double(i) / n, map_strength_))) {
      if (first < 0) first = i;
      last = i;
    }
  if (first < 0) return "(0xffffff)";
  std::ostringstream t, os;
  t << std::setprecision(10);
  if (map_log_) t << "((log(" << value << ") - log(" << map_lo_ << ")) / (log(" << map_hi_ << ") - log(" << map_lo_ << ")))";
  else t << "((" << value << " - (" << map_lo_ << ")) / (" << map_hi_ - map_lo_ << "))";
  std::string light = "1";  // a condition true on the light interval (t outside [0, 1] takes the end colour)
  os << std::setprecision(4);
  if (first > 0) os << t.str() << " >= " << double(first) / n;
  if (first > 0 && last < n) os << " && ";
  if (last < n) os << t.str() << " <= " << double(last) / n;
  if (first > 0 || last < n) light = os.str();
  return "(" + light + " ? 0x000000 : 0xffffff)";
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
  return plot(data(b) + " using 1:2:(sprintf('" + format + "', $3 + 0)):" + text_colour_of("$3") +
              " with labels tc rgb variable " + label_style + " notitle");
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
  commit_file(tmp_png, png);  // flushed, renamed, folder flushed
  return png;
}

}  // namespace nn
