/// @file batchnorm.hpp
/// @brief Batch normalization — report §4.2.7–4.2.8, Eqs. (52)–(63): forward in training mode
///        (batch statistics) and inference mode (running statistics), the backward pass in the
///        compact form of corrected Eq. (63) and in the naive chain-rule form of Eqs. (58)–(62).
///
/// **Axes.** For a rank-4 input (R, C, H, W) the statistics are per channel c, over the
/// N = R·H·W values X_{r,c,h,w} (Eqs. (52)–(53)). For a rank-2 input (R, C) — a dense layer's
/// batch, one example per row — they are per feature (column) c over the N = R rows: the same
/// formulas with H = W = 1.
///
/// **Gradient convention.** Every backward here is the exact derivative of one scalar loss
/// whose δ^(l+1) already carries the batch mean's 1/R (design notes, "One gradient convention"):
/// ∂L/∂γ_c = Σ δ X̂ and ∂L/∂β_c = Σ δ, *without* the draft's 1/R (Eqs. (56)–(57); see
/// @ref errata_ch05_07, where the gradient check of the draft's form fails by a factor R).
///
/// **Training vs inference.** In training mode X̂ uses the batch's μ_c and biased σ²_c
/// (Eqs. (52)–(53), divided by N), and δ^(l) depends on the whole batch (Eq. (63)). Each training
/// batch also updates running estimates, with momentum m (default 0.1):
/// @f[ \hat\mu_c \leftarrow (1-m)\,\hat\mu_c + m\,\mu_c, \qquad
///     \hat\sigma^2_c \leftarrow (1-m)\,\hat\sigma^2_c + m\,\tfrac{N}{N-1}\,\sigma^2_c @f]
/// — the running variance uses the *unbiased* estimate N/(N−1)·σ²_c of the population
/// variance (as PyTorch does), while normalisation inside the batch uses the biased σ²_c of
/// Eq. (53). In inference (eval) mode X̂ = (X − μ̂_c)(σ̂²_c + ε)^{-1/2} with those running
/// constants, so each output depends on its own input only and
/// δ^(l) = δ^(l+1) γ_c (σ̂²_c + ε)^{-1/2}.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief What the backward pass needs from the forward pass (Eqs. (52)–(54)).
template <class T>
struct BatchNormCache {
  Tensor<T> X_hat;             ///< X̂ of Eq. (54), the shape of X
  std::vector<T> mean;         ///< μ_c of Eq. (52) (training) or the running mean (inference)
  std::vector<T> var;          ///< σ²_c of Eq. (53), biased (training), or the running variance
  std::vector<T> inv_std;      ///< (σ²_c + ε)^{-1/2}
  bool batch_statistics = true;  ///< true: training mode, μ and σ² came from this batch
};

/// @brief The gradients of batch normalization ({dX, dW, db} of design notes, "Forward/backward").
template <class T>
struct BatchNormGradients {
  Tensor<T> dX;      ///< δ^(l) = ∂L/∂X^(l), Eq. (63) (training) or δ γ (σ̂²+ε)^{-1/2} (inference)
  Tensor<T> dgamma;  ///< ∂L/∂γ_c, corrected Eq. (56), shape (C)
  Tensor<T> dbeta;   ///< ∂L/∂β_c, corrected Eq. (57), shape (C)
};

/// @brief The number of channels C (dimension 1) of a rank-2 or rank-4 input.
/// @throws shape_error naming the shape and Eqs. (52)–(55) for any other rank
std::size_t batchnorm_channels(const Shape& X);

/// @brief Training-mode forward, Eqs. (52)–(55):
/// @f[ \mu_c = \tfrac{1}{N}\sum_{r,h,w} X_{r,c,h,w},\quad
///     \sigma^2_c = \tfrac{1}{N}\sum_{r,h,w} (X_{r,c,h,w}-\mu_c)^2,\quad
///     \hat X = (X-\mu_c)(\sigma^2_c+\epsilon)^{-1/2},\quad X^{(l+1)} = \gamma_c \hat X + \beta_c @f]
/// with N = R·H·W (rank 4) or N = R (rank 2).
/// @param X      input X^(l), shape (R, C, H, W) or (R, C), with N ≥ 2 values per channel
/// @param gamma  scale γ, shape (C)
/// @param beta   shift β, shape (C)
/// @param cache  filled with X̂, μ_c, σ²_c and (σ²_c + ε)^{-1/2}
/// @param eps    ε of Eq. (54), "for numerical stability"
/// @return       X^(l+1), the shape of X
/// @throws shape_error naming the shapes and equation if γ or β do not have C entries, or if
///         a channel has fewer than 2 values (σ²_c would be 0 and X̂ = 0)
template <class T>
Tensor<T> batchnorm_forward(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta,
                            BatchNormCache<T>& cache, T eps = T(1e-5));

