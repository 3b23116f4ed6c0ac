// The register-blocked kernels behind the fast convolution and dense paths (lib/src/kernels/small_gemm.hpp,
// internal): every tile shape and every remainder (rows mod 4, 6 and 8, columns mod one, two and
// four vectors, the zero-padded last columns, deep sums), transposed A, leading dimensions wider than the
// matrix, overwrite and accumulate, against a plain triple loop in long double. The conv and
// dense tests check the layers built on them; these pin down the kernels themselves.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include "kernels/small_gemm.hpp"
#include "nn/tools/threads.hpp"

namespace {

// Sizes straddling every boundary: leftover rows of 4- and 6-row tiles (1 … 5), 7 of an 8-row
// tile; columns one short of, equal to and one past 16 (one AVX-512 float vector), 32 (two) and
// 64 (a wide tile), and 48 and 112 (two vectors then one after the wide tiles); depths from 1
// to 600 (a 3×3 layer of 64 channels sums 576 terms).
const std::vector<std::size_t> kRows{1, 3, 4, 5, 6, 7, 8, 11, 12, 17};
const std::vector<std::size_t> kCols{1, 7, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 112, 120};
const std::vector<std::size_t> kDepth{1, 5, 25, 128, 129, 256, 600};

template <class T>
std::vector<T> random_values(std::size_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> v(n);
  for (auto& x : v) x = T(u(rng));
  return v;
}

// Relative error of one entry against the exact sum, scaled by Σ|terms| (the size of the
// rounding error any summation order makes).
template <class T>
bool entry_ok(T got, long double exact, long double magnitude, double tol) {
  return double(std::fabs((long double)got - exact) / std::max<long double>(magnitude, 1e-30L)) <= tol;
}

template <class T>
void gemm_nn_against_loops(double tol) {
  std::mt19937_64 rng(7);
  for (const bool transposed_a : {false, true})
    for (const bool accumulate : {false, true})
      for (std::size_t M : kRows)
        for (std::size_t N : kCols)
          for (std::size_t K : kDepth) {
            const std::size_t ldb = N + 3, ldc = N + 5;  // wider than the matrices
            const auto A = random_values<T>(M * K, rng);
            const auto B = random_values<T>(K * ldb, rng);
            auto C = random_values<T>(M * ldc, rng);
            const auto C0 = C;
            // A (M × K) row-major, or stored transposed (K × M) and read with swapped strides
            const std::size_t a_row = transposed_a ? 1 : K, a_col = transposed_a ? M : 1;
            nn::detail::gemm_nn(M, N, K, A.data(), a_row, a_col, B.data(), ldb, C.data(), ldc, accumulate);
            std::size_t wrong = 0, touched = 0;
            for (std::size_t i = 0; i < M; ++i) {
              for (std::size_t n = 0; n < N; ++n) {
                long double s = accumulate ? C0[i * ldc + n] : 0, mag = std::fabs(s);
                for (std::size_t k = 0; k < K; ++k) {
                  const long double t = (long double)A[i * a_row + k * a_col] * B[k * ldb + n];
                  s += t;
                  mag += std::fabs(t);
                }
                wrong += !entry_ok(C[i * ldc + n], s, mag, tol);
              }
              for (std::size_t n = N; n < ldc; ++n) touched += C[i * ldc + n] != C0[i * ldc + n];  // past N
            }
            INFO("M=" << M << " N=" << N << " K=" << K << (transposed_a ? " Aᵀ" : "") << (accumulate ? " +=" : " ="));
            CHECK(wrong == 0);
            CHECK(touched == 0);
          }
}

template <class T>
void gemm_nt_add_against_loops(double tol) {
  std::mt19937_64 rng(11);
  for (std::size_t M : kRows)
    for (std::size_t K : kRows)
      for (std::size_t N : kCols) {
        const std::size_t lda = N + 1, ldb = N + 2, ldc = K + 3;
        const auto A = random_values<T>(M * lda, rng);
        const auto B = random_values<T>(K * ldb, rng);
        auto C = random_values<T>(M * ldc, rng);
        const auto C0 = C;
        nn::detail::gemm_nt_add(M, K, N, A.data(), lda, B.data(), ldb, C.data(), ldc);
        std::size_t wrong = 0, touched = 0;
        for (std::size_t i = 0; i < M; ++i) {
          for (std::size_t k = 0; k < K; ++k) {
            long double s = C0[i * ldc + k], mag = std::fabs(s);
            for (std::size_t n = 0; n < N; ++n) {
              const long double t = (long double)A[i * lda + n] * B[k * ldb + n];
              s += t;
              mag += std::fabs(t);
            }
            wrong += !entry_ok(C[i * ldc + k], s, mag, tol);
          }
          for (std::size_t k = K; k < ldc; ++k) touched += C[i * ldc + k] != C0[i * ldc + k];  // past K
        }
        INFO("M=" << M << " K=" << K << " N=" << N);
        CHECK(wrong == 0);
        CHECK(touched == 0);
      }
}

/// The claim behind the tiles: every entry of C is the plain sequential sum
/// c ← c + a·b for k = 0, 1, …, K − 1, so the result is the same bit for bit as the textbook
/// loop. Each step is one fused multiply-add where the compiler forms them (small_gemm.cpp has
/// contraction on; an optimised build with FMA does, the sanitizer build at -O1 does not), else
/// a rounded product and a rounded sum: the whole matrix must equal one of the two sequential
/// sums exactly (any other order of the terms differs in the last bits of most entries).
void gemm_nn_is_sequential() {
  std::mt19937_64 rng(17);
  for (const bool accumulate : {false, true})
    for (std::size_t M : {std::size_t(1), std::size_t(5), std::size_t(7), std::size_t(13)})
      for (std::size_t N : {std::size_t(7), std::size_t(33), std::size_t(64), std::size_t(112)})
        for (std::size_t K : {std::size_t(1), std::size_t(127), std::size_t(128), std::size_t(256), std::size_t(600)}) {
          const auto A = random_values<float>(M * K, rng);
          const auto B = random_values<float>(K * N, rng);
          auto C = random_values<float>(M * N, rng);
          const auto C0 = C;
          nn::detail::gemm_nn(M, N, K, A.data(), K, 1, B.data(), N, C.data(), N, accumulate);
          std::size_t fused_differ = 0, unfused_differ = 0;
          for (std::size_t i = 0; i < M; ++i)
            for (std::size_t n = 0; n < N; ++n) {
              float f = accumulate ? C0[i * N + n] : 0.0f, u = f;
              for (std::size_t k = 0; k < K; ++k) {
                f = std::fma(A[i * K + k], B[k * N + n], f);
                const float product = A[i * K + k] * B[k * N + n];  // rounded (this file: no contraction)
                u = u + product;
              }
              fused_differ += f != C[i * N + n];
              unfused_differ += u != C[i * N + n];
            }
          INFO("M=" << M << " N=" << N << " K=" << K << " accumulate=" << accumulate << ": " << fused_differ
                    << " entries differ from the fused sequential sum, " << unfused_differ << " from the unfused one");
          CHECK((fused_differ == 0 || unfused_differ == 0));
        }
}

}  // namespace

