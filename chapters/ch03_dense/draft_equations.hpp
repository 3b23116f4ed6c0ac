// Chapter 3 helpers (header-only, shared by the ch03 programs and tests/lib/test_errata_ch03.cpp):
// a small multilayer perceptron X^(l+1) = f(X^(l) W^(l) + b^(l)) (Eq. (7) for every layer, as in
// Eq. (16)) with the backward recursion of Eqs. (29)–(33) written out layer by layer, and the
// draft's forms of Eqs. (6), (25)/(30), (31) and (33) exactly as the report prints them, so that
// the errata can be shown numerically. The library itself contains only the corrected forms.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "nn/activations.hpp"
#include "nn/dense.hpp"
#include "nn/loss.hpp"
#include "nn/tensor.hpp"

namespace ch03 {

using nn::ActivationFunction;
using nn::Tensor;

/// A network of dense layers with the same f after every layer (Eq. (16)): widths[0] inputs,
/// widths.back() outputs, W[l] of shape (widths[l], widths[l+1]), b[l] of shape (widths[l+1]).
struct Mlp {
  std::vector<Tensor<double>> W, b;
  ActivationFunction f = ActivationFunction::tanh;
};

/// The forward pass, with every layer's cache (X^(l) and Z^(l) = X^(l)W^(l) + b^(l)).
struct Pass {
  std::vector<nn::DenseCache<double>> cache;  // cache[l] holds X^(l) and Z^(l)
  Tensor<double> yhat;                        // X^(L), the last layer
};

inline Pass forward(const Mlp& net, const Tensor<double>& X) {
  Pass p;
  p.cache.resize(net.W.size());
  Tensor<double> x = X;
  for (std::size_t l = 0; l < net.W.size(); ++l) x = nn::dense_forward(x, net.W[l], net.b[l], net.f, p.cache[l]);
  p.yhat = x;
  return p;
}

/// L of Eq. (16), mean over the batch.
inline double loss(const Mlp& net, const Tensor<double>& X, const Tensor<double>& Y) {
  return nn::l2_loss(forward(net, X).yhat, Y);
}

/// Everything the backward recursion computes, per layer l = 0 … L−1.
struct Backprop {
  std::vector<Tensor<double>> delta;  // delta[l] = δ^(l) = ∂L/∂X^(l), l = 0 … L (Eq. (29))
  std::vector<Tensor<double>> G;      // G[l] = δ^(l+1) ⊙ f′(Z^(l))
  std::vector<Tensor<double>> dW, db; // ∂L/∂W^(l), ∂L/∂b^(l) (Eqs. (32)–(33))
};

/// The corrected recursion from a given δ^(L) = ∂L/∂ŷ: for l = L−1 … 0,
/// G = δ^(l+1) ⊙ f′(Z^(l)), δ^(l) = G W^(l)T (Eq. (31)), ∂L/∂W^(l) = X^(l)T G (Eq. (32)),
/// ∂L/∂b^(l) = Σ_r G_r (Eq. (33)). Which loss L is depends only on δ^(L): 2(ŷ − y)/R for the
/// mean over the batch, 2(ŷ − y) for the sum.
inline Backprop backprop_from(const Mlp& net, const Pass& pass, const Tensor<double>& delta_last) {
  const std::size_t L = net.W.size();
  Backprop bp;
  bp.delta.resize(L + 1);
  bp.G.resize(L);
  bp.dW.resize(L);
  bp.db.resize(L);
  bp.delta[L] = delta_last;
  for (std::size_t l = L; l-- > 0;) {
    // Eqs. (31)-(33): the library's reference loops (lib/src/dense.cpp), one layer at a time
    const nn::DenseGradients<double> g = nn::dense_backward(bp.delta[l + 1], net.W[l], pass.cache[l]);
    bp.delta[l] = g.dX;
    bp.dW[l] = g.dW;
    bp.db[l] = g.db;
    // G = δ^(l+1) ⊙ f′(Z^(l)), kept for the draft's forms below, which are written with it
    bp.G[l] = nn::hadamard(bp.delta[l + 1], nn::activate_prime(net.f, pass.cache[l].Z));
  }
  return bp;
}

/// The recursion for the mean loss of loss(): δ^(L) = 2(ŷ − y)/R (Eq. (30), corrected).
inline Backprop backprop(const Mlp& net, const Pass& pass, const Tensor<double>& Y) {
  return backprop_from(net, pass, nn::l2_loss_gradient(pass.yhat, Y));
}

// ---- the draft's forms, exactly as printed ---------------------------------------------------
namespace draft {

/// Eqs. (25) and (30) as drafted: ∂L/∂ŷ = 2‖ŷ − y‖, a number (here put in every element so that
/// it can be compared with the gradient element by element).
inline Tensor<double> l2_gradient(const Tensor<double>& Yhat, const Tensor<double>& Y) {
  double sq = 0;
  for (std::size_t i = 0; i < Y.size(); ++i) sq += (Yhat[i] - Y[i]) * (Yhat[i] - Y[i]);
  return Tensor<double>(Yhat.shape(), 2 * std::sqrt(sq));
}

/// Eq. (31) as drafted: δ^(l) = (δ^(l+1) ⊙ f′(X^(l)W^(l) + b^(l))) W^(l+1)T.
/// Throws nn::shape_error when the widths make the product impossible.
inline Tensor<double> delta(const Tensor<double>& G_l, const Tensor<double>& W_next) {
  return nn::matmul(G_l, nn::transpose(W_next));
}

/// Eq. (33) as drafted: ∂L/∂b^(l) = δ^(l+1) ⊙ f′(X^(l)W^(l) + b^(l)), an R×m matrix, no batch sum.
inline Tensor<double> bias_gradient(const Tensor<double>& G_l) { return G_l; }

/// Eq. (6), second line as drafted: X^(3)_00 = f(X^(2)_00 W^(2)_00 + b^(2)).
inline double eq6_second_line(const Tensor<double>& X2, const Tensor<double>& W2, double b2, ActivationFunction f) {
  return nn::activate(f, X2(0, 0) * W2(0, 0) + b2);
}

}  // namespace draft

/// Eq. (6), first line: X^(3)_00 = f(X^(2)_00 W^(2)_00 + X^(2)_01 W^(2)_10 + X^(2)_02 W^(2)_20 + b^(2)).
inline double eq6_first_line(const Tensor<double>& X2, const Tensor<double>& W2, double b2, ActivationFunction f) {
  return nn::activate(f, X2(0, 0) * W2(0, 0) + X2(0, 1) * W2(1, 0) + X2(0, 2) * W2(2, 0) + b2);
}

}  // namespace ch03
