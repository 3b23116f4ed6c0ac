// Chapter 4 — the report's Figure 4 (§4.2): a horizontal and a vertical edge-detection kernel
// convolved over a photo of a cat (chelsea.png, CC0, from scikit-image's data), in gray.
// Writes the gray input and both edge maps as PNGs, and a figure with the three side by side.
//
// Data: <data>/images/chelsea.png (bash scripts/fetch-data.sh). With --quick and no photo,
// a synthetic image stands in (the output says so); without --quick a missing photo is an error.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "nn/tools/cli.hpp"
#include "nn/conv2d.hpp"
#include "nn/errors.hpp"
#include "nn/data/image.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

//! [kernels]
// Sobel kernels. W_{0} responds where the brightness changes from one row to the next
// (horizontal edges), W_{1} where it changes from one column to the next (vertical edges).
const std::vector<float> kHorizontalEdge = {1, 2, 1,  //
                                            0, 0, 0,  //
                                            -1, -2, -1};
const std::vector<float> kVerticalEdge = {1, 0, -1,  //
                                          2, 0, -2,  //
                                          1, 0, -1};
//! [kernels]

/// A 96×128 stand-in for the photo: a bright rectangle and a disc on a gradient.
nn::Tensor<float> synthetic_image() {
  const std::size_t H = 96, W = 128;
  nn::Tensor<float> img(nn::Shape{1, 1, H, W});
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t w = 0; w < W; ++w) {
      float v = 0.2f + 0.2f * float(w) / float(W);
      if (h >= 20 && h < 60 && w >= 15 && w < 55) v = 0.9f;
      const float dh = float(h) - 55.0f, dw = float(w) - 90.0f;
      if (dh * dh + dw * dw < 25.0f * 25.0f) v = 0.6f;
      img(0, 0, h, w) = v;
    }
  return img;
}

std::vector<std::vector<double>> as_rows(const nn::Tensor<float>& Y, std::size_t channel, bool absolute) {
  std::vector<std::vector<double>> rows(Y.dim(2), std::vector<double>(Y.dim(3)));
  for (std::size_t h = 0; h < Y.dim(2); ++h)
    for (std::size_t w = 0; w < Y.dim(3); ++w) {
      const double v = Y(0, channel, h, w);
      rows[h][w] = absolute ? std::abs(v) : v;
    }
  return rows;
}

