/// @file maxpool2d.hpp
/// @brief The max-pooling layer — report §4.2.5–4.2.6, Eqs. (46)–(51): forward with an explicit
///        argmax cache, backward that routes δ to the argmax and sums where windows overlap.
///
/// **Window.** A k_H×k_W window slides with stride s over every feature map; the output sizes
/// are Eqs. (46)–(47), computed by nn::conv_out_size (the one size formula, p = 0), and C' = C
/// (Eq. (48)). Corrected Eq. (49): the window offsets are 0 ≤ j < k_H and 0 ≤ i < k_W (the
/// draft's 0 ≤ j ≤ k covers k + 1 rows; see @ref errata_ch05_07).
///
/// **Ties.** When a window holds its maximum more than once, the *first* maximum in row-major
/// scan order of the window (j outer, i inner) wins: it alone receives the window's δ. At a
/// tie max is not differentiable; this choice is one valid subgradient, it keeps
/// Σ δ^(l) = Σ δ^(l+1), and it is what the draft's words ("the responsible neuron, whose index
/// must be kept in memory") need to be a function. (The draft's Eq. (51) condition
/// "X = max" sends δ to every tied position, counting it twice.)
///
/// **Overlap.** With s < k windows overlap, and one input can be the argmax of several
/// windows; its δ^(l) is then the *sum* of their δ^(l+1) (corrected Eq. (51)).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief The hyperparameters of max-pooling (§4.2.5): window k_H×k_W and stride s.
struct PoolSpec {
  std::size_t k_h = 2;  ///< window height k_H
  std::size_t k_w = 2;  ///< window width k_W
  std::size_t s_h = 2;  ///< vertical stride s
  std::size_t s_w = 2;  ///< horizontal stride s
  /// @brief A square k×k window with stride s in both directions (the report's case).
  static PoolSpec square(std::size_t k, std::size_t s) { return PoolSpec{k, k, s, s}; }
  /// @brief "2×2, s=2" (or "2×3, s=(1, 2)").
  std::string str() const;
};

/// @brief What the backward pass needs from the forward pass: where each maximum came from.
struct MaxPoolCache {
  Shape input_shape;                ///< shape of X^(l), (R, C, H, W)
  Shape output_shape;               ///< shape of X^(l+1), (R, C, H', W')
  /// For every output element (row-major, as vec(X^(l+1))): the row-major offset in X^(l) of
  /// the window's first maximum — "the responsible neuron, whose index is kept in memory".
  std::vector<std::size_t> argmax;
};

/// @brief The output shape (R, C, H', W') for an input shape (R, C, H, W), Eqs. (46)–(48).
/// @throws shape_error naming the shape and Eq. (49) if the input is not of rank 4, or naming
///         Eqs. (46)–(47) if the window is larger than the input
Shape maxpool2d_output_shape(const Shape& input, PoolSpec spec);

/// @brief Max-pool forward, the reference scan of corrected Eq. (49) (lib/src/maxpool2d.cpp):
/// @f[ X^{(l+1)}_{r,c,h',w'} = \max_{0 \le j < k_H,\; 0 \le i < k_W} X^{(l)}_{r,c,h's+j,w's+i} @f]
/// @param X      input X^(l), shape (R, C, H, W)
/// @param spec   window and stride
/// @param cache  filled with the argmax of every window (first maximum in row-major order)
/// @return       X^(l+1), shape (R, C, H', W') with H', W' from Eqs. (46)–(47)
template <class T>
Tensor<T> maxpool2d_forward(const Tensor<T>& X, PoolSpec spec, MaxPoolCache& cache);

/// @brief Max-pool backward, corrected Eqs. (50)–(51): δ of each window goes to its argmax,
///        and where windows overlap (s < k) the contributions are summed:
/// @f[ \delta^{(l)}_{r,c,h,w} = \sum_{h',w'} \delta^{(l+1)}_{r,c,h',w'}\,
///     [\,(h,w) = \operatorname{argmax}_{(h's+j,\,w's+i)} X^{(l)}_{r,c,h's+j,w's+i}\,] @f]
/// @param dY     δ^(l+1) = ∂L/∂X^(l+1), shape of the forward output
/// @param cache  the argmax cache of the forward pass
/// @return       δ^(l) = ∂L/∂X^(l), shape of the forward input; zero where no window's
///               maximum lies
/// @throws shape_error naming both shapes and Eq. (51) if dY does not match the forward output
template <class T>
Tensor<T> maxpool2d_backward(const Tensor<T>& dY, const MaxPoolCache& cache);

/// @brief Layer object for Eqs. (46)–(51); no parameters (§4.2.6: ∂L/∂W^(l) is empty). It runs
///        the same maths into reused buffers, with a branch-free scan of 2×2 windows and the
///        feature maps shared among threads (lib/src/kernels/maxpool2d_fast.cpp).
template <class T>
class MaxPool2d final : public Layer<T> {
 public:
  /// @param spec  window and stride, e.g. PoolSpec::square(2, 2)
  explicit MaxPool2d(PoolSpec spec) : spec_(spec) {}
  /// @param k  square window k×k
  /// @param s  stride in both directions
  MaxPool2d(std::size_t k, std::size_t s) : spec_(PoolSpec::square(k, s)) {}
  std::string name() const override { return "MaxPool2d(" + spec_.str() + ")"; }
  const Tensor<T>& forward(const Tensor<T>& X) override;
  const Tensor<T>& backward(const Tensor<T>& dY) override;
  Shape output_shape(const Shape& input) const override { return maxpool2d_output_shape(input, spec_); }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<MaxPool2d>(*this); }
  /// The window and stride.
  const PoolSpec& spec() const { return spec_; }
  /// The argmax cache of the last forward().
  const MaxPoolCache& cache() const { return cache_; }

 private:
  PoolSpec spec_;
  MaxPoolCache cache_;
  Tensor<T> Y_, dX_;
};

extern template class MaxPool2d<float>;
extern template class MaxPool2d<double>;

}  // namespace nn
