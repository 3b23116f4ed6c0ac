// Chapter 4 — numerical evidence for the errata of §4.2.1–4.2.2 (Eqs. (34)–(43)), see the
// errata page. Each draft formula is implemented literally and compared with the corrected
// one and with central differences; the measured numbers go to ch04_errata.facts for the page.
// Exits with 1 if a corrected form fails its check.
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include "nn/tools/cli.hpp"
#include "nn/conv2d.hpp"
#include "nn/finite_difference.hpp"
#include "nn/output_size.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/plot.hpp"
#include "nn/tools/table.hpp"

namespace {

using T4 = nn::Tensor<double>;

const double kPass = 1e-7;  // a correct gradient in double (the tests' threshold)

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

// Every H × W plane of a rank-4 tensor turned by 180°: rot(A)(j, i) = A(H−1−j, W−1−i).
T4 rot180(const T4& A) {
  T4 B(A.shape());
  const std::size_t H = A.dim(2), W = A.dim(3);
  for (std::size_t n = 0; n < A.dim(0); ++n)
    for (std::size_t c = 0; c < A.dim(1); ++c)
      for (std::size_t j = 0; j < H; ++j)
        for (std::size_t i = 0; i < W; ++i) B(n, c, j, i) = A(n, c, H - 1 - j, W - 1 - i);
  return B;
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

//! [draft42]
// Eq. (42) for one example (s = 1, p = 0, square kernels), with ∗ the cross-correlation of
// Eq. (39): in A ∗ K the window K slides over A. Channel c of δ^(l) sums over c', so both
// operands get c' as their channel and nn::conv2d_forward_naive() (Eq. (39) itself) does the sum.
//   draft:   rot(W) zero-padded, δ slides over it:  pad_{H'−1}(rot W_{c',c}) ∗ δ_{c'}
//   correct: δ zero-padded, rot(W) slides over it:   pad_{k−1}(δ_{c'}) ∗ rot W_{c',c}
T4 eq42(const T4& dY, const T4& W, bool draft_order) {
  const std::size_t Cp = W.dim(0), C = W.dim(1), kH = W.dim(2), kW = W.dim(3);
  const std::size_t Ho = dY.dim(2), Wo = dY.dim(3);
  T4 dX(nn::Shape{1, C, Ho + kH - 1, Wo + kW - 1});
  const T4 zero(nn::Shape{1});
  for (std::size_t c = 0; c < C; ++c) {
    T4 rotW(nn::Shape{1, Cp, kH, kW});  // rot(W_{c',c}) for every c', as channels c'
    for (std::size_t cp = 0; cp < Cp; ++cp)
      for (std::size_t j = 0; j < kH; ++j)
        for (std::size_t i = 0; i < kW; ++i) rotW(0, cp, j, i) = W(cp, c, kH - 1 - j, kW - 1 - i);
    const T4 plane = draft_order ? nn::conv2d_forward_naive(rotW, dY, zero, nn::ConvSpec{1, Ho - 1})
                                 : nn::conv2d_forward_naive(dY, rotW, zero, nn::ConvSpec{1, kH - 1});
    for (std::size_t h = 0; h < dX.dim(2); ++h)
      for (std::size_t w = 0; w < dX.dim(3); ++w) dX(0, c, h, w) = plane(0, 0, h, w);
  }
  return dX;
}
//! [draft42]

int run(const nn::ChapterArgs& args) {
  std::mt19937_64 rng(args.seed);
  std::uniform_real_distribution<double> u(-1, 1);
  auto random = [&](const nn::Shape& s) {
    T4 t(s);
    for (auto& v : t) v = u(rng);
    return t;
  };
  std::ostringstream os;
  nn::Facts facts("ch04_errata");
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
    T4 corner(correct.shape());  // the top-left 3×3 of the stride-1 output
    for (std::size_t h = 0; h < 3; ++h)
      for (std::size_t w = 0; w < 3; ++w) corner(0, 0, h, w) = stride1(0, 0, h, w);
    const double to_strided = max_abs(draft, correct), to_corner = max_abs(draft, corner);
    facts.set("eq39_diff_to_strided", to_strided, "%.1f").set("eq39_diff_to_stride1_corner", to_corner, "%.0f");
    os << "Eq. (39) with stride s = 2 on a 7×7 input and a 3×3 kernel (output 3×3):\n"
       << "  corrected  Y(h',w') = Σ X(2h'+j, 2w'+i) W(j,i):  Y(1,1) = " << correct(0, 0, 1, 1) << "\n"
       << "  draft      Y(h',w') = Σ X(h'+j,  w'+i)  W(j,i):  Y(1,1) = " << draft(0, 0, 1, 1) << "\n"
       << "  max |draft − corrected| over the 3×3 output = " << to_strided
       << " — the draft computes the top-left 3×3 of the stride-1 output (max diff to it " << to_corner
       << "), not a strided convolution.\n\n";
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
      t.row(s, "h - h'", e_draft, e_draft <= kPass ? "right" : "WRONG");
      t.row(s, "h - s*h'", e_fixed, e_fixed <= kPass ? "right" : "WRONG");
      const std::string at = "_s" + std::to_string(s);
      facts.set("eq41_draft" + at, e_draft, s == 1 ? "%.0e" : "%.1f").set("eq41_fixed" + at, e_fixed, "%.0e");
      ok = ok && e_fixed <= kPass;
    }
    os << "Eq. (41): δ^(l)(h,w) = Σ W(c',c, h − h', w − w') δ^(l+1)(h',w') is the gradient only for s = 1;\n"
       << "in general the kernel index is (h − s·h', w − s·w') (equivalently: dilate δ before Eq. (42)).\n"
       << "(The loss Σ G ⊙ Y is linear in X, so central differences with h = 1e-3 are exact up to round-off.)\n"
       << t.str() << "\n";
  }

