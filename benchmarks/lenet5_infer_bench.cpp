// Inference speed of LeNet-5 (the network of bench_lenet5_train, in evaluation mode) on the
// 10,000 MNIST digits:
//   batch 64: images per second over all the digits, after one warm-up pass;
//   batch 1:  latency of one image, the median over the first --singles digits (each forward
//             pass timed on its own).
//
//   bench_lenet5_infer [--data DIR] [--threads N] [--passes N] [--singles N]
//
// scripts/bench-lenet5.sh runs this and the same in PyTorch (scripts/lenet5_torch.py
// --inference) in turns and prints the ratios.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "bench_args.hpp"
#include "nn/apps/models.hpp"
#include "nn/data_parallel.hpp"
#include "nn/data/idx.hpp"
#include "nn/tools/threads.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path data_dir = NN_DEFAULT_DATA_DIR;
  int threads = 0, passes = 3, singles = 2000;
  // the limits keep a run within minutes: 256 threads, 100 passes, all 10,000 images singly
  if (!bench::parse_options(argc, argv, data_dir,
                            {{"--threads", &threads, 256}, {"--passes", &passes, 100}, {"--singles", &singles, 10000}}))
    return 2;
  if (threads > 0) nn::set_library_threads(threads);
  try {
    const auto tt = nn::load_mnist_npm10k(data_dir);
    const std::size_t n = tt.train.size() + tt.test.size(), pixels = 28 * 28;
    std::vector<float> all(n * pixels);
    std::copy(tt.train.images.begin(), tt.train.images.end(), all.begin());
    std::copy(tt.test.images.begin(), tt.test.images.end(), all.begin() + long(tt.train.images.size()));

    auto net = nn::lenet5(1);
    net.set_training(false);
    const nn::SingleThreadedBlas blas_off;  // the layers' own threads only, as in training
    nn::DataParallel<float> shares(net, nn::library_threads());
    // batch 64: each batch copied into one reused input tensor (the last batch is shorter)
    const std::size_t B = 64;
    nn::Tensor<float> batch(nn::Shape{B, 1, 28, 28}), last(nn::Shape{n % B ? n % B : B, 1, 28, 28});
    float checksum = 0;
    const auto pass = [&] {
      for (std::size_t i = 0; i < n; i += B) {
        nn::Tensor<float>& x = i + B <= n ? batch : last;
        std::copy(all.begin() + long(i * pixels), all.begin() + long((i + x.shape()[0]) * pixels), x.begin());
        // one share of the batch per thread, each through its own copy of the network
        shares.forward(x, [&](std::size_t t, std::size_t, const nn::Tensor<float>& Z) {
          if (t == 0) checksum += Z[0];
        });
      }
    };
    pass();  // warm-up: buffers allocated and touched
    double sum = 0, best = 0;
    for (int p = 0; p < passes; ++p) {
      const auto t0 = Clock::now();
      pass();
      const double rate = double(n) / seconds_since(t0);
      sum += rate, best = std::max(best, rate);
    }
    // batch 1: one image at a time
    nn::Tensor<float> one(nn::Shape{1, 1, 28, 28});
    std::vector<double> lat;
    const std::size_t m = std::min<std::size_t>(std::size_t(singles), n);
    for (std::size_t i = 0; i < m + 50; ++i) {  // the first 50 warm up
      const std::size_t k = i % m;
      std::copy(all.begin() + long(k * pixels), all.begin() + long((k + 1) * pixels), one.begin());
      const auto t0 = Clock::now();
      checksum += net.forward(one)[0];
      if (i >= 50) lat.push_back(seconds_since(t0));
    }
    std::sort(lat.begin(), lat.end());
    std::cout << "ours: LeNet-5 inference, " << n << " images, " << nn::library_threads()
              << " OpenMP threads (OpenBLAS " << openblas_get_corename() << ", unused by these layers), checksum "
              << checksum << "\n"
              << "ours_batch64_images_per_second " << sum / passes << "\n"
              << "ours_batch64_best_images_per_second " << best << "\n"
              << "ours_batch1_median_us " << 1e6 * lat[lat.size() / 2] << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
