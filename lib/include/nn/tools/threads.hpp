/// @file threads.hpp
/// @brief Who uses the cores: the library's own threads (OpenMP, one batch example per thread
///        in the convolution layers) or OpenBLAS's. Never both at once (design notes, "Speed facts":
///        two pools on two cores lose several times over).
#pragma once

namespace nn {

/// @brief While alive, OpenBLAS runs single-threaded (restored afterwards).
///
/// The convolution layers use one OpenMP thread per example of a batch, each calling a
/// single-threaded GEMM — as PyTorch's CPU convolution does. A training loop holds one guard
/// for a whole epoch rather than switching OpenBLAS's thread count for every layer, which is
/// itself slow.
class SingleThreadedBlas {
 public:
  SingleThreadedBlas();
  ~SingleThreadedBlas();
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;             ///< not copyable
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;  ///< not copyable

 private:
  int saved_;
};

/// @brief The number of threads the library's parallel loops use (OpenMP's; 1 without OpenMP).
int library_threads();

/// @brief Sets the number of threads the library's parallel loops use (OpenMP's; a no-op
///        without OpenMP) and returns the number before, so that a caller can restore it.
int set_library_threads(int threads);

}  // namespace nn
