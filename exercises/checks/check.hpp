/// @file check.hpp
/// @brief The exercise checker: each exercise registers one check that throws
///        ex::check::wrong with a precise message when the answer is wrong.
///
/// A check compares the student's function against the library's reference implementation
/// and, for derivatives, against central differences, on inputs chosen so that the typical
/// mistakes of design notes, "Exercises" cannot pass. `tests/exercises/mistakes/` holds those
/// mistakes; CI proves that every check rejects them and the untouched stubs.
#pragma once

#include <cmath>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/tensor.hpp"

namespace ex::check {

/// @brief A wrong answer; the message says which input and what was expected.
class wrong : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// @brief One registered exercise.
struct Exercise {
  std::string name;       ///< the function's name, equal to its file name in stubs/ and solutions/
  std::string section;    ///< e.g. "4.1a"
  std::string equations;  ///< e.g. "Eq. (11)"
  std::string hint;       ///< shown when the check fails
  void (*check)();        ///< throws wrong (or nn::not_done from a stub) on failure
};

/// @brief Every exercise linked into this checker, in registration order.
std::vector<Exercise>& registry();

/// @brief Registers an exercise at static-initialisation time.
struct Registrar {
  explicit Registrar(const Exercise& e) { registry().push_back(e); }
};

/// @brief Throws wrong(what) unless cond.
inline void expect(bool cond, const std::string& what) {
  if (!cond) throw wrong(what);
}

/// @brief Throws wrong unless |got − want| ≤ tol·max(1, |want|); NaN fails.
inline void expect_near(double got, double want, double tol, const std::string& what) {
  const double err = std::abs(got - want) / std::max(1.0, std::abs(want));
  if (!(err <= tol)) {
    std::ostringstream os;
    os.precision(12);
    os << what << ": got " << got << ", expected " << want;
    throw wrong(os.str());
  }
}

/// @brief Throws wrong unless the tensors have equal shapes and agree element-wise within
///        tol·max(1, |want|); the message names the first bad index.
inline void expect_tensor_near(const nn::Tensor<double>& got, const nn::Tensor<double>& want, double tol,
                               const std::string& what) {
  if (got.shape() != want.shape())
    throw wrong(what + ": shape " + got.shape().str() + ", expected " + want.shape().str());
  for (std::size_t i = 0; i < got.size(); ++i)
    expect_near(got[i], want[i], tol, what + " at element " + std::to_string(i) + " (row-major)");
}

}  // namespace ex::check

/// @brief Defines and registers the check of one exercise.
/// @code
/// NN_EXERCISE_CHECK(sigmoid_prime, "4.1a", "Eq. (11)", "σ′ = σ(1 − σ), not σ(1 + σ)") { ... }
/// @endcode
#define NN_EXERCISE_CHECK(fn, section, equations, hint)                                     \
  static void check_##fn();                                                                 \
  static const ex::check::Registrar registrar_##fn{{#fn, section, equations, hint, &check_##fn}}; \
  static void check_##fn()
