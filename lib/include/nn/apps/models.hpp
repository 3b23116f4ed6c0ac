/// @file models.hpp
/// @brief The networks of the applications chapter (§1.3, §4.3), built from the report's layers.
#pragma once

#include <cstdint>

#include "nn/init.hpp"
#include "nn/layer.hpp"

namespace nn {

/// @brief LeNet-5 for 1×28×28 digits (LeCun et al. 1998, with ReLU and max-pooling):
///        conv 6@5×5 – ReLU – pool 2×2 – conv 16@5×5 – ReLU – pool 2×2 – 256→120 – ReLU – 120→84 –
///        ReLU – 84→10. With `batchnorm`, a BatchNorm2d follows each convolution and a
///        BatchNorm1d each hidden dense layer, before the ReLU.
/// @param seed       seed of every initialisation (He for the ReLU layers)
/// @param batchnorm  insert batch normalization (§4.2.7)
/// @param classes    number of outputs
/// @param in_channels  1 for gray digits
Sequential<float> lenet5(std::uint64_t seed, bool batchnorm = false, std::size_t classes = 10, std::size_t in_channels = 1);

/// @brief A wider CNN for Fashion-MNIST: conv 32@3×3 (pad 1) – BN – ReLU – pool 2×2 –
///        conv 64@3×3 (pad 1) – BN – ReLU – pool 2×2 – 3136→128 – BN – ReLU – 128→10.
/// @param seed  seed of the initialisation
Sequential<float> fashion_cnn(std::uint64_t seed);

/// @brief A fully connected network for 28×28 digits (§4.1): 784 → hidden → hidden/2 → 10 with
///        ReLU, the "FCC" of the report, for comparison with the convolutional one.
/// @param seed    seed of the initialisation
/// @param hidden  width of the first hidden layer
Sequential<float> mlp_digits(std::uint64_t seed, std::size_t hidden = 256);

/// @brief Draws every convolution's and dense layer's weights again with `scheme`, multiplied
///        by `gain`, and sets their biases to 0 (for comparing initialisations, §4.1.2). The
///        fans are those of init.hpp: a dense layer's n and m, a convolution's C·k_H·k_W and
///        C′·k_H·k_W. Other layers (batch norm's γ and β) are left as they are.
/// @param net     the network, changed in place
/// @param scheme  Xavier/Glorot or He, uniform or normal
/// @param gain    1 for the scheme itself; e.g. 0.1 for weights ten times too small
/// @param seed    seed of the draws (same seed, same weights)
void reinitialize(Sequential<float>& net, Init scheme, double gain, std::uint64_t seed);

}  // namespace nn
