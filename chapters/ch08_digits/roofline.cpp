// Chapter 8 — where LeNet-5's training time goes: a roofline per layer. Every layer's forward
// and backward pass at batch 64 is timed on its own, as the training loop calls it, and set
// against two ceilings measured in the same run: the arithmetic peak (cblas_sgemm on a
// 2048 × 2048 product, as bench_conv2d measures it) and the bandwidth of main memory (a
// streaming triad over arrays far larger than the caches). A pass whose FLOPs per byte are
// below peak / bandwidth (the ridge point) cannot reach the peak even with perfect code: it is
// memory-bound; above it, compute-bound. The large 3×3 layer of bench_conv2d is timed the same
// way, for comparison. --quick: fewer rounds and repetitions.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <sstream>

#include "nn/activation_layer.hpp"
#include "nn/apps/models.hpp"
#include "nn/conv2d.hpp"
#include "nn/data_parallel.hpp"
#include "nn/dense.hpp"
#include "nn/loss.hpp"
#include "nn/maxpool2d.hpp"
#include "nn/optim.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/files.hpp"
#include "nn/tools/table.hpp"
#include "nn/tools/threads.hpp"

extern "C" char* openblas_get_corename(void);

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

/// The largest ratio of a round's slowest to its median time, over every median_time() call:
/// a busy machine shows here (and the numbers then say little).
double g_worst_spread = 1;

/// The median over `rounds` of the time of one call of f, each round timing `reps` calls in a
/// row (after one warm-up call), in seconds.
template <class F>
double median_time(int rounds, int reps, F f) {
  f();
  std::vector<double> t;
  for (int r = 0; r < rounds; ++r) {
    const auto t0 = Clock::now();
    for (int i = 0; i < reps; ++i) f();
    t.push_back(seconds_since(t0) / reps);
  }
  std::sort(t.begin(), t.end());
  g_worst_spread = std::max(g_worst_spread, t.back() / t[t.size() / 2]);
  return t[t.size() / 2];
}

/// The arithmetic ceiling: the best of several 2048³ cblas_sgemm runs on `threads` threads, FLOP/s
/// (the best a tuned BLAS gets from the FMA units here, not their nominal peak).
double sgemm_peak(int threads, int runs) {
  const int n = 2048;
  std::vector<float> A(std::size_t(n) * n, 0.5f), B(A), C(A);
  openblas_set_num_threads(threads);
  double best = 0;
  for (int rep = 0; rep <= runs; ++rep) {
    const auto t0 = Clock::now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, A.data(), n, B.data(), n, 0.0f, C.data(), n);
    const double s = seconds_since(t0);
    if (rep > 0) best = std::max(best, 2.0 * n * n * double(n) / s);  // the first run warms up
  }
  return best;
}

/// The memory ceiling: a[i] = b[i] + s·c[i] over three arrays of 64 MB each (far beyond the
/// caches), on the library's threads, best of `runs`; counts 12 bytes per i (two reads, one
/// write), bytes/s.
double triad_bandwidth(int runs) {
  const std::size_t n = std::size_t(16) << 20;
  std::vector<float> a(n), b(n, 1.0f), c(n, 2.0f);
  double best = 0;
  for (int rep = 0; rep <= runs; ++rep) {
    const auto t0 = Clock::now();
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(n); ++i) a[std::size_t(i)] = b[std::size_t(i)] + 3.0f * c[std::size_t(i)];
    const double s = seconds_since(t0);
    if (rep > 0) best = std::max(best, 12.0 * double(n) / s);  // the first run touches the pages
  }
  if (a[n / 2] != 7.0f) throw std::logic_error("ch08_roofline: the triad computed a wrong value");
  return best;
}

/// One pass of one layer: what it computes and moves, and how long it takes.
struct Pass {
  std::string layer, pass;
  double flops = 0, bytes = 0, seconds = 0;
};

constexpr double kBytes = sizeof(float);

