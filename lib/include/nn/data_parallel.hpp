/// @file data_parallel.hpp
/// @brief Data parallelism for a training step: the batch is cut into one share of examples
///        per thread, each share runs forward and backward through its own copy of the network,
///        and the parameter gradients of the shares are added (design notes, "Speed facts").
///
/// Why: LeNet-5's layers are too small to share each one among the cores. Every layer cuts its
/// work differently (the convolutions by examples, a dense layer's products by rows), so each
/// layer's input was written by the other core, and a training step on two threads took about
/// as long as on one. With a share per thread, each example stays on one core from the first
/// layer to the last, and the threads meet only where the maths needs the whole batch: at
/// batch norm (three times per layer) and at a dense layer's ∂L/∂W (one turn each).
///
/// The maths is unchanged: the loss is the mean over the whole batch (each share's loss
/// gradient is divided by the batch's R, nn::softmax_cross_entropy's `batch`), and Eq. (32)'s
/// and Eq. (43)'s sums over the batch are added up from the shares' parts. Even the bits are
/// unchanged (test `DataParallel equals one copy on the whole batch`): a convolution already
/// added one partial sum per thread, in thread order, and a dense layer's shares take turns
/// (nn::ShareTurn), each continuing the sums over r where the share before left them. (That
/// holds for dense layers of up to 2^20 weights, all of the chapters'; larger ones go to
/// OpenBLAS, whose continued product groups its sums differently.)
///
/// Batch norm in training mode mixes the examples of a batch: Eqs. (52)–(53) take μ and σ² over
/// all of them. Its copies meet (nn::ShareBarrier): each share sums its own rows, then every
/// share adds all the rows' sums in the order one pass over the batch adds them, so μ, σ² and
/// the sums of its backward pass are the same bits as one copy's.
///
/// A network runs on one share when a layer cannot be copied (Layer::clone) or mixes the
/// examples without meeting the other shares (Layer::runs_on_shares), and on fewer shares than
/// threads when the batch has fewer examples.
#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <stdexcept>
#include <memory>
#include <vector>

#include "nn/layer.hpp"
#include "nn/tensor.hpp"

namespace nn {

/// @brief The shares of a batch meet here: wait() returns once every share running now has
///        called it. A share that fails calls abort(), and the others' wait() throws
///        share_aborted instead of waiting for it for ever.
class ShareBarrier {
 public:
  /// @brief Thrown by wait() in a share when another share failed.
  struct share_aborted : std::runtime_error {
    share_aborted() : std::runtime_error("DataParallel: another share of the batch failed") {}
  };
  /// @brief Before a pass: `count` shares will meet (not while any share waits).
  void reset(std::size_t count);
  /// @brief Waits for the other shares (spinning, then yielding the core).
  /// @throws share_aborted if a share called abort()
  void wait();
  /// @brief Releases every waiting share with share_aborted.
  void abort() { aborted_ = true; }
  /// @brief Waits until it is share t's turn at `turn` (share 0 first, then 1, …), so that
  ///        the shares add their rows into one sum in row order.
  /// @throws share_aborted if a share called abort()
  void wait_turn(const std::atomic<std::size_t>& turn, std::size_t t);
  /// @brief Ends share t's turn: the next share's (a layer sets its counter back to 0 before
  ///        every pass, in Layer::set_share).
  static void pass_turn(std::atomic<std::size_t>& turn, std::size_t t) { turn = t + 1; }

