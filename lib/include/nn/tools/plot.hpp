/// @file plot.hpp
/// @brief Figures: a thin wrapper over gnuplot-iostream that writes `NAME.png` (pngcairo)
///        with its data `NAME.dat` and script `NAME.gp` beside it.
///
/// The `.dat` and `.gp` files let a student redraw or restyle any figure with plain
/// `gnuplot NAME.gp`. Data goes in numbered blocks (gnuplot's `index`), added with block()
/// or matrix(); plot clauses refer to them by that number.
///
/// @code
/// nn::Figure fig(out_dir, "fig2_activations");
/// fig.set("xlabel 'x'").set("key top left");
/// int b = fig.block({xs, ys});               // columns x, y
/// fig.plot(fig.data(b) + " using 1:2 with lines lw 2 title 'σ(x)'");
/// fig.render();                               // throws if gnuplot is missing or wrote nothing
/// @endcode
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/tensor.hpp"
#include "nn/tools/files.hpp"

namespace nn {

/// @brief gnuplot is missing, failed, or did not write the PNG.
class plot_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---- colours ----------------------------------------------------------------------------------
// Every figure takes its colours from here (design notes, "Figures are files first"): one map for
// signed values, one for non-negative ones, and one list of colours for lines and boxes.

/// @brief The two colour maps of the figures' heat maps, both readable with colour-blind eyes.
enum class ColourMap {
  signed_values,  ///< diverging: blue (negative) — near-white (0) — orange (positive), on [−L, L]
  non_negative,   ///< viridis: dark purple (low) — teal — yellow (high)
};

/// @brief The colour of `map` at t ∈ [0, 1] (0 = the low end of the range) as "#rrggbb",
///        blended towards white when strength < 1 (a backdrop under lines and points).
std::string map_colour(ColourMap map, double t, double strength = 1.0);

/// @brief "#000000" or "#ffffff", whichever has the higher contrast on map_colour(map, t, strength).
std::string text_colour(ColourMap map, double t, double strength = 1.0);

/// @brief The colour of a sign, for lines and points: the signed map's ends, blue for v < 0 and
///        orange for v > 0 (grey for 0).
std::string sign_colour(double v);

/// @brief Line style of series k of a figure with several lines ("lc rgb '#…' dt n"): ten distinct
///        colour-blind-safe colours (Okabe–Ito and Tol), each series also with its own dash type.
std::string series_style(std::size_t k);

/// @brief Colour k of the same list as series_style(), as "#rrggbb" (for boxes and outlines).
std::string series_colour(std::size_t k);

/// @brief The largest |value| in some tensors (at least 1e-12): the limit L of
///        Figure::signed_colours() when panels share one scale [−L, L].
double largest_magnitude(const std::vector<const Tensor<double>*>& tensors);

/// @brief A "#rrggbb" colour as the number 0xrrggbb, for a data column that gnuplot reads with
///        `lc rgb variable` or `tc rgb variable`.
double rgb_number(const std::string& colour);

/// @brief The widest figure, in pixels: the text column of the docs' chapter pages (about 650 px
///        in a 1280-pixel window, beside the table of contents), so that every figure is shown at
///        its own size and its text stays as large as it was drawn.
constexpr int kFigureMaxWidth = 640;

/// @brief One figure: gnuplot settings, data blocks and plot clauses, rendered to PNG.
class Figure {
 public:
  /// @param out_dir  folder for NAME.png, NAME.dat, NAME.gp (created if missing)
  /// @param name     file name without extension
  /// @param width, height  size of the PNG in pixels; a width above kFigureMaxWidth is cut to it,
  ///                       and the height by the same factor
  Figure(std::filesystem::path out_dir, std::string name, int width = kFigureMaxWidth, int height = 448);

