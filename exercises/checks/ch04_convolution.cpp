// Checks of the §4.2.1–4.2.2 exercises: the convolution forward pass (Eqs. (34)–(39)), im2row,
// row2im (its adjoint) and the backward pass (Eqs. (40)–(43)). Every check runs on one table of
// geometries: a base case (R = C = C′ = 1, stride 1, no padding, but H ≠ W and a kernel that is
// neither square nor symmetric), then cases that add one property each (R > 1, C > 1, C′ > 1,
// a square input, stride 2, the floor of Eq. (34) dropping a row, padding 1 and 2), then cases
// that combine them. The tags of a case are computed from its own numbers, so that the pattern
// of failing cases names the property at fault. Truth: the library to 1e-12, Figure 6 by hand,
// and, for the backward pass, central differences.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"
#include "ex/ch04_convolution.hpp"
#include "nn/conv2d.hpp"
#include "nn/finite_difference.hpp"
#include "nn/output_size.hpp"

namespace {

using ex::check::Answer;

// One geometry of Eq. (39): X (R, C, H, W), kernels (C′, C, kH, kW), stride s, padding p.
struct Geometry {
  std::size_t R, C, H, W, Cp, kH, kW, s, p;
  std::size_t Ho() const { return nn::conv_out_size(H, kH, s, p); }  // Eq. (34)
  std::size_t Wo() const { return nn::conv_out_size(W, kW, s, p); }  // Eq. (35)
  nn::ConvSpec spec() const { return nn::ConvSpec{s, p}; }
  nn::Shape x_shape() const { return nn::Shape{R, C, H, W}; }
};

const Geometry kGeometries[] = {
    // R  C  H  W  C′ kH kW s  p
    {1, 1, 6, 7, 1, 3, 2, 1, 0},  // base: one channel, stride 1, no padding; H ≠ W, kH ≠ kW
    {1, 1, 6, 6, 1, 3, 3, 1, 0},  // square input and kernel
    {2, 1, 6, 7, 1, 3, 2, 1, 0},  // + a batch
    {1, 2, 6, 7, 2, 3, 2, 1, 0},  // + input channels, C = C′
    {1, 1, 6, 7, 3, 3, 2, 1, 0},  // + output channels only (C ≠ C′)
    {1, 3, 6, 7, 1, 3, 2, 1, 0},  // + input channels only (C ≠ C′)
    {1, 1, 7, 8, 1, 3, 2, 2, 0},  // + stride 2, the windows cover X exactly
    {1, 1, 8, 8, 1, 3, 2, 2, 0},  // + stride 2, the floor of Eq. (34) drops the last row
    {1, 2, 6, 8, 2, 2, 2, 2, 0},  // + stride 2 = kH = kW: windows that tile X without overlap
    {1, 1, 6, 7, 1, 3, 2, 1, 1},  // + padding 1
    {1, 1, 5, 4, 1, 2, 3, 1, 2},  // + padding 2, kH < kW
    {2, 3, 7, 9, 2, 3, 2, 2, 1},  // combined
    {3, 2, 9, 8, 4, 2, 3, 3, 2},  // combined, stride 3 ≥ k: no overlap
    {2, 2, 8, 7, 3, 3, 3, 2, 1},  // combined, square kernel
};

// The tags every exercise of this file shares, computed from the geometry.
const char* const kBatch = "R > 1";
const char* const kChannels = "C > 1";
const char* const kKernels = "C′ > 1";
const char* const kCneCp = "C ≠ C′";
const char* const kStride = "stride > 1";
const char* const kPad = "padding > 0";
const char* const kHneW = "H ≠ W";
const char* const kKhneKw = "kH ≠ kW";
const char* const kOutNonSquare = "H′ ≠ W′";
const char* const kFloor = "the floor of Eq. (34) drops a row or column";
const char* const kOverlap = "windows overlap (s < kH or s < kW)";
const char* const kBias = "b ≠ 0";
const char* const kAsymmetric = "kernel ≠ its 180° rotation";
const char* const kVaried = "a kernel of unequal entries";

std::vector<std::string> geometry_tags(const Geometry& g, bool kernels) {
  std::vector<std::string> t;
  if (g.R > 1) t.push_back(kBatch);
  if (g.C > 1) t.push_back(kChannels);
  if (kernels && g.Cp > 1) t.push_back(kKernels);
  if (kernels && g.C != g.Cp) t.push_back(kCneCp);
  if (g.s > 1) t.push_back(kStride);
  if (g.p > 0) t.push_back(kPad);
  if (g.H != g.W) t.push_back(kHneW);
  if (g.kH != g.kW) t.push_back(kKhneKw);
  if (g.Ho() != g.Wo()) t.push_back(kOutNonSquare);
  if ((g.H + 2 * g.p - g.kH) % g.s != 0 || (g.W + 2 * g.p - g.kW) % g.s != 0) t.push_back(kFloor);
  if (g.s < g.kH || g.s < g.kW) t.push_back(kOverlap);
  return t;
}

std::string n(std::size_t v) { return std::to_string(v); }

// "R=2, C=3 → C′=2, X 7×9, kernel 3×2, stride 2, padding 1 (H′×W′ = 4×5)", every parameter.
std::string geometry_label(const Geometry& g, bool kernels) {
  return "R=" + n(g.R) + ", C=" + n(g.C) + (kernels ? " → C′=" + n(g.Cp) : "") + ", X " + n(g.H) + "×" + n(g.W) +
         (kernels ? ", kernel " : ", window ") + n(g.kH) + "×" + n(g.kW) + ", stride " + n(g.s) + ", padding " +
         n(g.p) + " (H′×W′ = " + n(g.Ho()) + "×" + n(g.Wo()) + ")";
}

// Uniform in [−1, 1]: both signs, and a kernel that is not symmetric.
nn::Tensor<double> random_tensor(const nn::Shape& shape, std::uint64_t seed) {
  return ex::check::uniform_tensor(shape, -1, 1, seed);
}

bool asymmetric(const nn::Tensor<double>& W) {
  for (std::size_t cp = 0; cp < W.dim(0); ++cp)
    for (std::size_t c = 0; c < W.dim(1); ++c)
      for (std::size_t j = 0; j < W.dim(2); ++j)
        for (std::size_t i = 0; i < W.dim(3); ++i)
          if (W(cp, c, j, i) != W(cp, c, W.dim(2) - 1 - j, W.dim(3) - 1 - i)) return true;
  return false;
}

bool constant(const nn::Tensor<double>& W) {
  for (double v : W)
    if (v != W[0]) return false;
  return true;
}

// W + rot180(W): a kernel equal to its 180° rotation, but not to its transpose.
void symmetrize(nn::Tensor<double>& W) {
  const auto W0 = W;
  for (std::size_t cp = 0; cp < W.dim(0); ++cp)
    for (std::size_t c = 0; c < W.dim(1); ++c)
      for (std::size_t j = 0; j < W.dim(2); ++j)
        for (std::size_t i = 0; i < W.dim(3); ++i)
          W(cp, c, j, i) = W0(cp, c, j, i) + W0(cp, c, W.dim(2) - 1 - j, W.dim(3) - 1 - i);
}

bool nonzero(const nn::Tensor<double>& b) {
  for (double v : b)
    if (v != 0) return true;
  return false;
}

double dot(const nn::Tensor<double>& a, const nn::Tensor<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// The inputs of one convolution case. The base case has b = 0 so that a forgotten bias and a
// rotated kernel fail different sets of cases.
struct ConvInputs {
  nn::Tensor<double> X, W, b, dY;
};

ConvInputs conv_inputs(const Geometry& g, std::uint64_t seed, bool zero_bias) {
  ConvInputs in{random_tensor(g.x_shape(), seed), random_tensor(nn::Shape{g.Cp, g.C, g.kH, g.kW}, seed + 1000),
                random_tensor(nn::Shape{g.Cp}, seed + 2000), random_tensor(nn::Shape{g.R, g.Cp, g.Ho(), g.Wo()}, seed + 3000)};
  if (zero_bias) in.b.fill(0);
  return in;
}

std::vector<std::string> conv_tags(const Geometry& g, const ConvInputs& in, bool with_bias) {
  auto t = geometry_tags(g, true);
  if (with_bias && nonzero(in.b)) t.push_back(kBias);
  if (asymmetric(in.W)) t.push_back(kAsymmetric);
  if (!constant(in.W)) t.push_back(kVaried);
  return t;
}

// Hints for the tags that the forward pass and im2row share.
template <class Checker>
void geometry_hints(Checker& check) {
  check.tag(kStride, "the window of output (h′, w′) starts at (s·h′, s·w′) of X̃ (Eqs. (37)–(38)); the draft's Eq. (39) "
                     "forgets the s");
  check.tag(kPad, "X̃ has p zeros on every side, top and bottom, left and right: X̃(hp, wp) = X(hp − p, wp − p) inside "
                  "and 0 in the padding, and H′ = ⌊(H + 2p − kH)/s⌋ + 1 (Eq. (34))");
  check.tag(kHneW, "h and kH belong to H = X.dim(2), w and kW to W = X.dim(3): check that no loop bound or index "
                   "takes the other one");
  check.tag(kKhneKw, "j runs over the kH kernel rows and goes with h, i over the kW columns and goes with w");
  check.tag(kOutNonSquare, "H′ comes from H and kH (Eq. (34)), W′ from W and kW (Eq. (35)); the output pixel (h′, w′) "
                           "is row h′, column w′");
  check.tag(kFloor, "when H + 2p − kH is not a multiple of s, Eq. (34) rounds down and the last rows of X̃ are in no "
                    "window: use nn::conv_out_size, and let h′ run to H′ − 1 only");
  check.tag(kBatch, "the batch index r must run over all R examples, the same r in the input and the output");
  check.tag(kChannels, "every input channel c = 0 … C − 1 contributes: it is summed over in Eq. (39) and has "
                       "columns c·kH·kW … (c + 1)·kH·kW − 1 in im2row");
}

}  // namespace

NN_EXERCISE_CHECK(conv2d_forward_naive, "4.2.1a", "Eqs. (34)–(39)",
                  "Y(r,c',h',w') = Σ_c Σ_j Σ_i X̃(r, c, s·h'+j, s·w'+i)·W(c',c,j,i) + b(c'): windows start s apart "
                  "(Eqs. (37)-(38)), j runs over all kH rows and i over all kW columns, X̃ has p zeros on every side") {
  using Fn = decltype(&ex::conv2d_forward_naive);
  check.part("Y", "Eq. (39)", "Y(r,c′,h′,w′) = Σ_c Σ_j Σ_i X̃(r,c,s·h′+j,s·w′+i)·W(c′,c,j,i) + b(c′)");
  geometry_hints(check);
  check.tag(kKernels, "every output channel c′ has its own kernel W(c′, ·, ·, ·) and its own bias b(c′)");
  check.tag(kCneCp, "C (X.dim(1) = W.dim(1)) and C′ (W.dim(0)) are different numbers here: check which loop runs to "
                    "which, and that Y has C′ channels");
  check.tag(kChannels, "Eq. (39) sums over every input channel c = 0 … C − 1 into the same Y(r, c′, h′, w′): start the "
                       "sum once, before the loop over c");
  check.tag(kBias, "add b(c′) once to every output of channel c′ (the cases with b = 0 pass without it)");
  check.tag(kVaried, "every kernel entry W(c′, c, j, i) multiplies its own input X̃(r, c, s·h′ + j, s·w′ + i): j goes "
                     "with the rows (h′, kH), i with the columns (w′, kW); a kernel of ones, as in Figure 6, hides a mix-up");
  check.tag(kAsymmetric, "Eq. (39) is a cross-correlation: W(c′, c, j, i) multiplies X̃(…, s·h′ + j, s·w′ + i), with "
                         "the kernel as it is, not rotated");

  // Figure 6: X(h, w) = 6h + w, a 3×3 kernel of ones, b = 0: each output is 9 × its window's centre.
  {
    nn::Tensor<double> X6(nn::Shape{1, 1, 6, 6});
    for (std::size_t i = 0; i < 36; ++i) X6[i] = double(i);
    nn::Tensor<double> Y6(nn::Shape{1, 1, 4, 4});
    for (std::size_t h = 0; h < 4; ++h)
      for (std::size_t w = 0; w < 4; ++w) Y6(0, 0, h, w) = 9.0 * double(6 * (h + 1) + w + 1);
    check.add({"Figure 6: R=1, C=1 → C′=1, X 6×6 with X(h, w) = 6h + w, kernel 3×3 of ones, b = 0, stride 1, "
               "padding 0 (H′×W′ = 4×4)",
               geometry_tags(Geometry{1, 1, 6, 6, 1, 3, 3, 1, 0}, true),
               [X6](Fn f) {
                 return Answer{{"Y", f(X6, nn::Tensor<double>(nn::Shape{1, 1, 3, 3}, 1.0), nn::Tensor<double>(nn::Shape{1}),
                                       nn::ConvSpec{1, 0})}};
               },
               [Y6] { return Answer{{"Y", Y6}}; }, 1e-12, "Figure 6 by hand (9 × the window's centre)"});
  }
  std::uint64_t seed = 1;
  for (const auto& g : kGeometries) {
    const bool zero_bias = &g == &kGeometries[0];
    const auto in = conv_inputs(g, seed++, zero_bias);
    const auto spec = g.spec();
    check.add({geometry_label(g, true) + (zero_bias ? ", b = 0" : ", b random"), conv_tags(g, in, true),
               [in, spec](Fn f) { return Answer{{"Y", f(in.X, in.W, in.b, spec)}}; },
               [in, spec] { return Answer{{"Y", nn::conv2d_forward_naive(in.X, in.W, in.b, spec)}}; }, 1e-12,
               "nn::conv2d_forward_naive"});
  }
  // The base geometry with a kernel equal to its 180° rotation (but not to its transpose), so that
  // a rotated kernel fails exactly the cases tagged "kernel ≠ its 180° rotation".
  {
    const Geometry& g = kGeometries[0];
    auto in = conv_inputs(g, seed++, false);
    symmetrize(in.W);
    const auto spec = g.spec();
    check.add({geometry_label(g, true) + ", kernel W = rot180(W), b random", conv_tags(g, in, true),
               [in, spec](Fn f) { return Answer{{"Y", f(in.X, in.W, in.b, spec)}}; },
               [in, spec] { return Answer{{"Y", nn::conv2d_forward_naive(in.X, in.W, in.b, spec)}}; }, 1e-12,
               "nn::conv2d_forward_naive"});
  }
}

NN_EXERCISE_CHECK(im2row, "4.2.1b", "Eq. (39) as a matrix product",
                  "row (r·H'+h')·W'+w', column (c·kH+j)·kW+i holds X̃(r, c, s·h'+j, s·w'+i) — the padded input, "
                  "so X(r, c, s·h'+j−p, s·w'+i−p) inside and 0 in the padding") {
  using Fn = decltype(&ex::im2row);
  check.part("rows", "im2row, Eq. (39)",
             "row (r·H′ + h′)·W′ + w′ is the window of output pixel (h′, w′); column (c·kH + j)·kW + i holds "
             "X̃(r, c, s·h′ + j, s·w′ + i)");
  geometry_hints(check);
  check.tag(kChannels, "the columns run channel by channel: column (c·kH + j)·kW + i, so that they follow the "
                       "row-major order of one kernel W(c′, ·, ·, ·)");
  check.tag(kOutNonSquare, "the rows run over output pixels row by row: row (r·H′ + h′)·W′ + w′, w′ fastest");

  // By hand: X = [[1,2,3],[4,5,6],[7,8,9]], 2×2 windows: rows are the four windows, row-major.
  check.add({"by hand: R=1, C=1, X 3×3 = [[1,2,3],[4,5,6],[7,8,9]], window 2×2, stride 1, padding 0 (H′×W′ = 2×2)",
             geometry_tags(Geometry{1, 1, 3, 3, 1, 2, 2, 1, 0}, false),
             [](Fn f) {
               const nn::Tensor<double> X(nn::Shape{1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
               return Answer{{"rows", f(X, 2, 2, nn::ConvSpec{1, 0})}};
             },
             [] {
               return Answer{{"rows", nn::Tensor<double>(nn::Shape{4, 4}, {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9})}};
             },
             0, "the four windows by hand"});
  std::uint64_t seed = 100;
  for (const auto& g : kGeometries) {
    if (g.C == 1 && g.Cp > 1) continue;  // differs from the base case only in C′, which im2row does not see
    const auto X = random_tensor(g.x_shape(), seed++);
    const std::size_t kH = g.kH, kW = g.kW;
    const auto spec = g.spec();
    check.add({geometry_label(g, false), geometry_tags(g, false),
               [X, kH, kW, spec](Fn f) { return Answer{{"rows", f(X, kH, kW, spec)}}; },
               [X, kH, kW, spec] { return Answer{{"rows", nn::im2row(X, kH, kW, spec)}}; }, 0, "nn::im2row"});
  }
}

NN_EXERCISE_CHECK(row2im, "4.2.1c", "Eq. (42), the adjoint of im2row",
                  "row2im adds every entry of row (r·H'+h')·W'+w', column (c·kH+j)·kW+i onto X(r, c, s·h'+j−p, "
                  "s·w'+i−p): += so that overlapping windows add, and nothing for entries from the padding") {
  using Fn = decltype(&ex::row2im);
  check.part("row2im(M)", "the adjoint of im2row",
             "X(r, c, s·h′ + j − p, s·w′ + i − p) += M((r·H′ + h′)·W′ + w′, (c·kH + j)·kW + i), skipping the padding");
  check.part("⟨X, row2im(M)⟩", "⟨im2row(X), M⟩ = ⟨X, row2im(M)⟩",
             "row2im must put every entry of M exactly where im2row took it from, and add overlapping ones");
  check.tag(kOverlap, "when s < k a pixel lies in several windows and appears in several rows: its entry is the *sum* "
                      "of all of them (+=, not =, and no averaging: row2im is the adjoint of im2row, not its inverse)");
  check.tag(kStride, "the entry (h′, j) goes back to row s·h′ + j of X̃, the row im2row took it from");
  check.tag(kPad, "an entry from row hp of X̃ belongs to X row hp − p; entries with hp < p or hp − p ≥ H came from the "
                  "padding and are dropped");
  check.tag(kFloor, "rows of X that no window covers get 0");
  check.tag(kChannels, "column (c·kH + j)·kW + i belongs to channel c");
  check.tag(kBatch, "row (r·H′ + h′)·W′ + w′ belongs to example r");
  check.tag(kKhneKw, "column (c·kH + j)·kW + i: j (kernel row, with h) is the slower index, i (kernel column) the faster");
  check.tag(kHneW, "h and kH belong to H = x_shape[2], w and kW to W = x_shape[3]");

  std::uint64_t seed = 200;
  std::vector<Geometry> used;
  for (const auto& g : kGeometries) {
    if (g.C == 1 && g.Cp > 1) continue;  // differs from the base case only in C′
    used.push_back(g);
    const auto M = random_tensor(nn::Shape{g.R * g.Ho() * g.Wo(), g.C * g.kH * g.kW}, seed++);
    const auto xs = g.x_shape();
    const std::size_t kH = g.kH, kW = g.kW;
    const auto spec = g.spec();
    check.add({geometry_label(g, false) + ", M random", geometry_tags(g, false),
               [M, xs, kH, kW, spec](Fn f) { return Answer{{"row2im(M)", f(M, xs, kH, kW, spec)}}; },
               [M, xs, kH, kW, spec] { return Answer{{"row2im(M)", nn::row2im(M, xs, kH, kW, spec)}}; }, 1e-12,
               "nn::row2im"});
  }
  // The adjoint identity, against the library's im2row only: ⟨im2row(X), M⟩ = ⟨X, row2im(M)⟩.
  // A sum of ≈ 500 products of order one: round-off ≈ 1e-14, so 1e-12 is far below any mistake.
  for (const std::size_t k : {11u, 13u}) {
    const Geometry& g = kGeometries[k];
    const auto X = random_tensor(g.x_shape(), seed++);
    const auto M = random_tensor(nn::Shape{g.R * g.Ho() * g.Wo(), g.C * g.kH * g.kW}, seed++);
    const std::size_t kH = g.kH, kW = g.kW;
    const auto spec = g.spec();
    check.add({"adjoint identity: " + geometry_label(g, false) + ", X and M random", geometry_tags(g, false),
               [X, M, kH, kW, spec](Fn f) {
                 return Answer{ex::check::scalar("⟨X, row2im(M)⟩", dot(X, f(M, X.shape(), kH, kW, spec)))};
               },
               [X, M, kH, kW, spec] {
                 return Answer{ex::check::scalar("⟨X, row2im(M)⟩", dot(nn::im2row(X, kH, kW, spec), M))};
               },
               1e-12, "⟨im2row(X), M⟩ with nn::im2row"});
  }
}

NN_EXERCISE_CHECK(conv2d_backward, "4.2.2a", "Eqs. (40)–(43)",
                  "dX: dilate δ by s, pad it by k−1, convolve with the kernels rotated by 180° (Eq. (42)), crop p; "
                  "dW(c',c,j,i) = Σ_r,h',w' X̃(r,c,s·h'+j,s·w'+i)·δ(r,c',h',w') with no 1/R; db(c') = Σ_r,h',w' δ") {
  using Fn = decltype(&ex::conv2d_backward);
  check.part("dX", "Eq. (42)",
             "the full convolution of the dilated δ with the 180°-rotated kernels, summed over c′, cropped by p");
  check.part("dW", "Eq. (43), without 1/R", "dW(c′,c,j,i) = Σ_r Σ_h′ Σ_w′ X̃(r,c,s·h′+j,s·w′+i)·δ(r,c′,h′,w′)");
  check.part("db", "db = Σ_r Σ_h′ Σ_w′ δ", "db(c′) sums δ(r, c′, h′, w′) over every example and every position");
  check.tag(kBatch, "dW and db sum over every example r, with no 1/R (the loss already holds the batch mean); dX(r, …) "
                    "takes δ(r, …) of its own example");
  check.tag(kChannels, "dX(r, c, …) reads the kernel slice W(c′, c, ·, ·) of its own input channel c, and dW(c′, c, …) "
                       "the input channel X̃(·, c, ·, ·)");
  check.tag(kKernels, "dX sums over every kernel c′; db(c′) and dW(c′, …) take δ(·, c′, ·, ·) of their own kernel");
  check.tag(kCneCp, "C (X.dim(1)) and C′ (W.dim(0) = δ.dim(1)) are different numbers here: check which loop runs to "
                    "which");
  check.tag(kStride, "with stride s, δ is dilated (s − 1 zeros between its elements) before the full convolution of "
                     "Eq. (42), and Eq. (43) reads X̃ at s·h′ + j, as the forward pass did");
  check.tag(kPad, "the full convolution gives the gradient of the padded X̃; crop p on every side: dX(h, w) = dX̃(h + p, "
                  "w + p), of shape (R, C, H, W)");
  check.tag(kFloor, "the rows of X that no window covered get dX = 0 and add nothing to dW");
  check.tag(kOverlap, "a pixel read by several windows gets the sum of all their contributions");
  check.tag(kVaried, "dX(r, c, h, w) = Σ δ(r, c′, h′, w′)·W(c′, c, h + p − s·h′, w + p − s·w′) over the windows that "
                     "read it: the kernel row follows h, the column follows w");
  check.tag(kAsymmetric, "Eq. (42) uses the kernel rotated by 180°: rot(W)(c′, c, j, i) = W(c′, c, kH−1−j, kW−1−i)");
  check.tag(kHneW, "h belongs to H = X.dim(2), w to W = X.dim(3)");
  check.tag(kKhneKw, "j runs over the kH kernel rows (with h), i over the kW columns (with w)");
  check.tag(kOutNonSquare, "δ has shape (R, C′, H′, W′): h′ runs to H′, w′ to W′");

  std::uint64_t seed = 300;
  for (const auto& g : kGeometries) {
    const auto in = conv_inputs(g, seed++, false);
    const auto spec = g.spec();
    check.add({geometry_label(g, true) + ", δ random", conv_tags(g, in, false),
               [in, spec](Fn f) {
                 const auto got = f(in.dY, in.X, in.W, spec);
                 return Answer{{"dX", got.dX}, {"dW", got.dW}, {"db", got.db}};
               },
               [in, spec] {
                 const auto want = nn::conv2d_backward_naive(in.dY, in.X, in.W, spec);
                 return Answer{{"dX", want.dX}, {"dW", want.dW}, {"db", want.db}};
               },
               1e-12, "nn::conv2d_backward_naive"});
  }
  // The base geometry with a kernel equal to its 180° rotation, so that a missing rotation in
  // Eq. (42) fails exactly the other cases.
  {
    const Geometry& g = kGeometries[0];
    auto in = conv_inputs(g, seed++, false);
    symmetrize(in.W);
    const auto spec = g.spec();
    check.add({geometry_label(g, true) + ", kernel W = rot180(W), δ random", conv_tags(g, in, false),
               [in, spec](Fn f) {
                 const auto got = f(in.dY, in.X, in.W, spec);
                 return Answer{{"dX", got.dX}, {"dW", got.dW}, {"db", got.db}};
               },
               [in, spec] {
                 const auto want = nn::conv2d_backward_naive(in.dY, in.X, in.W, spec);
                 return Answer{{"dX", want.dX}, {"dW", want.dW}, {"db", want.db}};
               },
               1e-12, "nn::conv2d_backward_naive"});
  }
  // Independent of the library's backward pass: central differences of L = Σ δ ⊙ Y, Y by
  // nn::conv2d_forward_naive. L is linear in X, W and b, so the quotient has no truncation
  // error, only round-off ≈ 1e-16·|L|/h ≈ 1e-12 with h = 1e-3; 1e-7 is far below any real mistake.
  for (const std::size_t k : {11u, 12u}) {
    const Geometry& g = kGeometries[k];
    const auto in = conv_inputs(g, seed++, false);
    const auto spec = g.spec();
    check.add({"central differences: " + geometry_label(g, true) + ", δ random", conv_tags(g, in, false),
               [in, spec](Fn f) {
                 const auto got = f(in.dY, in.X, in.W, spec);
                 return Answer{{"dX", got.dX}, {"dW", got.dW}, {"db", got.db}};
               },
               [in, spec] {
                 auto L = [&](const nn::Tensor<double>& X, const nn::Tensor<double>& W, const nn::Tensor<double>& b) {
                   return dot(in.dY, nn::conv2d_forward_naive(X, W, b, spec));
                 };
                 return Answer{
                     {"dX", nn::numerical_gradient([&](const nn::Tensor<double>& x) { return L(x, in.W, in.b); }, in.X, 1e-3)},
                     {"dW", nn::numerical_gradient([&](const nn::Tensor<double>& w) { return L(in.X, w, in.b); }, in.W, 1e-3)},
                     {"db", nn::numerical_gradient([&](const nn::Tensor<double>& b) { return L(in.X, in.W, b); }, in.b, 1e-3)}};
               },
               1e-7, "central differences of L = Σ δ ⊙ Y (h = 1e-3)"});
  }
}
