// A training step on one copy of the network, its layers sharing each pass among the threads,
// against the same step cut into one share of the batch per thread (nn::DataParallel, as
// nn::train_epoch runs it), for the networks of the digits chapter: LeNet-5, LeNet-5 with batch
// norm (whose copies meet to add up their sums) and the Fashion CNN. The two take turns for
// --rounds rounds of about --steps steps each; the median step time of each, and their ratio.
//
//   bench_shares [--threads N] [--steps N] [--rounds N]
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <boost/format.hpp>

#include "bench_args.hpp"
#include "nn/apps/models.hpp"
#include "nn/data_parallel.hpp"
#include "nn/loss.hpp"
#include "nn/optim.hpp"
#include "nn/tools/threads.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One network trained by SGD with momentum through a DataParallel of `shares` shares.
struct Trainer {
  nn::Sequential<float> net;
  nn::SGD<float> opt{0.01, 0.9};
  std::vector<nn::Parameter<float>> params;
  std::unique_ptr<nn::DataParallel<float>> dp;
  Trainer(nn::Sequential<float> n, int shares) : net(std::move(n)) {
    net.set_training(true);
    net.set_input_gradient(false);
    params = net.parameters();
    dp = std::make_unique<nn::DataParallel<float>>(net, shares);
  }
  void step(const nn::Tensor<float>& X, const std::vector<std::size_t>& labels) {
    dp->forward_backward(X, [&](std::size_t, std::size_t first, const nn::Tensor<float>& Z, nn::Tensor<float>& d) {
      const std::vector<std::size_t> y(labels.begin() + long(first), labels.begin() + long(first + Z.dim(0)));
      return double(nn::softmax_cross_entropy(Z, y, d, labels.size()));
    });
    opt.step(params);
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path unused = NN_DEFAULT_DATA_DIR;
  int threads = 0, steps = 20, rounds = 5;
  if (!bench::parse_options(argc, argv, unused,
                            {{"--threads", &threads, 256}, {"--steps", &steps, 10000}, {"--rounds", &rounds, 100}}))
    return 2;
  if (threads > 0) nn::set_library_threads(threads);
  const nn::SingleThreadedBlas blas_off;  // the layers' own threads only, as in training
  std::cout << "bench_shares: " << bench::cpu_model() << ", OpenBLAS " << openblas_get_corename() << " (unused here), "
            << nn::library_threads() << " threads, batch 64, " << rounds << " rounds of " << steps
            << " steps, median step time\n";
  struct Case {
    const char* name;
    nn::Sequential<float> (*make)();
  };
  const Case cases[] = {{"LeNet-5", [] { return nn::lenet5(1); }},
                        {"LeNet-5 + batch norm", [] { return nn::lenet5(1, true); }},
                        {"Fashion CNN", [] { return nn::fashion_cnn(1); }}};
  const std::size_t R = 64;
  std::mt19937_64 rng(1);
  nn::Tensor<float> X(nn::Shape{R, 1, 28, 28});
  for (auto& v : X) v = float(std::uniform_real_distribution<double>(0, 1)(rng));
  std::vector<std::size_t> labels(R);
  for (std::size_t r = 0; r < R; ++r) labels[r] = r % 10;
  for (const auto& c : cases) {
    Trainer one(c.make(), 1), cut(c.make(), nn::library_threads());
    for (int i = 0; i < 3; ++i) one.step(X, labels), cut.step(X, labels);  // buffers allocated and touched
    std::vector<double> t_one, t_cut;
    for (int r = 0; r < rounds; ++r)
      for (Trainer* t : {&one, &cut}) {
        const auto t0 = Clock::now();
        for (int s = 0; s < steps; ++s) t->step(X, labels);
        (t == &one ? t_one : t_cut).push_back(std::chrono::duration<double>(Clock::now() - t0).count() / steps);
      }
    const double a = median(t_one), b = median(t_cut);
    std::cout << boost::format("%-22s one copy %8.0f µs   %zu shares %8.0f µs   speed-up %.2f\n") % c.name % (1e6 * a) %
                     cut.dp->shares() % (1e6 * b) % (a / b);
  }
  return 0;
}
