/// @file mistake.hpp
/// @brief The catalogue of typical mistakes: each file `exercises/mistakes/EXERCISE__ID.cpp`
///        defines the mistaken function `ex::mistake::ID::EXERCISE` and registers it with
///        EX_MISTAKE, saying what it does and why that is wrong (check.hpp uses them).
///
/// Kept apart from check.hpp so that the 100-odd mistake files compile quickly.
#pragma once

#include <string>
#include <vector>

namespace ex::check {

/// @brief A catalogued typical mistake of one exercise: its code and why it is wrong.
template <class Fn>
struct Mistake {
  std::string exercise;  ///< e.g. "conv2d_backward"
  std::string name;      ///< e.g. "conv2d_backward__divides_by_R", its file's name
  std::string what;      ///< what the mistake does, e.g. "your dW is the right one divided by R"
  std::string why;       ///< why that is wrong
  Fn fn;                 ///< the mistaken function
};

/// @brief Every catalogued mistake whose function has type Fn (several exercises may share a
///        type, e.g. double(*)(double); Mistake::exercise tells them apart).
template <class Fn>
std::vector<Mistake<Fn>>& mistakes() {
  static std::vector<Mistake<Fn>> m;
  return m;
}

/// @brief Registers a mistake at static-initialisation time (see EX_MISTAKE).
template <class Fn>
struct MistakeRegistrar {
  MistakeRegistrar(const char* exercise, const char* id, const char* what, const char* why, Fn fn) {
    mistakes<Fn>().push_back({exercise, std::string(exercise) + "__" + id, what, why, fn});
  }
};

}  // namespace ex::check

/// @brief Registers the typical mistake `ex::mistake::id::fn` of exercise `fn`. Used once in
///        each file `exercises/mistakes/fn__id.cpp`, after the function.
/// @param what  what the mistaken code does, as said to the student ("your dW is …")
/// @param why   why that is wrong, citing the report
#define EX_MISTAKE(fn, id, what, why) \
  static const ex::check::MistakeRegistrar<decltype(&ex::fn)> mistake_registrar_##id{#fn, #id, what, why, &ex::mistake::id::fn}
