// Training throughput of LeNet-5 (conv 6@5×5 – ReLU – pool – conv 16@5×5 – ReLU – pool – 120 –
// 84 – 10) on the 10,000 MNIST digits at batch 64, SGD with momentum: images per second for one
// epoch, after one warm-up epoch (first touch of fresh memory is slow on these machines).
//
//   bench_lenet5_train [--data DIR] [--threads N] [--epochs N]
//
// scripts/bench-lenet5.sh runs this and the same network in PyTorch in one go and prints the ratio.
#include <cblas.h>

#include <chrono>
#include <iostream>
#include <random>
#include <string>

#include "bench_args.hpp"
#include "nn/data/digits.hpp"
#include "nn/data/idx.hpp"
#include "nn/apps/models.hpp"
#include "nn/optim.hpp"
#include "nn/tools/threads.hpp"
#include "nn/apps/train.hpp"

int main(int argc, char** argv) {
  std::filesystem::path data_dir = NN_DEFAULT_DATA_DIR;
  int threads = 0, epochs = 1;
  if (!bench::parse_options(argc, argv, data_dir, {{"--threads", &threads, 256}, {"--epochs", &epochs, 100}})) return 2;
  // Our layers thread with OpenMP (OpenBLAS is held at one thread while training, see
  // nn::SingleThreadedBlas), so --threads sets the OpenMP count; OpenBLAS gets the same for
  // anything outside the training loop.
  if (threads > 0) {
    nn::set_library_threads(threads);
    openblas_set_num_threads(threads);
  }
  try {
    // all 10,000 digits, train and test parts together
    const auto tt = nn::load_mnist_npm10k(data_dir);
    nn::Dataset all;
    const std::size_t n = tt.train.size() + tt.test.size();
    all.images = nn::Tensor<float>(nn::Shape{n, 1, 28, 28});
    std::copy(tt.train.images.begin(), tt.train.images.end(), all.images.begin());
    std::copy(tt.test.images.begin(), tt.test.images.end(), all.images.begin() + long(tt.train.images.size()));
    all.labels = tt.train.labels;
    all.labels.insert(all.labels.end(), tt.test.labels.begin(), tt.test.labels.end());

    auto net = nn::lenet5(1);
    nn::SGD<float> opt(0.01, 0.9);
    std::mt19937_64 rng(1);
    nn::train_epoch(net, opt, all, 64, rng);  // warm-up: buffers allocated and touched
    double best = 0, sum = 0;
    for (int e = 0; e < epochs; ++e) {
      const auto st = nn::train_epoch(net, opt, all, 64, rng);
      best = std::max(best, st.images_per_second);
      sum += st.images_per_second;
    }
    std::cout << "ours: LeNet-5 training, " << n << " images, batch 64, " << nn::library_threads()
              << " OpenMP threads (OpenBLAS " << openblas_get_corename() << ", unused by these layers)\n"
              << "ours_images_per_second " << sum / epochs << "\n"
              << "ours_best_images_per_second " << best << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
