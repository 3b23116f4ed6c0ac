/// @file native_oracle.cpp
/// @brief What the native library computes, for the browser tests of the interactive pages
///        (tests/web/checks/*.mjs): the same call the page makes in WebAssembly, run natively,
///        so that a test compares the page with the library built by the ordinary compiler.
///
///   web_oracle maxpool H W k s X... dY...            max-pool of one H × W plane, k × k windows at
///                                                    stride s; X has H·W values, dY H′·W′
///   web_oracle conv_backward H W k s p K... dY...    conv2d_backward_naive for one H × W plane and
///                                                    one k × k kernel K; dY has H′·W′ values
///
/// maxpool prints "Y" and "dX" lines (maxpool2d_forward, maxpool2d_backward); conv_backward
/// prints "out H′ W′" and a "dX" line. Values are row-major, with 17 significant digits. A bad
/// input prints the library's message to stderr and exits with 1.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/conv2d.hpp"
#include "nn/maxpool2d.hpp"

namespace {

/// The command line after the command, read one argument at a time.
struct Args {
  std::vector<std::string> words;
  std::size_t next = 0;
  /// A size: a whole word of digits, 0 to 1000 (the pages' planes are a few cells wide; the
  /// library itself refuses a size it cannot use).
  std::size_t size() {
    const std::string& w = take();
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec != std::errc() || end != w.data() + w.size() || v > 1000)
      throw std::invalid_argument("'" + w + "' is not a size from 0 to 1000");
    return v;
  }
  std::vector<double> values(std::size_t n, const char* what) {
    if (words.size() - next < n)
      throw std::invalid_argument(std::string(what) + " needs " + std::to_string(n) + " values, got " +
                                  std::to_string(words.size() - next));
    std::vector<double> v(n);
    for (double& x : v) {
      const std::string& w = take();
      char* end = nullptr;
      x = std::strtod(w.c_str(), &end);
      if (w.empty() || end != w.c_str() + w.size() || !std::isfinite(x))
        throw std::invalid_argument(std::string(what) + ": '" + w + "' is not a finite number");
    }
    return v;
  }
  void done() const {
    if (next != words.size()) throw std::invalid_argument(std::to_string(words.size() - next) + " values too many");
  }

 private:
  const std::string& take() {
    if (next >= words.size()) throw std::invalid_argument("too few arguments");
    return words[next++];
  }
};

void print(const char* name, const nn::Tensor<double>& t) {
  std::printf("%s", name);
  for (const double x : t) std::printf(" %.17g", x);
  std::printf("\n");
}

nn::Tensor<double> plane(std::size_t H, std::size_t W, std::vector<double> values) {
  return nn::Tensor<double>(nn::Shape{1, 1, H, W}, std::move(values));
}

void maxpool(Args& a) {
  const std::size_t H = a.size(), W = a.size(), k = a.size(), s = a.size();
  const nn::PoolSpec spec = nn::PoolSpec::square(k, s);
  const nn::Shape out = nn::maxpool2d_output_shape(nn::Shape{1, 1, H, W}, spec);  // Eqs. (46)-(48)
  const auto X = plane(H, W, a.values(H * W, "X"));
  const auto dY = plane(out[2], out[3], a.values(out[2] * out[3], "dY"));
  a.done();
  nn::MaxPoolCache cache;
  print("Y", nn::maxpool2d_forward(X, spec, cache));
  print("dX", nn::maxpool2d_backward(dY, cache));
}

void conv_backward(Args& a) {
  const std::size_t H = a.size(), W = a.size(), k = a.size(), s = a.size(), p = a.size();
  const nn::ConvSpec spec{s, p};
  const nn::Shape out = nn::conv2d_output_shape(nn::Shape{1, 1, H, W}, nn::Shape{1, 1, k, k}, spec);
  const auto K = plane(k, k, a.values(k * k, "K"));
  const auto dY = plane(out[2], out[3], a.values(out[2] * out[3], "dY"));
  a.done();
  // δ^(l) does not depend on X (Eq. (42)); X only gives the input shape
  const auto g = nn::conv2d_backward_naive(dY, nn::Tensor<double>(nn::Shape{1, 1, H, W}), K, spec);
  std::printf("out %zu %zu\n", out[2], out[3]);
  print("dX", g.dX);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string usage =
      "usage: web_oracle maxpool H W k s X... dY...\n"
      "       web_oracle conv_backward H W k s p K... dY...\n";
  if (argc < 2) {
    std::cerr << usage;
    return 2;
  }
  Args a{std::vector<std::string>(argv + 2, argv + argc)};
  try {
    const std::string command = argv[1];
    if (command == "maxpool")
      maxpool(a);
    else if (command == "conv_backward")
      conv_backward(a);
    else {
      std::cerr << "unknown command '" << command << "'\n" << usage;
      return 2;
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
