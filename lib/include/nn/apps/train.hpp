/// @file train.hpp
/// @brief Mini-batch training and evaluation of a classifier (§4.1's SGD, Eq. (20), applied to
///        §1.3's digit recognition), with a progress bar and a guard against divergence.
///
/// One epoch: shuffle the training set (seeded), then for each batch of R examples run the
/// network forward, take the softmax cross-entropy (mean over the batch), run backward, and let
/// the optimizer update every parameter. Batch tensors are allocated once and reused.
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <iosfwd>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/data/idx.hpp"
#include "nn/layer.hpp"
#include "nn/optim.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief Training stopped because the loss became NaN or infinite.
class training_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// @brief A one-line progress display: a redrawn bar on a terminal, plain lines otherwise.
///
/// On a terminal: `epoch 3/10 [########......] 96/125  loss 0.1234  acc 96.1%  24.1k img/s  ETA 0:02`.
/// When the output is a file or a pipe (CI, `| tee`), it prints a plain line at 25%, 50%, 75% and
/// at the end of each epoch instead, so logs stay readable.
class Progress {
 public:
  /// @param os     where to print (usually std::cout)
  /// @param tty    true to redraw one line (use is_terminal())
  Progress(std::ostream& os, bool tty);
  /// @brief Starts a phase such as "epoch 3/10" of `steps` steps.
  void start(const std::string& label, std::size_t steps);
  /// @brief Reports step `done` (1-based) with the running loss and accuracy and the throughput.
  void update(std::size_t done, double loss, double accuracy, double items_per_second);
  /// @brief Ends the phase with a final line.
  void finish(double loss, double accuracy, double items_per_second);
  /// @brief True if standard output is a terminal.
  static bool is_terminal();

 private:
  std::ostream& os_;
  bool tty_;
  std::string label_;
  std::size_t steps_ = 0;
  int next_quarter_ = 1;
  std::chrono::steady_clock::time_point start_;
};

/// @brief Loss, accuracy and speed of one pass over a data set.
struct EpochStats {
  double loss = 0;               ///< mean softmax cross-entropy over the examples
  double accuracy = 0;           ///< fraction classified correctly
  double seconds = 0;            ///< wall time of the pass
  double images_per_second = 0;  ///< throughput
};

/// @brief Copies examples order[begin … begin+count) of a data set into a batch.
/// @param ds      the data set
/// @param order   a permutation of the examples (or the identity)
/// @param begin   the first position in `order`
/// @param count   the batch size R (fewer at the end of the data set is allowed)
/// @param X       resized to (R, C, H, W) and filled (a reused buffer)
/// @param labels  resized to R and filled
void gather_batch(const Dataset& ds, const std::vector<std::size_t>& order, std::size_t begin, std::size_t count,
                  Tensor<float>& X, std::vector<std::size_t>& labels);

/// @brief One epoch of mini-batch training with softmax cross-entropy.
/// @param net       the network; its last layer gives K class scores per row
/// @param opt       the optimizer (SGD with momentum, Adam, …)
/// @param train     the training set
/// @param batch     the batch size R
/// @param rng       shuffles the order (seed it for a reproducible run)
/// @param progress  progress display, or nullptr for none
/// @param augment   if set, called on every batch before the forward pass (e.g. random_shift)
/// @param observe   if set, called on every batch after backward() and before the optimizer's
///                  step (Eq. (20)): the network then holds this batch's X^(l), δ^(l)
///                  (Sequential::activation, Sequential::delta) and parameter gradients, and
///                  the parameters the gradients were taken at (e.g. a TrainingMonitor).
///                  With an observer the batch runs on one copy of the network (its layers
///                  sharing each pass), not on shares (nn::DataParallel): slower, the same bits
/// @throws training_error naming the epoch position and the learning rate when the loss is
///         not finite (the usual cause: a learning rate too large)
EpochStats train_epoch(Sequential<float>& net, Optimizer<float>& opt, const Dataset& train, std::size_t batch,
                       std::mt19937_64& rng, Progress* progress = nullptr,
                       const std::function<void(Tensor<float>&, std::mt19937_64&)>& augment = {},
                       const std::function<void(Sequential<float>&)>& observe = {});

/// @brief Loss and accuracy of the network on a data set, in evaluation mode (batch norm uses
///        its running statistics); the network is left in evaluation mode.
/// @param net          the network
/// @param ds           the data set
/// @param batch        the batch size (only speed depends on it)
/// @param predictions  if not null, filled with the predicted class of every example
EpochStats evaluate(Sequential<float>& net, const Dataset& ds, std::size_t batch,
                    std::vector<int>* predictions = nullptr);

/// @brief The class probabilities (softmax of the scores) of one input of shape (1, C, H, W).
/// @param net  the network, switched to evaluation mode
/// @param X    one example
std::vector<double> predict_probabilities(Sequential<float>& net, const Tensor<float>& X);

}  // namespace nn
