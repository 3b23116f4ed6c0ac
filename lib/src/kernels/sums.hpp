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

/// Σ_{i<n} (x[i] − m)².
template <class T>
T lane_sum_squares(const T* x, std::size_t n, T m) {
  T sum = 0;
#ifdef _OPENMP
#pragma omp simd reduction(+ : sum)
#endif
  for (std::size_t i = 0; i < n; ++i) sum += (x[i] - m) * (x[i] - m);
  return sum;
}

/// Σ_{i<n} d[i] into sum_d and Σ_{i<n} d[i]·x[i] into sum_dx, in one pass over both arrays.
/// (Plain pointers: a term passed as a lambda of the index made GCC gather every lane.)
template <class T>
void lane_sum_and_dot(const T* d, const T* x, std::size_t n, T& sum_d, T& sum_dx) {
  T s = 0, p = 0;
#ifdef _OPENMP
#pragma omp simd reduction(+ : s, p)
#endif
  for (std::size_t i = 0; i < n; ++i) {
    s += d[i];
    p += d[i] * x[i];
  }
  sum_d += s;
  sum_dx += p;
}

}  // namespace nn::kernels
