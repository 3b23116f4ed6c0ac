// Check of the §4.2.8 exercise: batch normalization backward (Eqs. (56), (57), (63)). The batch
// has per-channel means far from 0 and variances far from 1, so that the draft's slips (a stray
// μ, a wrong power of (σ² + ε), a missing (σ² + ε)^(-1/2), the 1/R) all change the answer.
#include <random>

#include "check.hpp"
#include "ex/ch07_batchnorm.hpp"
#include "nn/batchnorm.hpp"
#include "nn/finite_difference.hpp"

NN_EXERCISE_CHECK(batchnorm_backward, "4.2.8a", "Eqs. (56), (57), (63)",
                  "δ^(l) = γ_c(σ²_c+ε)^(-1/2)/N · (N·δ − Σδ − X̂·ΣδX̂) with N = R·H·W — no μ term, X̂ (not X − μ) "
                  "in front of the last sum, and dγ = ΣδX̂, dβ = Σδ without the draft's 1/R (see the errata of "
                  "Eqs. (56), (57), (63))") {
  using nn::Shape;
  using nn::Tensor;
  std::mt19937 gen(7);
  std::normal_distribution<double> x_dist(1.5, 2.5), n01(0.0, 1.0), g_dist(1.0, 0.5);
  Tensor<double> X(Shape{3, 2, 3, 3}), G(Shape{3, 2, 3, 3}), gamma(Shape{2}), beta(Shape{2});
  for (auto& x : X) x = x_dist(gen);
  for (auto& g : G) g = n01(gen);
  for (auto& g : gamma) g = g_dist(gen);
  for (auto& b : beta) b = n01(gen);
  const double eps = 1e-5;
  const auto got = ex::batchnorm_backward(G, X, gamma, eps);
  nn::BatchNormCache<double> cache;
  nn::batchnorm_forward(X, gamma, beta, cache, eps);
  const auto want = nn::batchnorm_backward(G, gamma, cache);
  ex::check::expect_tensor_near(got.dbeta, want.dbeta, 1e-9, "∂L/∂β, Eq. (57)");
  ex::check::expect_tensor_near(got.dgamma, want.dgamma, 1e-9, "∂L/∂γ, Eq. (56)");
  ex::check::expect_tensor_near(got.dX, want.dX, 1e-9, "δ^(l), Eq. (63), vs nn::batchnorm_backward");
  // and against the definition: central differences of L = Σ G ⊙ BN(X) (error ≈ 1e-10 here)
  const auto num = nn::numerical_gradient(
      [&](const Tensor<double>& x) {
        nn::BatchNormCache<double> c;
        const auto Y = nn::batchnorm_forward(x, gamma, beta, c, eps);
        double L = 0;
        for (std::size_t i = 0; i < Y.size(); ++i) L += G[i] * Y[i];
        return L;
      },
      X);
  ex::check::expect_tensor_near(got.dX, num, 1e-7, "δ^(l), Eq. (63), vs central differences");
}
