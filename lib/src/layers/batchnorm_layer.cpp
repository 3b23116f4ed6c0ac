/// @file batchnorm_layer.cpp
/// @brief nn::BatchNorm2d and nn::BatchNorm1d: the batch-norm layer objects, on
///        kernels/batchnorm_fast.cpp (which equals the reference of batchnorm.cpp).
#include <sstream>
#include <stdexcept>

#include "kernels/batchnorm_fast.hpp"
#include "nn/batchnorm.hpp"

namespace nn {

template <class T>
BatchNormLayer<T>::BatchNormLayer(std::size_t channels, std::size_t rank, T eps, T momentum)
    : channels_(channels),
      rank_(rank),
      eps_(eps),
      momentum_(momentum),
      gamma_(Shape{channels}, T(1)),
      beta_(Shape{channels}, T(0)),
      running_mean_(Shape{channels}, T(0)),
      running_var_(Shape{channels}, T(1)) {}

template <class T>
std::string BatchNormLayer<T>::name() const {
  std::ostringstream os;
  os << (rank_ == 4 ? "BatchNorm2d(" : "BatchNorm1d(") << channels_ << ", ε=" << eps_ << ", momentum=" << momentum_
     << ")";
  return os.str();
}

template <class T>
Shape BatchNormLayer<T>::output_shape(const Shape& in) const {
  if (in.rank() != rank_ || in[1] != channels_)
    throw shape_error("Eqs. (52)-(55) " + name() + ": input must be " +
                      (rank_ == 4 ? "(R, " + std::to_string(channels_) + ", H, W)"
                                  : "(R, " + std::to_string(channels_) + ")") +
                      ", got " + in.str());
  return in;
}

template <class T>
void BatchNormLayer<T>::set_share(const Share* share, Layer<T>* first_copy) {
  share_ = share;
  first_copy_ = share ? dynamic_cast<BatchNormLayer*>(first_copy) : nullptr;
  if (share && !first_copy_) throw std::invalid_argument(name() + ": share 0's copy of the layer is not batch norm");
}

template <class T>
bool BatchNormLayer<T>::meet_shares() {
  if (!share_ || share_->count < 2) return false;
  // Share 0 makes room between two meetings, while no share reads or writes the exchange;
  // every share sees the same size here, since it changes only between those two.
  const std::size_t need = 4 * share_->batch * channels_;
  if (first_copy_->exchange_.size() < need) {
    share_->barrier->wait();
    if (share_->index == 0) first_copy_->exchange_.resize(need);
    share_->barrier->wait();
  }
  return true;
}

template <class T>
const Tensor<T>& BatchNormLayer<T>::forward(const Tensor<T>& X) {
  output_shape(X.shape());
  if (this->training_ && meet_shares()) {  // one share of the batch: the shares add up their sums
    kernels::batchnorm_forward_share(X, gamma_, beta_, eps_, cache_, Y_, *share_, first_copy_->exchange_.data());
    batchnorm_update_running(running_mean_, running_var_, cache_, momentum_, share_->batch * (X.size() / X.dim(0) / channels_));
  } else if (this->training_) {
    kernels::batchnorm_forward(X, gamma_, beta_, eps_, cache_, Y_);
    batchnorm_update_running(running_mean_, running_var_, cache_, momentum_);
  } else {
    kernels::batchnorm_forward_inference(X, gamma_, beta_, running_mean_, running_var_, eps_, cache_, Y_);
  }
  return Y_;
}

template <class T>
const Tensor<T>& BatchNormLayer<T>::backward(const Tensor<T>& dY) {
  if (cache_.batch_statistics && meet_shares())
    kernels::batchnorm_backward_share(dY, gamma_, cache_, grads_, *share_, first_copy_->exchange_.data());
  else
    kernels::batchnorm_backward(dY, gamma_, cache_, grads_);
  return grads_.dX;
}

template <class T>
std::vector<Parameter<T>> BatchNormLayer<T>::parameters() {
  if (grads_.dgamma.shape() != gamma_.shape()) {
    grads_.dgamma.resize(gamma_.shape());
    grads_.dgamma.fill(T(0));
    grads_.dbeta.resize(beta_.shape());
    grads_.dbeta.fill(T(0));
  }
  return {{"gamma", &gamma_, &grads_.dgamma}, {"beta", &beta_, &grads_.dbeta}};
}

template <class T>
std::vector<Parameter<T>> BatchNormLayer<T>::buffers() {
  return {{"running_mean", &running_mean_, nullptr}, {"running_var", &running_var_, nullptr}};
}

template class BatchNormLayer<float>;
template class BatchNormLayer<double>;
template class BatchNorm2d<float>;
template class BatchNorm2d<double>;
template class BatchNorm1d<float>;
template class BatchNorm1d<double>;

}  // namespace nn
