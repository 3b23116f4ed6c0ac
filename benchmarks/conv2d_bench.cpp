// Convolution speed (report §4.2.1: "row2im and im2row ... for the reader who wants to make
// convolution fast"): the naive loops of Eq. (39) against im2row + GEMM, forward and
// forward+backward, for LeNet's two convolutions and a larger 3×3 layer; every rate also as a
// fraction of cblas_sgemm's measured peak on this machine, measured at start-up in the same run.
//
//   build/benchmarks/bench_conv2d [--benchmark_filter=large]   (Google Benchmark options)
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "kernels/conv2d_im2row.hpp"  // the fast path itself, as the layer calls it
#include "nn/conv2d.hpp"

extern "C" char* openblas_get_corename(void);
extern "C" int openblas_get_num_threads(void);

namespace {

double g_sgemm_peak = 0;  // FLOP/s, measured in main() before the benchmarks run

struct ConvShape {
  const char* name;
  std::size_t R, C, H, W, Cp, k, p;
};
const ConvShape kShapes[] = {
    {"lenet_conv1 64x1x28x28->6x5x5", 64, 1, 28, 28, 6, 5, 0},
    {"lenet_conv2 64x6x12x12->16x5x5", 64, 6, 12, 12, 16, 5, 0},
    {"large 32x64x32x32->64x3x3p1", 32, 64, 32, 32, 64, 3, 1},
};

struct Problem {
  nn::Tensor<float> X, W, b, dY, Y, rows, drows;
  nn::Conv2dGradients<float> grads;
  nn::ConvSpec spec;
  double forward_flops;
};

Problem make_problem(const ConvShape& s) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  Problem pr;
  pr.spec = nn::ConvSpec{1, s.p};
  pr.X = nn::Tensor<float>(nn::Shape{s.R, s.C, s.H, s.W});
  pr.W = nn::Tensor<float>(nn::Shape{s.Cp, s.C, s.k, s.k});
  pr.b = nn::Tensor<float>(nn::Shape{s.Cp});
  for (auto* t : {&pr.X, &pr.W, &pr.b})
    for (auto& v : *t) v = u(rng);
  const nn::Shape out = nn::conv2d_output_shape(pr.X.shape(), pr.W.shape(), pr.spec);
  pr.dY = nn::Tensor<float>(out);
  for (auto& v : pr.dY) v = u(rng);
  // Eq. (39): one multiply and one add per (r, c', h', w', c, j, i)
  pr.forward_flops = 2.0 * double(out.size()) * double(s.C * s.k * s.k);
  return pr;
}

// Wall-clock time per iteration (OpenBLAS runs its own threads, so CPU time would mislead):
// each benchmark times its iterations itself and reports GFLOP/s and the fraction of the sgemm
// peak as plain numbers.
class WallTimer {
 public:
  void start() { t0_ = std::chrono::steady_clock::now(); }
  void stop(benchmark::State& state) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    state.SetIterationTime(s);
    total_ += s;
  }
  double total() const { return total_; }

 private:
  std::chrono::steady_clock::time_point t0_;
  double total_ = 0;
};

void report(benchmark::State& state, const WallTimer& timer, double flops_per_iteration) {
  const double rate = flops_per_iteration * double(state.iterations()) / timer.total();
  state.counters["GFLOP/s"] = rate / 1e9;
  state.counters["of_sgemm_peak"] = rate / g_sgemm_peak;
}

void BM_forward_naive(benchmark::State& state, const ConvShape& s) {
  Problem pr = make_problem(s);
  WallTimer t;
  for (auto _ : state) {
    t.start();
    benchmark::DoNotOptimize(nn::conv2d_forward_naive(pr.X, pr.W, pr.b, pr.spec).data());
    t.stop(state);
  }
  report(state, t, pr.forward_flops);
}

