// Helpers shared by the library's tests: random tensors drawn from a seed, and the probe loss
// of every gradient check (design notes, "One formula, one place").
//
// The random tensors take any standard generator and use the standard distributions, so each
// test draws exactly the values its thresholds were worked out for (the comments at the call
// sites say why those ranges).
#pragma once

#include <random>

#include "nn/tensor.hpp"

namespace test {

/// Values uniform in [lo, hi).
template <class Rng>
nn::Tensor<double> uniform(const nn::Shape& s, Rng& rng, double lo = -1, double hi = 1) {
  std::uniform_real_distribution<double> u(lo, hi);
  nn::Tensor<double> t(s);
  for (auto& v : t) v = u(rng);
  return t;
}

/// Values whose magnitude is uniform in [lo, hi) with a random sign: with lo > 0 no element is
/// near 0 (no gradient element is a product with a near-zero factor, no ReLU input sits at its kink).
template <class Rng>
nn::Tensor<double> signed_magnitudes(const nn::Shape& s, Rng& rng, double lo, double hi) {
  std::uniform_real_distribution<double> magnitude(lo, hi);
  std::bernoulli_distribution positive(0.5);
  nn::Tensor<double> t(s);
  for (auto& v : t) v = positive(rng) ? magnitude(rng) : -magnitude(rng);
  return t;
}

/// Normal values with the given mean and standard deviation.
template <class Rng>
nn::Tensor<double> normal(const nn::Shape& s, Rng& rng, double mean = 0, double sd = 1) {
  std::normal_distribution<double> d(mean, sd);
  nn::Tensor<double> t(s);
  for (auto& v : t) v = d(rng);
  return t;
}

/// The probe loss L = Σ G ⊙ Y of every gradient check: its gradient with respect to Y is G, so
/// for Y = f(X) a backward pass given δ^(l+1) = G must return ∂L/∂X, which central differences
/// of L check. (It is also the dot product ⟨G, Y⟩ of the adjoint tests.)
inline double probe(const nn::Tensor<double>& G, const nn::Tensor<double>& Y) {
  nn::require_same_shape(G.shape(), Y.shape(), "test::probe (G and Y)");
  double s = 0;
  for (std::size_t i = 0; i < Y.size(); ++i) s += G[i] * Y[i];
  return s;
}

}  // namespace test
