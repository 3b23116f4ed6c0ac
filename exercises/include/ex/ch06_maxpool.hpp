/// @file ch06_maxpool.hpp
/// @brief Exercise of §4.2.6 (max-pool backward, Eqs. (50)–(51)): declaration.
///
/// Complete the body in `exercises/stubs/maxpool2d_backward.cpp`, then run
/// `bash scripts/exercises.sh`. The library's own version is nn::maxpool2d_backward.
#pragma once

#include <cstddef>

#include "nn/tensor.hpp"

namespace ex {

/// @brief Exercise 4.2.6a — max-pool backward, corrected Eqs. (50)–(51).
///
/// For every window (r, c, h', w') of the forward pass (k×k, stride s, no padding, output
/// sizes from Eqs. (46)–(47)), find the position of its maximum in X — on ties the *first*
/// maximum in row-major order of the window — and add δ^(l+1)_{r,c,h',w'} there. Every other
/// position gets 0. With s < k windows overlap: an input that is the maximum of several
/// windows receives the *sum* of their deltas.
/// @param dY  δ^(l+1), shape (R, C, H', W')
/// @param X   the forward input X^(l), shape (R, C, H, W)
/// @param k   window size k (square)
/// @param s   stride s
/// @return    δ^(l), shape (R, C, H, W)
nn::Tensor<double> maxpool2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, std::size_t k,
                                      std::size_t s);

}  // namespace ex