void BM_forward_im2row(benchmark::State& state, const ConvShape& s) {
  Problem pr = make_problem(s);
  nn::kernels::conv2d_forward(pr.X, pr.W, pr.b, pr.spec, pr.Y, pr.rows);  // buffers allocated once
  WallTimer t;
  for (auto _ : state) {
    t.start();
    nn::kernels::conv2d_forward(pr.X, pr.W, pr.b, pr.spec, pr.Y, pr.rows);
    benchmark::DoNotOptimize(pr.Y.data());
    t.stop(state);
  }
  report(state, t, pr.forward_flops);
}

void BM_forward_backward_naive(benchmark::State& state, const ConvShape& s) {
  Problem pr = make_problem(s);
  WallTimer t;
  for (auto _ : state) {
    t.start();
    benchmark::DoNotOptimize(nn::conv2d_forward_naive(pr.X, pr.W, pr.b, pr.spec).data());
    benchmark::DoNotOptimize(nn::conv2d_backward_naive(pr.dY, pr.X, pr.W, pr.spec).dX.data());
    t.stop(state);
  }
  report(state, t, 3 * pr.forward_flops);  // forward, dX and dW each cost one forward
}

void BM_forward_backward_im2row(benchmark::State& state, const ConvShape& s) {
  Problem pr = make_problem(s);
  nn::kernels::conv2d_forward(pr.X, pr.W, pr.b, pr.spec, pr.Y, pr.rows);
  nn::kernels::conv2d_backward(pr.dY, pr.X, pr.W, pr.spec, pr.grads, pr.rows, pr.drows);
  WallTimer t;
  for (auto _ : state) {
    t.start();
    nn::kernels::conv2d_forward(pr.X, pr.W, pr.b, pr.spec, pr.Y, pr.rows);
    nn::kernels::conv2d_backward(pr.dY, pr.X, pr.W, pr.spec, pr.grads, pr.rows, pr.drows);
    benchmark::DoNotOptimize(pr.grads.dX.data());
    t.stop(state);
  }
  report(state, t, 3 * pr.forward_flops);
}

void BM_sgemm(benchmark::State& state) {
  const int n = int(state.range(0));
  std::vector<float> A(std::size_t(n) * n, 0.5f), B(A), C(A);
  WallTimer t;
  for (auto _ : state) {
    t.start();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, A.data(), n, B.data(), n, 0.0f, C.data(), n);
    benchmark::DoNotOptimize(C.data());
    t.stop(state);
  }
  report(state, t, 2.0 * n * n * double(n));
}

/// Best of several 2048³ sgemm runs, after a warm-up, in FLOP/s.
double measure_sgemm_peak() {
  const int n = 2048;
  std::vector<float> A(std::size_t(n) * n, 0.5f), B(A), C(A);
  double best = 0;
  for (int rep = 0; rep < 6; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, A.data(), n, B.data(), n, 0.0f, C.data(), n);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (rep > 0) best = std::max(best, 2.0 * n * n * double(n) / s);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  g_sgemm_peak = measure_sgemm_peak();
  const std::string core = openblas_get_corename();
  const int threads = openblas_get_num_threads();
  std::printf("OpenBLAS core %s, %d thread(s); measured cblas_sgemm peak (2048^3, best of 5): %.1f GFLOP/s\n",
              core.c_str(), threads, g_sgemm_peak / 1e9);
  benchmark::AddCustomContext("openblas_core", core);
  benchmark::AddCustomContext("openblas_threads", std::to_string(threads));
  benchmark::AddCustomContext("sgemm_peak_GFLOPs", std::to_string(g_sgemm_peak / 1e9));
  benchmark::RegisterBenchmark("sgemm", BM_sgemm)->Arg(2048)->UseManualTime()->Unit(benchmark::kMillisecond);
  for (const auto& s : kShapes) {
    const std::string n = s.name;
    benchmark::RegisterBenchmark(("forward/naive/" + n).c_str(), BM_forward_naive, s)->UseManualTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("forward/im2row/" + n).c_str(), BM_forward_im2row, s)->UseManualTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("fwd+bwd/naive/" + n).c_str(), BM_forward_backward_naive, s)->UseManualTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("fwd+bwd/im2row/" + n).c_str(), BM_forward_backward_im2row, s)->UseManualTime()->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
