/// @file dense_layer.cpp
/// @brief nn::Dense: the dense layer object, on the matrix kernels of kernels/dense_gemm.cpp
///        (which equal the reference loops of dense.cpp).
#include <algorithm>
#include <stdexcept>

#include "kernels/dense_gemm.hpp"
#include "nn/dense.hpp"

namespace nn {

template <class T>
Dense<T>::Dense(std::size_t inputs, std::size_t outputs)
    : W_(Shape{inputs, outputs}), b_(Shape{outputs}), dW_(Shape{inputs, outputs}), db_(Shape{outputs}) {}

template <class T>
Dense<T>::Dense(std::size_t inputs, std::size_t outputs, Init scheme, std::mt19937_64& rng) : Dense(inputs, outputs) {
  initialize(W_, scheme, inputs, outputs, rng);
}

template <class T>
std::string Dense<T>::name() const {
  return "Dense(" + std::to_string(inputs()) + " → " + std::to_string(outputs()) + ")";
}

template <class T>
Shape Dense<T>::output_shape(const Shape& input) const {
  if (input.rank() != 2 || input[1] != inputs())
    throw shape_error("Eq. (7) " + name() + ": input of shape " + input.str() + " does not fit W of shape " +
                      W_.shape().str() + " (needs (R, " + std::to_string(inputs()) + "))");
  return Shape{input[0], outputs()};
}

template <class T>
const Tensor<T>& Dense<T>::forward(const Tensor<T>& X) {
  const Shape out = output_shape(X.shape());
  if (X_.shape() != X.shape()) X_.resize(X.shape());  // buffers are reused across batches
  if (Y_.shape() != out) Y_.resize(out);
  std::copy(X.begin(), X.end(), X_.begin());
  kernels::dense_forward(X, W_, b_, Y_);  // X^(l+1) = X^(l) W^(l) + b^(l)
  return Y_;
}

template <class T>
const Tensor<T>& Dense<T>::backward(const Tensor<T>& dY) {
  if (Y_.empty()) throw shape_error("Eq. (31) " + name() + " backward: called before forward");
  require_same_shape(dY.shape(), Y_.shape(), "Eq. (31) " + name() + " backward (δ^(l+1) and X^(l+1))");
  if (dX_.shape() != X_.shape()) dX_.resize(X_.shape());
  if (!share_ || share_->count < 2) {
    // overwrites dW, db (layer.hpp convention); the first layer of a network skips δ for the images
    kernels::dense_backward(dY, X_, W_, dX_, dW_, db_, WT_, this->input_gradient());
    return dX_;
  }
  // One share of a batch: δ for its own rows, then Eqs. (32)–(33)'s sums over r continued share
  // after share in share 0's dW and db, so that each entry is the one sequential sum of a pass
  // over the whole batch; the other copies' dW and db are 0, for DataParallel's sum.
  if (this->input_gradient()) kernels::dense_input_gradient(dY, W_, dX_, WT_);
  const std::size_t t = share_->index;
  ShareTurn& turn = first_copy_->turn_;
  share_->barrier->wait_turn(turn.next, t);
  kernels::dense_weight_gradient(dY, X_, first_copy_->dW_, first_copy_->db_, /*accumulate=*/t > 0);
  share_->barrier->pass_turn(turn.next, t);
  if (t > 0) dW_.fill(T(0)), db_.fill(T(0));
  return dX_;
}

template <class T>
std::unique_ptr<Layer<T>> Dense<T>::clone() const {
  auto copy = std::make_unique<Dense>(*this);
  copy->share_ = nullptr, copy->first_copy_ = nullptr;  // a copy starts on the whole batch
  return copy;
}

template <class T>
void Dense<T>::set_share(const Share* share, Layer<T>* first_copy) {
  share_ = share;
  first_copy_ = share ? dynamic_cast<Dense*>(first_copy) : nullptr;
  if (share && !first_copy_) throw std::invalid_argument(name() + ": share 0's copy of the layer is not dense");
  if (share && share->index == 0) turn_.next = 0;  // before every pass: a failed one may have left it
}

template <class T>
std::vector<Parameter<T>> Dense<T>::parameters() {
  return {{"W", &W_, &dW_}, {"b", &b_, &db_}};
}

template class Dense<float>;
template class Dense<double>;

}  // namespace nn
