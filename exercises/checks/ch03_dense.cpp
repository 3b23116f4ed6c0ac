// Checks of the §4.1 dense-layer exercises: Eq. (7) forward, Eqs. (31)–(33) backward, the L2
// loss gradient (Eqs. (16), (25)) and the SGD step (Eq. (20)). Each compares the student's
// function with the library (nn::dense_forward, …) and, for gradients, with central differences,
// on a batch of R = 3 rows with unequal widths n = 4, m = 2 (so that a transposed W, a bias that
// is not summed over the batch, or a missing 1/R cannot pass), and on R = 1.
#include <random>
#include <stdexcept>
#include <string>

#include "check.hpp"
#include "ex/ch03_dense.hpp"
#include "nn/dense.hpp"
#include "nn/finite_difference.hpp"
#include "nn/loss.hpp"

namespace {

using nn::ActivationFunction;
using nn::Shape;
using nn::Tensor;

Tensor<double> random_tensor(const Shape& s, std::mt19937_64& rng) {
  // |v| in [0.3, 1.3] with random signs: no element is close to ReLU's kink or to zero
  std::uniform_real_distribution<double> mag(0.3, 1.3);
  std::bernoulli_distribution sign(0.5);
  Tensor<double> t(s);
  for (auto& v : t) v = sign(rng) ? mag(rng) : -mag(rng);
  return t;
}

// A student's function that throws on a shape (e.g. an out-of-range index with NN_BOUNDS_CHECK,
// or a shape_error from matmul) gave a wrong answer, not an internal error of the checker.
template <class F>
auto call(const std::string& what, F f) -> decltype(f()) {
  try {
    return f();
  } catch (const nn::not_done&) {
    throw;
  } catch (const std::logic_error& e) {  // shape_error, out_of_range, invalid_argument
    throw ex::check::wrong(what + " threw: " + e.what());
  }
}

struct Case {
  std::size_t R, n, m;
  ActivationFunction f;
};
const Case kCases[] = {{3, 4, 2, ActivationFunction::sigmoid}, {3, 4, 2, ActivationFunction::tanh},
                       {3, 4, 2, ActivationFunction::relu},    {1, 2, 3, ActivationFunction::tanh}};

std::string describe(const Case& c) {
  return "R=" + std::to_string(c.R) + ", n=" + std::to_string(c.n) + ", m=" + std::to_string(c.m) + ", f=" +
         nn::to_string(c.f);
}

}  // namespace

NN_EXERCISE_CHECK(dense_forward, "4.1e", "Eq. (7)",
                  "Y(r, j) = f(Σ_i X(r, i) W(i, j) + b(j)): W is n×m (inputs × outputs), b is added to every row "
                  "r of the batch, and f comes last") {
  std::mt19937_64 rng(31);
  for (const auto& c : kCases) {
    const auto X = random_tensor(Shape{c.R, c.n}, rng), W = random_tensor(Shape{c.n, c.m}, rng),
               b = random_tensor(Shape{c.m}, rng);
    nn::DenseCache<double> cache;
    const auto want = nn::dense_forward(X, W, b, c.f, cache);
    const auto got = call("dense_forward", [&] { return ex::dense_forward(X, W, b, c.f); });
    ex::check::expect_tensor_near(got, want, 1e-12, "dense_forward (" + describe(c) + ")");
  }
}

