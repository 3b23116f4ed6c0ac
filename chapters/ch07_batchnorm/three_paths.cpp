// Chapter 7 — worked example of Eq. (63): the three paths by which x_i reaches the loss.
// In training mode x_i changes X̂_i directly, and also every X̂_j through μ (Eq. (52)) and
// through σ² (Eq. (53)). For one channel of N = 4 values chosen so that μ = 2, σ² = 1 and
// X̂ = ±1 (ε = 0), the program prints each path's share of δ^(l), their sum, Eq. (63), the
// library's batchnorm_backward() and central differences. Saves ch07_three_paths.txt.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include "nn/batchnorm.hpp"
#include "nn/finite_difference.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/files.hpp"
#include "nn/tools/table.hpp"

namespace {

using nn::Shape;
using nn::Tensor;

int run(const nn::ChapterArgs& args) {
  const std::size_t N = 4;
  const Tensor<double> X(Shape{N, 1}, {3, 1, 3, 1});        // one feature, R = N = 4 examples
  const Tensor<double> gamma(Shape{1}, {1.0}), beta(Shape{1}, {0.0});
  const Tensor<double> dY(Shape{N, 1}, {1, 0, 0, 0});       // δ^(l+1): only example 0 matters
  const double eps = 0;                                     // so that σ = 1 exactly
  nn::BatchNormCache<double> cache;
  nn::batchnorm_forward(X, gamma, beta, cache, eps);  // fills the cache: μ, σ², X̂

  //! [paths]
  const double g = gamma[0], inv_std = cache.inv_std[0];  // γ, (σ² + ε)^{-1/2}
  double sum_d = 0, sum_d_xhat = 0;                       // Σ_j δ_j, Σ_j δ_j X̂_j
  for (std::size_t j = 0; j < N; ++j) {
    sum_d += dY[j];
    sum_d_xhat += dY[j] * cache.X_hat[j];
  }
  std::vector<double> direct(N), via_mean(N), via_var(N), total(N);
  for (std::size_t i = 0; i < N; ++i) {
    direct[i] = g * inv_std * dY[i];                                // X → X̂, μ and σ² held
    via_mean[i] = -g * inv_std * sum_d / double(N);                 // X → μ → X̂
    via_var[i] = -g * inv_std * cache.X_hat[i] * sum_d_xhat / double(N);  // X → σ² → X̂
    total[i] = direct[i] + via_mean[i] + via_var[i];                // Eq. (63)
  }
  //! [paths]
  const auto lib = nn::batchnorm_backward(dY, gamma, cache);
  auto loss = [&](const Tensor<double>& x) {
    nn::BatchNormCache<double> c;
    const auto y = nn::batchnorm_forward(x, gamma, beta, c, eps);
    double L = 0;
    for (std::size_t j = 0; j < N; ++j) L += dY[j] * y[j];  // L = Σ δ ⊙ Y, so ∂L/∂Y = δ
    return L;
  };
  const auto numeric = nn::numerical_gradient(loss, X);

  nn::Table t({{"i", "%d"}, {"x_i", "%3g"}, {"X̂_i", "%3g"}, {"δ_i", "%3g"}, {"→ X̂", "%6.3f"},
               {"→ μ → X̂", "%8.3f"}, {"→ σ² → X̂", "%9.3f"}, {"sum (63)", "%8.3f"},
               {"library", "%7.3f"}, {"central", "%7.3f"}});
  double worst = 0;
  for (std::size_t i = 0; i < N; ++i) {
    t.row(i, X[i], cache.X_hat[i], dY[i], direct[i], via_mean[i], via_var[i], total[i], lib.dX[i], numeric[i]);
    worst = std::max({worst, std::abs(total[i] - lib.dX[i]), std::abs(total[i] - numeric[i])});
  }
  std::ostringstream out;
  out << "One channel, N = " << N << ": μ = " << cache.mean[0] << ", σ² = " << cache.var[0]
      << ", ε = 0, γ = 1; δ^(l+1) = (1, 0, 0, 0)\n"
      << "paths from x_i: → X̂ directly, → μ → X̂, → σ² → X̂; central: central difference\n"
      << t.str() << "Σ_i δ^(l)_i = "
      << total[0] + total[1] + total[2] + total[3] << " and Σ_i δ^(l)_i X̂_i = "
      << total[0] * cache.X_hat[0] + total[1] * cache.X_hat[1] + total[2] * cache.X_hat[2] +
             total[3] * cache.X_hat[3]
      << ":\nbatch norm's output cannot move with a shift or a scale of its input.\n"
      << "Largest difference of the sum from the library and from central\ndifferences: " << worst << "\n";
  std::cout << out.str();
  const auto path = args.out / "ch07_three_paths.txt";
  nn::write_file_atomically(path, out.str());
  nn::report_written(path);
  nn::Facts facts("ch07_three_paths");
  facts.set("worst_difference", worst, "%.1e");
  nn::report_written(facts.save(args.out));
  return worst < 1e-8 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.8, Eq. (63): the three paths X → X̂, X → μ, X → σ²", run);
}
