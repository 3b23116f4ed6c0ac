// Typical mistake: column-major order, r fastest: k = ((w·H + h)·C + c)·R + r.
#include "mistake.hpp"
#include "ex/ch01_notation.hpp"

namespace ex::mistake::column_major {

nn::Tensor<double> vec(const nn::Tensor<double>& X) {
  const std::size_t R = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  nn::Tensor<double> v(nn::Shape{R * C * H * W});
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t w = 0; w < W; ++w) v(((w * H + h) * C + c) * R + r) = X(r, c, h, w);  // vec(X)_k
  return v;
}

}  // namespace ex::mistake::column_major

EX_MISTAKE(vec, column_major,
           "your vec is column-major: r runs fastest, k = ((w·H + h)·C + c)·R + r",
           "the report's vec (ch01, Eqs. (22)–(24)) is row-major, the order of the storage: w fastest, then h, c and r, k = ((r·C + c)·H + h)·W + w. Stacking columns is the textbook vec, but both sides of Eq. (22) must use the same order, and the library's is row-major");
