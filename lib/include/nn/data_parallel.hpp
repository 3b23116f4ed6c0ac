/// @file data_parallel.hpp
/// @brief Data parallelism for a training step: the batch is cut into one share of examples
///        per thread, each share runs forward and backward through its own copy of the network,
///        and the parameter gradients of the shares are added (design notes, "Speed facts").
///
/// Why: LeNet-5's layers are too small to share each one among the cores. Every layer cuts its
/// work differently (the convolutions by examples, a dense layer's products by rows), so each
/// layer's input was written by the other core, and a training step on two threads took about
/// as long as on one. With a share per thread, each example stays on one core from the first
/// layer to the last, and the threads meet once per step.
///
/// The maths is unchanged: the loss is the mean over the whole batch (each share's loss
/// gradient is divided by the batch's R, nn::softmax_cross_entropy's `batch`), and Eq. (32)'s
/// and Eq. (43)'s sums over the batch become a sum over the shares of sums over their
/// examples. Only the order of those additions differs from one copy on the whole batch, so a
/// dense layer's ∂L/∂W and ∂L/∂b differ in their last bits (test `DataParallel equals one copy
/// on the whole batch`); a convolution's are the same bit for bit, since it already added one
/// partial sum per thread.
///
/// A network runs on one share when a layer cannot be copied (Layer::clone) or mixes the
/// examples of a batch (batch norm in training mode, Layer::mixes_examples), and on fewer
/// shares than threads when the batch has fewer examples.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief Copies of a network, one per thread, that run a batch's shares side by side.
template <class T>
class DataParallel {
 public:
  /// @brief The loss of one share: loss(share, first, Z, dZ) gets the share's scores Z (rows
  ///        first … first + Z.dim(0) − 1 of the batch), fills dZ = ∂L/∂Z for those rows, with
  ///        L the mean over the WHOLE batch, and returns the share's part of L. It is called
  ///        from the share's own thread, at the same time as the other shares': it may only
  ///        write to data of its own share.
  using ShareLoss = std::function<double(std::size_t share, std::size_t first, const Tensor<T>& Z, Tensor<T>& dZ)>;

  /// @brief Up to `threads` shares; the copies are made now, so set the network's mode
  ///        (set_training, set_input_gradient) first.
  /// @param net      the network; it is share 0, and holds the summed gradients after a step
  /// @param threads  the number of shares wanted (e.g. nn::library_threads())
  DataParallel(Sequential<T>& net, int threads);

  /// @brief The number of shares: 1 if the network cannot be cut (see the file's notes).
  std::size_t shares() const { return nets_.size(); }

  /// @brief One forward and backward pass of the batch X. With S = min(shares(), R), share t
  ///        gets ⌊R/S⌋ consecutive rows of X, one more for the first R mod S shares (the cut of
  ///        OpenMP's static schedule, which the layers' own loops use), and the network's
  ///        current parameters. Afterwards every parameter gradient of the network is the sum over
  ///        the shares, as one backward pass over the whole batch would give.
  /// @return the sum of the shares' losses (the batch's loss L)
  double forward_backward(const Tensor<T>& X, const ShareLoss& loss);

  /// @brief What a share's forward pass gives: output(share, first, Z), called as ShareLoss is.
  using ShareOutput = std::function<void(std::size_t share, std::size_t first, const Tensor<T>& Z)>;

  /// @brief The forward pass alone (evaluation, inference), cut into shares as
  ///        forward_backward() cuts it. Each example's output is the same, bit for bit, as
  ///        one forward pass of the whole batch gives: no layer sums over the examples.
  void forward(const Tensor<T>& X, const ShareOutput& output);

 private:
  // Runs pass(t, first, X_t) for every share of X on its own thread; X_t is X itself for one share.
  template <class Pass>
  void run_shares(const Tensor<T>& X, const Pass& pass);

  std::vector<Sequential<T>*> nets_;                   // the network, then the copies
  std::vector<std::unique_ptr<Sequential<T>>> copies_;
  std::vector<std::vector<Parameter<T>>> params_, buffers_;  // per share
  std::vector<Tensor<T>> X_, dZ_;                      // per share
};

extern template class DataParallel<float>;
extern template class DataParallel<double>;

}  // namespace nn
