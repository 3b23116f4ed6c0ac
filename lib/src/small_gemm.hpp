/// @file small_gemm.hpp
/// @brief Internal: matrix products for the thin matrices of small convolution layers, written
///        so the compiler vectorises them (built with -O3 and, by default, -march=native).
///
/// One example's products in LeNet are tiny (6 × 25 × 576, 16 × 150 × 64): a BLAS library's
/// packing and dispatch cost more than the arithmetic, and on some machines OpenBLAS falls back
/// to an old SSE3 kernel (DESIGN "Speed facts"). These loops keep a block of C in registers and
/// stream A and B once. gemm_nn computes each sum in the textbook order; gemm_nt_add's dot
/// products are split into vector lanes (a reassociation, ~1e-16 relative in double).
#pragma once

#include <algorithm>
#include <cstddef>

namespace nn::detail {

/// C (M × N) = A (M × K) · B (K × N), all row-major with leading dimensions; C is overwritten.
/// A's element (i, k) is A[i·a_row + k·a_col], so a transposed A is the same call with the
/// strides swapped.
template <class T>
void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const T* A, std::size_t a_row, std::size_t a_col,
             const T* B, std::size_t ldb, T* C, std::size_t ldc) {
  constexpr std::size_t NB = 64;  // columns of C per block: 4 rows × 64 values stay in registers
  for (std::size_t n0 = 0; n0 < N; n0 += NB) {
    const std::size_t nb = std::min(NB, N - n0);
    std::size_t i = 0;
    for (; i + 4 <= M; i += 4) {
      T c0[NB] = {}, c1[NB] = {}, c2[NB] = {}, c3[NB] = {};
      for (std::size_t k = 0; k < K; ++k) {
        const T* b = B + k * ldb + n0;
        const T a0 = A[i * a_row + k * a_col], a1 = A[(i + 1) * a_row + k * a_col];
        const T a2 = A[(i + 2) * a_row + k * a_col], a3 = A[(i + 3) * a_row + k * a_col];
        for (std::size_t n = 0; n < nb; ++n) {
          c0[n] += a0 * b[n];
          c1[n] += a1 * b[n];
          c2[n] += a2 * b[n];
          c3[n] += a3 * b[n];
        }
      }
      std::copy(c0, c0 + nb, C + i * ldc + n0);
      std::copy(c1, c1 + nb, C + (i + 1) * ldc + n0);
      std::copy(c2, c2 + nb, C + (i + 2) * ldc + n0);
      std::copy(c3, c3 + nb, C + (i + 3) * ldc + n0);
    }
    for (; i < M; ++i) {
      T c0[NB] = {};
      for (std::size_t k = 0; k < K; ++k) {
        const T* b = B + k * ldb + n0;
        const T a0 = A[i * a_row + k * a_col];
        for (std::size_t n = 0; n < nb; ++n) c0[n] += a0 * b[n];
      }
      std::copy(c0, c0 + nb, C + i * ldc + n0);
    }
  }
}

/// C (M × K) += A (M × N) · B (K × N)^T: every C(i, k) gains the dot product of row i of A with
/// row k of B (`omp simd reduction` lets the compiler split each dot product into vector lanes).
template <class T>
void gemm_nt_add(std::size_t M, std::size_t K, std::size_t N, const T* A, std::size_t lda, const T* B, std::size_t ldb,
                 T* C, std::size_t ldc) {
  for (std::size_t i = 0; i < M; ++i) {
    const T* a = A + i * lda;
    for (std::size_t k = 0; k < K; ++k) {
      const T* b = B + k * ldb;
      T s = 0;
#pragma omp simd reduction(+ : s)
      for (std::size_t n = 0; n < N; ++n) s += a[n] * b[n];
      C[i * ldc + k] += s;
    }
  }
}

}  // namespace nn::detail
