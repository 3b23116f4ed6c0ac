/// @file dense.hpp
/// @brief The dense (fully connected) layer — report §4.1, Eq. (7) forward and
///        Eqs. (22)–(33) backward, for a batch of R examples ("hop") at once.
///
/// Shapes follow the report: the activations X^(l) are R×n matrices whose row r is example r,
/// the weights W^(l) are n×m (inputs × outputs, so that X^(l) W^(l) is R×m and
/// @f$W^{(l)}_{ba}@f$ of §4.1.1 connects input neuron b to output neuron a), and the bias
/// b^(l) is a row vector of m elements, added to every row. The draft's Figure 1 draws a
/// single "bias neuron" per layer, i.e. one scalar b^(l) shared by all outputs (Eq. (6)); we use
/// one bias per output neuron, the usual choice, and chapter 3 (figure1_network.cpp) counts
/// the parameters both ways.
///
/// With the pre-activation @f$Z^{(l)} = X^{(l)}W^{(l)} + b^{(l)}@f$ and
/// @f$G = \delta^{(l+1)} \odot f'(Z^{(l)})@f$ the three gradients are (corrected Eqs. (31)–(33),
/// see @ref errata_ch03):
/// @f[ \delta^{(l)} = G\, W^{(l)T}, \qquad
///     \frac{\partial L}{\partial W^{(l)}} = X^{(l)T} G, \qquad
///     \frac{\partial L}{\partial b^{(l)}} = \sum_{r} G_{r,\cdot} @f]
#pragma once

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "nn/activations.hpp"
#include "nn/data_parallel.hpp"
#include "nn/init.hpp"
#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief What dense_backward() needs from dense_forward(): the input and the pre-activation.
template <class T>
struct DenseCache {
  Tensor<T> X;  ///< the layer's input X^(l), shape (R, n)
  Tensor<T> Z;  ///< the pre-activation Z^(l) = X^(l) W^(l) + b^(l), shape (R, m)
  /// The activation f of Eq. (7), or none for the affine layer alone (f = identity).
  std::optional<ActivationFunction> f;
};

/// @brief The three gradients of a dense layer; each has the shape of what it differentiates.
template <class T>
struct DenseGradients {
  Tensor<T> dX;  ///< δ^(l) = ∂L/∂X^(l), shape (R, n) — Eq. (31), corrected
  Tensor<T> dW;  ///< ∂L/∂W^(l), shape (n, m) — Eq. (32)
  Tensor<T> db;  ///< ∂L/∂b^(l), shape (m) — Eq. (33), corrected (summed over the batch)
};

/// @brief Checks that X (R, n), W (n, m) and b (m) fit Eq. (7).
/// @throws shape_error naming the shapes and Eq. (7) otherwise
void require_dense_shapes(const Shape& X, const Shape& W, const Shape& b);

/// @brief The reference forward pass (lib/src/dense.cpp). Eq. (7) without f: the affine map @f$Z = X^{(l)}W^{(l)} + b^{(l)}@f$.
/// @param X      input X^(l), shape (R, n)
/// @param W      weights W^(l), shape (n, m)
/// @param b      bias b^(l), shape (m), added to every row
/// @param cache  filled with X and Z for dense_backward() (f left empty)
/// @return       Z, shape (R, m)
/// @throws shape_error naming the shapes and Eq. (7) if they do not fit
template <class T>
Tensor<T> dense_forward(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, DenseCache<T>& cache);

/// @brief Eq. (7) whole: @f$X^{(l+1)} = f(X^{(l)}W^{(l)} + b^{(l)})@f$.
/// @param X      input X^(l), shape (R, n)
/// @param W      weights W^(l), shape (n, m)
/// @param b      bias b^(l), shape (m), added to every row
/// @param f      the activation function (Eqs. (8)–(10))
/// @param cache  filled with X, Z and f for dense_backward()
/// @return       X^(l+1), shape (R, m)
/// @throws shape_error naming the shapes and Eq. (7) if they do not fit
template <class T>
Tensor<T> dense_forward(const Tensor<T>& X, const Tensor<T>& W, const Tensor<T>& b, ActivationFunction f,
                        DenseCache<T>& cache);

