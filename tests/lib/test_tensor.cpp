// §3 notation: shapes, the (r, c, h, w) index order, element-wise f and f′ (Eqs. (1)–(4)),
// the Hadamard product (Eq. (5)), vec(), and the shape errors.
#include <catch2/catch.hpp>

#include <cmath>

#include "nn/activations.hpp"
#include "nn/tensor.hpp"

using nn::Shape;
using nn::Tensor;

TEST_CASE("rank-4 tensors are row-major in (r, c, h, w)", "[ch01][tensor][sec3]") {
  Tensor<double> X(Shape{2, 3, 4, 5});
  REQUIRE(X.size() == 120);
  REQUIRE(X.rank() == 4);
  for (std::size_t i = 0; i < X.size(); ++i) X[i] = double(i);
  // (r, c, h, w) lies at ((r·C + c)·H + h)·W + w
  CHECK(X(0, 0, 0, 1) == 1);
  CHECK(X(0, 0, 1, 0) == 5);
  CHECK(X(0, 1, 0, 0) == 20);
  CHECK(X(1, 0, 0, 0) == 60);
  CHECK(X(1, 2, 3, 4) == 119);
}

TEST_CASE("matrices index (row, column)", "[ch01][tensor][sec3]") {
  Tensor<float> M(Shape{2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(M(0, 2) == 3);
  CHECK(M(1, 0) == 4);
  const auto Mt = nn::transpose(M);
  CHECK(Mt.shape() == Shape{3, 2});
  CHECK(Mt(2, 0) == 3);
  CHECK(Mt(0, 1) == 4);
}

TEST_CASE("shapes reject zero and too many dimensions", "[ch01][tensor][sec3]") {
  CHECK_THROWS_AS(Shape({2, 0}), nn::shape_error);
  CHECK_THROWS_AS(Shape({1, 2, 3, 4, 5}), nn::shape_error);
  CHECK_THROWS_AS(Tensor<double>(Shape{2, 2}, std::vector<double>{1, 2, 3}), nn::shape_error);
  CHECK(Shape{2, 3, 4, 5}.str() == "(2, 3, 4, 5)");
}

TEST_CASE("Eq. (1)-(4): f(X) and df(X)/dX act element by element", "[ch01][tensor][eq1][eq2][eq3][eq4]") {
  Tensor<double> X(Shape{2, 2}, {-1.0, 0.0, 0.5, 2.0});
  const auto Y = nn::elementwise(X, [](double x) { return x * x; });
  const auto dY = nn::elementwise_derivative(X, [](double x) { return 2 * x; });
  for (std::size_t i = 0; i < X.size(); ++i) {
    CHECK(Y[i] == X[i] * X[i]);
    CHECK(dY[i] == 2 * X[i]);
  }
  const auto S = nn::activate(nn::ActivationFunction::sigmoid, X);
  CHECK(S(1, 1) == Approx(1 / (1 + std::exp(-2.0))).epsilon(1e-15));
  CHECK(X(0, 0) == -1.0);  // the input is unchanged (value semantics)
}

TEST_CASE("Eq. (5): the Hadamard product multiplies element-wise and checks shapes", "[ch01][tensor][eq5]") {
  Tensor<double> A(Shape{2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor<double> B(Shape{2, 3}, {2, 2, 2, 0.5, 0.5, 0.5});
  const auto C = nn::hadamard(A, B);
  CHECK(C(0, 2) == 6);
  CHECK(C(1, 1) == 2.5);
  Tensor<double> Bt(Shape{3, 2}, 1.0);
  try {
    nn::hadamard(A, Bt);
    FAIL("no shape_error");
  } catch (const nn::shape_error& e) {
    const std::string msg = e.what();
    CAPTURE(msg);
    CHECK(msg.find("(2, 3)") != std::string::npos);
    CHECK(msg.find("(3, 2)") != std::string::npos);
    CHECK(msg.find("Eq. (5)") != std::string::npos);
  }
}

TEST_CASE("vec() flattens row-major into a row vector", "[ch01][tensor][sec3]") {
  Tensor<double> X(Shape{1, 2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  const auto v = nn::vec(X);
  REQUIRE(v.shape() == Shape{8});
  for (std::size_t i = 0; i < 8; ++i) CHECK(v(i) == double(i));
  CHECK(v(5) == X(0, 1, 0, 1));
}

TEST_CASE("matmul agrees with the definition and names both shapes on mismatch", "[ch01][tensor]") {
  Tensor<double> A(Shape{2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor<double> B(Shape{3, 2}, {7, 8, 9, 10, 11, 12});
  const auto C = nn::matmul(A, B);
  CHECK(C(0, 0) == 58);
  CHECK(C(0, 1) == 64);
  CHECK(C(1, 0) == 139);
  CHECK(C(1, 1) == 154);
  try {
    nn::matmul(A, A);
    FAIL("no shape_error");
  } catch (const nn::shape_error& e) {
    CHECK(std::string(e.what()).find("(2, 3) and (2, 3)") != std::string::npos);
  }
}

#ifdef NN_BOUNDS_CHECK
TEST_CASE("with NN_BOUNDS_CHECK a wrong index names itself and the shape", "[ch01][tensor]") {
  Tensor<double> X(Shape{2, 3});
  try {
    (void)X(2, 0);
    FAIL("no out_of_range");
  } catch (const std::out_of_range& e) {
    CHECK(std::string(e.what()) == "index (2, 0) is outside a tensor of shape (2, 3)");
  }
  CHECK_THROWS_AS(X(0, 0, 0, 0), std::out_of_range);  // wrong number of indices
}
#endif