  // (42): which operand slides over which. ∗ is Eq. (39)'s cross-correlation.
  {
    const nn::ConvSpec spec{1, 0};
    const T4 X = random(nn::Shape{1, 2, 6, 6}), W = random(nn::Shape{3, 2, 3, 3}), b = random(nn::Shape{3});
    const T4 G = random(nn::conv2d_output_shape(X.shape(), W.shape(), spec));  // δ^(l+1), 4×4
    const T4 numeric = nn::numerical_gradient([&](const T4& x) { return dot(G, nn::conv2d_forward_naive(x, W, b, spec)); }, X, 1e-3);
    const T4 draft = eq42(G, W, true), correct = eq42(G, W, false);
    const T4 library = nn::conv2d_backward_naive(G, X, W, spec).dX;
    const double e_draft = nn::compare_gradients(draft, numeric).max_relative_error;
    const double e_draft_rot = nn::compare_gradients(rot180(draft), numeric).max_relative_error;
    const double e_correct = nn::compare_gradients(correct, numeric).max_relative_error;
    const double to_rot = max_abs(draft, rot180(library)), to_library = max_abs(correct, library);
    nn::Table t({{"Eq. (42), s = 1, p = 0, 6×6 input, 3×3 kernels", "%-50s"}, {"dX rel. error vs central", "%24.2e"}});
    t.row(std::string("draft: pad rot(W), slide δ over it"), e_draft);
    t.row(std::string("the same, turned by 180°"), e_draft_rot);
    t.row(std::string("correct: pad δ by k − 1, slide rot(W) over it"), e_correct);
    facts.set("eq42_draft", e_draft, "%.1f").set("eq42_draft_turned", e_draft_rot, "%.0e")
        .set("eq42_correct", e_correct, "%.0e").set("eq42_draft_vs_rotated_gradient", to_rot, "%.1g")
        .set("eq42_correct_vs_library", to_library, "%.1g");
    ok = ok && e_correct <= kPass && e_draft_rot <= kPass;
    os << "Eq. (42): \"the rotated weight must be zero-padded\" and δ slides over it. With ∗ the cross-correlation\n"
       << "of Eq. (39) (the second operand slides over the first), pad(rot W) ∗ δ is the gradient turned by 180°\n"
       << "(max |draft − rot180(dX)| = " << to_rot << "); the gradient is pad_{k−1}(δ) ∗ rot W (max |that − library| = "
       << to_library << ").\n" << t.str() << "\n";
  }

