/// @file train.cpp
/// @brief Mini-batch training, evaluation and the progress display.
#include "nn/apps/train.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <ostream>
#include <sstream>

#include <boost/format.hpp>

#include "nn/data_parallel.hpp"
#include "nn/loss.hpp"
#include "nn/tools/threads.hpp"

namespace nn {

namespace {
std::string rate(double r) {
  return r >= 1000 ? (boost::format("%.1fk") % (r / 1000)).str() : (boost::format("%.0f") % r).str();
}
std::string clock_str(double s) {
  const long t = std::lround(std::max(0.0, s));
  return (boost::format("%d:%02d") % (t / 60) % (t % 60)).str();
}
}  // namespace

Progress::Progress(std::ostream& os, bool tty) : os_(os), tty_(tty) {}

bool Progress::is_terminal() { return ::isatty(::fileno(stdout)) == 1; }

void Progress::start(const std::string& label, std::size_t steps) {
  label_ = label;
  steps_ = std::max<std::size_t>(1, steps);
  next_quarter_ = 1;
  start_ = std::chrono::steady_clock::now();
}

void Progress::update(std::size_t done, double loss, double accuracy, double ips) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = done ? elapsed * double(steps_ - std::min(done, steps_)) / double(done) : 0;
  const std::string stats = (boost::format("loss %.4f  acc %5.1f%%  %s img/s  ETA %s") % loss % (100 * accuracy) %
                             rate(ips) % clock_str(eta)).str();
  if (tty_) {
    constexpr int kWidth = 24;
    const int filled = int(kWidth * done / steps_);
    os_ << "\r" << label_ << " [" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] " << done
        << "/" << steps_ << "  " << stats << "  " << std::flush;
  } else if (done * 4 >= steps_ * std::size_t(next_quarter_) && next_quarter_ < 4) {
    while (done * 4 >= steps_ * std::size_t(next_quarter_) && next_quarter_ < 4) ++next_quarter_;
    os_ << label_ << "  " << done << "/" << steps_ << "  " << stats << "\n" << std::flush;
  }
}

void Progress::finish(double loss, double accuracy, double ips) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (tty_) os_ << "\r\033[K";
  os_ << boost::format("%s  done in %.1f s  loss %.4f  acc %5.1f%%  %s img/s\n") % label_ % elapsed % loss %
             (100 * accuracy) % rate(ips)
      << std::flush;
}

void gather_batch(const Dataset& ds, const std::vector<std::size_t>& order, std::size_t begin, std::size_t count,
                  Tensor<float>& X, std::vector<std::size_t>& labels) {
  const Shape& s = ds.images.shape();
  const std::size_t per = ds.images.size() / s[0];
  const Shape bs{count, s[1], s[2], s[3]};
  if (X.shape() != bs) X.resize(bs);
  labels.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t n = order[begin + i];
    std::copy_n(ds.images.data() + n * per, per, X.data() + i * per);
    labels[i] = std::size_t(ds.labels[n]);
  }
}

