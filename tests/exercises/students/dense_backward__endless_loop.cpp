// expect: timeout
// A student's dense_backward whose loop over the batch forgot its ++r, so it never ends. It
// also leaves a variable unused: a warning, which must not stop the build.
#include "ex/ch03_dense.hpp"

namespace ex {

DenseGradients dense_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X, const nn::Tensor<double>& W,
                              const nn::Tensor<double>& b, nn::ActivationFunction f) {
  (void)f;
  int unused_counter = 0;
  DenseGradients g{nn::Tensor<double>(X.shape()), nn::Tensor<double>(W.shape()), nn::Tensor<double>(b.shape())};
  volatile double sink = 0;
  for (std::size_t r = 0; r < dY.dim(0);) sink = sink + dY(r, 0);  // forgot ++r
  return g;
}

}  // namespace ex