/// @brief Inference-mode forward: Eqs. (54)–(55) with the running mean and variance in place
///        of μ_c and σ²_c (which stay constant, so examples no longer interact).
/// @param X             input X^(l), shape (R, C, H, W) or (R, C)
/// @param gamma         scale γ, shape (C)
/// @param beta          shift β, shape (C)
/// @param running_mean  μ̂_c, shape (C)
/// @param running_var   σ̂²_c, shape (C)
/// @param cache         filled with X̂ and the running statistics (batch_statistics = false)
/// @param eps           ε of Eq. (54)
/// @return              X^(l+1)
template <class T>
Tensor<T> batchnorm_forward_inference(const Tensor<T>& X, const Tensor<T>& gamma, const Tensor<T>& beta,
                                      const Tensor<T>& running_mean, const Tensor<T>& running_var,
                                      BatchNormCache<T>& cache, T eps = T(1e-5));

/// @brief Backward pass, the compact form of corrected Eq. (63) (training mode):
/// @f[ \delta^{(l)}_{r,c,h,w} = \frac{\gamma_c(\sigma^2_c+\epsilon)^{-1/2}}{N}
///     \Big(N\delta^{(l+1)}_{r,c,h,w} - \sum_{r',h',w'}\delta^{(l+1)}_{r',c,h',w'}
///     - \hat X_{r,c,h,w}\sum_{r',h',w'}\delta^{(l+1)}_{r',c,h',w'}\hat X_{r',c,h',w'}\Big) @f]
/// and corrected Eqs. (56)–(57): @f$\partial L/\partial\gamma_c = \sum \delta^{(l+1)}\hat X@f$,
/// @f$\partial L/\partial\beta_c = \sum \delta^{(l+1)}@f$. O(N) per channel. For a cache from
/// the inference forward, δ^(l) = δ^(l+1) γ_c (σ̂²_c+ε)^{-1/2}.
/// @param dY     δ^(l+1), the shape of X
/// @param gamma  γ, shape (C)
/// @param cache  the cache of the forward pass
/// @return       {δ^(l), ∂L/∂γ, ∂L/∂β}
/// @throws shape_error naming both shapes and Eq. (63) if dY does not match the forward input
template <class T>
BatchNormGradients<T> batchnorm_backward(const Tensor<T>& dY, const Tensor<T>& gamma, const BatchNormCache<T>& cache);

/// @brief Backward pass by the naive chain rule of Eqs. (58)–(62), for teaching: for every
///        (r, c, h, w) the full sum of Eq. (58) over all (r', h', w') of the channel, with
/// @f[ \frac{\partial \hat X_{r',c,h',w'}}{\partial X_{r,c,h,w}} =
///     (\sigma^2_c+\epsilon)^{-1/2}\Big(I_{r'r}I_{h'h}I_{w'w} - \frac{1}{N}\Big)
///     - \frac{1}{2}(X_{r',c,h',w'}-\mu_c)(\sigma^2_c+\epsilon)^{-3/2}\,\frac{2}{N}(X_{r,c,h,w}-\mu_c) @f]
/// (Eqs. (60)–(62)) and ∂X^(l+1)/∂X̂ = γ_c (Eq. (59)). O(N²) per channel: use it on small
/// batches only. Equal to batchnorm_backward() up to rounding (tested ≤ 1e-12).
/// @param dY     δ^(l+1), the shape of X
/// @param X      the forward input X^(l)
/// @param gamma  γ, shape (C)
/// @param cache  the cache of a training-mode forward pass on X
/// @return       {δ^(l), ∂L/∂γ, ∂L/∂β}
template <class T>
BatchNormGradients<T> batchnorm_backward_naive(const Tensor<T>& dY, const Tensor<T>& X, const Tensor<T>& gamma,
                                               const BatchNormCache<T>& cache);

/// @brief Updates the running statistics from a training-mode cache (see the file comment):
///        μ̂ ← (1−m)μ̂ + mμ_c and σ̂² ← (1−m)σ̂² + m·N/(N−1)·σ²_c (unbiased).
/// @param running_mean  μ̂_c, shape (C), updated in place
/// @param running_var   σ̂²_c, shape (C), updated in place
/// @param cache         a training-mode cache (batch_statistics = true)
/// @param momentum      m ∈ [0, 1]: the weight of the new batch
/// @param values        N, the values per channel the statistics were taken over; 0 (the
///                      default) for the cache's, R·H·W. A share of a batch (nn::DataParallel)
///                      passes the whole batch's.
template <class T>
void batchnorm_update_running(Tensor<T>& running_mean, Tensor<T>& running_var, const BatchNormCache<T>& cache,
                              T momentum,
                              std::size_t values = 0);

