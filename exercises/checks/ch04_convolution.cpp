// Checks of the §4.2.1–4.2.2 exercises: convolution forward (Eq. (39)), im2row, and backward
// (Eqs. (40)-(43)). Each compares with the library's naive implementation on cases chosen so
// that every typical mistake shows (a kernel that is not symmetric, stride 2 and 3, padding 1
// and 2, batches R > 1, C ≠ C′, rectangular kernels), and the backward pass also with central
// differences.
#include "check.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/conv2d.hpp"
#include "nn/finite_difference.hpp"

#include <random>
#include <string>

namespace {

struct Case {
  std::size_t R, C, H, W, Cp, kH, kW, s, p;
  const char* what;  // what the case is there to catch
  std::string str() const {
    return "case R=" + std::to_string(R) + " C=" + std::to_string(C) + " H×W=" + std::to_string(H) + "×" + std::to_string(W) +
           " C'=" + std::to_string(Cp) + " kernel " + std::to_string(kH) + "×" + std::to_string(kW) + " s=" + std::to_string(s) +
           " p=" + std::to_string(p) + " (" + what + ")";
  }
};

const Case kCases[] = {
    {1, 1, 5, 6, 1, 3, 2, 1, 0, "stride 1, no padding, a kernel that is not symmetric"},
    {2, 2, 8, 7, 3, 3, 3, 2, 0, "stride 2"},
    {2, 3, 6, 7, 2, 3, 3, 1, 1, "padding 1"},
    {3, 2, 9, 8, 2, 2, 3, 3, 2, "stride 3, padding 2, a batch of 3"},
    {2, 2, 8, 8, 3, 3, 3, 3, 1, "stride 3 where the floor of Eq. (34) drops a row"},
};

nn::Tensor<double> random_tensor(const nn::Shape& shape, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  nn::Tensor<double> t(shape);
  for (auto& v : t) v = u(rng);
  return t;
}

struct Inputs {
  nn::Tensor<double> X, W, b, dY;
};

Inputs inputs(const Case& c, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Inputs in{random_tensor(nn::Shape{c.R, c.C, c.H, c.W}, rng), random_tensor(nn::Shape{c.Cp, c.C, c.kH, c.kW}, rng),
            random_tensor(nn::Shape{c.Cp}, rng), {}};
  in.dY = random_tensor(nn::conv2d_output_shape(in.X.shape(), in.W.shape(), nn::ConvSpec{c.s, c.p}), rng);
  return in;
}

double dot(const nn::Tensor<double>& a, const nn::Tensor<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

NN_EXERCISE_CHECK(conv2d_forward_naive, "4.2.1a", "Eqs. (34)-(39)",
                  "Y(r,c',h',w') = Σ_c Σ_j Σ_i X̃(r, c, s·h'+j, s·w'+i)·W(c',c,j,i) + b(c'): windows start s apart "
                  "(Eqs. (37)-(38)), j runs over all kH rows and i over all kW columns, X̃ has p zeros on every side") {
  // Figure 6: X(h, w) = 6h + w, a kernel of ones: each output is 9 × the window's centre.
  nn::Tensor<double> X6(nn::Shape{1, 1, 6, 6});
  for (std::size_t i = 0; i < 36; ++i) X6[i] = double(i);
  const auto Y6 = ex::conv2d_forward_naive(X6, nn::Tensor<double>(nn::Shape{1, 1, 3, 3}, 1.0), nn::Tensor<double>(nn::Shape{1}), nn::ConvSpec{1, 0});
  ex::check::expect(Y6.shape() == nn::Shape{1, 1, 4, 4}, "Figure 6: a 3×3 kernel over 6×6 must give 4×4, got " + Y6.shape().str());
  for (std::size_t h = 0; h < 4; ++h)
    for (std::size_t w = 0; w < 4; ++w)
      ex::check::expect_near(Y6(0, 0, h, w), 9.0 * double(6 * (h + 1) + w + 1), 1e-12,
                             "Figure 6 with a kernel of ones, output (" + std::to_string(h) + ", " + std::to_string(w) + ")");
  std::uint64_t seed = 1;
  for (const auto& c : kCases) {
    const auto in = inputs(c, seed++);
    const nn::ConvSpec spec{c.s, c.p};
    ex::check::expect_tensor_near(ex::conv2d_forward_naive(in.X, in.W, in.b, spec),
                                  nn::conv2d_forward_naive(in.X, in.W, in.b, spec), 1e-10, "Y for " + c.str());
  }
}

NN_EXERCISE_CHECK(im2row, "4.2.1b", "Eq. (39) as a matrix product",
                  "row (r·H'+h')·W'+w', column (c·kH+j)·kW+i holds X̃(r, c, s·h'+j, s·w'+i) — the padded input, "
                  "so X(r, c, s·h'+j−p, s·w'+i−p) inside and 0 in the padding") {
  const nn::Tensor<double> X(nn::Shape{1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  ex::check::expect_tensor_near(ex::im2row(X, 2, 2, nn::ConvSpec{1, 0}),
                                nn::Tensor<double>(nn::Shape{4, 4}, {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}), 0,
                                "im2row of [[1,2,3],[4,5,6],[7,8,9]] with 2×2 windows");
  std::uint64_t seed = 10;
  for (const auto& c : kCases) {
    const auto in = inputs(c, seed++);
    const nn::ConvSpec spec{c.s, c.p};
    ex::check::expect_tensor_near(ex::im2row(in.X, c.kH, c.kW, spec), nn::im2row(in.X, c.kH, c.kW, spec), 0,
                                  "im2row for " + c.str());
  }
}

NN_EXERCISE_CHECK(conv2d_backward, "4.2.2a", "Eqs. (40)-(43)",
                  "dX: dilate δ by s, pad it by k−1, convolve with the kernels rotated by 180° (Eq. (42)), crop p; "
                  "dW(c',c,j,i) = Σ_r,h',w' X̃(r,c,s·h'+j,s·w'+i)·δ(r,c',h',w') with no 1/R; db(c') = Σ_r,h',w' δ") {
  std::uint64_t seed = 20;
  for (const auto& c : kCases) {
    const auto in = inputs(c, seed++);
    const nn::ConvSpec spec{c.s, c.p};
    const auto got = ex::conv2d_backward(in.dY, in.X, in.W, spec);
    const auto want = nn::conv2d_backward_naive(in.dY, in.X, in.W, spec);
    ex::check::expect_tensor_near(got.dX, want.dX, 1e-10, "dX = δ^(l) (Eq. (42)) for " + c.str());
    ex::check::expect_tensor_near(got.dW, want.dW, 1e-10, "dW (Eq. (43)) for " + c.str());
    ex::check::expect_tensor_near(got.db, want.db, 1e-10, "db for " + c.str());
  }
  // Independent of the library: central differences of L = Σ δ ⊙ Y on one case with stride 2
  // and padding 1. L is linear in X, W and b, so the quotient is exact up to round-off
  // (≈ 1e-16·|L|/h ≈ 1e-12 with h = 1e-3); 1e-7 is far below any real mistake.
  const Case c{2, 2, 7, 6, 3, 3, 2, 2, 1, "central differences"};
  const auto in = inputs(c, 99);
  const nn::ConvSpec spec{c.s, c.p};
  const auto got = ex::conv2d_backward(in.dY, in.X, in.W, spec);
  const auto nX = nn::numerical_gradient([&](const nn::Tensor<double>& x) { return dot(in.dY, nn::conv2d_forward_naive(x, in.W, in.b, spec)); }, in.X, 1e-3);
  const auto nW = nn::numerical_gradient([&](const nn::Tensor<double>& w) { return dot(in.dY, nn::conv2d_forward_naive(in.X, w, in.b, spec)); }, in.W, 1e-3);
  const auto nb = nn::numerical_gradient([&](const nn::Tensor<double>& b) { return dot(in.dY, nn::conv2d_forward_naive(in.X, in.W, b, spec)); }, in.b, 1e-3);
  ex::check::expect_tensor_near(got.dX, nX, 1e-7, "dX vs central differences, " + c.str());
  ex::check::expect_tensor_near(got.dW, nW, 1e-7, "dW vs central differences, " + c.str());
  ex::check::expect_tensor_near(got.db, nb, 1e-7, "db vs central differences, " + c.str());
}
