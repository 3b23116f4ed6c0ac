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

/// @brief One figure: gnuplot settings, data blocks and plot clauses, rendered to PNG.
class Figure {
 public:
  /// @param out_dir  folder for NAME.png, NAME.dat, NAME.gp (created if missing)
  /// @param name     file name without extension
  /// @param width, height  size of the PNG in pixels
  Figure(std::filesystem::path out_dir, std::string name, int width = 800, int height = 560);

  /// @brief Adds a gnuplot `set` command, without the word set: `fig.set("logscale xy")`.
  Figure& set(const std::string& setting);
  /// @brief Adds any gnuplot command verbatim before the plot (e.g. `unset key`, `set multiplot`).
  Figure& command(const std::string& cmd);
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
  /// @brief Plots a cells() block as coloured cells with each value printed in its cell.
  /// @param block        the index cells() returned
  /// @param format       a printf format for the values, such as "%g" or "%.1f" (−0 prints as 0)
  /// @param label_style  gnuplot style of the labels, such as "font ',14'"
  Figure& labelled_cells(int block, const std::string& format = "%g", const std::string& label_style = "font ',14'");
  /// @brief The quoted data file and block index for a plot clause: `'NAME.dat' index 2`.
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
};

/// @brief True if a `gnuplot` executable is on the PATH.
bool gnuplot_available();

}  // namespace nn
