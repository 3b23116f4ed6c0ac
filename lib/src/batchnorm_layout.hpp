/// @file batchnorm_layout.hpp
/// @brief Internal: where the values of one batch-norm channel lie, for the reference
///        (batchnorm.cpp) and the kernels (kernels/batchnorm_fast.cpp) alike.
#pragma once

#include <cstddef>
#include <string>

#include "nn/batchnorm.hpp"

namespace nn::bn {

/// The three extents of a channel's values: (r, c, hw) lies at (r·C + c)·HW + hw, where HW = H·W
/// for rank 4 and 1 for rank 2 (features of a dense batch).
struct Layout {
  std::size_t R, C, HW;
  std::size_t N() const { return R * HW; }  ///< values per channel, N = R·H·W
  std::size_t at(std::size_t r, std::size_t c, std::size_t hw) const { return (r * C + c) * HW + hw; }
};

inline Layout layout_of(const Shape& s) {
  const std::size_t C = batchnorm_channels(s);
  return Layout{s[0], C, s.rank() == 4 ? s[2] * s[3] : 1};
}

/// Throws shape_error naming the equation unless v has one entry per channel.
template <class T>
void require_per_channel(const Tensor<T>& v, std::size_t C, const Shape& X, const char* what, const char* eq) {
  if (v.rank() != 1 || v.dim(0) != C)
    throw shape_error(std::string(eq) + " batchnorm: " + what + " of shape " + v.shape().str() +
                      " must be of shape (" + std::to_string(C) + "), one entry per channel of X " + X.str());
}

/// The checks of the training-mode forward pass, Eqs. (52)–(55).
template <class T>
Layout check_forward(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta, std::size_t batch = 0) {
  const Layout L = layout_of(X.shape());
  require_per_channel(gamma, L.C, X.shape(), "γ", "Eq. (55)");
  require_per_channel(beta, L.C, X.shape(), "β", "Eq. (55)");
  const std::size_t N = (batch ? batch : L.R) * L.HW;  // X may be one share of a batch of `batch` rows
  if (N < 2)
    throw shape_error("Eqs. (52)-(53) batchnorm: training mode needs at least 2 values per channel, X " +
                      X.shape().str() + " has N = R·H·W = " + std::to_string(N) + " (σ² would be 0)");
  return L;
}

/// The checks of the inference-mode forward pass.
template <class T>
Layout check_inference(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta, const Tensor<T>& mean,
                       const Tensor<T>& var) {
  const Layout L = layout_of(X.shape());
  require_per_channel(gamma, L.C, X.shape(), "γ", "Eq. (55)");
  require_per_channel(beta, L.C, X.shape(), "β", "Eq. (55)");
  require_per_channel(mean, L.C, X.shape(), "running mean", "Eq. (54) (inference)");
  require_per_channel(var, L.C, X.shape(), "running variance", "Eq. (54) (inference)");
  return L;
}

/// The checks of the backward pass, Eq. (63).
template <class T>
Layout check_backward(const Tensor<T>& dY, const Tensor<T>& gamma, const BatchNormCache<T>& cache) {
  if (cache.X_hat.empty())
    throw shape_error("Eq. (63) batchnorm backward: the cache is empty (run batchnorm_forward first)");
  require_same_shape(dY.shape(), cache.X_hat.shape(), "Eq. (63) batchnorm backward (δ^(l+1) and X^(l))");
  const Layout L = layout_of(dY.shape());
  require_per_channel(gamma, L.C, dY.shape(), "γ", "Eq. (63)");
  return L;
}

}  // namespace nn::bn