TEST_CASE("small GEMM: every entry is the sequential sum, bit for bit, through the tiles",
          "[ch04][gemm]") {
  gemm_nn_is_sequential();
}

// Tolerances: a sum of K products rounds at most ~K·ε relative to Σ|terms| in any order; K ≤ 64
// here, so 64·ε: 1.4e-14 in double, 7.6e-6 in float. A wrong index is off by O(1).
TEST_CASE("small GEMM: C = A·B and C += A·B for every tile and remainder", "[ch04][ch03][gemm]") {
  SECTION("double") { gemm_nn_against_loops<double>(64 * 2.2e-16); }
  SECTION("float") { gemm_nn_against_loops<float>(64 * 1.2e-7); }
}

TEST_CASE("small GEMM: C += A·Bᵀ (dot products) for every tile and remainder", "[ch04][gemm]") {
  SECTION("double") { gemm_nt_add_against_loops<double>(128 * 2.2e-16); }
  SECTION("float") { gemm_nt_add_against_loops<float>(128 * 1.2e-7); }
}

TEST_CASE("small GEMM: the threaded version gives the single-threaded result bit for bit", "[ch03][gemm]") {
  // The rows are shared out whole, so every entry is summed in the same order by one thread.
  // Every M from 1 to 130 (batch sizes and layer widths; 17 = 2·8 + 1 once lost its last row)
  // on 2, 3 and 4 threads; K·N large enough that the product is threaded at all.
  std::mt19937_64 rng(3);
  const std::size_t N = 120, K = 64;
  const auto A = random_values<float>(130 * K, rng);
  const auto B = random_values<float>(K * N, rng);
  std::vector<std::size_t> wrong_rows;
  const int saved_threads = nn::library_threads();
  for (int threads : {2, 3, 4}) {
    nn::set_library_threads(threads);
    for (std::size_t M = 1; M <= 130; ++M) {
      std::vector<float> C1(M * N), C2(M * N, -1e30f);  // C2 starts as garbage: every entry must be written
      nn::detail::gemm_nn(M, N, K, A.data(), K, 1, B.data(), N, C1.data(), N);
      nn::detail::gemm_nn_parallel(M, N, K, A.data(), K, 1, B.data(), N, C2.data(), N);
      if (C1 != C2) wrong_rows.push_back(M * 10 + std::size_t(threads));
    }
  }
  nn::set_library_threads(saved_threads);
  INFO("failing (M·10 + threads): " << Catch::Detail::stringify(wrong_rows));
  CHECK(wrong_rows.empty());
}
