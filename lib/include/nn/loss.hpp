/// @file loss.hpp
/// @brief Loss functions — report §4.1.2, Eq. (16) (L2) and Eqs. (25)/(30) (its gradient), and
///        softmax cross-entropy for classification; an accuracy helper.
///
/// **Batch convention** (design notes, "One gradient convention"). The draft's Eq. (16) is written for
/// one example and says nothing about a batch. For a batch of R rows ŷ_r, y_r we take the
/// *mean* over the batch:
/// @f[ L = \frac{1}{R}\sum_{r=0}^{R-1} \lVert \hat y_r - y_r \rVert^2, \qquad
///     \frac{\partial L}{\partial \hat y} = \frac{2}{R}(\hat y - y) @f]
/// so 1/R enters once, here, and every layer's backward is the plain chain rule. With R = 1
/// this is exactly Eq. (16), and the gradient is the corrected Eq. (25): the *vector*
/// 2(ŷ − y), not the draft's number 2‖ŷ − y‖ (@ref errata_ch03).
///
/// A prediction ŷ is a tensor whose first dimension is the batch (R, …); a rank-1 tensor is one
/// example (R = 1).
#pragma once

#include <cstddef>
#include <vector>

#include "nn/tensor.hpp"

namespace nn {

/// @brief The batch size R of a prediction: its first dimension, or 1 for a rank-1 tensor.
/// @param Y  a prediction or target
template <class T>
inline std::size_t batch_size(const Tensor<T>& Y) {
  return Y.rank() >= 2 ? Y.dim(0) : 1;
}

/// @brief Eq. (16), mean over the batch: @f$L = \frac{1}{R}\sum_r \lVert \hat y_r - y_r\rVert^2@f$.
/// @param Yhat  the prediction ŷ, shape (R, …)
/// @param Y     the target y, same shape
/// @throws shape_error naming both shapes and Eq. (16) if they differ
template <class T>
T l2_loss(const Tensor<T>& Yhat, const Tensor<T>& Y);

/// @brief Eq. (25) corrected, for the batch mean: @f$\partial L/\partial \hat y = \frac{2}{R}(\hat y - y)@f$.
/// @param Yhat  the prediction ŷ, shape (R, …)
/// @param Y     the target y, same shape
/// @param dYhat resized to ŷ's shape and overwritten with the gradient (a reused buffer)
/// @return      the loss L of Eq. (16), computed in the same pass
/// @throws shape_error naming both shapes and Eq. (25) if ŷ and y differ
template <class T>
T l2_loss_gradient(const Tensor<T>& Yhat, const Tensor<T>& Y, Tensor<T>& dYhat);

/// @brief The same gradient, returned as a new tensor.
/// @param Yhat  the prediction ŷ, shape (R, …)
/// @param Y     the target y, same shape
template <class T>
Tensor<T> l2_loss_gradient(const Tensor<T>& Yhat, const Tensor<T>& Y);

/// @brief The one log-sum-exp of the library: @f$\log\sum_{k<K} e^{z_k}@f$ of K scores
///        z_k = z[k·stride], computed as @f$m + \log\sum_k e^{z_k - m}@f$ with m = max_k z_k, which
///        cannot overflow. Softmax, the cross-entropy and the detector's class scores use it.
/// @param z       the first score
/// @param K       the number of scores, ≥ 1
/// @param stride  the distance between two scores in memory (1: contiguous)
template <class T>
double log_sum_exp(const T* z, std::size_t K, std::size_t stride = 1);

/// @brief Row-wise softmax @f$p_{r,k} = e^{z_{r,k} - \max_j z_{r,j}} / \sum_j e^{z_{r,j} - \max_j z_{r,j}}@f$
///        (subtracting the row maximum cannot overflow and does not change p), computed as
///        @f$e^{z_{r,k} - \mathrm{lse}_r}@f$ with nn::log_sum_exp.
/// @param Z  scores (logits), shape (R, K)
template <class T>
Tensor<T> softmax(const Tensor<T>& Z);

/// @brief Softmax cross-entropy, mean over the batch, by log-sum-exp:
///        @f$L = \frac{1}{R}\sum_r \left(\log\sum_k e^{z_{r,k}} - z_{r,y_r}\right)@f$, and its gradient
///        @f$\partial L/\partial z_{r,k} = \frac{1}{R}(p_{r,k} - [k = y_r])@f$.
/// @param Z       scores (logits), shape (R, K); no softmax layer before this loss
/// @param labels  the class of each row, R values in [0, K)
/// @param dZ      resized to Z's shape and overwritten with the gradient (a reused buffer)
/// @param batch   the R of the mean; 0 (the default) for Z's rows. A share of a larger batch
///                (nn::DataParallel) passes the whole batch's R, so that its rows of dZ are
///                the batch's, and the shares' losses add up to L.
/// @return        the loss L (the share's part of it when `batch` is given)
/// @throws shape_error if labels.size() ≠ R, std::out_of_range for a label ≥ K
template <class T>
T softmax_cross_entropy(const Tensor<T>& Z, const std::vector<std::size_t>& labels, Tensor<T>& dZ,
                        std::size_t batch = 0);

/// @brief The softmax cross-entropy loss alone (no gradient).
/// @param Z       scores (logits), shape (R, K)
/// @param labels  the class of each row, R values in [0, K)
template <class T>
T softmax_cross_entropy(const Tensor<T>& Z, const std::vector<std::size_t>& labels);

/// @brief The index of the largest score of row r (the predicted class; first one on ties).
/// @param Z  scores, shape (R, K)
/// @param r  the row
template <class T>
std::size_t argmax_row(const Tensor<T>& Z, std::size_t r);

/// @brief The fraction of rows whose largest score is at the label.
/// @param Z       scores, shape (R, K)
/// @param labels  R labels in [0, K)
template <class T>
double accuracy(const Tensor<T>& Z, const std::vector<std::size_t>& labels);

}  // namespace nn
