// Choosing the epoch without looking at the test set (§4.3, Fashion-MNIST): a validation split
// taken from the training images, the choice of the best epoch on it, and a copy of the
// network's weights to return to that epoch. Tested in tests/lib/test_model_selection.cpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "digits_common.hpp"  // ch08::subset
#include "nn/data/idx.hpp"
#include "nn/errors.hpp"
#include "nn/layer.hpp"

namespace ch08 {

/// A training set cut in two: the images to fit on, and the held-out ones to choose with.
struct ValidationSplit {
  nn::Dataset train;       ///< the rest, in their original order
  nn::Dataset validation;  ///< `per_class` images of every class, in their original order
};

/// The first n images of each class (in their original order) of a data set, or of `order`
/// (a permutation of its indices) if one is given.
/// @throws nn::data_error naming `what` if a class has fewer than n images
inline std::vector<std::size_t> first_per_class(const nn::Dataset& ds, std::size_t classes, std::size_t n,
                                                const std::vector<std::size_t>& order, const std::string& what) {
  std::vector<std::size_t> taken, count(classes, 0);
  for (std::size_t k = 0; k < ds.size(); ++k) {
    const std::size_t i = order.empty() ? k : order[k];
    const int y = ds.labels[i];
    if (y < 0 || std::size_t(y) >= classes)
      throw nn::data_error(what + ": label " + std::to_string(y) + " of image " + std::to_string(i) +
                           " is not a class 0 … " + std::to_string(classes - 1));
    if (count[std::size_t(y)] < n) ++count[std::size_t(y)], taken.push_back(i);
  }
  for (std::size_t c = 0; c < classes; ++c)
    if (count[c] < n)
      throw nn::data_error(what + ": class " + std::to_string(c) + " has " + std::to_string(count[c]) +
                           " images, fewer than the " + std::to_string(n) + " asked for");
  std::sort(taken.begin(), taken.end());
  return taken;
}

/// A stratified, seeded validation split: `per_class` images of every class, drawn at random
/// (seeded) from the training set; the rest stay for training. The test set is never touched.
/// @throws nn::data_error naming `what` if a class has too few images to leave some for training
inline ValidationSplit split_validation(const nn::Dataset& train, std::size_t classes, std::size_t per_class,
                                        std::uint64_t seed, const std::string& what) {
  std::vector<std::size_t> order(train.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  const auto val = first_per_class(train, classes, per_class, order, what);  // sorted
  std::vector<std::size_t> rest, left(classes, 0);
  std::size_t k = 0;
  for (std::size_t i = 0; i < train.size(); ++i) {
    if (k < val.size() && val[k] == i) { ++k; continue; }
    rest.push_back(i), ++left[std::size_t(train.labels[i])];
  }
  for (std::size_t c = 0; c < classes; ++c)
    if (left[c] == 0)
      throw nn::data_error(what + ": class " + std::to_string(c) + " has only " + std::to_string(per_class) +
                           " images, all taken for validation: none left to train on");
  return {subset(train, rest), subset(train, val)};
}

/// The epoch (from 0) with the highest validation accuracy; among equal accuracies, the one with
/// the lower validation loss, then the earlier one.
/// @throws std::invalid_argument if the lists are empty or differ in length
inline std::size_t best_epoch(const std::vector<double>& val_acc, const std::vector<double>& val_loss) {
  if (val_acc.empty() || val_acc.size() != val_loss.size())
    throw std::invalid_argument("best_epoch: " + std::to_string(val_acc.size()) + " accuracies and " +
                                std::to_string(val_loss.size()) + " losses (need as many, at least one)");
  std::size_t best = 0;
  for (std::size_t e = 1; e < val_acc.size(); ++e)
    if (val_acc[e] > val_acc[best] || (val_acc[e] == val_acc[best] && val_loss[e] < val_loss[best])) best = e;
  return best;
}

/// A copy of a network's parameters and buffers (batch norm's running μ and σ² are buffers: without
/// them the restored network would normalise with the statistics of the last epoch).
class WeightSnapshot {
 public:
  /// Copies every parameter and buffer of `net`.
  void save(nn::Sequential<float>& net) {
    saved_.clear();
    for (const auto& p : net.parameters()) saved_.push_back(*p.value);
    for (const auto& p : net.buffers()) saved_.push_back(*p.value);
  }
  /// True once save() has been called.
  bool empty() const { return saved_.empty(); }
  /// Writes the copy back into `net`.
  /// @throws nn::shape_error if `net` is not the network that was saved (another count or shape)
  void restore(nn::Sequential<float>& net) const {
    auto params = net.parameters();
    const auto buffers = net.buffers();
    params.insert(params.end(), buffers.begin(), buffers.end());
    if (params.size() != saved_.size())
      throw nn::shape_error("WeightSnapshot::restore: the network has " + std::to_string(params.size()) +
                            " tensors, the snapshot " + std::to_string(saved_.size()));
    for (std::size_t i = 0; i < params.size(); ++i) {
      nn::require_same_shape(params[i].value->shape(), saved_[i].shape(), "WeightSnapshot::restore " + params[i].name);
      *params[i].value = saved_[i];
    }
  }

 private:
  std::vector<nn::Tensor<float>> saved_;
};

}  // namespace ch08
