/// @file parallel.hpp
/// @brief Internal: the library's threading in one place — how many threads a loop gets, and
///        the two cut-offs below which it runs on one (design notes, "Speed facts": a fork on
///        these machines costs more than a small loop saves, and our OpenMP threads never run
///        beside OpenBLAS's).
///
/// Only the files in kernels/ thread. Built without OpenMP (e.g. for the browser) every
/// function here runs its work on the calling thread, with the same results.
#pragma once

#include <algorithm>
#include <cstddef>

#ifdef _OPENMP
#include <omp.h>
#endif

/// Before a loop: "vectorise this, the buffers are distinct" (OpenMP's simd; nothing without it).
#ifdef _OPENMP
#define NN_OMP_SIMD _Pragma("omp simd")
#else
#define NN_OMP_SIMD
#endif

namespace nn::kernels {

/// Element-wise loops (ReLU, pooling, batch norm) with fewer values than this run on one thread.
inline constexpr std::size_t kMinValuesPerFork = 32768;
/// Matrix products with fewer multiply-adds than this run on one thread.
inline constexpr std::size_t kMinMultiplyAddsPerFork = 65536;

/// The number of threads the library may use: OpenMP's count, but 1 inside a parallel region
/// (a share of nn::DataParallel runs its layers on its own thread) and without OpenMP.
inline int max_threads() {
#ifdef _OPENMP
  return omp_in_parallel() ? 1 : omp_get_max_threads();
#else
  return 1;
#endif
}

/// This thread's number inside a parallel region, 0 … threads − 1 (0 without OpenMP).
inline int thread_id() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

/// Threads for `tasks` independent tasks of `work` units in all: one below `min_work`, else at
/// most one per task.
inline int threads_for(std::size_t tasks, std::size_t work, std::size_t min_work) {
  if (work < min_work) return 1;
  return int(std::min<std::size_t>(std::size_t(max_threads()), std::max<std::size_t>(1, tasks)));
}

/// Threads for `tasks` independent tasks regardless of their size (the examples of a batch).
inline int threads_per_task(std::size_t tasks) {
  return int(std::min<std::size_t>(std::size_t(max_threads()), std::max<std::size_t>(1, tasks)));
}

/// Runs body(lo, hi) on [0, n) cut into one contiguous share per thread, or on all of [0, n)
/// when n < kMinValuesPerFork. Each share is a plain loop the compiler can vectorise.
template <class Body>
void in_shares(std::size_t n, const Body& body) {
#ifdef _OPENMP
  const int threads = threads_for(n, n, kMinValuesPerFork);
  if (threads > 1) {
#pragma omp parallel num_threads(threads)
    {
      const std::size_t t = std::size_t(omp_get_thread_num()), k = std::size_t(omp_get_num_threads());
      body(n * t / k, n * (t + 1) / k);
    }
    return;
  }
#endif
  body(std::size_t(0), n);
}

/// Runs body(t) for t in [0, threads), each on a thread of its own, and returns true; returns
/// false and runs nothing when OpenMP gives fewer threads (OMP_THREAD_LIMIT, OMP_DYNAMIC, a
/// region that is already parallel), so that a caller whose threads must meet can fall back.
/// Without OpenMP only threads ≤ 1 can run.
template <class Body>
bool on_own_threads(std::size_t threads, const Body& body) {
#ifdef _OPENMP
  if (threads > 1) {
    bool full = true;
#pragma omp parallel num_threads(int(threads))
    {
      if (std::size_t(omp_get_num_threads()) == threads) {
        body(std::size_t(omp_get_thread_num()));
      } else {
#pragma omp atomic write
        full = false;
      }
    }
    return full;
  }
#endif
  if (threads == 1) body(std::size_t(0));
  return threads <= 1;
}

/// Runs task(i) for i in [0, tasks), shared among `threads` threads in a fixed order (static
/// schedule: the same thread does the same tasks every call).
template <class Task>
void parallel_for(std::size_t tasks, int threads, const Task& task) {
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
#else
  (void)threads;
#endif
  for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(tasks); ++i) task(std::size_t(i));
}

}  // namespace nn::kernels
