// expect: crashed
// A student's batchnorm_backward with a loop bound c <= C: it writes one element past the end
// of dγ's heap block, through a raw pointer that no index check sees.
#include <cmath>

#include "ex/ch07_batchnorm.hpp"

namespace ex {

BatchNormGrads batchnorm_backward(const nn::Tensor<double>& dY, const nn::Tensor<double>& X,
                                  const nn::Tensor<double>& gamma, double eps) {
  (void)eps;
  const std::size_t C = X.dim(1);
  BatchNormGrads g{nn::Tensor<double>(X.shape()), nn::Tensor<double>(gamma.shape()), nn::Tensor<double>(gamma.shape())};
  double* dgamma = g.dgamma.data();
  for (std::size_t c = 0; c <= C; ++c) dgamma[c] = dY[0];  // one past the end when c == C
  return g;
}

}  // namespace ex
