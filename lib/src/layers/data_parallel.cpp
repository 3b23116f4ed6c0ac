/// @file data_parallel.cpp
/// @brief nn::DataParallel: a batch's shares side by side, one thread and one network copy each.
#include "nn/data_parallel.hpp"

#include <algorithm>
#include <exception>
#include <thread>

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

template <class T>
DataParallel<T>::DataParallel(Sequential<T>& net, int threads) : nets_{&net} {
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
    for (std::size_t l = 0; l < net.size(); ++l) (*nets_[t])[l].set_share(&shares_[t], &net[l]);
  }
  X_.resize(nets_.size());
  dZ_.resize(nets_.size());
}

template <class T>
DataParallel<T>::~DataParallel() {
  for (std::size_t l = 0; l < nets_[0]->size(); ++l) (*nets_[0])[l].set_share(nullptr, nullptr);
}

template <class T>
template <class Pass>
void DataParallel<T>::run_shares(const Tensor<T>& X, const Pass& pass) {
  const std::size_t R = X.dim(0);
  const std::size_t S = std::min(nets_.size(), std::max<std::size_t>(1, R));
  // OpenMP's static cut: the first R mod S shares get one example more
  const std::size_t q = R / S, extra = R % S;
  for (std::size_t t = 0; t < S; ++t) {
    shares_[t].count = S;
    shares_[t].first = t * q + std::min(t, extra);
    shares_[t].batch = R;
  }
  barrier_.reset(S);
  if (S == 1) return pass(0, 0, X);  // the whole batch through the network itself, no copy
  const std::size_t per_example = X.size() / R;
  std::vector<std::exception_ptr> failed(S);
  // One share per thread; inside, each layer's own loops run on that thread alone
  // (kernels::max_threads() is 1 in a parallel region).
  kernels::parallel_for(S, int(S), [&](std::size_t t) {
    try {
      const std::size_t first = shares_[t].first, rows = q + (t < extra ? 1 : 0);
      if (t > 0) {  // this copy takes the network's parameters (updated since the last step)
        for (std::size_t i = 0; i < params_[0].size(); ++i) *params_[t][i].value = *params_[0][i].value;
        for (std::size_t i = 0; i < buffers_[0].size(); ++i) *buffers_[t][i].value = *buffers_[0][i].value;
      }
      std::vector<std::size_t> dims{rows};
      for (std::size_t d = 1; d < X.rank(); ++d) dims.push_back(X.dim(d));
      const Shape shape(dims);
      if (X_[t].shape() != shape) X_[t].resize(shape);
      std::copy_n(X.data() + first * per_example, rows * per_example, X_[t].data());
      pass(t, first, X_[t]);
    } catch (const ShareBarrier::share_aborted&) {
      // released from a meeting because another share failed: that share's error is the one
    } catch (...) {
      failed[t] = std::current_exception();
      barrier_.abort();  // no share waits for this one any more
    }
  });
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
}

template <class T>
double DataParallel<T>::forward_backward(const Tensor<T>& X, const ShareLoss& loss) {
  std::vector<double> losses(nets_.size());
  run_shares(X, [&](std::size_t t, std::size_t first, const Tensor<T>& Xt) {
    const Tensor<T>& Z = nets_[t]->forward(Xt);
    losses[t] = loss(t, first, Z, dZ_[t]);
    nets_[t]->backward(dZ_[t]);
  });
  const std::size_t S = std::min(nets_.size(), std::max<std::size_t>(1, X.dim(0)));
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
  for (std::size_t t = 0; t < S; ++t) L += losses[t];
  return L;
}

template <class T>
void DataParallel<T>::forward(const Tensor<T>& X, const ShareOutput& output) {
  run_shares(X, [&](std::size_t t, std::size_t first, const Tensor<T>& Xt) { output(t, first, nets_[t]->forward(Xt)); });
}

template class DataParallel<float>;
template class DataParallel<double>;

}  // namespace nn
