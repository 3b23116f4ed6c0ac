/// @file loss.cpp
/// @brief The reference losses: Eq. (16) and its gradient (Eq. (25) corrected), and softmax
///        cross-entropy through the one log-sum-exp.
#include "nn/loss.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace nn {

template <class T>
T l2_loss(const Tensor<T>& Yhat, const Tensor<T>& Y) {
  require_same_shape(Yhat.shape(), Y.shape(), "Eq. (16) L2 loss (ŷ and y)");
  // [eq16]
  // accumulate in double: a float sum of many squares loses digits
  double sum = 0;
  for (std::size_t i = 0; i < Y.size(); ++i) {
    const double d = double(Yhat[i]) - double(Y[i]);
    // Eq. (16): ‖ŷ_r − y_r‖², summed over the rows r of the batch
    sum += d * d;
  }
  // mean over the batch: 1/R enters here, once
  return T(sum / double(batch_size(Y)));
  // [eq16]
}

template <class T>
T l2_loss_gradient(const Tensor<T>& Yhat, const Tensor<T>& Y, Tensor<T>& dYhat) {
  require_same_shape(Yhat.shape(), Y.shape(), "Eq. (25) L2 loss gradient (ŷ and y)");
  if (dYhat.shape() != Yhat.shape()) dYhat.resize(Yhat.shape());
  const double R = double(batch_size(Y));
  double sum = 0;
  // [eq25]
  for (std::size_t i = 0; i < Y.size(); ++i) {
    const double d = double(Yhat[i]) - double(Y[i]);
    sum += d * d;               // Eq. (16), in the same pass
    // Eqs. (25)/(30) corrected: the vector 2(ŷ − y), divided by R for the mean
    dYhat[i] = T(2.0 * d / R);
  }
  // [eq25]
  return T(sum / R);
}

template <class T>
Tensor<T> l2_loss_gradient(const Tensor<T>& Yhat, const Tensor<T>& Y) {
  Tensor<T> d;
  l2_loss_gradient(Yhat, Y, d);
  return d;
}

namespace {
template <class T>
void require_labels(const Tensor<T>& Z, const std::vector<std::size_t>& labels, const char* what) {
  if (Z.rank() != 2) throw shape_error(std::string(what) + ": scores must be a matrix (R, K), got " + Z.shape().str());
  if (labels.size() != Z.dim(0))
    throw shape_error(std::string(what) + ": " + std::to_string(labels.size()) + " labels for scores of shape " +
                      Z.shape().str());
  for (std::size_t r = 0; r < labels.size(); ++r)
    if (labels[r] >= Z.dim(1))
      throw std::out_of_range(std::string(what) + ": label " + std::to_string(labels[r]) + " of row " +
                              std::to_string(r) + " is not below K = " + std::to_string(Z.dim(1)));
}
}  // namespace

template <class T>
double log_sum_exp(const T* z, std::size_t K, std::size_t stride) {
  double m = double(z[0]);
  for (std::size_t k = 1; k < K; ++k) m = std::max(m, double(z[k * stride]));
  double sum = 0;
  for (std::size_t k = 0; k < K; ++k) sum += std::exp(double(z[k * stride]) - m);  // each term ≤ 1
  return m + std::log(sum);
}

template <class T>
Tensor<T> softmax(const Tensor<T>& Z) {
  if (Z.rank() != 2) throw shape_error("softmax: scores must be a matrix (R, K), got " + Z.shape().str());
  const std::size_t R = Z.dim(0), K = Z.dim(1);
  Tensor<T> P(Z.shape());
  for (std::size_t r = 0; r < R; ++r) {
    const T* z = Z.data() + r * K;
    const double lse = log_sum_exp(z, K);
    for (std::size_t k = 0; k < K; ++k) P(r, k) = T(std::exp(double(z[k]) - lse));  // e^{z_k} / Σ_j e^{z_j}
  }
  return P;
}

template <class T>
T softmax_cross_entropy(const Tensor<T>& Z, const std::vector<std::size_t>& labels, Tensor<T>& dZ,
                        std::size_t batch) {
  require_labels(Z, labels, "softmax cross-entropy");
  const std::size_t rows = Z.dim(0), K = Z.dim(1), R = batch ? batch : rows;
  if (R < rows)
    throw shape_error("softmax cross-entropy: a batch of " + std::to_string(R) + " cannot hold the " +
                      std::to_string(rows) + " rows of the scores " + Z.shape().str());
  if (dZ.shape() != Z.shape()) dZ.resize(Z.shape());
  double loss = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const T* z = Z.data() + r * K;
    T* d = dZ.data() + r * K;
    const double lse = log_sum_exp(z, K);  // log Σ_k e^{z_k} without overflow
    loss += lse - double(z[labels[r]]);
    for (std::size_t k = 0; k < K; ++k) {
      const double p = std::exp(double(z[k]) - lse);
      d[k] = T((p - (k == labels[r] ? 1.0 : 0.0)) / double(R));  // (p − onehot)/R
    }
  }
  return T(loss / double(R));
}

template <class T>
T softmax_cross_entropy(const Tensor<T>& Z, const std::vector<std::size_t>& labels) {
  Tensor<T> d;
  return softmax_cross_entropy(Z, labels, d);
}

template <class T>
std::size_t argmax_row(const Tensor<T>& Z, std::size_t r) {
  if (Z.rank() != 2 || r >= Z.dim(0))
    throw shape_error("argmax_row: row " + std::to_string(r) + " of scores of shape " + Z.shape().str());
  const std::size_t K = Z.dim(1);
  const T* z = Z.data() + r * K;
  std::size_t best = 0;
  for (std::size_t k = 1; k < K; ++k)
    if (z[k] > z[best]) best = k;
  return best;
}

template <class T>
double accuracy(const Tensor<T>& Z, const std::vector<std::size_t>& labels) {
  require_labels(Z, labels, "accuracy");
  std::size_t right = 0;
  for (std::size_t r = 0; r < labels.size(); ++r) right += argmax_row(Z, r) == labels[r];
  return double(right) / double(labels.size());
}

#define NN_INSTANTIATE(T)                                                                   \
  template double log_sum_exp(const T*, std::size_t, std::size_t);                          \
  template T l2_loss(const Tensor<T>&, const Tensor<T>&);                                   \
  template T l2_loss_gradient(const Tensor<T>&, const Tensor<T>&, Tensor<T>&);              \
  template Tensor<T> l2_loss_gradient(const Tensor<T>&, const Tensor<T>&);                  \
  template Tensor<T> softmax(const Tensor<T>&);                                             \
  template T softmax_cross_entropy(const Tensor<T>&, const std::vector<std::size_t>&, Tensor<T>&, std::size_t); \
  template T softmax_cross_entropy(const Tensor<T>&, const std::vector<std::size_t>&);      \
  template std::size_t argmax_row(const Tensor<T>&, std::size_t);                           \
  template double accuracy(const Tensor<T>&, const std::vector<std::size_t>&);
NN_INSTANTIATE(float)
NN_INSTANTIATE(double)
#undef NN_INSTANTIATE

}  // namespace nn
