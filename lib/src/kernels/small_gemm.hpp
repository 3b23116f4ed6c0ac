/// @file small_gemm.hpp
/// @brief Internal: matrix products for the thin matrices of small layers (small_gemm.cpp).
///
/// One example's products in LeNet are tiny (6 × 25 × 576, 16 × 150 × 64) and a dense layer's
/// are 64 × 256 × 120: a BLAS library's packing and dispatch cost more than the arithmetic, and
/// on some machines OpenBLAS falls back to an old SSE3 kernel (design notes, "Speed facts"). These
/// kernels keep a block of C in vector registers (6 rows × 4 vectors with AVX-512, 4 × 2 with AVX
/// or SSE, and 8 rows × 2 or 1 vectors for narrow matrices) and stream A and B through it once.
/// Each entry of C is summed over k in the
/// textbook order, with fused multiply-adds where the processor has them (one rounding per step
/// instead of two; small_gemm.cpp is the only file compiled with contraction on).
#pragma once

#include <cstddef>

namespace nn::detail {

/// C (M × N) = A (M × K) · B (K × N), or C += A · B when `accumulate`; B and C are row-major
/// with leading dimensions ldb and ldc. A's element (i, k) is A[i·a_row + k·a_col], so a
/// transposed A is the same call with the strides swapped.
template <class T>
void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const T* A, std::size_t a_row, std::size_t a_col,
             const T* B, std::size_t ldb, T* C, std::size_t ldc, bool accumulate = false);

/// gemm_nn with the rows of C shared out among the OpenMP threads (for products too large for
/// one core, such as a dense layer's over a whole batch); single-threaded when small.
template <class T>
void gemm_nn_parallel(std::size_t M, std::size_t N, std::size_t K, const T* A, std::size_t a_row, std::size_t a_col,
                      const T* B, std::size_t ldb, T* C, std::size_t ldc, bool accumulate = false);

/// C (M × K) += A (M × N) · B (K × N)^T: every C(i, k) gains the dot product of row i of A with
/// row k of B, split into vector lanes (a reassociation, ~1e-16 relative in double).
template <class T>
void gemm_nt_add(std::size_t M, std::size_t K, std::size_t N, const T* A, std::size_t lda, const T* B, std::size_t ldb,
                 T* C, std::size_t ldc);

}  // namespace nn::detail