  /// @brief Adds a gnuplot `set` command, without the word set: `fig.set("logscale xy")`.
  Figure& set(const std::string& setting);
  /// @brief Adds any gnuplot command verbatim before the plot (e.g. `unset key`, `set multiplot`).
  Figure& command(const std::string& cmd);
  /// @brief Colours the values in [lo, hi] with `map` and shows the colour bar, titled `label`.
  ///        Holds for the panels that follow, until the next call. labelled_cells() then writes
  ///        each value in black or white, whichever reads on its cell (text_colour_of()).
  /// @param map       ColourMap::signed_values (then lo = −hi, so that white is 0) or
  ///                  ColourMap::non_negative
  /// @param lo, hi    the values at the two ends of the map
  /// @param label     the title of the colour bar: what the colour shows ("" for none, where the
  ///                  panel's title says it)
  /// @param log       a logarithmic colour scale (needs lo > 0)
  /// @param strength  1 for the full map; less blends it towards white (a backdrop)
  /// @throws std::invalid_argument if lo ≥ hi, or log with lo ≤ 0
  Figure& colour_map(ColourMap map, double lo, double hi, const std::string& label, bool log = false,
                     double strength = 1.0);
  /// @brief colour_map(ColourMap::signed_values, −limit, limit, label): white is 0.
  Figure& signed_colours(double limit, const std::string& label);
  /// @brief A gnuplot expression, for `tc rgb variable`, of the text colour that reads on the cell
  ///        of value `value` (such as "$3") under the current colour_map(): white on dark cells,
  ///        black on light ones. Black if no colour_map() was set.
  std::string text_colour_of(const std::string& value) const;
  /// @brief Adds a data block of equal-length columns; returns its index.
  /// @throws std::invalid_argument if the columns differ in length
  int block(const std::vector<std::vector<double>>& columns);
  /// @brief Adds a data block holding a matrix as gnuplot's `matrix` format (row i of
  ///        `values` is image row i, drawn top to bottom with `set yrange [] reverse`).
  int matrix(const std::vector<std::vector<double>>& values);
  /// @brief Adds feature map (r, c) of a rank-4 tensor as a block of (w, h, value) rows, one per
  ///        entry, for labelled_cells(); returns its index.
  /// @throws shape_error if X is not of rank 4 or (r, c) is outside it
  int cells(const Tensor<double>& X, std::size_t r = 0, std::size_t c = 0);
  /// @brief Plots a cells() block as coloured cells with each value printed in its cell, in
  ///        black or white to read on the cell's colour (see colour_map()).
  /// @param block        the index cells() returned
  /// @param format       a printf format for the values, such as "%g" or "%.1f" (−0 prints as 0)
  /// @param label_style  gnuplot style of the labels, such as "font ',14'"
  Figure& labelled_cells(int block, const std::string& format = "%g", const std::string& label_style = "font ',14'");
  /// @brief The quoted data file and block index for a plot clause: <code>'NAME.dat' index 2</code>.
  std::string data(int block_index) const;
  /// @brief Adds one plot clause (joined with commas into one `plot` command).
  Figure& plot(const std::string& clause);
  /// @brief Adds one `splot` clause instead (3-D or contour plots). Do not mix with plot().
  Figure& splot(const std::string& clause);
  /// @brief Starts the next panel of a `set multiplot` figure: emits the plot built so far and
  ///        clears the clause list, keeping the data blocks.
  Figure& next_panel();

  /// @brief Writes NAME.dat and NAME.gp, runs gnuplot, and checks that NAME.png was written.
  /// @return the path of the PNG
  /// @throws plot_error naming the fix if gnuplot is not installed, or the PNG is missing or
  ///         empty afterwards (gnuplot reports its own errors on stderr, not in its exit code)
  std::filesystem::path render();

  /// The path the PNG is written to.
  std::filesystem::path png_path() const { return dir_ / (name_ + ".png"); }

 private:
  void flush_clauses();
  std::filesystem::path dir_;
  std::string name_;
  int width_, height_;
  std::vector<std::string> pre_;
  std::vector<std::string> clauses_;
  std::string clause_verb_ = "plot";
  std::string data_;
  int blocks_ = 0;
  // the colour map of the panels being built, for text_colour_of()
  bool has_map_ = false;
  ColourMap map_ = ColourMap::non_negative;
  double map_lo_ = 0, map_hi_ = 1, map_strength_ = 1;
  bool map_log_ = false;
};

/// @brief True if a `gnuplot` executable is on the PATH.
bool gnuplot_available();

}  // namespace nn
