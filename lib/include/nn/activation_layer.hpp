/// @file activation_layer.hpp
/// @brief The activation layer — report §4.2.3–4.2.4, Eqs. (44)–(45): f element-wise on a
///        tensor of any rank (the matrices of §4.1 and the rank-4 tensors of §4.2).
#pragma once

#include <string>

#include "nn/activations.hpp"
#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief Eq. (44), the reference loop (lib/src/activation_layer.cpp):
///        @f$X^{(l+1)}_{r,c,h,w} = f(X^{(l)}_{r,c,h,w})@f$.
/// @param X  the input X^(l), any rank
/// @param f  σ, tanh or ReLU
template <class T>
Tensor<T> activation_forward(const Tensor<T>& X, ActivationFunction f);

/// @brief Eq. (45): @f$\delta^{(l)}_{r,c,h,w} = \delta^{(l+1)}_{r,c,h,w}\, f'(X^{(l)}_{r,c,h,w})@f$.
/// @param dY  δ^(l+1), same shape as X
/// @param X   the layer's input X^(l) (the cache of the forward pass)
/// @param f   the activation function of the forward pass
/// @throws shape_error naming both shapes and Eq. (45) if they differ
template <class T>
Tensor<T> activation_backward(const Tensor<T>& dY, const Tensor<T>& X, ActivationFunction f);

/// @brief Layer object for Eqs. (44)–(45); has no parameters (§4.2.4: W^(l) is empty). It runs
///        the same maths into reused buffers, vectorised and threaded
///        (lib/src/kernels/activation_fast.cpp).
template <class T>
class Activation final : public Layer<T> {
 public:
  /// @param f  σ, tanh or ReLU
  explicit Activation(ActivationFunction f) : f_(f) {}
  std::string name() const override { return "Activation(" + to_string(f_) + ")"; }
  const Tensor<T>& forward(const Tensor<T>& X) override;
  const Tensor<T>& backward(const Tensor<T>& dY) override;
  Shape output_shape(const Shape& input) const override { return input; }
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Activation>(*this); }
  /// The activation function.
  ActivationFunction function() const { return f_; }

 private:
  ActivationFunction f_;
  Tensor<T> X_, Y_, dX_;
};

extern template class Activation<float>;
extern template class Activation<double>;

}  // namespace nn