NN_EXERCISE_CHECK(dense_backward, "4.1f", "Eqs. (29)–(33)",
                  "G = δ^(l+1) ⊙ f′(XW + b) (f′ at the pre-activation Z, not at f(Z)); dX = G Wᵀ with this "
                  "layer's W (the draft's Eq. (31) says W^(l+1): wrong); dW = Xᵀ G; db = Σ_r G(r, ·), summed over "
                  "the batch (the draft's Eq. (33) forgets the sum)") {
  std::mt19937_64 rng(32);
  for (const auto& c : kCases) {
    const auto X = random_tensor(Shape{c.R, c.n}, rng), W = random_tensor(Shape{c.n, c.m}, rng),
               b = random_tensor(Shape{c.m}, rng), dY = random_tensor(Shape{c.R, c.m}, rng);
    const auto got = call("dense_backward", [&] { return ex::dense_backward(dY, X, W, b, c.f); });
    nn::DenseCache<double> cache;
    nn::dense_forward(X, W, b, c.f, cache);
    const auto want = nn::dense_backward(dY, W, cache);
    // the definition of the derivative as a second, independent oracle: L = Σ dY ⊙ f(XW + b)
    auto L = [&](const Tensor<double>& Xv, const Tensor<double>& Wv, const Tensor<double>& bv) {
      nn::DenseCache<double> cc;
      const auto Y = nn::dense_forward(Xv, Wv, bv, c.f, cc);
      double s = 0;
      for (std::size_t i = 0; i < Y.size(); ++i) s += dY[i] * Y[i];
      return s;
    };
    const auto nX = nn::numerical_gradient([&](const Tensor<double>& v) { return L(v, W, b); }, X);
    const auto nW = nn::numerical_gradient([&](const Tensor<double>& v) { return L(X, v, b); }, W);
    const auto nb = nn::numerical_gradient([&](const Tensor<double>& v) { return L(X, W, v); }, b);
    const std::string where = " (" + describe(c) + ")";
    // 1e-9 against the library (the same sums in another order); 1e-6 absolute against central
    // differences with h = 1e-5 (their error here is ≈ 1e-10).
    ex::check::expect_tensor_near(got.dX, want.dX, 1e-9, "dX = δ^(l), Eq. (31)" + where);
    ex::check::expect_tensor_near(got.dW, want.dW, 1e-9, "dW, Eq. (32)" + where);
    ex::check::expect_tensor_near(got.db, want.db, 1e-9, "db, Eq. (33)" + where);
    ex::check::expect_tensor_near(got.dX, nX, 1e-6, "dX vs central differences" + where);
    ex::check::expect_tensor_near(got.dW, nW, 1e-6, "dW vs central differences" + where);
    ex::check::expect_tensor_near(got.db, nb, 1e-6, "db vs central differences" + where);
  }
}

NN_EXERCISE_CHECK(l2_loss_gradient, "4.1g", "Eqs. (16), (25)",
                  "L = (1/R) Σ_r ‖ŷ_r − y_r‖² has the gradient 2(ŷ − y)/R: a tensor with the shape of ŷ and the "
                  "sign of each ŷ_i − y_i (the draft's 2‖ŷ − y‖ is one positive number), divided by the batch "
                  "size R") {
  std::mt19937_64 rng(33);
  for (std::size_t R : {1, 3}) {
    const auto Yhat = random_tensor(Shape{R, 2}, rng), Y = random_tensor(Shape{R, 2}, rng);
    const auto got = call("l2_loss_gradient", [&] { return ex::l2_loss_gradient(Yhat, Y); });
    const auto numeric = nn::numerical_gradient([&](const Tensor<double>& v) { return nn::l2_loss(v, Y); }, Yhat);
    // L is quadratic: the central difference is exact up to round-off (≈ 1e-11)
    ex::check::expect_tensor_near(got, numeric, 1e-8, "l2_loss_gradient (R=" + std::to_string(R) + ") vs central differences");
  }
}

NN_EXERCISE_CHECK(sgd_step, "4.1h", "Eq. (20)", "θ ← θ − α ∂L/∂θ: step against the gradient (minus), scaled by α") {
  Tensor<double> theta(Shape{2, 2}, {1.0, -2.0, 0.5, 0.0});
  const Tensor<double> g(Shape{2, 2}, {0.5, -1.0, 2.0, 0.25});
  call("sgd_step", [&] {
    ex::sgd_step(theta, g, 0.1);
    return 0;
  });
  const Tensor<double> want(Shape{2, 2}, {0.95, -1.9, 0.3, -0.025});
  ex::check::expect_tensor_near(theta, want, 1e-14, "sgd_step(θ, g, α = 0.1)");
  // a step with a small α lowers a loss: L(θ) = ‖θ‖², ∂L/∂θ = 2θ
  Tensor<double> t(Shape{3}, {1.0, -1.0, 2.0});
  auto L = [](const Tensor<double>& v) { return v(0) * v(0) + v(1) * v(1) + v(2) * v(2); };
  const double before = L(t);
  ex::sgd_step(t, 2.0 * t, 0.1);
  ex::check::expect(L(t) < before, "one step of sgd_step on L = ‖θ‖² must lower L (it went from " +
                                       std::to_string(before) + " to " + std::to_string(L(t)) + ")");
}
