// One LeNet-5 training step (batch 64: forward, softmax cross-entropy, backward, SGD with
// momentum), repeated --batches times on fixed random images, for instruction counts:
//
//   valgrind --tool=callgrind bench_lenet5_batch --batches 1
//   valgrind --tool=callgrind bench_lenet5_batch --batches 11
//
// The difference of the two totals, divided by 10, is the count of one training batch
// (set-up, the first touch of the buffers and valgrind's own start cancel out). Instruction
// counts do not depend on what else the machine does, so they show changes that the noise of a
// timing hides (design notes, "Speed facts"). Run it with OMP_NUM_THREADS=1 for a count that
// does not depend on the thread schedule.
#include <cblas.h>

#include <iostream>
#include <random>
#include <string>

#include "bench_args.hpp"
#include "nn/apps/models.hpp"
#include "nn/init.hpp"
#include "nn/loss.hpp"
#include "nn/optim.hpp"
#include "nn/tools/threads.hpp"

int main(int argc, char** argv) {
  int batches = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--batches" && i + 1 < argc) {
      batches = std::stoi(argv[++i]);
    } else {
      std::cerr << "usage: " << argv[0] << " [--batches N]\n";
      return 2;
    }
  }
  const std::size_t R = 64;
  auto net = nn::lenet5(1);
  net.set_input_gradient(false);  // as the training loop does: the images need no δ
  nn::SGD<float> opt(0.01, 0.9);
  std::mt19937_64 rng(7);
  nn::Tensor<float> X(nn::Shape{R, 1, 28, 28});
  for (auto& v : X) v = float(nn::uniform01(rng));
  std::vector<std::size_t> labels(R);
  for (std::size_t r = 0; r < R; ++r) labels[r] = r % 10;
  const nn::SingleThreadedBlas blas_off;
  nn::Tensor<float> dZ;
  double loss = 0;
  const auto params = net.parameters();
  for (int b = 0; b < batches; ++b) {
    const nn::Tensor<float>& Z = net.forward(X);
    loss = nn::softmax_cross_entropy(Z, labels, dZ);
    net.backward(dZ);
    opt.step(params);
  }
  const std::string cpu = bench::cpu_model();
  std::cout << "lenet5 batch 64, " << batches << " training steps, " << nn::library_threads() << " threads, last loss "
            << loss << " (" << cpu << ", OpenBLAS " << openblas_get_corename() << ", unused here)\n";
  return 0;
}
