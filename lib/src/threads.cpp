/// @file threads.cpp
/// @brief OpenBLAS and OpenMP thread counts.
#include "nn/threads.hpp"

#include <cblas.h>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace nn {

SingleThreadedBlas::SingleThreadedBlas() : saved_(openblas_get_num_threads()) {
  if (saved_ > 1) openblas_set_num_threads(1);
}

SingleThreadedBlas::~SingleThreadedBlas() {
  if (saved_ > 1) openblas_set_num_threads(saved_);
}

int library_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace nn
