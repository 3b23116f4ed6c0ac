/// @file layer.hpp
/// @brief Layer objects and the Sequential container that runs forward and backward through
///        a list of them (design notes, "Layer objects").
///
/// Each layer wraps its free forward/backward functions (e.g. dense_forward, conv2d_forward),
/// owns its parameters, their gradients and the cache the backward pass needs, and keeps its
/// output and input-gradient buffers between calls, so that a training loop allocates nothing
/// after the first batch (design notes, "Speed facts": fresh memory is slow to touch here).
///
/// Gradient convention: backward() *overwrites* every parameter gradient with the derivative
/// of the loss for this batch; nothing accumulates across calls. The loss takes the mean over
/// the batch, so 1/R enters once, in the loss gradient (design notes, "One gradient convention").
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nn/tensor.hpp"

namespace nn {

struct Share;

/// @brief A parameter tensor and its gradient, as an optimizer sees them.
template <class T>
struct Parameter {
  std::string name;      ///< e.g. "W" or "b", for messages and model files
  Tensor<T>* value;      ///< the parameter, updated in place by the optimizer
  Tensor<T>* gradient;   ///< ∂L/∂(parameter) from the last backward()
};

/// @brief A layer l: X^(l+1) = layer(X^(l)), with δ^(l) = backward(δ^(l+1)).
template <class T>
class Layer {
 public:
  virtual ~Layer() = default;
  /// @brief A short description such as "Dense(784 → 120)" or "Conv2d(1 → 6, 5×5, s=1, p=0)".
  virtual std::string name() const = 0;
  /// @brief The forward pass; remembers what backward() needs.
  /// @return X^(l+1), a buffer owned by the layer and valid until the next forward()
  virtual const Tensor<T>& forward(const Tensor<T>& X) = 0;
  /// @brief The backward pass of the last forward(): takes δ^(l+1) = ∂L/∂X^(l+1), stores the
  ///        parameter gradients (overwriting) and returns δ^(l) = ∂L/∂X^(l).
  virtual const Tensor<T>& backward(const Tensor<T>& dY) = 0;
  /// @brief The output shape for an input shape (throws shape_error if the input does not fit).
  virtual Shape output_shape(const Shape& input) const = 0;
  /// @brief The learnable parameters with their gradients (empty for parameter-free layers).
  virtual std::vector<Parameter<T>> parameters() { return {}; }
  /// @brief Non-learned state that a model file must keep (e.g. batch norm's running statistics).
  virtual std::vector<Parameter<T>> buffers() { return {}; }
  /// @brief Training mode (batch statistics) or evaluation mode (running statistics).
  virtual void set_training(bool training) { training_ = training; }
  /// @brief True in training mode (the default).
  bool training() const { return training_; }
  /// @brief Whether backward() must compute δ^(l) for the input. Sequential switches it off
  ///        for its first layer when asked to (Sequential::set_input_gradient): the images
  ///        need no gradient, and a layer may then skip that work and return a stale buffer.
  /// @param needed  false to allow skipping
  void set_input_gradient(bool needed) { input_gradient_ = needed; }
  /// @brief See set_input_gradient(); true by default.
  bool input_gradient() const { return input_gradient_; }
  /// @brief A copy of the layer (parameters, mode and buffers), for nn::DataParallel; nullptr
  ///        if the layer cannot be copied, and the network then runs on one copy.
  virtual std::unique_ptr<Layer<T>> clone() const { return nullptr; }
  /// @brief True if an example's output depends on the other examples of the batch (batch
  ///        norm in training mode, Eqs. (52)–(53)): such a layer runs on shares of a batch only
  ///        if its copies meet to add up their sums (runs_on_shares).
  virtual bool mixes_examples() const { return false; }
  /// @brief True if a copy of the layer can run on a share of a batch (nn::DataParallel): it
  ///        treats the examples separately, or it meets the other shares (batch norm).
  virtual bool runs_on_shares() const { return !mixes_examples(); }
  /// @brief Tells a copy of the layer which share of the batch it runs on (nullptr: the whole
  ///        batch). `first_copy` is the same layer in share 0, whose buffers the shares meet in.
  virtual void set_share(const Share* share, Layer<T>* first_copy) {
    (void)share;
    (void)first_copy;
  }

