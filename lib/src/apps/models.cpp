/// @file models.cpp
/// @brief LeNet-5 and the fully connected digit network.
#include "nn/apps/models.hpp"

#include <random>

#include "nn/activation_layer.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/init.hpp"
#include "nn/maxpool2d.hpp"

namespace nn {

Sequential<float> lenet5(std::uint64_t seed, bool batchnorm, std::size_t classes, std::size_t in_channels) {
  std::mt19937_64 rng(seed);
  Sequential<float> net;
  const auto relu = ActivationFunction::relu;
  net.add<Conv2d<float>>(in_channels, 6, 5, 5, ConvSpec{1, 0}, rng());  // 28 → 24
  if (batchnorm) net.add<BatchNorm2d<float>>(6);
  net.add<Activation<float>>(relu);
  net.add<MaxPool2d<float>>(2, 2);                                     // 24 → 12
  net.add<Conv2d<float>>(6, 16, 5, 5, ConvSpec{1, 0}, rng());          // 12 → 8
  if (batchnorm) net.add<BatchNorm2d<float>>(16);
  net.add<Activation<float>>(relu);
  net.add<MaxPool2d<float>>(2, 2);                                     // 8 → 4
  net.add<Flatten<float>>();                                           // 16·4·4 = 256
  net.add<Dense<float>>(256, 120, Init::he_normal, rng);
  if (batchnorm) net.add<BatchNorm1d<float>>(120);
  net.add<Activation<float>>(relu);
  net.add<Dense<float>>(120, 84, Init::he_normal, rng);
  if (batchnorm) net.add<BatchNorm1d<float>>(84);
  net.add<Activation<float>>(relu);
  net.add<Dense<float>>(84, classes, Init::xavier_normal, rng);
  return net;
}

Sequential<float> fashion_cnn(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Sequential<float> net;
  const auto relu = ActivationFunction::relu;
  net.add<Conv2d<float>>(1, 32, 3, 3, ConvSpec{1, 1}, rng());   // 28 → 28
  net.add<BatchNorm2d<float>>(32);
  net.add<Activation<float>>(relu);
  net.add<MaxPool2d<float>>(2, 2);                               // 28 → 14
  net.add<Conv2d<float>>(32, 64, 3, 3, ConvSpec{1, 1}, rng());  // 14 → 14
  net.add<BatchNorm2d<float>>(64);
  net.add<Activation<float>>(relu);
  net.add<MaxPool2d<float>>(2, 2);                               // 14 → 7
  net.add<Flatten<float>>();                                     // 64·7·7 = 3136
  net.add<Dense<float>>(3136, 128, Init::he_normal, rng);
  net.add<BatchNorm1d<float>>(128);
  net.add<Activation<float>>(relu);
  net.add<Dense<float>>(128, 10, Init::xavier_normal, rng);
  return net;
}

Sequential<float> mlp_digits(std::uint64_t seed, std::size_t hidden) {
  std::mt19937_64 rng(seed);
  Sequential<float> net;
  net.add<Flatten<float>>();
  net.add<Dense<float>>(784, hidden, Init::he_normal, rng);
  net.add<Activation<float>>(ActivationFunction::relu);
  net.add<Dense<float>>(hidden, hidden / 2, Init::he_normal, rng);
  net.add<Activation<float>>(ActivationFunction::relu);
  net.add<Dense<float>>(hidden / 2, 10, Init::xavier_normal, rng);
  return net;
}

void reinitialize(Sequential<float>& net, Init scheme, double gain, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto redraw = [&](Tensor<float>& W, Tensor<float>& b, std::size_t fan_in, std::size_t fan_out) {
    initialize(W, scheme, fan_in, fan_out, rng);
    for (float& w : W) w = float(gain * double(w));
    b.fill(0.0f);
  };
  for (std::size_t l = 0; l < net.size(); ++l) {
    if (auto* conv = dynamic_cast<Conv2d<float>*>(&net[l])) {
      Tensor<float>& W = conv->weights();  // (C′, C, k_H, k_W)
      const std::size_t k = W.dim(2) * W.dim(3);
      redraw(W, conv->bias(), W.dim(1) * k, W.dim(0) * k);
    } else if (auto* dense = dynamic_cast<Dense<float>*>(&net[l])) {
      redraw(dense->weight(), dense->bias(), dense->inputs(), dense->outputs());
    }
  }
}

}  // namespace nn
