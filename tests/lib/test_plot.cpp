// The figure and table helpers: a real PNG with its .dat and .gp, a clear error when gnuplot
// is missing or writes nothing, and aligned Boost.Format tables.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace fs = std::filesystem;

namespace {
fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::path(NN_TEST_TMP) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
std::string read(const fs::path& p) {
  std::ifstream f(p);
  return std::string(std::istreambuf_iterator<char>(f), {});
}
}  // namespace

TEST_CASE("Figure writes a PNG, its data and its script", "[plot]") {
  if (!nn::gnuplot_available()) FAIL("gnuplot is not installed: apt-get install gnuplot-nox");
  const auto dir = fresh_dir("plot_ok");
  nn::Figure fig(dir, "line");
  fig.set("xlabel 'x'");
  const int b = fig.block({{0, 1, 2}, {0, 1, 4}});
  fig.plot(fig.data(b) + " using 1:2 with lines title 'x²'");
  const auto png = fig.render();
  REQUIRE(png == dir / "line.png");
  REQUIRE(fs::exists(png));
  std::ifstream f(png, std::ios::binary);
  char magic[8] = {};
  f.read(magic, 8);
  CHECK(std::string(magic + 1, 3) == "PNG");
  CHECK(read(dir / "line.dat").find("2 4") != std::string::npos);
  CHECK(read(dir / "line.gp").find("set xlabel 'x'") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "line.png.tmp"));
}

TEST_CASE("Figure::cells lays out one feature map as (w, h, value); labelled_cells draws and labels it",
          "[plot]") {
  if (!nn::gnuplot_available()) FAIL("gnuplot is not installed: apt-get install gnuplot-nox");
  const auto dir = fresh_dir("plot_cells");
  nn::Tensor<double> X(nn::Shape{2, 2, 2, 3});
  for (std::size_t i = 0; i < X.size(); ++i) X[i] = double(i);
  nn::Figure fig(dir, "cells");
  const int b = fig.cells(X, 1, 0);  // map (1, 0): offsets 12 … 17
  fig.labelled_cells(b, "%.1f");
  fig.render();
  const std::string dat = read(dir / "cells.dat");
  // row h = 1, column w = 2 of map (1, 0) is X(1, 0, 1, 2) = 12 + 1·3 + 2 = 17
  CHECK(dat.find("2 1 17") != std::string::npos);
  CHECK(dat.find("0 0 12") != std::string::npos);
  CHECK(dat.find("18") == std::string::npos);  // nothing from map (1, 1)
  const std::string gp = read(dir / "cells.gp");
  CHECK(gp.find("with image") != std::string::npos);
  CHECK(gp.find("sprintf('%.1f', $3 + 0)") != std::string::npos);
  CHECK_THROWS_WITH(fig.cells(X, 2, 0), Catch::Contains("(2, 2, 2, 3)"));
  CHECK_THROWS_AS(fig.cells(nn::Tensor<double>(nn::Shape{2, 3})), nn::shape_error);
}

