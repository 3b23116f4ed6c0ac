// Checks of the §3 exercises, the report's tensor notation: the Hadamard product (Eq. (5)) and
// vec (Eq. (22)). hadamard runs on tensors of rank 1 to 4 with values of both signs, and must
// throw nn::shape_error for two different shapes, also when their element counts agree (so that
// comparing sizes is not enough). vec runs on rank-4 tensors whose values encode their own index,
// from one image with H ≠ W to R ≠ C ≠ H ≠ W, so that a wrong order shows which index moved.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "check.hpp"
#include "ex/ch01_notation.hpp"
#include "nn/tensor.hpp"

namespace {

using ex::check::Answer;

const char* const kDiffer = "A and B of different shapes";
const char* const kSameCount = "different shapes with the same element count";
const char* const kOtherCount = "different element counts";
const char* const kThrew = "threw nn::shape_error (1 = yes, 0 = no)";

}  // namespace

NN_EXERCISE_CHECK(hadamard, "3a", "Eq. (5)",
                  "C_i = A_i · B_i for every multi-index i, C of A's shape; two different shapes have no Hadamard "
                  "product: throw nn::shape_error (nn::require_same_shape does)") {
  using Fn = decltype(&ex::hadamard);
  check.part("A ⊙ B", "Eq. (5)", "one product A_i·B_i per element, in a tensor of A's shape");
  check.part(kThrew, "Eq. (5) needs equal shapes",
             "compare the shapes, not the element counts: nn::require_same_shape(A.shape(), B.shape(), \"Eq. (5) "
             "hadamard\") throws nn::shape_error naming both");
  check.tag(kDiffer, "Eq. (5) is defined for equal shapes only: check A.shape() == B.shape() first and throw "
                     "nn::shape_error otherwise (nn::require_same_shape does both)");
  check.tag(kSameCount, "(2, 3) and (3, 2) both hold 6 elements but are different shapes: element i of one is not "
                        "element i of the other, so Eq. (5) does not apply. Compare A.shape() with B.shape()");
  check.tag(kOtherCount, "shapes with different element counts must throw nn::shape_error too");
  check.tag("equal shapes", "for equal shapes the answer is the tensor of products A_i·B_i, of A's shape (not their "
                            "sum, not a matrix product)");
  check.tag("rank ≠ 2", "Eq. (5) holds for tensors of any rank, not just matrices: a rank-1 tensor has no dim(1), a "
                        "rank-4 one has dim(0)·dim(1)·dim(2)·dim(3) elements; loop over all A.size() of them");

  // Equal shapes: rank 1 to 4, both signs, exact zeros in the last one.
  const std::vector<nn::Shape> shapes = {nn::Shape{5}, nn::Shape{2, 3}, nn::Shape{2, 3, 4}, nn::Shape{2, 3, 4, 5},
                                         nn::Shape{3, 2, 5, 4}};
  std::uint64_t seed = 700;
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    const auto A = ex::check::uniform_tensor(shapes[k], -2, 2, seed++);
    auto B = ex::check::uniform_tensor(shapes[k], -2, 2, seed++);
    if (k + 1 == shapes.size())
      for (std::size_t i = 0; i < B.size(); i += 4) B[i] = 0.0;
    check.add({"A and B of shape " + shapes[k].str() + ", uniform in [−2, 2]" + (k + 1 == shapes.size() ? ", every fourth B_i = 0" : ""),
               shapes[k].rank() == 2 ? std::vector<std::string>{"equal shapes", "rank 2"}
                                     : std::vector<std::string>{"equal shapes", "rank " + std::to_string(shapes[k].rank()), "rank ≠ 2"},
               [A, B](Fn f) { return Answer{{"A ⊙ B", f(A, B)}}; },
               [A, B] { return Answer{{"A ⊙ B", nn::hadamard(A, B)}}; }, 1e-12, "nn::hadamard"});
  }
  // Different shapes: the call must throw nn::shape_error. B is never smaller than A, so that a
  // function that loops over A's elements without checking reads no memory past B.
  const std::vector<std::pair<nn::Shape, nn::Shape>> mismatched = {
      {nn::Shape{2, 3}, nn::Shape{3, 2}},
      {nn::Shape{1, 2, 3, 4}, nn::Shape{1, 2, 4, 3}},
      {nn::Shape{6}, nn::Shape{2, 3}},
      {nn::Shape{3, 4}, nn::Shape{3, 5}},
  };
  for (const auto& [sa, sb] : mismatched) {
    const auto A = ex::check::uniform_tensor(sa, -2, 2, seed++), B = ex::check::uniform_tensor(sb, -2, 2, seed++);
    check.add({"A of shape " + sa.str() + ", B of shape " + sb.str() + ": must throw nn::shape_error",
               {kDiffer, sa.size() == sb.size() ? kSameCount : kOtherCount},
               [A, B](Fn f) {
                 try {
                   (void)f(A, B);
                 } catch (const nn::shape_error&) {
                   return Answer{ex::check::scalar(kThrew, 1)};
                 }
                 return Answer{ex::check::scalar(kThrew, 0)};
               },
               [] { return Answer{ex::check::scalar(kThrew, 1)}; }, 0, "Eq. (5), defined for equal shapes only"});
  }
}

