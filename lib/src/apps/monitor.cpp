/// @file monitor.cpp
/// @brief The training monitor: δ norms, gradient ratios, dead ReLUs, running statistics.
#include "nn/apps/monitor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "nn/activation_layer.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/errors.hpp"
#include "nn/maxpool2d.hpp"

namespace nn {

namespace {

double frobenius(const Tensor<float>& X) {
  double s = 0;
  for (float v : X) s += double(v) * double(v);
  return std::sqrt(s);
}

double channel_mean(const Tensor<float>& v) {
  double s = 0;
  for (float x : v) s += double(x);
  return v.size() ? s / double(v.size()) : 0.0;
}

bool is_relu(const Layer<float>& l) {
  const auto* a = dynamic_cast<const Activation<float>*>(&l);
  return a && a->function() == ActivationFunction::relu;
}

}  // namespace

std::vector<std::string> layer_labels(const Sequential<float>& net) {
  std::size_t conv = 0, fc = 0, bn = 0, pool = 0, flat = 0;
  std::size_t act[3] = {0, 0, 0};
  std::vector<std::string> labels;
  for (std::size_t l = 0; l < net.size(); ++l) {
    const Layer<float>& layer = net[l];
    if (dynamic_cast<const Conv2d<float>*>(&layer)) labels.push_back("conv" + std::to_string(++conv));
    else if (dynamic_cast<const Dense<float>*>(&layer)) labels.push_back("fc" + std::to_string(++fc));
    else if (dynamic_cast<const BatchNormLayer<float>*>(&layer)) labels.push_back("bn" + std::to_string(++bn));
    else if (dynamic_cast<const MaxPool2d<float>*>(&layer)) labels.push_back("pool" + std::to_string(++pool));
    else if (dynamic_cast<const Flatten<float>*>(&layer))
      labels.push_back(flat++ ? "flatten" + std::to_string(flat) : std::string("flatten"));
    else if (const auto* a = dynamic_cast<const Activation<float>*>(&layer)) {
      const auto f = a->function();
      labels.push_back(to_string(f) + std::to_string(++act[int(f)]));
    } else
      labels.push_back("layer" + std::to_string(l));
  }
  return labels;
}

double dead_unit_fraction(const Tensor<float>& Y) {
  if (Y.shape().rank() < 2 || Y.dim(0) == 0)
    throw shape_error("dead_unit_fraction: needs a batch (R, …) with R ≥ 1, got " + Y.shape().str());
  const std::size_t R = Y.dim(0), units = Y.size() / R;
  if (units == 0) return 0;
  std::size_t dead = 0;
  for (std::size_t u = 0; u < units; ++u) {
    bool active = false;
    for (std::size_t r = 0; r < R && !active; ++r) active = Y[r * units + u] > 0;
    dead += !active;
  }
  return double(dead) / double(units);
}

TrainingMonitor::TrainingMonitor(Sequential<float>& net) : layers_(net.size()) {
  const auto labels = layer_labels(net);
  for (std::size_t l = 0; l < net.size(); ++l) {
    const auto params = net[l].parameters();
    const bool bn = dynamic_cast<const BatchNormLayer<float>*>(&net[l]) != nullptr;
    if (!params.empty() && !bn) delta_at_.push_back(l), delta_labels_.push_back(labels[l]);
    for (const auto& p : params) parameter_labels_.push_back(labels[l] + "." + p.name);
    if (is_relu(net[l])) relu_at_.push_back(l), relu_labels_.push_back(labels[l]);
    if (bn) bn_at_.push_back(l), bn_labels_.push_back(labels[l]);
  }
  sum_.delta_norm.assign(delta_at_.size(), 0);
  sum_.gradient_ratio.assign(parameter_labels_.size(), 0);
  sum_.dead_fraction.assign(relu_at_.size(), 0);
}

void TrainingMonitor::observe(Sequential<float>& net) {
  if (net.size() != layers_) throw std::invalid_argument("TrainingMonitor: the network's layers changed");
  // [monitor_batch]
  for (std::size_t i = 0; i < delta_at_.size(); ++i) {
    // δ^(l+1) = ∂L/∂X^(l+1), at the output of layer l
    const Tensor<float>& d = net.delta(delta_at_[i] + 1);
    // δ holds the batch mean's 1/R: √R ‖δ‖_F is the RMS per example
    sum_.delta_norm[i] += std::sqrt(double(d.dim(0))) * frobenius(d);
  }
  std::size_t k = 0;
  for (std::size_t l = 0; l < net.size(); ++l)
    for (const auto& p : net[l].parameters()) {
      const double w = frobenius(*p.value);  // ‖W‖_F
      const double g = frobenius(*p.gradient);  // ‖∂L/∂W‖_F, Eq. (20)
      sum_.gradient_ratio.at(k++) += w > 0 ? g / w : 0.0;
    }
  for (std::size_t i = 0; i < relu_at_.size(); ++i) {
    const Tensor<float>& Y = net.activation(relu_at_[i] + 1);  // ReLU output
    sum_.dead_fraction[i] += dead_unit_fraction(Y);
  }
  // [monitor_batch]
  if (k != parameter_labels_.size()) throw std::invalid_argument("TrainingMonitor: the network's parameters changed");
  ++sum_.batches;
}

const MonitorEpoch& TrainingMonitor::end_epoch(Sequential<float>& net) {
  if (sum_.batches == 0) throw std::logic_error("TrainingMonitor::end_epoch: no batch observed in this epoch");
  if (net.size() != layers_) throw std::invalid_argument("TrainingMonitor: the network's layers changed");
  MonitorEpoch e = sum_;
  const double n = double(sum_.batches);
  for (auto* v : {&e.delta_norm, &e.gradient_ratio, &e.dead_fraction})
    for (double& x : *v) x /= n;
  for (std::size_t l : bn_at_) {
    const auto& b = dynamic_cast<const BatchNormLayer<float>&>(net[l]);
    e.bn_mean.push_back(channel_mean(b.running_mean()));  // μ̂ averaged over channels
    e.bn_var.push_back(channel_mean(b.running_var()));    // σ̂² averaged over channels
  }
  epochs_.push_back(e);
  for (auto* v : {&sum_.delta_norm, &sum_.gradient_ratio, &sum_.dead_fraction}) std::fill(v->begin(), v->end(), 0.0);
  sum_.batches = 0;
  return epochs_.back();
}

}  // namespace nn