EpochStats train_epoch(Sequential<float>& net, Optimizer<float>& opt, const Dataset& train, std::size_t batch,
                       std::mt19937_64& rng, Progress* progress,
                       const std::function<void(Tensor<float>&, std::mt19937_64&)>& augment,
                       const std::function<void(Sequential<float>&)>& observe) {
  const std::size_t N = train.size();
  if (N == 0 || batch == 0) throw std::invalid_argument("train_epoch: empty data set or batch size 0");
  std::vector<std::size_t> order(N);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  net.set_training(true);
  // Only the parameter gradients are needed, not δ for the images; restored on every exit.
  struct InputGradientOff {
    Sequential<float>& n;
    explicit InputGradientOff(Sequential<float>& s) : n(s) { n.set_input_gradient(false); }
    ~InputGradientOff() { n.set_input_gradient(true); }
  } input_gradient_off(net);
  const SingleThreadedBlas blas_off;  // the layers thread over the examples instead
  const auto params = net.parameters();
  // One share of each batch per thread, each through its own copy of the network (when the
  // network allows it, nn::DataParallel); an observer sees the whole batch in one network.
  DataParallel<float> shares(net, observe ? 1 : library_threads());
  std::vector<std::size_t> share_correct(shares.shares());
  std::vector<std::vector<std::size_t>> share_labels(shares.shares());
  Tensor<float> X;
  std::vector<std::size_t> labels;
  // A last batch of a single example would stop batch norm on a dense layer (σ² of one value
  // is 0, Eq. (53)): that example joins the batch before it instead.
  std::size_t steps = (N + batch - 1) / batch;
  if (steps > 1 && N % batch == 1) --steps;
  double loss_sum = 0, correct = 0;
  std::size_t R = 0;  // this batch's size
  // One share's loss, made once (a std::function per batch would allocate)
  const DataParallel<float>::ShareLoss share_loss = [&](std::size_t t, std::size_t first, const Tensor<float>& Z,
                                                        Tensor<float>& dZ) {
    auto& share = share_labels[t];  // (reused: no allocation after the first batch)
    share.assign(labels.begin() + long(first), labels.begin() + long(first + Z.dim(0)));
    share_correct[t] = 0;
    for (std::size_t r = 0; r < share.size(); ++r) share_correct[t] += argmax_row(Z, r) == share[r];
    return double(softmax_cross_entropy(Z, share, dZ, R));  // mean over the batch: 1/R is here
  };
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t s = 0, begin = 0; s < steps; ++s, begin += batch) {
    R = s + 1 == steps ? N - begin : batch;
    gather_batch(train, order, begin, R, X, labels);
    if (augment) augment(X, rng);
    const double loss = shares.forward_backward(X, share_loss);
    if (!std::isfinite(loss))
      throw training_error((boost::format("training diverged: the loss is %g at batch %d of %d (learning rate %g). "
                                          "Lower the learning rate or check the input scaling.") %
                            loss % (s + 1) % steps % opt.learning_rate()).str());
    if (observe) observe(net);  // gradients of this batch, parameters not yet updated
    opt.step(params);
    loss_sum += loss * double(R);
    for (std::size_t t = 0; t < shares.ran(); ++t) correct += double(share_correct[t]);
    if (progress) {
      const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      progress->update(s + 1, loss_sum / double(begin + R), correct / double(begin + R), double(begin + R) / el);
    }
  }
  EpochStats st;
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  st.loss = loss_sum / double(N);
  st.accuracy = correct / double(N);
  st.images_per_second = double(N) / st.seconds;
  if (progress) progress->finish(st.loss, st.accuracy, st.images_per_second);
  return st;
}

EpochStats evaluate(Sequential<float>& net, const Dataset& ds, std::size_t batch, std::vector<int>* predictions) {
  const std::size_t N = ds.size();
  net.set_training(false);
  const SingleThreadedBlas blas_off;
  std::vector<std::size_t> order(N);
  std::iota(order.begin(), order.end(), 0);
  DataParallel<float> shares(net, library_threads());  // evaluation mode: batch norm cuts too
  std::vector<double> share_loss(shares.shares());
  std::vector<std::size_t> share_correct(shares.shares());
  std::vector<std::vector<std::size_t>> share_labels(shares.shares());
  Tensor<float> X;
  std::vector<std::size_t> labels;
  if (predictions) predictions->resize(N);
  double loss_sum = 0, correct = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t begin = 0; begin < N; begin += batch) {
    const std::size_t R = std::min(batch, N - begin);
    gather_batch(ds, order, begin, R, X, labels);
    const std::size_t ran = shares.forward(X, [&](std::size_t t, std::size_t first, const Tensor<float>& Z) {
      auto& share = share_labels[t];
      share.assign(labels.begin() + long(first), labels.begin() + long(first + Z.dim(0)));
      share_loss[t] = double(softmax_cross_entropy(Z, share)) * double(share.size());
      share_correct[t] = 0;
      for (std::size_t r = 0; r < share.size(); ++r) {
        const std::size_t k = argmax_row(Z, r);
        share_correct[t] += (k == share[r]);
        if (predictions) (*predictions)[begin + first + r] = int(k);
      }
    });
    for (std::size_t t = 0; t < ran; ++t) loss_sum += share_loss[t], correct += double(share_correct[t]);
  }
  EpochStats st;
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  st.loss = N ? loss_sum / double(N) : 0;
  st.accuracy = N ? correct / double(N) : 0;
  st.images_per_second = st.seconds > 0 ? double(N) / st.seconds : 0;
  return st;
}

std::vector<double> predict_probabilities(Sequential<float>& net, const Tensor<float>& X) {
  net.set_training(false);
  const Tensor<float>& Z = net.forward(X);
  const Tensor<float> P = softmax(Z);
  std::vector<double> p(P.dim(1));
  for (std::size_t k = 0; k < p.size(); ++k) p[k] = P(0, k);
  return p;
}

}  // namespace nn