namespace {

// X(r, c, h, w) = ±(1000(r+1) + 100(c+1) + 10(h+1) + (w+1)): each value spells its own index, so
// "got 1213" means X(0, 1, 0, 2) landed there.
nn::Tensor<double> spelled(const nn::Shape& s, double sign) {
  nn::Tensor<double> X(s);
  for (std::size_t r = 0; r < s[0]; ++r)
    for (std::size_t c = 0; c < s[1]; ++c)
      for (std::size_t h = 0; h < s[2]; ++h)
        for (std::size_t w = 0; w < s[3]; ++w) X(r, c, h, w) = sign * double(1000 * (r + 1) + 100 * (c + 1) + 10 * (h + 1) + w + 1);
  return X;
}

std::vector<std::string> vec_tags(const nn::Shape& s) {
  std::vector<std::string> t;
  if (s[0] > 1) t.push_back("R > 1");
  if (s[1] > 1) t.push_back("C > 1");
  if (s[0] > 1 && s[1] > 1) t.push_back("R > 1 and C > 1");
  if (s[2] > 1 && s[3] > 1) t.push_back("H > 1 and W > 1");
  if (s[2] != s[3]) t.push_back("H ≠ W");
  return t;
}

}  // namespace

NN_EXERCISE_CHECK(vec, "3b", "Eq. (22)",
                  "vec(X) is the rank-1 tensor of shape (R·C·H·W) with vec(X)_k = X(r,c,h,w), k = ((r·C + c)·H + h)·W + w: "
                  "row-major, w fastest, r slowest") {
  using Fn = decltype(&ex::vec);
  check.part("vec(X)", "k = ((r·C + c)·H + h)·W + w",
             "the values spell their index: X(r, c, h, w) = 1000(r+1) + 100(c+1) + 10(h+1) + (w+1), so 'got 1213' means "
             "element k holds X(0, 1, 0, 2)");
  check.tag("R > 1 and C > 1", "r is the outermost index: all of example 0 (all its C channels) comes before example 1, "
                               "k = ((r·C + c)·H + h)·W + w");
  check.tag("H > 1 and W > 1", "within one image the rows follow each other: w runs fastest, then h, k = (… + h)·W + w");
  check.tag("H ≠ W", "h is multiplied by W (the length of a row), not by H");

  const std::vector<nn::Shape> shapes = {nn::Shape{1, 1, 2, 3}, nn::Shape{1, 1, 3, 3}, nn::Shape{1, 3, 2, 4},
                                         nn::Shape{3, 2, 1, 1}, nn::Shape{2, 1, 4, 3}, nn::Shape{2, 3, 4, 5},
                                         nn::Shape{3, 2, 5, 4}};
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    const double sign = k % 2 ? -1.0 : 1.0;
    const auto X = spelled(shapes[k], sign);
    check.add({"X of shape (R, C, H, W) = " + shapes[k].str() + ", X(r, c, h, w) = " + (sign < 0 ? "−" : "") +
                   "(1000(r+1) + 100(c+1) + 10(h+1) + (w+1))",
               vec_tags(shapes[k]), [X](Fn f) { return Answer{{"vec(X)", f(X)}}; },
               [X] { return Answer{{"vec(X)", nn::vec(X)}}; }, 0, "nn::vec"});
  }
  const auto X = ex::check::uniform_tensor(nn::Shape{2, 3, 5, 4}, -2, 2, 799);
  check.add({"X of shape (R, C, H, W) = (2, 3, 5, 4), uniform in [−2, 2]", vec_tags(X.shape()),
             [X](Fn f) { return Answer{{"vec(X)", f(X)}}; }, [X] { return Answer{{"vec(X)", nn::vec(X)}}; }, 0,
             "nn::vec"});
}