 protected:
  bool training_ = true;        ///< the mode set by set_training()
  bool input_gradient_ = true;  ///< see set_input_gradient()
};

/// @brief Reshapes (R, C, H, W) to the (R, C·H·W) matrix a dense layer takes, and back.
template <class T>
class Flatten final : public Layer<T> {
 public:
  std::string name() const override { return "Flatten"; }
  const Tensor<T>& forward(const Tensor<T>& X) override;
  const Tensor<T>& backward(const Tensor<T>& dY) override;
  Shape output_shape(const Shape& input) const override;
  std::unique_ptr<Layer<T>> clone() const override { return std::make_unique<Flatten>(*this); }

 private:
  Shape in_shape_;
  Tensor<T> Y_, dX_;
};

/// @brief Layers applied one after another; backward runs them in reverse (Eqs. (29)–(33)).
template <class T>
class Sequential {
 public:
  /// @brief Appends a layer and returns a reference to it (for inspection, e.g. kernels).
  template <class L, class... Args>
  L& add(Args&&... args) {
    auto layer = std::make_unique<L>(std::forward<Args>(args)...);
    L& ref = *layer;
    layers_.push_back(std::move(layer));
    activations_.clear(), deltas_.clear();
    return ref;
  }
  /// @brief Appends an already-built layer.
  Layer<T>& add(std::unique_ptr<Layer<T>> layer);

  /// @brief X^(L) from X^(0), through every layer.
  const Tensor<T>& forward(const Tensor<T>& X);
  /// @brief δ^(0) from δ^(L) = ∂L/∂ŷ, filling every layer's parameter gradients.
  const Tensor<T>& backward(const Tensor<T>& dY);
  /// @brief X^(l) of the last forward(): X^(0) is the caller's input, X^(l+1) the output of
  ///        layer l, read from the layer's own buffer (no copy, no second forward pass).
  ///        Valid until the next forward() or until the caller's input goes away.
  /// @param l  0 … size()
  /// @throws std::out_of_range if l > size() or no forward() has run since the last add()
  const Tensor<T>& activation(std::size_t l) const;
  /// @brief δ^(l) = ∂L/∂X^(l) of the last backward() (Eqs. (29)–(33)): δ^(size()) is the
  ///        caller's dY, δ^(l) for l < size() the input gradient layer l returned. δ^(0) is
  ///        stale when the first layer's input gradient is off (set_input_gradient(false), as
  ///        in train_epoch): that layer may skip computing it.
  /// @param l  0 … size()
  /// @throws std::out_of_range if l > size() or no backward() has run since the last add()
  const Tensor<T>& delta(std::size_t l) const;
  /// @brief Every layer's parameters, in order.
  std::vector<Parameter<T>> parameters();
  /// @brief Every layer's buffers (running statistics), in order.
  std::vector<Parameter<T>> buffers();
  /// @brief Switches every layer between training and evaluation mode.
  void set_training(bool training);
  /// @brief Whether backward() must return δ^(0), the gradient for the network's input. Off
  ///        (as the training loop sets it) the first layer may skip computing it.
  /// @param needed  false when only the parameter gradients are wanted
  void set_input_gradient(bool needed);
  /// @brief The output shape for an input shape; throws shape_error naming the first layer
  ///        that does not fit.
  Shape output_shape(const Shape& input) const;
  /// @brief A copy of every layer (nn::DataParallel's replicas), or nullptr if a layer
  ///        cannot be copied (Layer::clone).
  std::unique_ptr<Sequential<T>> clone() const;
  /// @brief True if some layer mixes the examples of a batch (Layer::mixes_examples).
  bool mixes_examples() const;
  /// @brief True if every layer can run on a share of a batch (Layer::runs_on_shares).
  bool runs_on_shares() const;
  /// @brief Total number of learnable scalars.
  std::size_t parameter_count();
  /// @brief One line per layer with its output shape and parameter count, for an input shape.
  std::string summary(const Shape& input);

  std::size_t size() const { return layers_.size(); }             ///< number of layers
  Layer<T>& operator[](std::size_t i) { return *layers_[i]; }      ///< layer i
  const Layer<T>& operator[](std::size_t i) const { return *layers_[i]; }  ///< layer i

 private:
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  // X^(0) … X^(L) and δ^(0) … δ^(L) of the last passes: pointers into the layers' buffers
  std::vector<const Tensor<T>*> activations_, deltas_;
};

extern template class Flatten<float>;
extern template class Flatten<double>;
extern template class Sequential<float>;
extern template class Sequential<double>;

}  // namespace nn
