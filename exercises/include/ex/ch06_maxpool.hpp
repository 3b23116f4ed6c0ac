/// @file ch06_maxpool.hpp
/// @brief Exercises of §4.2.5–4.2.6 (max-pool forward, Eq. (49), and backward, Eqs. (50)–(51)):
///        declarations.
///
/// Complete the bodies in `exercises/stubs/maxpool2d_forward.cpp` and
/// `exercises/stubs/maxpool2d_backward.cpp`, then run `bash scripts/exercises.sh`. The library's
/// own versions are nn::maxpool2d_forward and nn::maxpool2d_backward.
#pragma once

#include <cstddef>

#include "nn/tensor.hpp"

namespace ex {

/// @brief Exercise 4.2.5a — max-pool forward, corrected Eq. (49).
///
/// A k×k window slides with stride s over every feature map (no padding). The output sizes are
/// Eqs. (46)–(47), H′ = ⌊(H − k)/s⌋ + 1 and W′ = ⌊(W − k)/s⌋ + 1 (nn::conv_out_size), and C′ = C
/// (Eq. (48)). Every output is the maximum of its window,
/// X^(l+1)_{r,c,h′,w′} = max over 0 ≤ j < k, 0 ≤ i < k of X^(l)_{r,c,h′s+j,w′s+i}
/// (j < k: the draft's 0 ≤ j ≤ k is one row too many, see the errata). Values may be negative.
/// @param X  the input X^(l), shape (R, C, H, W)
/// @param k  window size k (square)
/// @param s  stride s
/// @return   X^(l+1), shape (R, C, H′, W′)
nn::Tensor<double> maxpool2d_forward(const nn::Tensor<double>& X, std::size_t k, std::size_t s);

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
