/// @file tensor.hpp
/// @brief The report's tensors (§3): rank 1–4, shape (R, C, H, W), indexed (r, c, h, w).
///
/// A rank-1 tensor is a row vector @f$x \in \mathbb{R}^H@f$, a rank-2 tensor a matrix
/// @f$M \in \mathbb{R}^{H \times W}@f$ (in the dense chapter: one row per example of a batch,
/// "hop"), and a rank-4 tensor @f$X \in \mathbb{R}^{R \times C \times H \times W}@f$ a batch of
/// R images with C channels (feature maps) of H×W. Storage is contiguous and row-major: the last
/// index runs fastest, so (r, c, h, w) lies at ((r·C + c)·H + h)·W + w.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "nn/errors.hpp"

/// @namespace nn
/// @brief The library: the report's mathematics (tensors, layers, losses, their forward and
///        backward passes), and the data sets, applications and tools the chapter programs use.
///        See @ref mainpage "the map of the library" for where each part lives.
namespace nn {

/// @brief The dimensions of a tensor of rank 1–4, outermost first.
class Shape {
 public:
  /// Rank 0 (no elements). Only a default-constructed Tensor has it.
  Shape() = default;
  /// @brief Shape from its dimensions, e.g. `Shape{R, C, H, W}` or `Shape{rows, cols}`.
  /// @throws shape_error for more than four dimensions or a zero dimension
  Shape(std::initializer_list<std::size_t> dims);
  /// Same, from a vector of dimensions.
  explicit Shape(const std::vector<std::size_t>& dims);

  std::size_t rank() const { return rank_; }                ///< number of dimensions
  std::size_t operator[](std::size_t i) const { return dims_[i]; }  ///< dimension i, outermost first
  std::size_t size() const;                                ///< number of elements (0 for rank 0)
  std::string str() const;                                 ///< "(2, 3, 4, 5)"
  /// Equal rank and dimensions.
  bool operator==(const Shape& o) const { return rank_ == o.rank_ && dims_ == o.dims_; }
  /// Not operator==.
  bool operator!=(const Shape& o) const { return !(*this == o); }

 private:
  std::array<std::size_t, 4> dims_{};
  std::size_t rank_ = 0;
};

/// @brief Throws shape_error "<where>: shapes A and B must be equal" unless `a == b`.
/// @param a, b   the two shapes
/// @param where  the equation and operation, e.g. "Eq. (5) hadamard"
void require_same_shape(const Shape& a, const Shape& b, const std::string& where);

/// @brief A dense tensor of rank 1–4 with value semantics (copying copies the elements).
/// @tparam T  float (training) or double (gradient checks)
template <class T>
class Tensor {
 public:
  using value_type = T;  ///< the scalar type

  /// Empty tensor of rank 0.
  Tensor() = default;
  /// @brief Tensor of the given shape with every element equal to `fill`.
  explicit Tensor(const Shape& shape, T fill = T(0));
  /// @brief Tensor of the given shape holding `values` in row-major order.
  /// @throws shape_error if `values.size()` differs from the shape's element count
  Tensor(const Shape& shape, std::vector<T> values);

  const Shape& shape() const { return shape_; }                 ///< the dimensions
  std::size_t rank() const { return shape_.rank(); }            ///< 1–4 (0 when empty)
  std::size_t size() const { return data_.size(); }             ///< number of elements
  std::size_t dim(std::size_t i) const { return shape_[i]; }    ///< dimension i, outermost first
  bool empty() const { return data_.empty(); }                  ///< true for rank 0

  /// @name Element access by the report's indices (§3)
  /// The number of indices must equal the rank. With NN_BOUNDS_CHECK every index is checked
  /// and a wrong one throws std::out_of_range naming the index and the shape.
  ///@{