/// FLOPs and the bytes a pass must move at least (each tensor it reads or writes, once).
/// Conv2d and Dense: one multiply-add per term, 2·|Y|·K with K = |W| / (output channels), plus
/// one add per output for the bias; the backward pass does the products twice (∂L/∂W, Eq. (43),
/// and δ, Eq. (42)), or once when the layer's input needs no δ, and sums δ for ∂L/∂b.
/// Activation: one operation per element. Max-pool: k_H·k_W − 1 comparisons per output, and it
/// writes the index of each maximum (8 bytes) for the backward pass, which reads them back and
/// only routes values (no arithmetic).
void count(nn::Layer<float>& layer, const nn::Tensor<float>& X, const nn::Tensor<float>& Y, Pass& fwd, Pass& bwd) {
  const double x = double(X.size()), y = double(Y.size());
  double params = 0;
  for (const auto& p : layer.parameters()) params += double(p.value->size());
  fwd.bytes = kBytes * (x + y + params);
  bwd.bytes = kBytes * (y + (layer.input_gradient() ? x : 0));  // δ^(l+1) in, δ^(l) out
  if (dynamic_cast<nn::Conv2d<float>*>(&layer) || dynamic_cast<nn::Dense<float>*>(&layer)) {
    const double outputs = double(Y.shape()[1]);  // C′ kernels, or m outputs of a dense layer
    const double K = (params - outputs) / outputs;  // |W| / C′: the terms of one output (no bias)
    fwd.flops = 2 * y * K + y;  // + the bias
    bwd.flops = 2 * y * K + y + (layer.input_gradient() ? 2 * y * K : 0);
    bwd.bytes += kBytes * (x + 2 * params);  // reads X and W, writes ∂L/∂W and ∂L/∂b
  } else if (dynamic_cast<nn::Activation<float>*>(&layer)) {
    fwd.flops = x;
    bwd.flops = x;
    bwd.bytes += kBytes * x;  // reads what decides the slope (X^(l))
  } else if (const auto* pool = dynamic_cast<nn::MaxPool2d<float>*>(&layer)) {
    fwd.flops = y * double(pool->spec().k_h * pool->spec().k_w - 1);
    bwd.flops = 0;
    fwd.bytes += double(sizeof(std::size_t)) * y;  // the argmax of every window (MaxPoolCache)
    bwd.bytes += double(sizeof(std::size_t)) * y;
  }
}

/// The roofline's verdict: below the ridge point (or without arithmetic) memory limits a pass.
std::string bound(double flops, double bytes, double ridge) { return flops / bytes < ridge ? "memory" : "compute"; }