 private:
  std::size_t count_ = 1;
  std::atomic<std::size_t> arrived_{0}, generation_{0};
  std::atomic<bool> aborted_{false};
};

/// @brief A turn counter that a layer can hold and still be copied (a copy starts at share 0).
struct ShareTurn {
  std::atomic<std::size_t> next{0};  ///< the share whose turn it is
  ShareTurn() = default;
  ShareTurn(const ShareTurn&) {}                                ///< a fresh counter
  ShareTurn& operator=(const ShareTurn&) { return *this; }     ///< keeps its own counter
};

/// @brief Where a copy of a layer runs when nn::DataParallel cuts a batch (Layer::set_share):
///        which share, which rows of the batch, and where the shares meet. A layer that mixes
///        the examples (batch norm) meets the other shares at `barrier` and adds up their sums.
struct Share {
  std::size_t index = 0;            ///< t, 0 … count − 1
  std::size_t count = 1;            ///< S, the shares of this batch
  std::size_t first = 0;            ///< the share's first row in the batch
  std::size_t rows = 0;             ///< the share's number of rows
  std::size_t batch = 0;            ///< R, the rows of the whole batch
  ShareBarrier* barrier = nullptr;  ///< shared by the S shares
};

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

  /// @brief Up to `threads` shares (and no more than the library's threads: one inside a
  ///        parallel region). Before every pass the copies take the network's parameters,
  ///        buffers and mode (training or evaluation).
  /// @param net      the network; it is share 0, and holds the summed gradients after a step.
  ///                 It must outlive this object and stay where it is (not be moved).
  /// @param threads  the number of shares wanted (e.g. nn::library_threads())
  DataParallel(Sequential<T>& net, int threads);
  /// @brief Gives the network's layers their whole batch back (Layer::set_share(nullptr)).
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;             ///< the copies are its own
  DataParallel& operator=(const DataParallel&) = delete;  ///< the copies are its own

  /// @brief The number of shares: 1 if the network cannot be cut (see the file's notes).
  std::size_t shares() const { return nets_.size(); }
  /// @brief The number of shares the last pass ran on (fewer for a batch of fewer rows).
  std::size_t ran() const { return ran_; }

  /// @brief One forward and backward pass of the batch X. With S = min(shares(), R), share t
  ///        gets ⌊R/S⌋ consecutive rows of X, one more for the first R mod S shares (the cut of
  ///        OpenMP's static schedule, which the layers' own loops use), and the network's
  ///        current parameters. Afterwards every parameter gradient of the network is the sum over
  ///        the shares, as one backward pass over the whole batch would give.
  ///        If OpenMP gives fewer threads than shares (OMP_THREAD_LIMIT, OMP_DYNAMIC), the
  ///        whole batch runs on the network itself, as with one share.
  /// @return the sum of the shares' losses (the batch's loss L)
  double forward_backward(const Tensor<T>& X, const ShareLoss& loss);

  /// @brief What a share's forward pass gives: output(share, first, Z), called as ShareLoss is.
  using ShareOutput = std::function<void(std::size_t share, std::size_t first, const Tensor<T>& Z)>;

  /// @brief The forward pass alone (evaluation, inference), cut into shares as
  ///        forward_backward() cuts it. Each example's output is the same, bit for bit, as
  ///        one forward pass of the whole batch gives: no layer sums over the examples.
  /// @return the number of shares that ran
  std::size_t forward(const Tensor<T>& X, const ShareOutput& output);

 private:
  // Cuts R rows into S shares and gives every copy its share and the network's mode.
  void prepare(std::size_t R, std::size_t S);
  // Runs pass(t, first, X_t) for every share of X on its own thread; X_t is X itself for one
  // share. Returns the number of shares that ran.
  template <class Pass>
  std::size_t run_shares(const Tensor<T>& X, const Pass& pass);

  std::vector<Sequential<T>*> nets_;                   // the network, then the copies
  std::vector<std::unique_ptr<Sequential<T>>> copies_;
  std::vector<std::vector<Parameter<T>>> params_, buffers_;  // per share
  std::vector<Tensor<T>> X_, dZ_;                      // per share
  std::vector<Share> shares_;                          // per share, what its layers point at
  std::vector<double> losses_;                         // per share, the last pass's
  std::vector<std::exception_ptr> failed_;             // per share, the last pass's error
  ShareBarrier barrier_;
  std::size_t ran_ = 0;
};

extern template class DataParallel<float>;
extern template class DataParallel<double>;

}  // namespace nn