TEST_CASE("The colour maps: one formula for gnuplot and for the text colours", "[plot]") {
  // the signed map: blue at −L, near-white at 0, orange at +L; the lines' sign colours are its ends
  CHECK(nn::map_colour(nn::ColourMap::signed_values, 0.0) == "#2166ac");
  CHECK(nn::map_colour(nn::ColourMap::signed_values, 0.5) == "#f7f7f7");
  CHECK(nn::map_colour(nn::ColourMap::signed_values, 1.0) == "#b35806");
  CHECK(nn::sign_colour(-3) == "#2166ac");
  CHECK(nn::sign_colour(0.2) == "#b35806");
  CHECK(nn::map_colour(nn::ColourMap::non_negative, 0.0) == "#440154");  // viridis
  CHECK(nn::map_colour(nn::ColourMap::non_negative, 1.0) == "#fde725");
  CHECK(nn::map_colour(nn::ColourMap::signed_values, 0.0, 0.0) == "#ffffff");  // fully faded
  // white text on the dark ends, black on the light middle
  CHECK(nn::text_colour(nn::ColourMap::signed_values, 0.0) == "#ffffff");
  CHECK(nn::text_colour(nn::ColourMap::signed_values, 0.5) == "#000000");
  CHECK(nn::text_colour(nn::ColourMap::non_negative, 0.0) == "#ffffff");
  CHECK(nn::text_colour(nn::ColourMap::non_negative, 1.0) == "#000000");
  CHECK(nn::rgb_number("#0000ff") == 255.0);
  CHECK_THROWS_AS(nn::rgb_number("blue"), std::invalid_argument);
  // ten distinct series colours, each with a dash type
  for (std::size_t a = 0; a < 10; ++a)
    for (std::size_t b = a + 1; b < 10; ++b) CHECK(nn::series_colour(a) != nn::series_colour(b));
  CHECK(nn::series_style(1).find("dt 2") != std::string::npos);
  const nn::Tensor<double> t(nn::Shape{1, 3}, {0.5, -2.0, 1.0});
  CHECK(nn::largest_magnitude({&t}) == 2.0);
}

TEST_CASE("Figure::colour_map sets a symmetric signed range, a colour bar and readable labels", "[plot]") {
  const auto dir = fresh_dir("plot_colours");
  const std::string cmd = ">" + (dir / "captured.gp").string();
  ::setenv("GNUPLOT_IOSTREAM_CMD", cmd.c_str(), 1);
  nn::Figure fig(dir, "signed", 2000, 1000);  // wider than the docs' column: shrunk to it
  nn::Tensor<double> X(nn::Shape{1, 1, 1, 2}, {-1.5, 0.25});
  fig.signed_colours(nn::largest_magnitude({&X}), "δ");
  fig.labelled_cells(fig.cells(X), "%.2f");
  CHECK_THROWS(fig.render());  // the capture writes no PNG
  ::unsetenv("GNUPLOT_IOSTREAM_CMD");
  const std::string gp = read(dir / "signed.gp");
  CAPTURE(gp);
  CHECK(gp.find("size 640,320") != std::string::npos);
  CHECK(gp.find("set cbrange [-1.5:1.5]") != std::string::npos);
  CHECK(gp.find("set palette defined (0 '#2166ac'") != std::string::npos);
  CHECK(gp.find("set colorbox") != std::string::npos);
  CHECK(gp.find("set cblabel 'δ'") != std::string::npos);
  CHECK(gp.find("tc rgb variable") != std::string::npos);
  CHECK_THROWS_AS(fig.colour_map(nn::ColourMap::non_negative, 0, 10, "count", true), std::invalid_argument);
}

TEST_CASE("Figure fails clearly when gnuplot is missing", "[plot]") {
  const auto dir = fresh_dir("plot_missing");
  const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", dir.c_str(), 1);  // a PATH with no gnuplot on it
  nn::Figure fig(dir, "nothing");
  fig.plot("x");
  try {
    fig.render();
    ::setenv("PATH", old_path.c_str(), 1);
    FAIL("no plot_error");
  } catch (const nn::plot_error& e) {
    ::setenv("PATH", old_path.c_str(), 1);
    const std::string msg = e.what();
    CAPTURE(msg);
    CHECK(msg.find("gnuplot is not installed") != std::string::npos);
    CHECK(msg.find("apt-get install --no-install-recommends gnuplot-nox") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir / "nothing.png"));
}

TEST_CASE("Figure fails clearly when gnuplot writes no PNG", "[plot]") {
  const auto dir = fresh_dir("plot_nopng");
  // gnuplot-iostream's documented hook: send the script to a file instead of a gnuplot.
  const std::string cmd = ">" + (dir / "captured.gp").string();
  ::setenv("GNUPLOT_IOSTREAM_CMD", cmd.c_str(), 1);
  nn::Figure fig(dir, "silent");
  fig.plot("sin(x)");
  CHECK_THROWS_WITH(fig.render(), Catch::Contains("gnuplot did not write") && Catch::Contains("silent.png"));
  ::unsetenv("GNUPLOT_IOSTREAM_CMD");
  CHECK(read(dir / "captured.gp").find("plot sin(x)") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "silent.png"));
}