  // (43): the 1/R is a convention; the sum over c' is a slip.
  {
    const std::size_t R = 4;
    const nn::ConvSpec spec{1, 1};
    const T4 X = random(nn::Shape{R, 2, 6, 6}), W = random(nn::Shape{3, 2, 3, 3}), b = random(nn::Shape{3});
    const T4 G = random(nn::conv2d_output_shape(X.shape(), W.shape(), spec));
    // The mean loss L = (1/R) Σ_r Σ G_r ⊙ Y_r, whose kernel gradient both conventions compute;
    // its δ is G/R (the project's convention), the summed loss's δ is G (the draft's reading).
    const T4 numeric = nn::numerical_gradient([&](const T4& w) { return dot(G, nn::conv2d_forward_naive(X, w, b, spec)) / double(R); }, W, 1e-3);
    const T4 dW_mean_delta = nn::conv2d_backward_naive((1.0 / double(R)) * G, X, W, spec).dW;  // Σ, δ of the mean
    const T4 dW_sum_delta = nn::conv2d_backward_naive(G, X, W, spec).dW;                        // Σ, δ of the sum
    const T4 draft = (1.0 / double(R)) * dW_sum_delta;     // Eq. (43): (1/R) Σ, δ of the summed loss
    const T4 mixed = (1.0 / double(R)) * dW_mean_delta;    // the draft's 1/R on the project's δ
    T4 sum_cp(draft.shape());                              // Eq. (43) also sums over c', which the left side fixes
    for (std::size_t cp = 0; cp < 3; ++cp)
      for (std::size_t k = 0; k < 18; ++k)
        for (std::size_t q = 0; q < 3; ++q) sum_cp[cp * 18 + k] += draft[q * 18 + k];
    nn::Table t({{"∂L/∂W of the mean loss, R = 4", "%-52s"}, {"rel. error vs central", "%21.2e"}});
    const double e_ours = nn::compare_gradients(dW_mean_delta, numeric).max_relative_error;
    const double e_draft = nn::compare_gradients(draft, numeric).max_relative_error;
    const double e_mixed = nn::compare_gradients(mixed, numeric).max_relative_error;
    const double e_sum_cp = nn::compare_gradients(sum_cp, numeric).max_relative_error;
    t.row(std::string("ours: δ of the mean loss, Σ_r (no 1/R)"), e_ours);
    t.row(std::string("draft: δ of the summed loss, (1/R) Σ_r"), e_draft);
    t.row(std::string("mixed: δ of the mean loss and the draft's 1/R"), e_mixed);
    t.row(std::string("draft's extra Σ_c' (δ of the summed loss, 1/R)"), e_sum_cp);
    facts.set("eq43_ours", e_ours, "%.0e").set("eq43_draft", e_draft, "%.0e").set("eq43_mixed", e_mixed, "%.2f")
        .set("eq43_sum_cp", e_sum_cp, "%.1f").set("eq43_batch", R, "%d");
    ok = ok && e_ours <= kPass && e_draft <= kPass;
    os << "Eq. (43), R = " << R << ". Two conventions give the gradient of the mean loss: δ^(l+1) of the mean loss\n"
       << "and no 1/R (ours), or δ^(l+1) of the summed loss and the draft's 1/R. Only mixing them (the 1/R on a δ that\n"
       << "already holds it) is off, by the factor R (rel. error 1 − 1/R). The sum over c' is a slip either way.\n"
       << t.str();
  }
  std::cout << os.str();
  const auto txt = args.out / "ch04_errata.txt";
  nn::write_file_atomically(txt, nn::wrap_text(os.str()));
  nn::report_written(txt);
  nn::report_written(facts.save(args.out));
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "errata of §4.2.1-4.2.2 (Eqs. (34)-(43)) shown with numbers", run);
}
