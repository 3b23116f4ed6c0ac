/// @file monitor.hpp
/// @brief Watching the maths while a network trains: per layer and per epoch, the size of the
///        back-propagated δ (Eqs. (29)–(33)), the relative size of each parameter gradient
///        (what Eq. (20) scales by the learning rate), the fraction of dead ReLUs, and batch
///        normalization's running statistics (§4.2.7–4.2.8).
///
/// Everything is read from the layers' own buffers after backward() (Sequential::activation,
/// Sequential::delta, Layer::parameters, Layer::buffers), through train_epoch()'s observer:
/// no second forward pass, no copy of a tensor. Per batch:
///
/// - **‖δ^(l)‖ per example.** Our δ is the gradient of the batch *mean* (design notes, "One
///   gradient convention"), so row r of δ^(l) is (1/R) ∂ℓ_r/∂X_r^(l). The monitor reports
///   @f$\sqrt{R}\,\|\delta^{(l)}\|_F = \big(\tfrac1R\sum_r \|\partial\ell_r/\partial X^{(l)}_r\|^2\big)^{1/2}@f$,
///   the root mean square of one example's gradient: it does not change with the batch size R,
///   while the batch's own ‖δ‖_F shrinks like 1/√R.
/// - **‖∂L/∂W‖_F / ‖W‖_F** for every parameter tensor, at the parameters the gradient was taken
///   at: with plain SGD (Eq. (20)) the step moves W by the learning rate times this fraction of
///   its size (momentum and Adam rescale the step, not this ratio).
/// - **Dead ReLUs.** A unit of a ReLU layer is one (c, h, w) of a (R, C, H, W) output or one
///   feature of a (R, C) output; it is dead on a batch when its output is 0 for every example
///   (then no gradient reaches the weights feeding it through this batch, Eq. (45)).
///
/// Each is averaged over the batches of an epoch; batch norm's running μ̂ and σ̂² are read once,
/// at the end of the epoch (they are the running averages already).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace nn {

/// @brief Short labels for the layers of a network, numbered by kind: conv1, bn1, relu1, pool1,
///        flatten, fc1, … (a σ or tanh layer is sigmoid1, tanh1).
/// @param net  the network
std::vector<std::string> layer_labels(const Sequential<float>& net);

/// @brief One epoch's averages, one entry per probe of TrainingMonitor (same order).
struct MonitorEpoch {
  std::vector<double> delta_norm;      ///< √R ‖δ^(l+1)‖_F at each delta probe, batch mean
  std::vector<double> gradient_ratio;  ///< ‖∂L/∂W‖_F / ‖W‖_F per parameter tensor, batch mean
  std::vector<double> dead_fraction;   ///< fraction of dead units per ReLU layer, batch mean
  std::vector<double> bn_mean;         ///< per BN layer: running μ̂ averaged over its channels
  std::vector<double> bn_var;          ///< per BN layer: running σ̂² averaged over its channels
  std::size_t batches = 0;             ///< batches observed in the epoch
};

/// @brief Collects the statistics of this file's description during training.
///
/// @code
/// nn::TrainingMonitor monitor(net);
/// const auto watch = [&monitor](nn::Sequential<float>& n) { monitor.observe(n); };
/// for (std::size_t e = 0; e < epochs; ++e) {
///   nn::train_epoch(net, opt, train, 64, rng, nullptr, {}, watch);
///   monitor.end_epoch(net);
/// }
/// @endcode
class TrainingMonitor {
 public:
  /// @brief Sets up the probes for a network: a δ probe at the output of every layer with
  ///        parameters (the δ^(l+1) that enters its Eq. (32)–(33) weight gradient), one ratio
  ///        per parameter tensor, one dead-unit count per ReLU layer, one entry per batch
  ///        norm layer.
  /// @param net  the network that will be observed (only its structure is read here)
  explicit TrainingMonitor(Sequential<float>& net);

  /// @brief Adds one batch; call after backward() and before the optimizer's step.
  /// @param net  the network of the constructor, holding this batch's passes
  /// @throws std::invalid_argument if the network's structure differs from the constructor's
  void observe(Sequential<float>& net);
  /// @brief Closes an epoch: averages the batches since the last call, reads the batch norm
  ///        running statistics, appends the result to epochs() and starts a new epoch.
  /// @param net  the network of the constructor
  /// @return the epoch just closed
  /// @throws std::logic_error if no batch was observed since the last call
  const MonitorEpoch& end_epoch(Sequential<float>& net);

  /// @brief Every closed epoch, in order.
  const std::vector<MonitorEpoch>& epochs() const { return epochs_; }
  /// @brief Label of each δ probe, e.g. "conv1" for δ at conv1's output.
  const std::vector<std::string>& delta_labels() const { return delta_labels_; }
  /// @brief Label of each parameter tensor, e.g. "conv1.W", "bn1.gamma".
  const std::vector<std::string>& parameter_labels() const { return parameter_labels_; }
  /// @brief Label of each ReLU layer, e.g. "relu1".
  const std::vector<std::string>& relu_labels() const { return relu_labels_; }
  /// @brief Label of each batch norm layer, e.g. "bn1".
  const std::vector<std::string>& bn_labels() const { return bn_labels_; }

 private:
  std::size_t layers_ = 0;
  std::vector<std::size_t> delta_at_, relu_at_, bn_at_;  // layer indices of the probes
  std::vector<std::string> delta_labels_, parameter_labels_, relu_labels_, bn_labels_;
  MonitorEpoch sum_;
  std::vector<MonitorEpoch> epochs_;
};

/// @brief Fraction of the units of a ReLU output Y (R, …) that are 0 for every example r.
/// @param Y  an output of rank ≥ 2, one example per index of dimension 0
double dead_unit_fraction(const Tensor<float>& Y);

}  // namespace nn
