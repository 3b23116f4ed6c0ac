// Chapter 4 — numerical evidence for the errata of §4.2.1–4.2.2 (Eqs. (34)–(43)), see the
// errata page. Each draft formula is implemented literally and compared with the corrected
// one and with central differences. Exits with 1 if a corrected form fails its check.
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include "nn/tools/cli.hpp"
#include "nn/conv2d.hpp"
#include "nn/finite_difference.hpp"
#include "nn/output_size.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

using T4 = nn::Tensor<double>;

double dot(const T4& a, const T4& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double max_abs(const T4& a, const T4& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

//! [draft39]
// The draft's Eq. (39) literally: the window of output (h', w') starts at (h', w') whatever
// the stride — Eqs. (37)-(38) define h = s·h' but Eq. (39) does not use it.
T4 draft_eq39(const T4& X, const T4& W, nn::ConvSpec spec) {
  const nn::Shape out = nn::conv2d_output_shape(X.shape(), W.shape(), spec);
  T4 Y(out);
  for (std::size_t r = 0; r < out[0]; ++r)
    for (std::size_t cp = 0; cp < out[1]; ++cp)
      for (std::size_t h = 0; h < out[2]; ++h)
        for (std::size_t w = 0; w < out[3]; ++w)
          for (std::size_t c = 0; c < X.dim(1); ++c)
            for (std::size_t j = 0; j < W.dim(2); ++j)
              for (std::size_t i = 0; i < W.dim(3); ++i) Y(r, cp, h, w) += X(r, c, h + j, w + i) * W(cp, c, j, i);
  return Y;
}
//! [draft39]

//! [eq41]
// Eq. (41) as a sum over (c', h', w') with the kernel index (h − stride·h', w − stride·w'),
// counted only where it lies inside the kernel. The draft writes (h − h', w − w'), i.e. stride 1.
T4 eq41_dX(const T4& X, const T4& W, const T4& dY, std::size_t index_stride) {
  T4 dX(X.shape());
  const auto kH = long(W.dim(2)), kW = long(W.dim(3));
  for (std::size_t r = 0; r < X.dim(0); ++r)
    for (std::size_t c = 0; c < X.dim(1); ++c)
      for (std::size_t h = 0; h < X.dim(2); ++h)
        for (std::size_t w = 0; w < X.dim(3); ++w)
          for (std::size_t cp = 0; cp < W.dim(0); ++cp)
            for (std::size_t ho = 0; ho < dY.dim(2); ++ho)
              for (std::size_t wo = 0; wo < dY.dim(3); ++wo) {
                const long j = long(h) - long(index_stride * ho), i = long(w) - long(index_stride * wo);
                if (j >= 0 && j < kH && i >= 0 && i < kW)
                  dX(r, c, h, w) += W(cp, c, std::size_t(j), std::size_t(i)) * dY(r, cp, ho, wo);
              }
  return dX;
}
//! [eq41]

int run(const nn::ChapterArgs& args) {
  std::mt19937_64 rng(args.seed);
  std::uniform_real_distribution<double> u(-1, 1);
  auto random = [&](const nn::Shape& s) {
    T4 t(s);
    for (auto& v : t) v = u(rng);
    return t;
  };
  std::ostringstream os;
  bool ok = true;

  // (34)-(35): the quotient needs a floor.
  os << "Eqs. (34)-(35): W' = (W − k + 2p)/s + 1 is not an integer when s does not divide W − k + 2p.\n"
     << "  W = 8, k = 3, p = 0, s = 2: the draft's formula gives " << (8.0 - 3.0) / 2.0 + 1.0
     << "; windows start at 0, 2, 4 (a 4th at 6 would need column 8), so W' = floor(2.5) + 1 = "
     << nn::conv_out_size(8, 3, 2, 0) << ".\n\n";

  // (39): the stride is ignored.
  {
    const nn::ConvSpec spec{2, 0};
    const T4 X = random(nn::Shape{1, 1, 7, 7}), W = random(nn::Shape{1, 1, 3, 3});
    const T4 zero(nn::Shape{1});
    const T4 correct = nn::conv2d_forward_naive(X, W, zero, spec);
    const T4 draft = draft_eq39(X, W, spec);
    const T4 stride1 = nn::conv2d_forward_naive(X, W, zero, nn::ConvSpec{1, 0});
    os << "Eq. (39) with stride s = 2 on a 7×7 input and a 3×3 kernel (output 3×3):\n"
       << "  corrected  Y(h',w') = Σ X(2h'+j, 2w'+i) W(j,i):  Y(1,1) = " << correct(0, 0, 1, 1) << "\n"
       << "  draft      Y(h',w') = Σ X(h'+j,  w'+i)  W(j,i):  Y(1,1) = " << draft(0, 0, 1, 1) << "\n"
       << "  max |draft − corrected| over the 3×3 output = " << max_abs(draft, correct)
       << " — the draft computes the top-left 3×3 of the stride-1 output (max diff to it "
       << max_abs(draft, [&] {
            T4 t(correct.shape());
            for (std::size_t h = 0; h < 3; ++h)
              for (std::size_t w = 0; w < 3; ++w) t(0, 0, h, w) = stride1(0, 0, h, w);
            return t;
          }()) << "), not a strided convolution.\n\n";
  }

  // (41): the kernel index h − h' holds only at stride 1.
  {
    nn::Table t({{"stride", "%6d"}, {"kernel index", "%14s"}, {"dX rel. error vs central differences", "%36.2e"}, {"verdict", "%8s"}});
    for (std::size_t s : {1u, 2u}) {
      const nn::ConvSpec spec{s, 0};
      const T4 X = random(nn::Shape{1, 2, 7, 7}), W = random(nn::Shape{2, 2, 3, 3}), b = random(nn::Shape{2});
      const T4 G = random(nn::conv2d_output_shape(X.shape(), W.shape(), spec));
      const T4 numeric = nn::numerical_gradient([&](const T4& x) { return dot(G, nn::conv2d_forward_naive(x, W, b, spec)); }, X, 1e-3);
      const double e_draft = nn::compare_gradients(eq41_dX(X, W, G, 1), numeric).max_relative_error;
      const double e_fixed = nn::compare_gradients(eq41_dX(X, W, G, s), numeric).max_relative_error;
      t.row(s, "h - h'", e_draft, e_draft <= 1e-7 ? "right" : "WRONG");
      t.row(s, "h - s*h'", e_fixed, e_fixed <= 1e-7 ? "right" : "WRONG");
      ok = ok && e_fixed <= 1e-7;
    }
    os << "Eq. (41): δ^(l)(h,w) = Σ W(c',c, h − h', w − w') δ^(l+1)(h',w') is the gradient only for s = 1;\n"
       << "in general the kernel index is (h − s·h', w − s·w') (equivalently: dilate δ before Eq. (42)).\n"
       << t.str() << "\n";
  }

  // (43): the 1/R and the sum over c'.
  {
    const std::size_t R = 4;
    const nn::ConvSpec spec{1, 1};
    const T4 X = random(nn::Shape{R, 2, 6, 6}), W = random(nn::Shape{3, 2, 3, 3}), b = random(nn::Shape{3});
    const T4 G = random(nn::conv2d_output_shape(X.shape(), W.shape(), spec));
    // the batch-mean loss L = (1/R) Σ_r Σ G_r ⊙ Y_r (design notes, "One gradient convention")
    const T4 numeric = nn::numerical_gradient([&](const T4& w) { return dot(G, nn::conv2d_forward_naive(X, w, b, spec)) / double(R); }, W, 1e-3);
    const T4 delta = (1.0 / double(R)) * G;  // δ^(l+1) = ∂L/∂Y already holds the 1/R
    const T4 dW = nn::conv2d_backward_naive(delta, X, W, spec).dW;
    const T4 dW_draft = (1.0 / double(R)) * dW;  // Eq. (43) divides once more
    T4 dW_sum_cp(dW.shape());                    // Eq. (43) also sums over c', which the left side fixes
    for (std::size_t cp = 0; cp < 3; ++cp)
      for (std::size_t k = 0; k < 18; ++k)
        for (std::size_t q = 0; q < 3; ++q) dW_sum_cp[cp * 18 + k] += dW[q * 18 + k];
    nn::Table t({{"kernel gradient", "%-34s"}, {"rel. error vs central differences", "%33.2e"}});
    const double e = nn::compare_gradients(dW, numeric).max_relative_error;
    t.row("corrected (no 1/R)", e);
    t.row("draft: with 1/R (R = 4)", nn::compare_gradients(dW_draft, numeric).max_relative_error);
    t.row("draft: also summed over c'", nn::compare_gradients(dW_sum_cp, numeric).max_relative_error);
    ok = ok && e <= 1e-7;
    os << "Eq. (43) with the batch-mean loss, R = " << R << ": the mean is already in δ^(l+1) = ∂L/∂X^(l+1);\n"
       << "the draft's extra 1/R makes the gradient R times too small (rel. error 1 − 1/R = " << 1.0 - 1.0 / double(R)
       << "),\nand its sum over c' adds the other kernels' gradients.\n"
       << t.str();
  }
  std::cout << os.str();
  const auto txt = args.out / "ch04_errata.txt";
  nn::write_file_atomically(txt, os.str());
  nn::report_written(txt);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "errata of §4.2.1-4.2.2 (Eqs. (34)-(43)) shown with numbers", run);
}
