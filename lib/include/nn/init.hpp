/// @file init.hpp
/// @brief Weight initialisation (Xavier/Glorot, He) with a seed — for §4.1.2's "the weights
///        W^(l) are random when the model is first initialised".
///
/// **Reproducibility.** Every draw comes from a `std::mt19937_64`, whose output sequence the C++
/// standard fixes exactly. We turn its bits into numbers with our own formulas
/// (uniform01(), standard_normal(): 53-bit uniform, Box–Muller) instead of
/// `std::uniform_real_distribution` / `std::normal_distribution`, whose algorithms differ between
/// standard libraries. So the same seed gives the same weights on every platform and compiler,
/// bit for bit in double (and after rounding to float).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

#include "nn/tensor.hpp"

namespace nn {

/// @brief The initialisation schemes. fan_in = n (inputs), fan_out = m (outputs).
enum class Init {
  xavier_uniform,  ///< U(−a, a), a = √(6/(fan_in + fan_out)) — Glorot & Bengio 2010, for σ and tanh
  xavier_normal,   ///< N(0, s²), s = √(2/(fan_in + fan_out))
  he_uniform,      ///< U(−a, a), a = √(6/fan_in) — He et al. 2015, for ReLU
  he_normal,       ///< N(0, s²), s = √(2/fan_in)
};

/// @brief "xavier_uniform", "xavier_normal", "he_uniform" or "he_normal".
std::string to_string(Init scheme);

/// @brief A uniform number in [0, 1) from the top 53 bits of one draw (platform-independent).
/// @param rng  the generator, advanced by one draw
double uniform01(std::mt19937_64& rng);

/// @brief A standard normal number by the Box–Muller transform (two draws; platform-independent).
/// @param rng  the generator, advanced by two draws
double standard_normal(std::mt19937_64& rng);

/// @brief The scale of a scheme: the half-width a of the uniform ones, or the standard
///        deviation s of the normal ones (see Init).
/// @param scheme   the scheme
/// @param fan_in   number of inputs n of the layer
/// @param fan_out  number of outputs m of the layer
double init_scale(Init scheme, std::size_t fan_in, std::size_t fan_out);

/// @brief Fills W with independent draws of the scheme, in row-major order.
/// @param W        the tensor to fill (its shape is kept)
/// @param scheme   the scheme
/// @param fan_in   number of inputs n of the layer
/// @param fan_out  number of outputs m of the layer
/// @param rng      the generator; the same state gives the same W (see the file comment)
template <class T>
void initialize(Tensor<T>& W, Init scheme, std::size_t fan_in, std::size_t fan_out, std::mt19937_64& rng);

}  // namespace nn
