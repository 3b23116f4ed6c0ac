/// @file sums.hpp
/// @brief Internal: sums in vector lanes, for the kernels (a chain of scalar additions was the
///        bottleneck of the bias gradient and of batch norm on 28×28 maps). The lanes reorder
///        the additions: the result equals the plain left-to-right sum to rounding.
#pragma once

#include <cstddef>

namespace nn::kernels {

/// Σ_{i<n} x[i].
template <class T>
T lane_sum(const T* x, std::size_t n) {
  T sum = 0;
#ifdef _OPENMP
#pragma omp simd reduction(+ : sum)
#endif
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  return sum;
}

/// Σ_{i<n} f(i), for a term computed from the index (f is inlined).
template <class T, class F>
T lane_sum_of(std::size_t n, const F& f) {
  T sum = 0;
#ifdef _OPENMP
#pragma omp simd reduction(+ : sum)
#endif
  for (std::size_t i = 0; i < n; ++i) sum += f(i);
  return sum;
}

}  // namespace nn::kernels
