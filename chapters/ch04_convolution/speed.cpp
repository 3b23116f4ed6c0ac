// Chapter 4 — why im2row is fast (§4.2.1: "row2im and im2row ... for the reader who wants to
// make convolution fast"). Times the naive loops of Eq. (39) against im2row + GEMM in float,
// and the GEMM calls alone (the same shapes, without building the rows) as the ceiling.
// --quick uses small sizes.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <sstream>

#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/conv2d.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

extern "C" char* openblas_get_corename(void);
extern "C" int openblas_get_num_threads(void);

namespace {

struct Shape4 {
  const char* label;  // short, for the tables
  const char* name;   // the shape, for the legend and the figure
  std::size_t R, C, H, W, Cp, k, p;
};

/// Best wall time of `reps` runs of f (after one warm-up run), in seconds.
template <class F>
double best_time(int reps, F f) {
  f();
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

int run(const nn::ChapterArgs& args) {
  const std::vector<Shape4> shapes =
      args.quick ? std::vector<Shape4>{{"small 1", "small 8x1x28x28->6 5x5", 8, 1, 28, 28, 6, 5, 0},
                                       {"small 2", "small 8x6x12x12->16 5x5", 8, 6, 12, 12, 16, 5, 0},
                                       {"small 3", "small 4x16x16x16->16 3x3 p1", 4, 16, 16, 16, 16, 3, 1}}
                 : std::vector<Shape4>{{"LeNet conv1", "LeNet conv1 64x1x28x28->6 5x5", 64, 1, 28, 28, 6, 5, 0},
                                       {"LeNet conv2", "LeNet conv2 64x6x12x12->16 5x5", 64, 6, 12, 12, 16, 5, 0},
                                       {"large", "32x64x32x32->64 3x3 p1", 32, 64, 32, 32, 64, 3, 1}};
  const int reps = args.quick ? 2 : 5;
  std::mt19937 rng(unsigned(args.seed));
  std::uniform_real_distribution<float> u(-1, 1);

  nn::Table times({{"layer", "%-11s"}, {"naive ms", "%9.2f"}, {"im2row ms", "%9.2f"}, {"speed-up", "%8.1f"},
                   {"sgemm alone ms", "%14.2f"}});
  nn::Table rates({{"layer", "%-11s"}, {"naive GFLOP/s", "%13.2f"}, {"im2row GFLOP/s", "%14.1f"},
                   {"sgemm alone GFLOP/s", "%19.1f"}, {"sgemm/im2row", "%12.2f"}});
  std::vector<double> naive_rate, fast_rate, gemm_rate;
  for (const auto& s : shapes) {
    nn::Tensor<float> X(nn::Shape{s.R, s.C, s.H, s.W}), W(nn::Shape{s.Cp, s.C, s.k, s.k}), b(nn::Shape{s.Cp});
    for (auto* t : {&X, &W, &b})
      for (auto& v : *t) v = u(rng);
    const nn::ConvSpec spec{1, s.p};
    const nn::Shape out = nn::conv2d_output_shape(X.shape(), W.shape(), spec);
    const std::size_t N = out[2] * out[3], K = s.C * s.k * s.k;
    const double flops = 2.0 * double(out.size()) * double(K);  // one multiply-add per term of Eq. (39)

    //! [timing]
    // the fast path as a network uses it: the Conv2d layer, whose buffers are allocated on the
    // first call and reused by every later one
    nn::Conv2d<float> conv(s.C, s.Cp, s.k, s.k, spec);
    conv.weights() = W;
    conv.bias() = b;
    nn::Tensor<float> Y;
    const double t_naive = best_time(args.quick ? 1 : 2, [&] { Y = nn::conv2d_forward_naive(X, W, b, spec); });
    const double t_fast = best_time(reps, [&] { conv.forward(X); });
    // For comparison: the same R products, (C' × K)·(K × H'W'), through OpenBLAS's cblas_sgemm on
    // window rows that are already built (our forward uses its own kernels, lib/src/kernels/).
    const nn::Tensor<float> rows = nn::im2row(X, s.k, s.k, spec);  // (R·H'W') × K
    nn::Tensor<float> Yg(out);
    const double t_gemm = best_time(reps, [&] {
      for (std::size_t r = 0; r < s.R; ++r)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(s.Cp), int(N), int(K), 1.0f, W.data(), int(K),
                    rows.data() + r * N * K, int(K), 0.0f, Yg.data() + r * s.Cp * N, int(N));
    });
    //! [timing]
    naive_rate.push_back(flops / t_naive / 1e9);
    fast_rate.push_back(flops / t_fast / 1e9);
    gemm_rate.push_back(flops / t_gemm / 1e9);
    times.row(s.label, 1e3 * t_naive, 1e3 * t_fast, t_naive / t_fast, 1e3 * t_gemm);
    rates.row(s.label, naive_rate.back(), fast_rate.back(), gemm_rate.back(), t_gemm / t_fast);
  }
  // The numbers the page quotes, by position: the first two are LeNet's layers (small ones with
  // --quick), the last the large 3×3 layer.
  nn::Facts facts("ch04_speed");
  const char* ids[] = {"conv1", "conv2", "large"};
  double min_speedup = 1e30, max_speedup = 0;
  for (std::size_t i = 0; i < shapes.size() && i < 3; ++i) {
    const double speedup = fast_rate[i] / naive_rate[i];
    min_speedup = std::min(min_speedup, speedup);
    max_speedup = std::max(max_speedup, speedup);
    facts.set(std::string(ids[i]) + "_naive_gflops", naive_rate[i], "%.2f")
        .set(std::string(ids[i]) + "_im2row_gflops", fast_rate[i], "%.1f")
        .set(std::string(ids[i]) + "_sgemm_gflops", gemm_rate[i], "%.1f")
        .set(std::string(ids[i]) + "_speedup", speedup, "%.1f");
  }
  facts.set("min_speedup", min_speedup, "%.1f").set("max_speedup", max_speedup, "%.1f");
  facts.set_text("openblas_core", openblas_get_corename()).set("reps", reps, "%d");
  nn::report_written(facts.save(args.out));

  std::ostringstream os;
  os << "Convolution forward (Eq. (39)) in float, best of " << reps << " runs;\nOpenBLAS core "
     << openblas_get_corename() << ", " << openblas_get_num_threads() << " thread(s)"
     << (args.quick ? "; --quick sizes" : "") << "\n";
  for (const auto& s : shapes) os << "  " << s.label << ": " << s.name << "\n";
  os << times.str() << "\n" << rates.str()
     << "sgemm alone = the same products through OpenBLAS, without building the rows;\n"
     << "sgemm/im2row = its time over the time of our whole forward pass (above 1:\n"
     << "our copies and kernels beat OpenBLAS's products alone).\n";
  std::cout << os.str();
  const auto txt = args.out / "ch04_speed.txt";
  nn::write_file_atomically(txt, nn::wrap_text(os.str()));

  nn::Figure fig(args.out, "ch04_speed", 900, 520);
  fig.set("title 'Convolution forward: naive loops vs im2row + GEMM (float)'").set("ylabel 'GFLOP/s'");
  fig.set("logscale y").set("style data histograms").set("style histogram clustered gap 1");
  fig.set("style fill solid 0.8 border -1").set("key top left").set("xtics noenhanced").set("yrange [0.1:*]");
  std::vector<std::vector<double>> cols(4);
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    cols[0].push_back(double(i));
    cols[1].push_back(naive_rate[i]);
    cols[2].push_back(fast_rate[i]);
    cols[3].push_back(gemm_rate[i]);
  }
  std::string xt = "xtics (";
  for (std::size_t i = 0; i < shapes.size(); ++i) {  // the shape on a second line, so that the labels fit
    std::string label = shapes[i].name;
    const std::size_t cut = label.rfind(' ', label.find("->"));
    if (cut != std::string::npos) label.replace(cut, 1, "\\n");
    xt += (i ? ", \"" : "\"") + label + "\" " + std::to_string(i);
  }
  fig.set(xt + ") font ',8'").set("xlabel 'convolution: R×C×H×W -> C′, kernel k×k, padding p'");
  const int blk = fig.block(cols);
  fig.plot(fig.data(blk) + " using 2 title 'naive loops (Eq. 39)'");
  fig.plot(fig.data(blk) + " using 3 title 'im2row + GEMM'");
  fig.plot(fig.data(blk) + " using 4 title 'OpenBLAS sgemm alone, same products'");
  const auto png = fig.render();
  nn::report_written(txt);
  nn::report_written(png);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.1 naive convolution vs im2row + GEMM: time and GFLOP/s", run);
}
