/// @file small_gemm.cpp
/// @brief Register-blocked matrix products for small layers (see small_gemm.hpp). They equal
///        the plain triple loop C = A·B; test_small_gemm.cpp pins every tile shape and remainder
///        against long-double loops.
///
/// Written with GCC/Clang vector extensions: a `Vec<T>` is one machine vector (64 bytes with
/// AVX-512, 32 with AVX, 16 otherwise). The micro-kernel `block<MR, NV>` holds an MR × NV·L tile
/// of C (L values per vector) in MR·NV registers for the whole k loop: per step of k it loads NV
/// vectors of B, broadcasts MR values of A and does MR·NV multiply-adds. The previous version
/// kept its tile in arrays the compiler spilled to the stack; this one runs LeNet's products
/// about three times faster (docs/ch08_digits.md, "Speed").
#include "kernels/small_gemm.hpp"

#include <algorithm>
#include <vector>

#include "kernels/parallel.hpp"

namespace nn::detail {

namespace {

#if defined(__AVX512F__)
#define NN_VEC_BYTES 64
#elif defined(__AVX__)
#define NN_VEC_BYTES 32
#else
#define NN_VEC_BYTES 16
#endif

// One machine vector of T; `aligned` lowers the alignment so it can load from any T* (may_alias:
// it reads and writes T arrays).
template <class T>
struct Simd;
template <>
struct Simd<float> {
  typedef float Vec __attribute__((vector_size(NN_VEC_BYTES), aligned(alignof(float)), may_alias));
};
template <>
struct Simd<double> {
  typedef double Vec __attribute__((vector_size(NN_VEC_BYTES), aligned(alignof(double)), may_alias));
};

template <class T>
using Vec = typename Simd<T>::Vec;
template <class T>
constexpr std::size_t kLanes = sizeof(Vec<T>) / sizeof(T);

// Wide tiles: 6 rows × 4 vectors with AVX-512 (24 of its 32 registers hold C, 4 hold a row of
// B, one the broadcast value of A); with 16 registers (AVX, SSE) 4 rows × 2 vectors.
constexpr std::size_t kWideRows = NN_VEC_BYTES == 64 ? 6 : 4;
constexpr std::size_t kWideVecs = NN_VEC_BYTES == 64 ? 4 : 2;

// Keeps a loaded vector in a register. Without it GCC folds the load of B into every
// multiply-add that uses it (a memory operand), so a tile of MR rows loads each vector of B MR
// times instead of once, and the loads, not the multiply-adds, set the pace: the large 3×3 layer
// ran at 45 % of one core's sgemm rate that way, at 90 % with this (an empty asm that the compiler must
// assume reads and changes the register; it emits no instruction).
#if defined(__x86_64__) || defined(__i386__)
#define NN_IN_REGISTER(v) asm("" : "+v"(v))
#elif defined(__aarch64__)
#define NN_IN_REGISTER(v) asm("" : "+w"(v))
#else
#define NN_IN_REGISTER(v) (void)(v)
#endif
// Narrow tiles, for C with fewer columns than a wide tile (dW of a convolution with 16
// kernels): 8 rows × 1 vector, so that 8 independent sums hide the latency of the FMA unit.
constexpr std::size_t kNarrowRows = 8;

/// The MR × NV·L tile of C at C: C (=|+=) A (MR × K) · B (K × NV·L).
template <class T, std::size_t MR, std::size_t NV>
void block(std::size_t K, const T* A, std::size_t a_row, std::size_t a_col, const T* B, std::size_t ldb, T* C,
           std::size_t ldc, bool accumulate) {
  constexpr std::size_t L = kLanes<T>;
  Vec<T> c[MR][NV];
#pragma GCC unroll 8
  for (std::size_t m = 0; m < MR; ++m)
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v)
      c[m][v] = accumulate ? *reinterpret_cast<const Vec<T>*>(C + m * ldc + v * L) : Vec<T>{};
  for (std::size_t k = 0; k < K; ++k) {
    const T* b = B + k * ldb;
    Vec<T> bv[NV];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) {
      bv[v] = *reinterpret_cast<const Vec<T>*>(b + v * L);
      NN_IN_REGISTER(bv[v]);
    }
#pragma GCC unroll 8
    for (std::size_t m = 0; m < MR; ++m) {
      const T a = A[m * a_row + k * a_col];
#pragma GCC unroll 4
      for (std::size_t v = 0; v < NV; ++v) c[m][v] += a * bv[v];
    }
  }
#pragma GCC unroll 8
  for (std::size_t m = 0; m < MR; ++m)
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) *reinterpret_cast<Vec<T>*>(C + m * ldc + v * L) = c[m][v];
}

/// The last R < MR rows of a panel: one tile of height R (a no-op for R ≥ MR, never called).
template <class T, std::size_t R, std::size_t MR, std::size_t NV>
void last_rows(std::size_t K, const T* A, std::size_t a_row, std::size_t a_col, const T* B, std::size_t ldb, T* C,
               std::size_t ldc, bool acc) {
  if constexpr (R < MR) block<T, R, NV>(K, A, a_row, a_col, B, ldb, C, ldc, acc);
}