/// @brief Backward pass of Eq. (7), Eqs. (29)–(33) corrected:
///        @f$G = \delta^{(l+1)} \odot f'(Z)@f$, @f$\delta^{(l)} = G W^{(l)T}@f$,
///        @f$\partial L/\partial W^{(l)} = X^{(l)T} G@f$, @f$\partial L/\partial b^{(l)} = \sum_r G_{r,\cdot}@f$.
/// @param dY     δ^(l+1) = ∂L/∂X^(l+1), shape (R, m)
/// @param W      the weights of the forward pass, shape (n, m)
/// @param cache  the cache the forward pass filled
/// @return       {dX, dW, db}; nothing accumulates: each call returns this batch's gradients
/// @throws shape_error naming both shapes and Eq. (31) if dY does not fit the cache
template <class T>
DenseGradients<T> dense_backward(const Tensor<T>& dY, const Tensor<T>& W, const DenseCache<T>& cache);

/// @brief The dense layer object: the affine part of Eq. (7), @f$X^{(l+1)} = X^{(l)}W + b@f$.
///
/// The activation is a separate layer (nn::Activation), so a network of Eq. (7) is
/// `Dense → Activation → Dense → …` in a nn::Sequential. Forward and backward run the
/// products of dense_forward() and dense_backward() through the library's register-blocked
/// kernels (OpenBLAS for layers above 2^20 weights; lib/src/kernels/dense_gemm.cpp) and reuse
/// their buffers: after the first batch of a given size nothing is allocated.
template <class T>
class Dense final : public Layer<T> {
 public:
  /// @brief A layer with n inputs and m outputs, W = 0 and b = 0 (initialize W before training).
  /// @param inputs   n, the width of X^(l)
  /// @param outputs  m, the width of X^(l+1)
  Dense(std::size_t inputs, std::size_t outputs);
  /// @brief A layer with W drawn by `scheme` from `rng` (init.hpp) and b = 0.
  /// @param inputs   n, the width of X^(l)
  /// @param outputs  m, the width of X^(l+1)
  /// @param scheme   Xavier/Glorot or He, uniform or normal
  /// @param rng      the generator; the same seed gives the same weights
  Dense(std::size_t inputs, std::size_t outputs, Init scheme, std::mt19937_64& rng);

  std::string name() const override;
  const Tensor<T>& forward(const Tensor<T>& X) override;
  const Tensor<T>& backward(const Tensor<T>& dY) override;
  Shape output_shape(const Shape& input) const override;
  std::vector<Parameter<T>> parameters() override;
  std::unique_ptr<Layer<T>> clone() const override;
  /// On a share of several, ∂L/∂W and ∂L/∂b are added share after share into share 0's copy.
  void set_share(const Share* share, Layer<T>* first_copy) override;

  Tensor<T>& weight() { return W_; }              ///< W^(l), shape (n, m)
  Tensor<T>& bias() { return b_; }                ///< b^(l), shape (m)
  const Tensor<T>& weight() const { return W_; }  ///< W^(l), shape (n, m)
  const Tensor<T>& bias() const { return b_; }    ///< b^(l), shape (m)
  const Tensor<T>& weight_gradient() const { return dW_; }  ///< ∂L/∂W from the last backward()
  const Tensor<T>& bias_gradient() const { return db_; }    ///< ∂L/∂b from the last backward()
  std::size_t inputs() const { return W_.dim(0); }   ///< n
  std::size_t outputs() const { return W_.dim(1); }  ///< m

 private:
  Tensor<T> W_, b_, dW_, db_;
  Tensor<T> X_, Y_, dX_;
  Tensor<T> WT_;  ///< W transposed, scratch space of the backward products (reused across batches)
  // nn::DataParallel: this copy's share, share 0's copy (which holds the sums) and the turns
  const Share* share_ = nullptr;
  Dense* first_copy_ = nullptr;
  ShareTurn turn_;
};

extern template class Dense<float>;
extern template class Dense<double>;

}  // namespace nn