TEST_CASE("Figure blocks must have equal column lengths", "[plot]") {
  nn::Figure fig(fresh_dir("plot_bad"), "bad");
  CHECK_THROWS_AS(fig.block({{1, 2, 3}, {1, 2}}), std::invalid_argument);
}

TEST_CASE("Table formats with Boost.Format and aligns columns", "[table]") {
  nn::Table t({{"x", "%5.2f"}, {"name", "%s"}, {"error", "%.1e"}});
  t.row(1.0, "sigmoid", 3.2e-11).row(-12.5, "tanh", 1.0);
  const std::string s = t.str();
  CAPTURE(s);
  CHECK(s.find("sigmoid") != std::string::npos);
  CHECK(s.find("3.2e-11") != std::string::npos);
  CHECK(s.find("-12.50") != std::string::npos);
  // every line has the same length: right-aligned columns
  std::size_t len = s.find('\n');
  for (std::size_t pos = 0; pos < s.size();) {
    const std::size_t nl = s.find('\n', pos);
    CHECK(nl - pos == len);
    pos = nl + 1;
  }
  CHECK_THROWS_AS(t.row(1.0, "too few"), std::invalid_argument);
  const auto dir = fresh_dir("table");
  t.save(dir / "t.txt");
  CHECK(read(dir / "t.txt") == s);
}

TEST_CASE("wrap_text wraps prose to the docs' column and leaves table rows whole", "[table]") {
  const std::string prose = "  every word of this sentence goes onto lines of at most forty characters, "
                            "indented like the first";
  const std::string row = "sigmoid   -3.00   0.045176659731   0.045176864189   0.045176455275   4.5e-06   2.2e-11";
  const std::string wrapped = nn::wrap_text(prose + "\n" + row + "\nshort\n", 40);
  CAPTURE(wrapped);
  CHECK(wrapped.find(row + "\nshort\n") != std::string::npos);  // the table row and the rest as they were
  std::size_t lines = 0;
  for (std::size_t pos = 0; pos < wrapped.find(row);) {
    const std::size_t nl = wrapped.find('\n', pos);
    const std::string line = wrapped.substr(pos, nl - pos);
    CHECK(line.size() <= 40);
    CHECK(line.rfind(lines == 0 ? "  every" : "    ", 0) == 0);  // continuations: two more spaces
    ++lines, pos = nl + 1;
  }
  CHECK(lines == 3);
  CHECK(nn::wrap_text("no newline at the end") == "no newline at the end");
}

TEST_CASE("write_file_atomically replaces a file whole", "[plot]") {
  const auto dir = fresh_dir("atomic");
  nn::write_file_atomically(dir / "a.txt", "first");
  nn::write_file_atomically(dir / "a.txt", "second");
  CHECK(read(dir / "a.txt") == "second");
  int files = 0;
  for (auto& e : fs::directory_iterator(dir)) (void)e, ++files;
  CHECK(files == 1);  // no temporary left behind
}

TEST_CASE("Table aligns UTF-8 text by characters and honours %- left alignment", "[table]") {
  nn::Table t({{"name", "%-s"}, {"σ²_c", "%.2f"}});
  t.row("γ", 1.0).row("X̂ long", 22.5);
  const std::string s = t.str();
  CAPTURE(s);
  // column widths in characters: 6 ("X̂ long", the hat is a combining mark) and 5 ("22.50")
  CHECK(s.find("name     σ²_c\n") != std::string::npos);  // "name" + 2 pad + 2 gap + 1 pad
  CHECK(s.find("γ        1.00\n") != std::string::npos);  // left-aligned name, right-aligned value
  CHECK(s.find("X̂ long  22.50\n") != std::string::npos);
  CHECK(s.find("-------------\n") != std::string::npos);  // the rule spans 6 + 2 + 5 characters
}