  /// element i of a rank-1 tensor (row vector)
  T& operator()(std::size_t i) { return data_[offset1(i)]; }
  /// element i of a rank-1 tensor (row vector)
  const T& operator()(std::size_t i) const { return data_[offset1(i)]; }
  /// element (i, j) of a matrix: row i, column j
  T& operator()(std::size_t i, std::size_t j) { return data_[offset2(i, j)]; }
  /// element (i, j) of a matrix: row i, column j
  const T& operator()(std::size_t i, std::size_t j) const { return data_[offset2(i, j)]; }
  /// element (i, j, k) of a rank-3 tensor
  T& operator()(std::size_t i, std::size_t j, std::size_t k) { return data_[offset3(i, j, k)]; }
  /// element (i, j, k) of a rank-3 tensor
  const T& operator()(std::size_t i, std::size_t j, std::size_t k) const { return data_[offset3(i, j, k)]; }
  /// (r, c, h, w) of a rank-4 tensor
  T& operator()(std::size_t r, std::size_t c, std::size_t h, std::size_t w) { return data_[offset4(r, c, h, w)]; }
  /// (r, c, h, w) of a rank-4 tensor
  const T& operator()(std::size_t r, std::size_t c, std::size_t h, std::size_t w) const {
    return data_[offset4(r, c, h, w)];
  }
  ///@}

  /// @brief The position of (r, c, h, w) in the row-major storage, i.e. in vec(X): the index i
  ///        with X[i] = X(r, c, h, w).
  std::size_t position(std::size_t r, std::size_t c, std::size_t h, std::size_t w) const {
    return offset4(r, c, h, w);
  }

  /// @brief Element `i` of the row-major storage, i.e. of vec(X) (see vec()).
  T& operator[](std::size_t i) { return data_[i]; }
  /// @brief Element `i` of the row-major storage.
  const T& operator[](std::size_t i) const { return data_[i]; }

  T* data() { return data_.data(); }              ///< contiguous row-major elements
  const T* data() const { return data_.data(); }  ///< contiguous row-major elements
  const std::vector<T>& values() const { return data_; }  ///< the elements, row-major
  auto begin() { return data_.begin(); }          ///< iterator over the elements
  auto end() { return data_.end(); }              ///< end iterator
  auto begin() const { return data_.begin(); }    ///< iterator over the elements
  auto end() const { return data_.end(); }        ///< end iterator

  /// @brief Sets every element to `value`.
  void fill(T value) { std::fill(data_.begin(), data_.end(), value); }
  /// @brief The same elements under another shape with the same element count.
  /// @throws shape_error if the element counts differ
  Tensor reshaped(const Shape& shape) const;
  /// @brief Changes the shape, reusing the storage when the element count allows
  ///        (the buffers of a training loop are allocated once; see design notes, "Speed facts").
  void resize(const Shape& shape);

  /// @brief Element-wise sum; shapes must be equal.
  Tensor& operator+=(const Tensor& o);
  /// @brief Element-wise difference; shapes must be equal.
  Tensor& operator-=(const Tensor& o);
  /// @brief Multiplies every element by `s`.
  Tensor& operator*=(T s);

 private:
  std::size_t offset1(std::size_t i) const;
  std::size_t offset2(std::size_t i, std::size_t j) const;
  std::size_t offset3(std::size_t i, std::size_t j, std::size_t k) const;
  std::size_t offset4(std::size_t r, std::size_t c, std::size_t h, std::size_t w) const;
  [[noreturn]] void bad_index(std::initializer_list<std::size_t> idx) const;

