/// @file tensor.cpp
/// @brief Tensor storage, shapes and the §3 operations, instantiated for float and double.
#include "nn/tensor.hpp"

#ifndef NN_NO_BLAS
#include <cblas.h>
#endif

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace nn {

std::string printable(const std::string& text) {
  std::string out;
  const std::size_t n = std::min<std::size_t>(text.size(), 200);
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += char(c);
    }
  }
  if (text.size() > n) out += "…";
  return out;
}

bool has_control_characters(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char ch) {
    const unsigned char c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7f;
  });
}

std::string missing_data_message(const std::string& what) {
  return what + " is missing. Fetch the data sets with:  bash " NN_SOURCE_DIR "/scripts/fetch-data.sh";
}

Shape::Shape(std::initializer_list<std::size_t> dims) : Shape(std::vector<std::size_t>(dims)) {}

Shape::Shape(const std::vector<std::size_t>& dims) {
  if (dims.size() > 4)
    throw shape_error("a tensor has rank at most 4 (R, C, H, W); got " + std::to_string(dims.size()) +
                      " dimensions");
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0) throw shape_error("a tensor dimension must be at least 1; dimension " + std::to_string(i) + " is 0");
    dims_[i] = dims[i];
  }
  rank_ = dims.size();
}

std::size_t Shape::size() const {
  if (rank_ == 0) return 0;
  std::size_t n = 1;
  for (std::size_t i = 0; i < rank_; ++i) n *= dims_[i];
  return n;
}

std::string Shape::str() const {
  std::string s = "(";
  for (std::size_t i = 0; i < rank_; ++i) s += (i ? ", " : "") + std::to_string(dims_[i]);
  return s + ")";
}

void require_same_shape(const Shape& a, const Shape& b, const std::string& where) {
  if (a != b) throw shape_error(where + ": shapes " + a.str() + " and " + b.str() + " must be equal");
}

template <class T>
Tensor<T>::Tensor(const Shape& shape, T fill) : shape_(shape), data_(shape.size(), fill) {}

template <class T>
Tensor<T>::Tensor(const Shape& shape, std::vector<T> values) : shape_(shape), data_(std::move(values)) {
  if (data_.size() != shape_.size())
    throw shape_error("Tensor" + shape_.str() + " needs " + std::to_string(shape_.size()) + " values, got " +
                      std::to_string(data_.size()));
}

template <class T>
Tensor<T> Tensor<T>::reshaped(const Shape& shape) const {
  if (shape.size() != size())
    throw shape_error("reshape: " + shape_.str() + " has " + std::to_string(size()) + " elements, " + shape.str() +
                      " has " + std::to_string(shape.size()));
  return Tensor(shape, data_);
}

template <class T>
void Tensor<T>::resize(const Shape& shape) {
  shape_ = shape;
  data_.resize(shape.size());
}

template <class T>
Tensor<T>& Tensor<T>::operator+=(const Tensor& o) {
  require_same_shape(shape_, o.shape_, "tensor +");
  for (std::size_t i = 0; i < data_.size(); ++i) data_[i] += o.data_[i];
  return *this;
}

template <class T>
Tensor<T>& Tensor<T>::operator-=(const Tensor& o) {
  require_same_shape(shape_, o.shape_, "tensor -");
  for (std::size_t i = 0; i < data_.size(); ++i) data_[i] -= o.data_[i];
  return *this;
}

template <class T>
Tensor<T>& Tensor<T>::operator*=(T s) {
  for (auto& x : data_) x *= s;
  return *this;
}

template <class T>
void Tensor<T>::bad_index(std::initializer_list<std::size_t> idx) const {
  std::string s = "(";
  bool first = true;
  for (auto i : idx) {
    s += (first ? "" : ", ") + std::to_string(i);
    first = false;
  }
  throw std::out_of_range("index " + s + ") is outside a tensor of shape " + shape_.str());
}

template <class T>
Tensor<T> hadamard(const Tensor<T>& A, const Tensor<T>& B) {
  require_same_shape(A.shape(), B.shape(), "Eq. (5) hadamard");
  Tensor<T> C(A.shape());
  // [eq5]
  // Eq. (5): C_i = A_i B_i
  for (std::size_t i = 0; i < A.size(); ++i) C[i] = A[i] * B[i];
  // [eq5]
  return C;
}

