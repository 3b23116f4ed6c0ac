// Chapter 7 — batch normalization on a small batch (report §4.2.7–4.2.8, Eqs. (52)–(63)).
// A batch of R = 3 two-channel 2×2 images: prints μ_c, σ²_c (Eqs. (52)–(53)), X̂ (Eq. (54)) and
// X^(l+1) (Eq. (55)); then δ^(l), ∂L/∂γ and ∂L/∂β from the compact Eq. (63) and from the naive
// chain rule of Eqs. (58)–(62), next to central differences; then the running statistics and
// eval mode. Draws X and X̂ per channel.
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include <boost/format.hpp>

#include "nn/batchnorm.hpp"
#include "nn/tools/cli.hpp"
#include "nn/finite_difference.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

constexpr std::size_t R = 3, C = 2, H = 2, W = 2;  // N = R·H·W = 12 values per channel
constexpr double kEps = 1e-5;

double loss(const nn::Tensor<double>& G, const nn::Tensor<double>& Y) {  // L = Σ G ⊙ Y, so δ^(l+1) = G
  double L = 0;
  for (std::size_t i = 0; i < Y.size(); ++i) L += G[i] * Y[i];
  return L;
}

int run(const nn::ChapterArgs& args) {
  std::ostringstream out;
  std::mt19937_64 rng(args.seed);
  std::normal_distribution<double> n01(0.0, 1.0);

  //! [forward]
  // Channel 0 has mean ≈ 2 and spread ≈ 1.5, channel 1 mean ≈ −1 and spread ≈ 0.3.
  nn::Tensor<double> X(nn::Shape{R, C, H, W});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t h = 0; h < H; ++h)
      for (std::size_t w = 0; w < W; ++w) {
        X(r, 0, h, w) = std::round((2.0 + 1.5 * n01(rng)) * 100) / 100;
        X(r, 1, h, w) = std::round((-1.0 + 0.3 * n01(rng)) * 100) / 100;
      }
  const nn::Tensor<double> gamma(nn::Shape{C}, {1.5, 0.5}), beta(nn::Shape{C}, {0.2, -0.3});
  nn::BatchNormCache<double> cache;
  const auto Y = nn::batchnorm_forward(X, gamma, beta, cache, kEps);  // Eqs. (52)-(55)
  //! [forward]

  nn::Table stats({{"c", "%d"}, {"μ_c (52)", "%10.5f"}, {"σ²_c (53)", "%10.5f"}, {"(σ²_c+ε)^(-1/2)", "%16.5f"},
                   {"mean of X̂", "%11.1e"}, {"var of X̂", "%9.6f"}});
  for (std::size_t c = 0; c < C; ++c) {
    double m = 0, v = 0;
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) m += cache.X_hat(r, c, h, w) / double(R * H * W);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) v += std::pow(cache.X_hat(r, c, h, w) - m, 2) / double(R * H * W);
    stats.row(c, cache.mean[c], cache.var[c], cache.inv_std[c], m, v);
  }
  out << "Batch normalization of X^(l) with shape " << X.shape().str() << " (N = R·H·W = " << R * H * W
      << " values per channel), ε = " << kEps << ", γ = (1.5, 0.5), β = (0.2, -0.3)\n\nX^(l) =\n" << nn::to_string(X, 2)
      << "\nPer-channel statistics over (r, h, w):\n" << stats.str()
      << "\nX̂ = (X − μ_c)(σ²_c + ε)^(-1/2)  (Eq. (54)) =\n" << nn::to_string(cache.X_hat, 4)
      << "\nX^(l+1) = γ_c X̂ + β_c  (Eq. (55)) =\n" << nn::to_string(Y, 4) << "\n";

  //! [backward]
  nn::Tensor<double> G(X.shape());  // δ^(l+1)
  for (auto& g : G) g = n01(rng);
  const auto compact = nn::batchnorm_backward(G, gamma, cache);           // Eq. (63), O(N) per channel
  const auto naive = nn::batchnorm_backward_naive(G, X, gamma, cache);    // Eqs. (58)-(62), O(N²)
  const auto num_dX = nn::numerical_gradient(
      [&](const nn::Tensor<double>& x) { nn::BatchNormCache<double> c; return loss(G, nn::batchnorm_forward(x, gamma, beta, c, kEps)); }, X);
  const auto num_dgamma = nn::numerical_gradient(
      [&](const nn::Tensor<double>& g) { nn::BatchNormCache<double> c; return loss(G, nn::batchnorm_forward(X, g, beta, c, kEps)); }, gamma);
  const auto num_dbeta = nn::numerical_gradient(
      [&](const nn::Tensor<double>& b) { nn::BatchNormCache<double> c; return loss(G, nn::batchnorm_forward(X, gamma, b, c, kEps)); }, beta);
  //! [backward]

  nn::Table grads({{"gradient", "%-18s"}, {"Eq. (63) compact", "%17.10f"}, {"Eqs. (58)-(62)", "%17.10f"},
                   {"central diff.", "%17.10f"}, {"rel. error", "%10.1e"}});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w)
          grads.row((boost::format("δ(%d,%d,%d,%d)") % r % c % h % w).str(), compact.dX(r, c, h, w), naive.dX(r, c, h, w),
                    num_dX(r, c, h, w), nn::relative_error(compact.dX(r, c, h, w), num_dX(r, c, h, w)));
  for (std::size_t c = 0; c < C; ++c) {
    grads.row((boost::format("∂L/∂γ_%d (56)") % c).str(), compact.dgamma(c), naive.dgamma(c), num_dgamma(c),
              nn::relative_error(compact.dgamma(c), num_dgamma(c)));
    grads.row((boost::format("∂L/∂β_%d (57)") % c).str(), compact.dbeta(c), naive.dbeta(c), num_dbeta(c),
              nn::relative_error(compact.dbeta(c), num_dbeta(c)));
  }
  const auto cmp_dx = nn::compare_gradients(compact.dX, num_dX), cmp_dg = nn::compare_gradients(compact.dgamma, num_dgamma),
             cmp_db = nn::compare_gradients(compact.dbeta, num_dbeta), forms = nn::compare_gradients(compact.dX, naive.dX);
  out << "δ^(l+1) =\n" << nn::to_string(G, 4) << "\nThe gradients, the two backward forms and central differences (h = 1e-5):\n"
      << grads.str() << "\n";
  nn::Table summary({{"comparison", "%-40s"}, {"max rel. error", "%14.2e"}});
  summary.row(std::string("δ^(l): Eq. (63) vs central differences"), cmp_dx.max_relative_error);
  summary.row(std::string("∂L/∂γ: Eq. (56) vs central differences"), cmp_dg.max_relative_error);
  summary.row(std::string("∂L/∂β: Eq. (57) vs central differences"), cmp_db.max_relative_error);
  summary.row(std::string("δ^(l): Eq. (63) vs Eqs. (58)-(62)"), forms.max_relative_error);
  out << summary.str()
      << "Note Σ_{r,h,w} δ^(l) = 0 in each channel: adding a constant to a channel's inputs changes nothing (μ_c absorbs it).\n\n";

  //! [layer]
  // The layer object: training mode uses the batch statistics and updates the running ones
  // (momentum 0.1, unbiased variance); eval mode normalises with the running statistics.
  nn::BatchNorm2d<double> bn(C, kEps, 0.1);
  bn.forward(X);  // training
  const nn::Tensor<double> running_mean = bn.running_mean(), running_var = bn.running_var();
  bn.set_training(false);
  const nn::Tensor<double> Y_eval = bn.forward(X);  // eval: (X − μ̂)(σ̂² + ε)^(-1/2), γ = 1, β = 0
  //! [layer]
  out << "BatchNorm2d after one training batch (momentum m = 0.1, starting from μ̂ = 0, σ̂² = 1):\n"
      << "  μ̂ = 0.9·0 + 0.1·μ_c             = " << nn::to_string(running_mean, 5)
      << "  σ̂² = 0.9·1 + 0.1·N/(N−1)·σ²_c   = " << nn::to_string(running_var, 5)
      << "  (N/(N−1) = 12/11: the running variance estimates the population variance without bias)\n"
      << "In eval mode the same X gives X(0,0,0,0) → " << Y_eval(0, 0, 0, 0) << " instead of the training-mode X̂ "
      << cache.X_hat(0, 0, 0, 0) << ": the running statistics have not converged after one batch.\n";

  std::cout << out.str();
  const auto txt = args.out / "ch07_batchnorm_small.txt";
  nn::write_file_atomically(txt, nn::wrap_text(out.str()));
  nn::report_written(txt);
  const auto tab = args.out / "ch07_batchnorm_gradients.txt";
  nn::write_file_atomically(tab, grads.str() + "\n" + summary.str());
  nn::report_written(tab);

  // Figure: the values of each channel before and after normalisation.
  nn::Figure fig(args.out, "ch07_batchnorm_small", 640, 360);
  fig.set("xlabel 'value'").set("ytics ('X, c = 0' 3, 'X, c = 1' 2, 'X̂, c = 0' 1, 'X̂, c = 1' 0)").set("yrange [-0.7:3.7]");
  fig.set("grid xtics").set("key off").set("title 'Eq. (54): each channel shifted by μ_c and scaled by (σ²_c + ε)^{-1/2}'");
  for (std::size_t c = 0; c < C; ++c) {
    std::vector<std::vector<double>> raw(2), norm(2);
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) {
          raw[0].push_back(X(r, c, h, w));
          raw[1].push_back(3.0 - double(c));
          norm[0].push_back(cache.X_hat(r, c, h, w));
          norm[1].push_back(1.0 - double(c));
        }
    const std::string color = nn::series_colour(c);  // channel 0 blue, channel 1 orange
    fig.plot(fig.data(fig.block(raw)) + " using 1:2 with points pt 7 ps 1.6 lc rgb '" + color + "'");
    fig.plot(fig.data(fig.block(norm)) + " using 1:2 with points pt 9 ps 1.6 lc rgb '" + color + "'");
  }
  nn::report_written(fig.render());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.7-4.2.8: batch normalization on a small batch, Eqs. (52)-(63)", run);
}
