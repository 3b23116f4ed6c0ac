/// @file output_size.hpp
/// @brief The one formula for the output size of a sliding window — Eqs. (34)–(35) for
///        convolution and (46)–(47) for max-pooling (design notes, "One formula, one place").
#pragma once

#include <cstddef>

namespace nn {

/// @brief Eqs. (34)–(35): @f$n' = \left\lfloor \frac{n - k + 2p}{s} \right\rfloor + 1@f$.
///
/// The draft writes the quotient without a floor; when s does not divide n − k + 2p the last
/// window would stick out past the padded input, so it is dropped (as every framework does).
/// Max-pooling's Eqs. (46)–(47) are the same formula with p = 0.
/// @param n  input height or width
/// @param k  kernel (window) height or width
/// @param s  stride ("kliv"), at least 1
/// @param p  zero padding on each side
/// @throws shape_error if s = 0 or the kernel is larger than the padded input, naming the
///         numbers and the equation
std::size_t conv_out_size(std::size_t n, std::size_t k, std::size_t s, std::size_t p = 0);

}  // namespace nn