int run(const nn::ChapterArgs& args) {
  const std::filesystem::path photo = args.data / "images" / "chelsea.png";

  //! [load]
  nn::Tensor<float> gray;
  std::string source;
  if (std::filesystem::exists(photo)) {
    gray = nn::to_grayscale(nn::load_png(photo));  // (1, 3, 300, 451) → (1, 1, 300, 451)
    source = photo.string();
  } else if (args.quick) {
    gray = synthetic_image();
    source = "SYNTHETIC stand-in image (--quick and " + photo.string() + " is missing)";
  } else {
    throw nn::data_error(nn::missing_data_message(photo.string()));
  }
  //! [load]
  std::cout << "input: " << source << ", gray, shape " << gray.shape().str() << "\n";

  //! [convolve]
  // Both kernels as one convolution layer: C = 1 input channel, C' = 2 kernels of 3×3, padding 1
  // so that the edge maps have the photo's size (Eqs. (34)-(35): H' = H − 3 + 2 + 1 = H).
  nn::Tensor<float> W(nn::Shape{2, 1, 3, 3});
  std::copy(kHorizontalEdge.begin(), kHorizontalEdge.end(), W.begin());
  std::copy(kVerticalEdge.begin(), kVerticalEdge.end(), W.begin() + 9);
  const nn::Tensor<float> b(nn::Shape{2});
  const auto t0 = std::chrono::steady_clock::now();
  const nn::Tensor<float> edges = nn::conv2d_forward_im2row(gray, W, b, nn::ConvSpec{1, 1});  // Eq. (39)
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  //! [convolve]

  // The edge maps as PNGs: |response|, stretched so that the strongest edge is white.
  nn::Tensor<float> horizontal(gray.shape()), vertical(gray.shape());
  for (std::size_t i = 0; i < gray.size(); ++i) {
    horizontal[i] = std::abs(edges[i]);
    vertical[i] = std::abs(edges[gray.size() + i]);
  }
  const auto in_png = args.out / "ch04_edges_input.png";
  const auto h_png = args.out / "ch04_edges_horizontal.png";
  const auto v_png = args.out / "ch04_edges_vertical.png";
  nn::save_png(in_png, gray);
  nn::save_png(h_png, horizontal, nn::PngScaling::min_max);
  nn::save_png(v_png, vertical, nn::PngScaling::min_max);

  nn::Table table({{"map", "%-22s"}, {"H'×W'", "%10s"}, {"mean |Y|", "%9.4f"}, {"max |Y|", "%8.4f"}});
  for (const auto* m : {&horizontal, &vertical}) {
    double sum = 0, mx = 0;
    for (float v : *m) {
      sum += v;
      mx = std::max(mx, double(v));
    }
    table.row(m == &horizontal ? "horizontal edges W_0" : "vertical edges W_1",
              std::to_string(edges.dim(2)) + "×" + std::to_string(edges.dim(3)), sum / double(m->size()), mx);
  }
  std::cout << table.str() << "one im2row + GEMM convolution of " << gray.shape().str() << " with " << W.shape().str()
            << ": " << ms << " ms\n";
  const auto txt = args.out / "ch04_edge_detection.txt";
  nn::write_file_atomically(txt, nn::wrap_text("Figure 4: edge detection on " + source + "\n" + table.str()));

  // Figure 4: the input (gray, as a photo) and the two edge maps (|Y| in the non-negative colour
  // map, one colour bar for both, in the fourth quarter).
  const int width = int(gray.dim(3)), height = int(gray.dim(2));
  const int panel_height = int(std::lround(double(height) * 280.0 / double(width)));  // panels ≈ 280 px wide
  nn::Figure fig(args.out, "ch04_edge_detection", nn::kFigureMaxWidth, 2 * panel_height + 170);
  fig.command("set multiplot layout 2,2 title 'Figure 4: Sobel kernels convolved over " +
              std::string(std::filesystem::exists(photo) ? "the photo chelsea.png" : "a synthetic image") +
              "' margins 0.08, 0.98, 0.09, 0.9 spacing 0.11, 0.12");
  fig.set("yrange [] reverse").set("size ratio -1");
  fig.set("xtics 100 font ',8'").set("ytics 100 font ',8'").set("xlabel 'w' offset 0,0.5").set("ylabel 'h' offset 1.5,0");
  fig.set("xrange [-0.5:" + std::to_string(width) + "-0.5]").set("yrange [" + std::to_string(height) + "-0.5:-0.5]");
  const char* titles[] = {"input (gray)", "|horizontal edges| (W_0)", "|vertical edges| (W_1)"};
  const std::vector<std::vector<std::vector<double>>> panels = {as_rows(gray, 0, false), as_rows(edges, 0, true),
                                                                as_rows(edges, 1, true)};
  for (int k = 0; k < 3; ++k) {
    const int blk = fig.matrix(panels[std::size_t(k)]);
    fig.set(std::string("title '") + titles[k] + "'");
    if (k == 0) {
      fig.set("palette gray").set("cbrange [0:1]").command("unset colorbox");
    } else {
      // edge maps: |Y| up to 1.2, which saturates the strongest edges
      fig.colour_map(nn::ColourMap::non_negative, 0, 1.2, "|Y|, both edge maps");
      if (k == 1) fig.command("unset colorbox");
      else fig.set("colorbox user horizontal origin screen 0.6, screen 0.3 size screen 0.3, screen 0.04");
    }
    fig.plot(fig.data(blk) + " matrix with image notitle");
    fig.next_panel();
  }
  fig.command("unset multiplot");
  const auto png = fig.render();
  for (const auto& p : {in_png, h_png, v_png, txt, png}) nn::report_written(p);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2 Figure 4: horizontal and vertical edge kernels over a photo", run);
}