/// @brief Batch normalization as a layer (common part of BatchNorm2d and BatchNorm1d), on the
///        vectorised, channel-threaded kernels of lib/src/kernels/batchnorm_fast.cpp:
///        learnable γ (init 1) and β (init 0); running mean (init 0) and variance (init 1);
///        training mode uses batch statistics and updates the running ones, eval mode uses
///        the running ones.
template <class T>
class BatchNormLayer : public Layer<T> {
 public:
  std::string name() const override;
  const Tensor<T>& forward(const Tensor<T>& X) override;
  const Tensor<T>& backward(const Tensor<T>& dY) override;
  Shape output_shape(const Shape& input) const override;
  std::vector<Parameter<T>> parameters() override;
  std::vector<Parameter<T>> buffers() override;
  /// In training mode each example is normalised with the batch's μ and σ² (Eqs. (52)–(53)).
  bool mixes_examples() const override { return this->training(); }
  /// Its copies meet the other shares of a batch to add up their sums (nn::DataParallel).
  bool runs_on_shares() const override { return true; }
  /// See Layer::set_share: in training mode a copy on a share of several meets the others.
  void set_share(const Share* share, Layer<T>* first_copy) override;

  Tensor<T>& gamma() { return gamma_; }                     ///< γ, shape (C)
  Tensor<T>& beta() { return beta_; }                       ///< β, shape (C)
  const Tensor<T>& running_mean() const { return running_mean_; }  ///< μ̂_c, shape (C)
  const Tensor<T>& running_var() const { return running_var_; }    ///< σ̂²_c, shape (C)
  const BatchNormCache<T>& cache() const { return cache_; }        ///< the last forward's cache
  const BatchNormGradients<T>& gradients() const { return grads_; }  ///< the last backward's gradients
  T eps() const { return eps_; }            ///< ε of Eq. (54)
  T momentum() const { return momentum_; }  ///< m of the running-statistics update

 protected:
  /// @param channels  C
  /// @param rank      4 (BatchNorm2d) or 2 (BatchNorm1d)
  /// @param eps       ε of Eq. (54)
  /// @param momentum  m of the running-statistics update
  BatchNormLayer(std::size_t channels, std::size_t rank, T eps, T momentum);
  /// Back to the whole batch, with no exchange buffer (for a fresh copy of the layer).
  void forget_share() {
    share_ = nullptr;
    first_copy_ = nullptr;
    exchange_ = {};
  }

 private:
  std::size_t channels_, rank_;
  T eps_, momentum_;
  Tensor<T> gamma_, beta_, running_mean_, running_var_;
  BatchNormCache<T> cache_;
  BatchNormGradients<T> grads_;
  Tensor<T> Y_;
  // nn::DataParallel: this copy's share, and share 0's copy, whose exchange_ the shares meet in
  const Share* share_ = nullptr;
  BatchNormLayer* first_copy_ = nullptr;
  std::vector<T> exchange_;  // the rows' sums, 4·R·C (kernels::batchnorm_forward_share)
  // Whether the shares must meet in this pass; if so, makes room in the exchange first.
  bool meet_shares();
};

/// @brief Batch normalization of rank-4 inputs (R, C, H, W), per channel over (R, H, W).
template <class T>
class BatchNorm2d final : public BatchNormLayer<T> {
 public:
  /// @param channels  C
  /// @param eps       ε of Eq. (54)
  /// @param momentum  m of the running-statistics update
  explicit BatchNorm2d(std::size_t channels, T eps = T(1e-5), T momentum = T(0.1))
      : BatchNormLayer<T>(channels, 4, eps, momentum) {}
  std::unique_ptr<Layer<T>> clone() const override {
    auto copy = std::make_unique<BatchNorm2d>(*this);
    copy->forget_share();  // a copy starts on the whole batch
    return copy;
  }
};

/// @brief Batch normalization of rank-2 inputs (R, C) — a dense layer's batch — per feature
///        over the R examples.
template <class T>
class BatchNorm1d final : public BatchNormLayer<T> {
 public:
  /// @param features  C, the number of columns
  /// @param eps       ε of Eq. (54)
  /// @param momentum  m of the running-statistics update
  explicit BatchNorm1d(std::size_t features, T eps = T(1e-5), T momentum = T(0.1))
      : BatchNormLayer<T>(features, 2, eps, momentum) {}
  std::unique_ptr<Layer<T>> clone() const override {
    auto copy = std::make_unique<BatchNorm1d>(*this);
    copy->forget_share();  // a copy starts on the whole batch
    return copy;
  }
};

extern template class BatchNormLayer<float>;
extern template class BatchNormLayer<double>;
extern template class BatchNorm2d<float>;
extern template class BatchNorm2d<double>;
extern template class BatchNorm1d<float>;
extern template class BatchNorm1d<double>;

}  // namespace nn
