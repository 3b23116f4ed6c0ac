// Eqs. (34)–(35) (and (46)–(47)): the one output-size formula, n' = ⌊(n − k + 2p)/s⌋ + 1,
// checked against sizes worked out by hand, and its errors.
#include <catch2/catch.hpp>

#include <string>

#include "nn/errors.hpp"
#include "nn/output_size.hpp"

namespace {
struct SizeCase {
  std::size_t n, k, s, p, expected;
  const char* why;
};
// Every expected value below is worked out on paper from the windows that fit.
const SizeCase kCases[] = {
    {6, 3, 1, 0, 4, "Figure 6: 3x3 over 6x6 gives 4x4"},
    {5, 3, 1, 1, 5, "Figure 7: 5x5 padded to 7x7, 3x3 kernel keeps 5x5 ('same')"},
    {5, 5, 1, 0, 1, "kernel as large as the input: one window"},
    {1, 3, 1, 1, 1, "1 pixel padded to 3: one window"},
    {28, 5, 1, 0, 24, "LeNet conv1"},
    {12, 5, 1, 0, 8, "LeNet conv2"},
    {32, 3, 1, 1, 32, "3x3 'same' convolution"},
    {7, 3, 2, 0, 3, "stride 2 divides n - k = 4: windows at 0, 2, 4"},
    {8, 3, 2, 0, 3, "floor: windows at 0, 2, 4; a fourth at 6 would need column 8"},
    {8, 3, 3, 1, 3, "padded 10, windows at 0, 3, 6; 9 would stick out"},
    {10, 4, 3, 0, 3, "windows at 0, 3, 6"},
    {224, 7, 2, 3, 112, "ResNet stem"},
    {4, 2, 2, 0, 2, "2x2 max-pool, Eqs. (46)-(47)"},
    {24, 2, 2, 0, 12, "LeNet pool1"},
    {5, 1, 1, 0, 5, "1x1 kernel"},
    {5, 1, 2, 0, 3, "1x1 kernel, stride 2: 0, 2, 4"},
};
}  // namespace

TEST_CASE("Eqs. (34)-(35): output sizes worked out by hand", "[ch04][output_size][eq34][eq35]") {
  for (const auto& c : kCases) {
    CAPTURE(c.n, c.k, c.s, c.p, c.why);
    CHECK(nn::conv_out_size(c.n, c.k, c.s, c.p) == c.expected);
  }
}

TEST_CASE("Eqs. (34)-(35): the last window always fits inside the padded input", "[ch04][output_size][eq34][eq35]") {
  // The property behind the floor: window n'−1 ends inside, window n' would not.
  for (std::size_t n = 1; n <= 12; ++n)
    for (std::size_t k = 1; k <= 6; ++k)
      for (std::size_t s = 1; s <= 4; ++s)
        for (std::size_t p = 0; p <= 2; ++p) {
          if (k > n + 2 * p) continue;
          const std::size_t out = nn::conv_out_size(n, k, s, p);
          CAPTURE(n, k, s, p, out);
          REQUIRE(out >= 1);
          CHECK((out - 1) * s + k <= n + 2 * p);
          CHECK(out * s + k > n + 2 * p);
        }
}

TEST_CASE("Eqs. (34)-(35): impossible sizes throw shape_error naming the numbers", "[ch04][output_size][eq34][eq35]") {
  CHECK_THROWS_AS(nn::conv_out_size(3, 5, 1, 0), nn::shape_error);   // kernel larger than the input
  CHECK_THROWS_AS(nn::conv_out_size(3, 6, 1, 1), nn::shape_error);   // larger than the padded input 5
  CHECK_NOTHROW(nn::conv_out_size(3, 5, 1, 1));                       // padded input 5 fits exactly
  CHECK_THROWS_AS(nn::conv_out_size(6, 3, 0, 0), nn::shape_error);   // stride 0
  CHECK_THROWS_AS(nn::conv_out_size(6, 0, 1, 0), nn::shape_error);   // empty kernel
  try {
    nn::conv_out_size(3, 6, 1, 1);
    FAIL("no exception");
  } catch (const nn::shape_error& e) {
    const std::string msg = e.what();
    CAPTURE(msg);
    CHECK(msg.find("Eqs. (34)-(35)") != std::string::npos);
    CHECK(msg.find("k=6") != std::string::npos);
    CHECK(msg.find("n+2p=5") != std::string::npos);
  }
  try {
    nn::conv_out_size(6, 3, 0, 0);
    FAIL("no exception");
  } catch (const nn::shape_error& e) {
    CHECK(std::string(e.what()).find("stride") != std::string::npos);
  }
  // Negative padding cannot be expressed: p is a std::size_t (a count of zeros added).
}