  Shape shape_;
  std::vector<T> data_;
};

/// @brief Element-wise sum of two tensors of equal shape.
template <class T> Tensor<T> operator+(Tensor<T> a, const Tensor<T>& b) { return a += b; }
/// @brief Element-wise difference of two tensors of equal shape.
template <class T> Tensor<T> operator-(Tensor<T> a, const Tensor<T>& b) { return a -= b; }
/// @brief Every element times a scalar.
template <class T> Tensor<T> operator*(T s, Tensor<T> a) { return a *= s; }

/// @brief Eq. (1) and (3): the function f applied to every element, @f$[f(X)]_{i} = f(X_{i})@f$.
template <class T, class F>
Tensor<T> elementwise(const Tensor<T>& X, F f) {
  Tensor<T> Y = X;
  // [eq1]
  for (auto& y : Y) y = f(y);  // Eqs. (1), (3): [f(X)]_i = f(X_i), any rank
  // [eq1]
  return Y;
}

/// @brief Eq. (2) and (4): the element-wise derivative
/// @f$\left[\frac{\partial f(X)}{\partial X}\right]_{i} = f'(X_{i})@f$, given f′.
///
/// The report's ∂f(X)/∂X is not a Jacobian but the tensor of the same shape as X holding
/// f′ at every element: the Jacobian of an element-wise f is diagonal, and this is its diagonal.
template <class T, class FPrime>
Tensor<T> elementwise_derivative(const Tensor<T>& X, FPrime f_prime) {
  return elementwise(X, f_prime);
}

/// @brief Eq. (5): Hadamard product @f$C_{i} = A_{i} B_{i}@f$ of two tensors of equal shape.
/// @throws shape_error naming both shapes and Eq. (5) otherwise
template <class T>
Tensor<T> hadamard(const Tensor<T>& A, const Tensor<T>& B);

/// @brief vec(X): the elements of X as a row vector (rank 1) in row-major order (§3, Eq. (22)).
///
/// The draft leaves vec() undefined ("NÅGONTING OM vec()"). We define it as the row-major
/// flattening: vec(X)_k with k = ((r·C + c)·H + h)·W + w. Textbooks often stack columns
/// instead; any fixed order gives the same gradients in Eqs. (22)–(24), as long as it is used
/// on both sides.
template <class T>
Tensor<T> vec(const Tensor<T>& X);

/// @brief Transpose of a matrix (rank 2): @f$(M^T)_{j,i} = M_{i,j}@f$.
/// @throws shape_error if M is not of rank 2
template <class T>
Tensor<T> transpose(const Tensor<T>& M);

/// @brief Matrix product @f$AB@f$ of an (n×k) and a (k×m) matrix, via OpenBLAS GEMM.
/// @throws shape_error naming both shapes if the inner dimensions differ
template <class T>
Tensor<T> matmul(const Tensor<T>& A, const Tensor<T>& B);

/// @brief The largest |a − b| over all elements; shapes must be equal.
template <class T>
T max_abs_diff(const Tensor<T>& a, const Tensor<T>& b);

/// @brief The same tensor with every element converted to U (e.g. the double path of a check).
template <class U, class T>
Tensor<U> cast(const Tensor<T>& X) {
  std::vector<U> v(X.begin(), X.end());
  return Tensor<U>(X.shape(), std::move(v));
}

/// @brief Prints a tensor of rank ≤ 4 as nested matrices, one (r, c) slice at a time.
/// @param X          the tensor
/// @param precision  digits after the decimal point
template <class T>
std::string to_string(const Tensor<T>& X, int precision = 4);

// ---- inline index arithmetic -------------------------------------------------------------

template <class T>
inline std::size_t Tensor<T>::offset1(std::size_t i) const {
#ifdef NN_BOUNDS_CHECK
  if (rank() != 1 || i >= shape_[0]) bad_index({i});
#endif
  return i;
}
template <class T>
inline std::size_t Tensor<T>::offset2(std::size_t i, std::size_t j) const {
#ifdef NN_BOUNDS_CHECK
  if (rank() != 2 || i >= shape_[0] || j >= shape_[1]) bad_index({i, j});
#endif
  return i * shape_[1] + j;
}
template <class T>
inline std::size_t Tensor<T>::offset3(std::size_t i, std::size_t j, std::size_t k) const {
#ifdef NN_BOUNDS_CHECK
  if (rank() != 3 || i >= shape_[0] || j >= shape_[1] || k >= shape_[2]) bad_index({i, j, k});
#endif
  return (i * shape_[1] + j) * shape_[2] + k;
}
template <class T>
inline std::size_t Tensor<T>::offset4(std::size_t r, std::size_t c, std::size_t h, std::size_t w) const {
#ifdef NN_BOUNDS_CHECK
  if (rank() != 4 || r >= shape_[0] || c >= shape_[1] || h >= shape_[2] || w >= shape_[3])
    bad_index({r, c, h, w});
#endif
  return ((r * shape_[1] + c) * shape_[2] + h) * shape_[3] + w;
}

extern template class Tensor<float>;
extern template class Tensor<double>;

}  // namespace nn