template <class T>
Tensor<T> vec(const Tensor<T>& X) {
  return X.reshaped(Shape{X.size()});
}

template <class T>
Tensor<T> transpose(const Tensor<T>& M) {
  if (M.rank() != 2) throw shape_error("transpose: needs a matrix (rank 2), got shape " + M.shape().str());
  Tensor<T> Mt(Shape{M.dim(1), M.dim(0)});
  for (std::size_t i = 0; i < M.dim(0); ++i)
    for (std::size_t j = 0; j < M.dim(1); ++j) Mt(j, i) = M(i, j);
  return Mt;
}

namespace {
#ifndef NN_NO_BLAS
void gemm(std::size_t n, std::size_t m, std::size_t k, const float* A, const float* B, float* C) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(m), int(k), 1.0f, A, int(k), B, int(m), 0.0f, C,
              int(m));
}
void gemm(std::size_t n, std::size_t m, std::size_t k, const double* A, const double* B, double* C) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(m), int(k), 1.0, A, int(k), B, int(m), 0.0, C,
              int(m));
}
#else  // the WebAssembly build has no BLAS: C = A·B by the textbook loops
template <class T>
void gemm(std::size_t n, std::size_t m, std::size_t k, const T* A, const T* B, T* C) {
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t p = 0; p < k; ++p)
      for (std::size_t j = 0; j < m; ++j) C[i * m + j] += A[i * k + p] * B[p * m + j];
}
#endif
}  // namespace

template <class T>
Tensor<T> matmul(const Tensor<T>& A, const Tensor<T>& B) {
  if (A.rank() != 2 || B.rank() != 2 || A.dim(1) != B.dim(0))
    throw shape_error("matmul AB: shapes " + A.shape().str() + " and " + B.shape().str() +
                      " do not fit (needs (n, k) and (k, m))");
  Tensor<T> C(Shape{A.dim(0), B.dim(1)});
  gemm(A.dim(0), B.dim(1), A.dim(1), A.data(), B.data(), C.data());
  return C;
}

template <class T>
T max_abs_diff(const Tensor<T>& a, const Tensor<T>& b) {
  require_same_shape(a.shape(), b.shape(), "max_abs_diff");
  T m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const T d = std::abs(a[i] - b[i]);
    if (!(d <= m)) m = d;  // a NaN difference wins, so it cannot hide
  }
  return m;
}

template <class T>
std::string to_string(const Tensor<T>& X, int precision) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(precision);
  const std::size_t rank = X.rank();
  if (rank == 0) return "[]";
  const std::size_t cols = X.dim(rank - 1);
  const std::size_t rows = rank >= 2 ? X.dim(rank - 2) : 1;
  const std::size_t slices = X.size() / (rows * cols);
  for (std::size_t s = 0; s < slices; ++s) {
    if (rank == 4) os << "(r=" << s / X.dim(1) << ", c=" << s % X.dim(1) << ")\n";
    if (rank == 3) os << "(" << s << ")\n";
    for (std::size_t i = 0; i < rows; ++i) {
      os << "[";
      for (std::size_t j = 0; j < cols; ++j) os << (j ? " " : "") << std::setw(precision + 4) << X[(s * rows + i) * cols + j];
      os << " ]\n";
    }
  }
  return os.str();
}

#define NN_INSTANTIATE(T)                                                 \
  template class Tensor<T>;                                               \
  template Tensor<T> hadamard(const Tensor<T>&, const Tensor<T>&);        \
  template Tensor<T> vec(const Tensor<T>&);                               \
  template Tensor<T> transpose(const Tensor<T>&);                         \
  template Tensor<T> matmul(const Tensor<T>&, const Tensor<T>&);          \
  template T max_abs_diff(const Tensor<T>&, const Tensor<T>&);            \
  template std::string to_string(const Tensor<T>&, int);
NN_INSTANTIATE(float)
NN_INSTANTIATE(double)
#undef NN_INSTANTIATE

}  // namespace nn
