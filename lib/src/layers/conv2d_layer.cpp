/// @file conv2d_layer.cpp
/// @brief nn::Conv2d: the convolution layer object, on the fast path of
///        kernels/conv2d_im2row.cpp (which equals the reference in conv2d.cpp).
#include <algorithm>
#include <random>

#include "kernels/conv2d_im2row.hpp"
#include "nn/conv2d.hpp"
#include "nn/init.hpp"

namespace nn {

template <class T>
Conv2d<T>::Conv2d(std::size_t in_channels, std::size_t out_channels, std::size_t kH, std::size_t kW, ConvSpec spec,
                  std::uint64_t seed)
    : spec_(spec), W_(Shape{out_channels, in_channels, kH, kW}), b_(Shape{out_channels}) {
  if (spec.stride == 0) throw shape_error("Conv2d: stride s must be at least 1 (Eqs. (34)-(35))");
  // He initialisation, Var(W) = 2 / fan_in with fan_in = C·kH·kW: keeps the variance of ReLU
  // activations constant from layer to layer.
  std::mt19937_64 rng(seed);
  initialize(W_, Init::he_normal, in_channels * kH * kW, out_channels * kH * kW, rng);
  grads_.dW = Tensor<T>(W_.shape());
  grads_.db = Tensor<T>(b_.shape());
}

template <class T>
std::string Conv2d<T>::name() const {
  return "Conv2d(" + std::to_string(W_.dim(1)) + " → " + std::to_string(W_.dim(0)) + ", " + std::to_string(W_.dim(2)) +
         "×" + std::to_string(W_.dim(3)) + ", " + spec_.str() + ")";
}

template <class T>
Shape Conv2d<T>::output_shape(const Shape& input) const {
  return conv2d_output_shape(input, W_.shape(), spec_);
}

template <class T>
const Tensor<T>& Conv2d<T>::forward(const Tensor<T>& X) {
  if (X_.shape() != X.shape()) X_.resize(X.shape());
  std::copy(X.begin(), X.end(), X_.begin());  // what backward needs, in a reused buffer
  kernels::conv2d_forward(X_, W_, b_, spec_, Y_, rows_);
  return Y_;
}

template <class T>
const Tensor<T>& Conv2d<T>::backward(const Tensor<T>& dY) {
  if (X_.empty()) throw shape_error(name() + ": backward() called before forward()");
  // the first layer of a network needs no δ for its input (the images): that product is skipped
  kernels::conv2d_backward(dY, X_, W_, spec_, grads_, rows_, drows_, this->input_gradient());
  return grads_.dX;
}

template <class T>
std::vector<Parameter<T>> Conv2d<T>::parameters() {
  return {{"W", &W_, &grads_.dW}, {"b", &b_, &grads_.db}};
}

template class Conv2d<float>;
template class Conv2d<double>;

}  // namespace nn