/// Rows [0, M) of a column panel NV·L wide: tiles of MR rows, then the last M mod MR rows as one
/// tile of that height (the switch turns the run-time count into a template argument).
template <class T, std::size_t MR, std::size_t NV>
void panel(std::size_t M, std::size_t K, const T* A, std::size_t a_row, std::size_t a_col, const T* B, std::size_t ldb,
           T* C, std::size_t ldc, bool acc) {
  static_assert(MR <= 8, "panel: at most 8 rows per tile");
  std::size_t i = 0;
  for (; i + MR <= M; i += MR) block<T, MR, NV>(K, A + i * a_row, a_row, a_col, B, ldb, C + i * ldc, ldc, acc);
  const T* a = A + i * a_row;
  T* c = C + i * ldc;
  switch (M - i) {
    case 7: last_rows<T, 7, MR, NV>(K, a, a_row, a_col, B, ldb, c, ldc, acc); break;
    case 6: last_rows<T, 6, MR, NV>(K, a, a_row, a_col, B, ldb, c, ldc, acc); break;
    case 5: last_rows<T, 5, MR, NV>(K, a, a_row, a_col, B, ldb, c, ldc, acc); break;
    case 4: last_rows<T, 4, MR, NV>(K, a, a_row, a_col, B, ldb, c, ldc, acc); break;
    case 3: last_rows<T, 3, MR, NV>(K, a, a_row, a_col, B, ldb, c, ldc, acc); break;
    case 2: last_rows<T, 2, MR, NV>(K, a, a_row, a_col, B, ldb, c, ldc, acc); break;
    case 1: last_rows<T, 1, MR, NV>(K, a, a_row, a_col, B, ldb, c, ldc, acc); break;
    default: break;  // nothing left (M − i < MR ≤ 8)
  }
}

}  // namespace

template <class T>
void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const T* A, std::size_t a_row, std::size_t a_col,
             const T* B, std::size_t ldb, T* C, std::size_t ldc, bool accumulate) {
  constexpr std::size_t L = kLanes<T>;
  std::size_t n0 = 0;
  for (; n0 + kWideVecs * L <= N; n0 += kWideVecs * L)
    panel<T, kWideRows, kWideVecs>(M, K, A, a_row, a_col, B + n0, ldb, C + n0, ldc, accumulate);
  if constexpr (kWideVecs > 2)  // two vectors of columns left: 8 × 2 tiles, half the loads of 8 × 1
    for (; n0 + 2 * L <= N; n0 += 2 * L)
      panel<T, kNarrowRows, 2>(M, K, A, a_row, a_col, B + n0, ldb, C + n0, ldc, accumulate);
  for (; n0 + L <= N; n0 += L) panel<T, kNarrowRows, 1>(M, K, A, a_row, a_col, B + n0, ldb, C + n0, ldc, accumulate);
  if (n0 == N) return;
  // The last N mod L columns (all of them for a 10-class output layer): copied into a panel one
  // vector wide, padded with zeros, so they too run in vector registers; the padding lanes are
  // computed and dropped. The scratch space grows once per thread and is reused.
  const std::size_t tail = N - n0;
  thread_local std::vector<T> Bp, Cp;
  if (Bp.size() < K * L) Bp.resize(K * L);
  if (Cp.size() < M * L) Cp.resize(M * L);
  for (std::size_t k = 0; k < K; ++k) {
    std::copy(B + k * ldb + n0, B + k * ldb + N, Bp.data() + k * L);
    std::fill(Bp.data() + k * L + tail, Bp.data() + (k + 1) * L, T(0));
  }
  if (accumulate)
    for (std::size_t i = 0; i < M; ++i) std::copy(C + i * ldc + n0, C + i * ldc + N, Cp.data() + i * L);
  panel<T, kNarrowRows, 1>(M, K, A, a_row, a_col, Bp.data(), L, Cp.data(), L, accumulate);
  for (std::size_t i = 0; i < M; ++i) std::copy(Cp.data() + i * L, Cp.data() + i * L + tail, C + i * ldc + n0);
}

template <class T>
void gemm_nn_parallel(std::size_t M, std::size_t N, std::size_t K, const T* A, std::size_t a_row, std::size_t a_col,
                      const T* B, std::size_t ldb, T* C, std::size_t ldc, bool accumulate) {
  // at most one share of whole 8-row tiles per thread; one thread for small products
  const std::size_t threads = std::size_t(kernels::threads_for(M / kNarrowRows, M * N * K, kernels::kMinMultiplyAddsPerFork));
  if (threads > 1) {
    // equal shares of rows, ⌈M / threads⌉ rounded up to a multiple of 8, so that the shares cover
    // all M rows; the last one may be shorter or empty (with 6-row wide tiles a share of 32 rows
    // ends in a tile of 2: rounding to 24 would leave the shares of a batch of 64 unequal)
    const std::size_t share = ((M + threads - 1) / threads + kNarrowRows - 1) / kNarrowRows * kNarrowRows;
    kernels::parallel_for(threads, int(threads), [&](std::size_t t) {
      const std::size_t i0 = t * share, i1 = std::min(M, i0 + share);
      if (i0 < i1) gemm_nn(i1 - i0, N, K, A + i0 * a_row, a_row, a_col, B, ldb, C + i0 * ldc, ldc, accumulate);
    });
    return;
  }
  gemm_nn(M, N, K, A, a_row, a_col, B, ldb, C, ldc, accumulate);
}