int run(const nn::ChapterArgs& args) {
  const int rounds = args.quick ? 3 : 7;
  const double round_seconds = args.quick ? 0.002 : 0.02;  // the length of one round of calls
  const int threads = nn::library_threads();
  const double peak = sgemm_peak(threads, args.quick ? 1 : 4);
  const double bandwidth = triad_bandwidth(args.quick ? 1 : 4);
  const double ridge = peak / bandwidth;

  const std::size_t R = 64;
  auto net = nn::lenet5(args.seed);
  net.set_input_gradient(false);  // as the training loop: the images need no δ
  nn::SGD<float> opt(0.01, 0.9);
  std::mt19937_64 rng(args.seed);
  nn::Tensor<float> X(nn::Shape{R, 1, 28, 28});
  for (auto& v : X) v = float(nn::uniform01(rng));
  std::vector<std::size_t> labels(R);
  for (std::size_t r = 0; r < R; ++r) labels[r] = r % 10;
  const nn::SingleThreadedBlas blas_off;  // as the training loop: the layers' own threads only
  nn::Tensor<float> dZ;
  const auto params = net.parameters();
  const auto step = [&] {
    nn::softmax_cross_entropy(net.forward(X), labels, dZ);
    net.backward(dZ);
    opt.step(params);
  };
  for (int i = 0; i < 3; ++i) step();  // every buffer allocated and touched

  // The median time of one call of f: rounds of about round_seconds of calls each.
  const auto time_of = [&](const auto& f) {
    const auto t0 = Clock::now();
    f();
    return median_time(rounds, std::max(1, int(round_seconds / std::max(seconds_since(t0), 1e-7))), f);
  };
  // Every layer's forward and backward pass, each timed alone, on the library's threads.
  const auto time_passes = [&] {
    std::vector<std::pair<double, double>> t;
    for (std::size_t l = 0; l < net.size(); ++l) {
      auto& layer = net[l];
      const nn::Tensor<float>& in = net.activation(l);
      const nn::Tensor<float>& dout = net.delta(l + 1);
      t.emplace_back(time_of([&] { layer.forward(in); }), time_of([&] { layer.backward(dout); }));
    }
    return t;
  };
  const auto total = [](const std::vector<std::pair<double, double>>& t) {
    double s = 0;
    for (const auto& [f, b] : t) s += f + b;
    return s;
  };
  const auto loss = [&] { nn::softmax_cross_entropy(net.activation(net.size()), labels, dZ); };
  const auto update = [&] { opt.step(params); };

  const auto times = time_passes();
  std::vector<Pass> passes;
  const char* names[] = {"conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten",
                         "dense1", "relu3", "dense2", "relu4", "dense3"};
  for (std::size_t l = 0; l < net.size(); ++l) {
    Pass fwd{l < 12 ? names[l] : net[l].name(), "fwd"}, bwd{fwd.layer, "bwd"};
    count(net[l], net.activation(l), net.activation(l + 1), fwd, bwd);
    fwd.seconds = times[l].first, bwd.seconds = times[l].second;
    passes.push_back(fwd), passes.push_back(bwd);
  }
  const double step_seconds = time_of(step);
  // what a step does besides the passes: the loss and its gradient, and the update
  const double loss_seconds = time_of(loss), update_seconds = time_of(update);
  // The same step and parts on one thread: is the gap between them the threads'?
  double one_step = step_seconds, one_parts = total(times) + loss_seconds + update_seconds;
  if (threads > 1) {
    nn::set_library_threads(1);
    one_step = time_of(step);
    one_parts = total(time_passes()) + time_of(loss) + time_of(update);
    nn::set_library_threads(threads);
  }
  // The same step with one share of the batch per thread, each through its own copy of the
  // network (nn::DataParallel, as nn::train_epoch runs it): every example stays on one core.
  nn::DataParallel<float> shares(net, threads);
  const auto shared_step = [&] {
    shares.forward_backward(X, [&](std::size_t, std::size_t first, const nn::Tensor<float>& Z, nn::Tensor<float>& d) {
      const std::vector<std::size_t> y(labels.begin() + long(first), labels.begin() + long(first + Z.dim(0)));
      return double(nn::softmax_cross_entropy(Z, y, d, R));
    });
    opt.step(params);
  };
  for (int i = 0; i < 3; ++i) shared_step();  // the copies' buffers allocated and touched
  const double shared_seconds = time_of(shared_step);

  // The large 3×3 layer of bench_conv2d (32 × 64 × 32 × 32 → 64 kernels, p = 1), smaller with --quick.
  const std::size_t LR = args.quick ? 4 : 32, LC = args.quick ? 16 : 64, LS = args.quick ? 16 : 32;
  nn::Conv2d<float> large(LC, LC, 3, 3, nn::ConvSpec{1, 1}, args.seed);
  nn::Tensor<float> LX(nn::Shape{LR, LC, LS, LS});
  for (auto& v : LX) v = float(nn::uniform01(rng)) - 0.5f;
  const nn::Tensor<float> LY = large.forward(LX);
  nn::Tensor<float> LdY(LY.shape());
  for (auto& v : LdY) v = float(nn::uniform01(rng)) - 0.5f;
  large.backward(LdY);
  Pass lf{"large 3×3", "fwd"}, lb{"large 3×3", "bwd"};
  count(large, LX, LY, lf, lb);
  lf.seconds = time_of([&] { large.forward(LX); });
  lb.seconds = time_of([&] { large.backward(LdY); });

  // at most 77 characters wide: the docs' column shows 80 without scrolling
  nn::Table t({{"pass", "%s"}, {"µs", "%.1f"}, {"MFLOP", "%.1f"}, {"GFLOP/s", "%.1f"}, {"%peak", "%.1f"},
               {"KB", "%.0f"}, {"GB/s", "%.1f"}, {"FLOP/B", "%.2f"}, {"bound", "%s"}});
  const auto add_row = [&](const Pass& p) {
    const double rate = p.flops / p.seconds;
    t.row(p.layer + " " + p.pass, 1e6 * p.seconds, p.flops / 1e6, rate / 1e9, 100 * rate / peak, p.bytes / 1e3,
          p.bytes / p.seconds / 1e9, p.flops / p.bytes, bound(p.flops, p.bytes, ridge));
  };
  double layer_sum = 0, conv_seconds = 0, flops_sum = 0;
  for (const auto& p : passes) {
    add_row(p);
    layer_sum += p.seconds;
    flops_sum += p.flops;
    if (p.layer.rfind("conv", 0) == 0) conv_seconds += p.seconds;
  }
  add_row(lf), add_row(lb);
  const double large_fb = (lf.flops + lb.flops) / (lf.seconds + lb.seconds);

  std::ostringstream os;
  os << "LeNet-5 at batch " << R << ", " << threads << " thread(s), each pass timed alone (median of " << rounds
     << " rounds" << (args.quick ? ", --quick" : "") << ").\n"
     << boost::format("Ceilings measured in this run: peak %.1f GFLOP/s (the best cblas_sgemm 2048^3, OpenBLAS core %s, "
                      "%d thread(s)); memory %.1f GB/s (triad); ridge point %.1f FLOP/byte.\n") %
            (peak / 1e9) % openblas_get_corename() % threads % (bandwidth / 1e9) % ridge
     << t.str()
     << boost::format("A whole training step on one copy of the network (forward, loss, backward, SGD with "
                      "momentum) takes %.0f µs, %.0f images/s. The passes above, each timed alone, add up to %.0f "
                      "µs (%.0f %% of it in the two convolutions), the loss and its gradient take %.0f µs and the "
                      "update %.0f µs: the remaining %.0f µs are what running them one after another costs%s.\n"
                      "The large 3×3 layer (%dx%dx%dx%d -> %d, p = 1), forward + backward: %.1f GFLOP/s, %.1f %% "
                      "of the peak.\n") %
            (1e6 * step_seconds) % (double(R) / step_seconds) % (1e6 * layer_sum) % (100 * conv_seconds / layer_sum) %
            (1e6 * loss_seconds) % (1e6 * update_seconds) %
            (1e6 * (step_seconds - layer_sum - loss_seconds - update_seconds)) %
            (step_seconds < layer_sum + loss_seconds + update_seconds
                 ? " (less than nothing: in this run the machine's noise was larger than the gap)"
                 : "") %
            LR % LC % LS % LS % LC %
            (large_fb / 1e9) % (100 * large_fb / peak);
  if (threads > 1)
    os << boost::format("On one thread the step takes %.0f µs (%.0f images/s), and its passes, loss and update "
                        "timed alone %.0f µs: a gap of %.0f µs%s, against %.0f µs on %d threads.\n") %
              (1e6 * one_step) % (double(R) / one_step) % (1e6 * one_parts) % (1e6 * (one_step - one_parts)) %
              (one_step < one_parts ? " (less than nothing: the machine's noise was larger than the gap)" : "") %
              (1e6 * (step_seconds - layer_sum - loss_seconds - update_seconds)) % threads;
  if (shares.shares() > 1)
    os << boost::format("With the batch cut into %d shares, one per thread, each through its own copy of the "
                        "network (nn::DataParallel, as the training loop runs it), the step takes %.0f µs (%.0f "
                        "images/s): %.2f times the speed of the layers sharing each pass, and %.2f times the "
                        "one-thread step's.\n") %
              shares.shares() % (1e6 * shared_seconds) % (double(R) / shared_seconds) %
              (step_seconds / shared_seconds) % (one_step / shared_seconds);
  if (g_worst_spread > 2)
    os << boost::format("WARNING: a round took up to %.1f times its median: the machine was busy, so these numbers "
                        "say little; run build/chapters/ch08_roofline again when it is idle.\n") %
              g_worst_spread;
  os << "KB = the least a pass reads and writes (each tensor once); FLOP/B = FLOPs per byte of it;\n"
     << "bound = memory when FLOP/B is below the ridge point, else compute.\n";
  const std::string text = nn::wrap_text(os.str());
  std::cout << text;
  const auto txt = args.out / "ch08_roofline.txt";
  nn::write_file_atomically(txt, text);
  nn::report_written(txt);

  nn::Facts facts("ch08_roofline");
  facts.set("peak_gflops", peak / 1e9, "%.0f").set("bandwidth_gbs", bandwidth / 1e9, "%.1f");
  facts.set("ridge", ridge, "%.1f").set("threads", threads, "%d").set_text("openblas_core", openblas_get_corename());
  facts.set("step_us", 1e6 * step_seconds, "%.0f").set("step_images_per_second", double(R) / step_seconds, "%.0f");
  facts.set("layers_us", 1e6 * layer_sum, "%.0f").set("conv_share", 100 * conv_seconds / layer_sum, "%.0f");
  facts.set("layers_gflops", flops_sum / layer_sum / 1e9, "%.1f");
  facts.set("loss_us", 1e6 * loss_seconds, "%.0f").set("update_us", 1e6 * update_seconds, "%.0f");
  facts.set("gap_us", 1e6 * (step_seconds - layer_sum - loss_seconds - update_seconds), "%.0f");
  facts.set("worst_spread", g_worst_spread, "%.2f");
  facts.set("one_thread_step_us", 1e6 * one_step, "%.0f").set("one_thread_gap_us", 1e6 * (one_step - one_parts), "%.0f");
  facts.set("one_thread_images_per_second", double(R) / one_step, "%.0f");
  facts.set("shares", double(shares.shares()), "%.0f").set("shared_step_us", 1e6 * shared_seconds, "%.0f");
  facts.set("shared_images_per_second", double(R) / shared_seconds, "%.0f");
  facts.set("shared_speedup", step_seconds / shared_seconds, "%.2f").set("shared_vs_one", one_step / shared_seconds, "%.2f");
  facts.set("large_fwd_peak", 100 * lf.flops / lf.seconds / peak, "%.0f");
  facts.set("large_bwd_peak", 100 * lb.flops / lb.seconds / peak, "%.0f");
  facts.set("large_fb_gflops", large_fb / 1e9, "%.0f").set("large_fb_peak", 100 * large_fb / peak, "%.0f");
  for (const auto& p : passes) {
    const std::string key = p.layer + "_" + p.pass;
    facts.set(key + "_us", 1e6 * p.seconds, "%.1f").set(key + "_peak", 100 * p.flops / p.seconds / peak, "%.1f");
  }
  nn::report_written(facts.save(args.out));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv,
                         "§4.3: LeNet-5 layer by layer against the measured arithmetic peak and memory bandwidth "
                         "(a roofline), and the large 3×3 layer",
                         run);
}
