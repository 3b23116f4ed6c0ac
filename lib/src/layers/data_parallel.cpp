/// @file data_parallel.cpp
/// @brief nn::DataParallel: a batch's shares side by side, one thread and one network copy each.
#include "nn/data_parallel.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

#include "kernels/parallel.hpp"

namespace nn {

void ShareBarrier::reset(std::size_t count) {
  count_ = count;
  arrived_ = 0;
  aborted_ = false;
}

void ShareBarrier::wait() {
  const std::size_t generation = generation_;
  if (++arrived_ == count_) {  // the last to arrive opens the barrier for the next meeting
    arrived_ = 0;
    ++generation_;
    return;
  }
  for (std::size_t spins = 0; generation_ == generation; ++spins) {
    if (aborted_) throw share_aborted();
    if (spins > 4096) std::this_thread::yield();  // a busy machine: give the core back
  }
}

void ShareBarrier::wait_turn(const std::atomic<std::size_t>& turn, std::size_t t) {
  for (std::size_t spins = 0; turn != t; ++spins) {
    if (aborted_) throw share_aborted();
    if (spins > 4096) std::this_thread::yield();
  }
}

template <class T>
DataParallel<T>::DataParallel(Sequential<T>& net, int threads) : nets_{&net} {
  // no more shares than the library's threads here (one inside a parallel region)
  threads = std::min(threads, kernels::max_threads());
  if (threads > 1 && net.runs_on_shares())
    for (int t = 1; t < threads; ++t) {
      auto copy = net.clone();
      if (!copy) break;  // a layer that cannot be copied: one share
      copies_.push_back(std::move(copy));
      nets_.push_back(copies_.back().get());
    }
  shares_.resize(nets_.size());  // never resized again: the layers point into it
  for (std::size_t t = 0; t < nets_.size(); ++t) {
    params_.push_back(nets_[t]->parameters());
    buffers_.push_back(nets_[t]->buffers());
    shares_[t].index = t;
    shares_[t].barrier = &barrier_;
  }
  X_.resize(nets_.size());
  dZ_.resize(nets_.size());
  losses_.resize(nets_.size());
  failed_.resize(nets_.size());
}

template <class T>
DataParallel<T>::~DataParallel() {
  for (std::size_t l = 0; l < nets_[0]->size(); ++l) (*nets_[0])[l].set_share(nullptr, nullptr);
}

template <class T>
void DataParallel<T>::prepare(std::size_t R, std::size_t S) {
  for (std::size_t t = 0; t < nets_.size(); ++t)
    if (nets_[t]->size() != nets_[0]->size())
      throw std::logic_error("DataParallel: the network has " + std::to_string(nets_[0]->size()) +
                             " layers and its copies " + std::to_string(nets_[t]->size()) +
                             ": make the DataParallel after the last add()");
  // OpenMP's static cut: the first R mod S shares get one example more
  const std::size_t q = R / S, extra = R % S;
  Sequential<T>& net = *nets_[0];
  for (std::size_t t = 0; t < S; ++t) {
    shares_[t].count = S;
    shares_[t].first = t * q + std::min(t, extra);
    shares_[t].rows = q + (t < extra ? 1 : 0);
    shares_[t].batch = R;
    // Every pass, each copy takes the network's mode and its share again: the network may have
    // been switched to evaluation, or another DataParallel may have pointed it elsewhere.
    for (std::size_t l = 0; l < net.size(); ++l) {
      Layer<T>& layer = (*nets_[t])[l];
      if (t > 0) {
        layer.set_training(net[l].training());
        layer.set_input_gradient(net[l].input_gradient());
      }
      layer.set_share(&shares_[t], &net[l]);
    }
  }
  barrier_.reset(S);
}

template <class T>
template <class Pass>
std::size_t DataParallel<T>::run_shares(const Tensor<T>& X, const Pass& pass) {
  const std::size_t R = X.dim(0);
  const std::size_t S = std::min(nets_.size(), std::max<std::size_t>(1, R));
  if (S > 1) {
    prepare(R, S);
    // After the pass the network's own layers run on the whole batch again: a direct forward()
    // would otherwise wait at batch norm's meeting for shares that never come.
    struct Release {
      Sequential<T>& net;
      ~Release() {
        for (std::size_t l = 0; l < net.size(); ++l) net[l].set_share(nullptr, nullptr);
      }
    } release{*nets_[0]};
    const std::size_t per_example = X.size() / R;
    // One share per thread; inside, each layer's own loops run on that thread alone
    // (kernels::max_threads() is 1 in a parallel region).
    const bool ran = kernels::on_own_threads(S, [&](std::size_t t) {
      try {
        const Share& share = shares_[t];
        if (t > 0) {  // this copy takes the network's parameters (updated since the last step)
          for (std::size_t i = 0; i < params_[0].size(); ++i) *params_[t][i].value = *params_[0][i].value;
          for (std::size_t i = 0; i < buffers_[0].size(); ++i) *buffers_[t][i].value = *buffers_[0][i].value;
        }
        if (X_[t].rank() != X.rank() || X_[t].dim(0) != share.rows || X_[t].size() != share.rows * per_example) {
          std::vector<std::size_t> dims{share.rows};
          for (std::size_t d = 1; d < X.rank(); ++d) dims.push_back(X.dim(d));
          X_[t].resize(Shape(dims));
        }
        std::copy_n(X.data() + share.first * per_example, share.rows * per_example, X_[t].data());
        pass(t, share.first, X_[t]);
      } catch (const ShareBarrier::share_aborted&) {
        // released from a meeting because another share failed: that share's error is the one
      } catch (...) {
        failed_[t] = std::current_exception();
        barrier_.abort();  // no share waits for this one any more
      }
    });
    if (ran) {
      for (std::size_t t = 0; t < S; ++t)
        if (failed_[t]) {
          std::exception_ptr e = failed_[t];
          std::fill(failed_.begin(), failed_.end(), nullptr);
          std::rethrow_exception(e);
        }
      return ran_ = S;
    }
    // OpenMP gave fewer threads than shares: the whole batch on the network itself
  }
  pass(0, 0, X);  // the whole batch through the network itself, no copy
  return ran_ = 1;
}

template <class T>
double DataParallel<T>::forward_backward(const Tensor<T>& X, const ShareLoss& loss) {
  const std::size_t S = run_shares(X, [&](std::size_t t, std::size_t first, const Tensor<T>& Xt) {
    const Tensor<T>& Z = nets_[t]->forward(Xt);
    losses_[t] = loss(t, first, Z, dZ_[t]);
    nets_[t]->backward(dZ_[t]);
  });
  // Eqs. (32)-(33), (43): the sum over the batch = the sum over the shares, in share order
  for (std::size_t i = 0; i < params_[0].size(); ++i) {
    T* g = params_[0][i].gradient->data();
    const std::size_t n = params_[0][i].gradient->size();
    for (std::size_t t = 1; t < S; ++t) {
      const T* h = params_[t][i].gradient->data();
      NN_OMP_SIMD
      for (std::size_t k = 0; k < n; ++k) g[k] += h[k];
    }
  }
  double L = 0;
  for (std::size_t t = 0; t < S; ++t) L += losses_[t];
  return L;
}

template <class T>
std::size_t DataParallel<T>::forward(const Tensor<T>& X, const ShareOutput& output) {
  return run_shares(X, [&](std::size_t t, std::size_t first, const Tensor<T>& Xt) { output(t, first, nets_[t]->forward(Xt)); });
}

template class DataParallel<float>;
template class DataParallel<double>;

}  // namespace nn