namespace {

/// MA rows of A against KB rows of B: MA·KB dot products of length N at once, each kept in a
/// vector of partial sums (per step: KB + MA loads for MA·KB multiply-adds); the lanes are added
/// at the end, then the last N mod L terms.
template <class T, std::size_t MA, std::size_t KB>
void dot_block(std::size_t N, const T* A, std::size_t lda, const T* B, std::size_t ldb, T* C, std::size_t ldc) {
  constexpr std::size_t L = kLanes<T>;
  Vec<T> acc[MA][KB];
#pragma GCC unroll 4
  for (std::size_t m = 0; m < MA; ++m)
#pragma GCC unroll 4
    for (std::size_t q = 0; q < KB; ++q) acc[m][q] = Vec<T>{};
  std::size_t n = 0;
  for (; n + L <= N; n += L) {
    Vec<T> b[KB];
#pragma GCC unroll 4
    for (std::size_t q = 0; q < KB; ++q) b[q] = *reinterpret_cast<const Vec<T>*>(B + q * ldb + n);
#pragma GCC unroll 4
    for (std::size_t m = 0; m < MA; ++m) {
      const Vec<T> a = *reinterpret_cast<const Vec<T>*>(A + m * lda + n);
#pragma GCC unroll 4
      for (std::size_t q = 0; q < KB; ++q) acc[m][q] += a * b[q];
    }
  }
  for (std::size_t m = 0; m < MA; ++m)
    for (std::size_t q = 0; q < KB; ++q) {
      T s = 0;
      for (std::size_t l = 0; l < L; ++l) s += acc[m][q][l];
      for (std::size_t t = n; t < N; ++t) s += A[m * lda + t] * B[q * ldb + t];
      C[m * ldc + q] += s;
    }
}

constexpr std::size_t kDotRows = 4, kDotCols = 3;  // 12 vectors of partial sums

/// Rows of A in a block of MA: all K rows of B, KB at a time, then the last K mod KB.
template <class T, std::size_t MA>
void dot_rows(std::size_t K, std::size_t N, const T* A, std::size_t lda, const T* B, std::size_t ldb, T* C,
              std::size_t ldc) {
  std::size_t k = 0;
  for (; k + kDotCols <= K; k += kDotCols) dot_block<T, MA, kDotCols>(N, A, lda, B + k * ldb, ldb, C + k, ldc);
  switch (K - k) {
    case 2: dot_block<T, MA, 2>(N, A, lda, B + k * ldb, ldb, C + k, ldc); break;
    case 1: dot_block<T, MA, 1>(N, A, lda, B + k * ldb, ldb, C + k, ldc); break;
    default: break;
  }
}

}  // namespace

template <class T>
void gemm_nt_add(std::size_t M, std::size_t K, std::size_t N, const T* A, std::size_t lda, const T* B, std::size_t ldb,
                 T* C, std::size_t ldc) {
  static_assert(kDotRows == 4 && kDotCols == 3, "gemm_nt_add: the switches below assume 4 × 3 tiles");
  std::size_t i = 0;
  for (; i + kDotRows <= M; i += kDotRows) dot_rows<T, kDotRows>(K, N, A + i * lda, lda, B, ldb, C + i * ldc, ldc);
  switch (M - i) {
    case 3: dot_rows<T, 3>(K, N, A + i * lda, lda, B, ldb, C + i * ldc, ldc); break;
    case 2: dot_rows<T, 2>(K, N, A + i * lda, lda, B, ldb, C + i * ldc, ldc); break;
    case 1: dot_rows<T, 1>(K, N, A + i * lda, lda, B, ldb, C + i * ldc, ldc); break;
    default: break;
  }
}

#define NN_SMALL_GEMM_INSTANTIATE(T)                                                                               \
  template void gemm_nn(std::size_t, std::size_t, std::size_t, const T*, std::size_t, std::size_t, const T*,       \
                        std::size_t, T*, std::size_t, bool);                                                       \
  template void gemm_nn_parallel(std::size_t, std::size_t, std::size_t, const T*, std::size_t, std::size_t,       \
                                 const T*, std::size_t, T*, std::size_t, bool);                                    \
  template void gemm_nt_add(std::size_t, std::size_t, std::size_t, const T*, std::size_t, const T*, std::size_t, T*, \
                            std::size_t);
NN_SMALL_GEMM_INSTANTIATE(float)
NN_SMALL_GEMM_INSTANTIATE(double)
#undef NN_SMALL_GEMM_INSTANTIATE

}  // namespace nn::detail
