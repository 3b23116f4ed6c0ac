/// @file maxpool2d_layer.cpp
/// @brief nn::MaxPool2d: the max-pooling layer object, on kernels/maxpool2d_fast.cpp (which
///        equals the reference of maxpool2d.cpp).
#include "kernels/maxpool2d_fast.hpp"
#include "nn/maxpool2d.hpp"

namespace nn {

template <class T>
const Tensor<T>& MaxPool2d<T>::forward(const Tensor<T>& X) {
  kernels::maxpool2d_forward(X, spec_, cache_, Y_);
  return Y_;
}

template <class T>
const Tensor<T>& MaxPool2d<T>::backward(const Tensor<T>& dY) {
  kernels::maxpool2d_backward(dY, cache_, dX_);
  return dX_;
}

template class MaxPool2d<float>;
template class MaxPool2d<double>;

}  // namespace nn
