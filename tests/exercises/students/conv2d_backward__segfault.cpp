// expect: crashed
// A student's conv2d_backward that writes dX through a vector that was never given a size: its
// data() is a null pointer, so the first write is a segmentation fault.
#include <vector>

#include "ex/ch04_convolution.hpp"

namespace ex {

nn::Conv2dGradients<double> conv2d_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                            const nn::Tensor<double>& W, nn::ConvSpec spec) {
  (void)dY;
  (void)spec;
  std::vector<double> dx;  // forgot: dx.resize(X.size())
  double* out = dx.data();
  for (std::size_t i = 0; i < X.size(); ++i) out[i] = 0.0;
  return {nn::Tensor<double>(X.shape()), nn::Tensor<double>(W.shape()), nn::Tensor<double>(nn::Shape{W.dim(0)})};
}

}  // namespace ex
