/// @file threads.cpp
/// @brief OpenBLAS and OpenMP thread counts.
#include "nn/tools/threads.hpp"

#ifndef NN_NO_BLAS
#include <cblas.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

namespace nn {

#ifndef NN_NO_BLAS
SingleThreadedBlas::SingleThreadedBlas() : saved_(openblas_get_num_threads()) {
  if (saved_ > 1) openblas_set_num_threads(1);
}

SingleThreadedBlas::~SingleThreadedBlas() {
  if (saved_ > 1) openblas_set_num_threads(saved_);
}
#else  // the WebAssembly build: no OpenBLAS, nothing to switch
SingleThreadedBlas::SingleThreadedBlas() : saved_(1) { (void)saved_; }
SingleThreadedBlas::~SingleThreadedBlas() = default;
#endif

int library_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

int set_library_threads(int threads) {
  const int before = library_threads();
#ifdef _OPENMP
  omp_set_num_threads(threads);
#else
  (void)threads;
#endif
  return before;
}

}  // namespace nn
