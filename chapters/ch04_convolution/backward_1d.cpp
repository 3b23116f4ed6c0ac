// Chapter 4 — worked example of Eq. (42) in one dimension: k = 3, s = 2, p = 1, an input of 5.
// The input gradient is built step by step by the recipe of the page — dilate δ by the stride,
// pad it by k − 1, slide the 180°-rotated kernel over it (Eq. (39)'s cross-correlation), crop the
// padding — and compared with the chain rule summed directly and with the library's
// conv2d_backward_naive() on the same numbers (a 1 × 5 image whose 3 × 3 kernel is zero but for
// its middle row). Prints every step and saves it as ch04_backward_1d.txt.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>
#include <vector>

#include <boost/format.hpp>

#include "nn/conv2d.hpp"
#include "nn/output_size.hpp"
#include "nn/tools/cli.hpp"
#include "nn/tools/facts.hpp"
#include "nn/tools/files.hpp"

namespace {

using Row = std::vector<double>;

std::string str(const Row& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (boost::format(i ? " %3g" : "%3g") % v[i]).str();
  return s + " ]";
}

int run(const nn::ChapterArgs& args) {
  const std::size_t n = 5, k = 3, s = 2, p = 1;
  const Row x = {1, 2, 3, 4, 5};
  const Row w = {1, 2, 3};
  const std::size_t m = nn::conv_out_size(n, k, s, p);  // Eq. (34): (5 + 2 − 3)/2 + 1 = 3
  const Row delta = {1, -1, 2};                            // δ^(l+1), one per output
  std::ostringstream out;
  out << "1-D convolution, k = " << k << ", s = " << s << ", p = " << p << ", input of " << n
      << " → output of " << m << " (Eq. (34))\n"
      << "x       = " << str(x) << "\nw       = " << str(w) << "\nδ       = " << str(delta)
      << "   (δ^(l+1) = ∂L/∂y, given)\n\n";

  //! [recipe]
  // 1. Dilate δ by the stride: s − 1 zeros between neighbours (the positions the kernel skipped).
  Row dilated((m - 1) * s + 1, 0.0);
  for (std::size_t j = 0; j < m; ++j) dilated[j * s] = delta[j];
  // 2. Pad by k − 1 on both sides, so that every overlap of kernel and δ is seen (a "full" pass).
  Row padded(dilated.size() + 2 * (k - 1), 0.0);
  std::copy(dilated.begin(), dilated.end(), padded.begin() + std::ptrdiff_t(k - 1));
  // 3. Rotate the kernel by 180° (in 1-D: reverse it).
  const Row rotated(w.rbegin(), w.rend());
  // 4. Slide the rotated kernel over the padded δ, as in Eq. (39): the gradient of X̃.
  Row grad_padded_x(padded.size() - k + 1, 0.0);
  for (std::size_t i = 0; i < grad_padded_x.size(); ++i)
    for (std::size_t t = 0; t < k; ++t) grad_padded_x[i] += rotated[t] * padded[i + t];
  // 5. Crop the padding p (X̃ is x with p zeros each side; their gradient is not needed).
  grad_padded_x.resize(n + 2 * p, 0.0);  // adds zeros if the last inputs were never covered
  const Row dx(grad_padded_x.begin() + std::ptrdiff_t(p), grad_padded_x.begin() + std::ptrdiff_t(p + n));
  //! [recipe]
  out << "1. dilate δ by s = " << s << ":           " << str(dilated) << "\n"
      << "2. pad it by k − 1 = " << k - 1 << ":         " << str(padded) << "\n"
      << "3. rotate w by 180°:          " << str(rotated) << "\n"
      << "4. slide (3) over (2), (39):  " << str(grad_padded_x) << "  = ∂L/∂x̃\n"
      << "5. crop p = " << p << ":                 " << str(dx) << "  = ∂L/∂x\n\n";

  //! [direct]
  // The chain rule summed directly: y_j = Σ_t w_t x̃_{sj+t} (Eq. (39)), so
  // ∂L/∂x̃_i = Σ_j δ_j w_{i−sj}, over the j whose window covers i (0 ≤ i − sj < k).
  Row direct(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) {
      const long t = long(i + p) - long(s * j);
      if (t >= 0 && t < long(k)) direct[i] += delta[j] * w[std::size_t(t)];
    }
  //! [direct]
  out << "chain rule, Σ_j δ_j w_{i+p−sj}:   " << str(direct) << "\n";

  // The library, on a 1 × 5 image: a 3 × 3 kernel that is zero but for its middle row, so that
  // with p = 1 the padding rows meet only zeros and the layer is the 1-D convolution above.
  nn::Tensor<double> X(nn::Shape{1, 1, 1, n}), W(nn::Shape{1, 1, k, k}), dY(nn::Shape{1, 1, 1, m});
  for (std::size_t i = 0; i < n; ++i) X(0, 0, 0, i) = x[i];
  for (std::size_t t = 0; t < k; ++t) W(0, 0, 1, t) = w[t];
  for (std::size_t j = 0; j < m; ++j) dY(0, 0, 0, j) = delta[j];
  const auto g = nn::conv2d_backward_naive(dY, X, W, nn::ConvSpec{s, p});
  Row library(n);
  for (std::size_t i = 0; i < n; ++i) library[i] = g.dX(0, 0, 0, i);
  out << "nn::conv2d_backward_naive():     " << str(library) << "\n";

  double worst = 0;
  for (std::size_t i = 0; i < n; ++i)
    worst = std::max({worst, std::abs(dx[i] - direct[i]), std::abs(dx[i] - library[i])});
  out << "largest difference of the three: " << worst << "\n";
  std::cout << out.str();
  const auto path = args.out / "ch04_backward_1d.txt";
  nn::write_file_atomically(path, out.str());
  nn::report_written(path);
  nn::Facts facts("ch04_backward_1d");
  facts.set("worst_difference", worst, "%g");
  nn::report_written(facts.save(args.out));
  if (worst != 0) {
    std::cerr << "ch04_backward_1d: the recipe and the chain rule disagree by " << worst << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return nn::run_chapter(argc, argv, "§4.2.2, Eq. (42) in 1-D: dilate, pad, rotate, slide, crop", run);
}
