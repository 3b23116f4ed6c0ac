/// @file check.hpp
/// @brief The exercise checker's vocabulary: an exercise is checked on *cases*, each a set of
///        inputs with the right answer, and a wrong answer is diagnosed three ways.
///
/// A check (one per exercise, in `exercises/checks/`) lists cases. Each case runs the function
/// under test on fixed inputs and returns its outputs as named *parts* ("dX", "dW", "σ′(x)"),
/// and computes the truth for the same inputs: the library's reference (namespace nn), central
/// differences, or values worked out by hand. Each case also carries *tags*, the properties
/// of its inputs (stride > 1, C ≠ C′, a tie, an all-negative window, …), computed from the
/// inputs themselves so that a label never claims more than the case holds.
///
/// When the answer is wrong the checker reports
/// 1. the first wrong element: which part, which index, got, expected, and the part's equation;
/// 2. the pattern: the tags that every failing case has and no passing case has, with the hint
///    that belongs to each ("exactly the cases with stride > 1 fail: …");
/// 3. the typical mistake it equals: every catalogued mistake of the exercise
///    (`exercises/mistakes/EXERCISE__MISTAKE.cpp`) runs on the same cases, and one whose outputs
///    equal the student's is named, with why it is wrong.
///
/// The runner (main.cpp) runs every exercise in a child process with a time limit, so that a
/// crash or an endless loop is reported by name and the other exercises still run.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mistake.hpp"
#include "nn/errors.hpp"
#include "nn/tensor.hpp"

namespace ex::check {

/// @brief One named output of a call, e.g. {"dW", ∂L/∂W}. Scalars are tensors of shape (1).
struct Part {
  std::string name;          ///< e.g. "dW", "σ′(x)"
  nn::Tensor<double> value;  ///< the values
};

/// @brief Everything one call returned.
using Answer = std::vector<Part>;

/// @brief A part holding one number.
inline Part scalar(std::string name, double v) { return {std::move(name), nn::Tensor<double>(nn::Shape{1}, {v})}; }

/// @brief A part holding a list of numbers (e.g. a derivative at several points).
inline Part values(std::string name, const std::vector<double>& v) {
  return {std::move(name), nn::Tensor<double>(nn::Shape{v.size()}, v)};
}

/// @brief A tensor of values drawn uniformly from [lo, hi) by std::mt19937_64(seed), in
///        row-major order: the random inputs of the checks, the same on every run.
nn::Tensor<double> uniform_tensor(const nn::Shape& shape, double lo, double hi, std::uint64_t seed);

/// @brief One case of a check: inputs (captured by the lambdas), the right answer, and what is
///        special about the inputs.
/// @tparam Fn  the exercise's function-pointer type
template <class Fn>
struct Case {
  std::string label;              ///< the inputs, e.g. "R=2, C=3 → C′=2, X 6×7, kernel 3×2, stride 2, padding 1"
  std::vector<std::string> tags;  ///< properties of the inputs, e.g. "stride > 1" (see Checker::tag)
  std::function<Answer(Fn)> run;  ///< calls the function under test on the inputs
  std::function<Answer()> truth;  ///< the right answer for the same inputs
  double tol = 1e-10;             ///< an element passes if |got − want| ≤ tol·max(1, |want|)
  std::string truth_name = "the library's reference";  ///< where the truth comes from
  /// Optional names of the elements of every part, e.g. "x = -2.5" (default: the multi-index).
  std::vector<std::string> element_names = {};
};

/// @brief What the runner asks of one exercise.
struct RunOptions {
  std::string as_mistake;  ///< run this catalogued mistake in place of the student's function
};

/// @brief The outcome of one exercise, as the child process reports it to the runner.
struct Report {
  std::string status;              ///< "pass", "not-done", "wrong" or "error"
  std::string mistake;             ///< the catalogued mistake the answer equals, if any
  std::vector<std::string> lines;  ///< the explanation, one line each
};

/// @brief One registered exercise, type-erased.
struct Exercise {
  std::string name;       ///< the function's name, equal to its file name in stubs/ and solutions/
  std::string section;    ///< e.g. "4.1a"
  std::string equations;  ///< e.g. "Eq. (11)"
  std::function<Report(const RunOptions&)> run;  ///< checks the linked function (or a mistake)
  std::function<std::vector<std::string>()> mistake_names;  ///< its catalogued mistakes
};

/// @brief Every exercise linked into this checker, in registration order.
std::vector<Exercise>& registry();

/// @brief "(1, 0, 2)": the multi-index of row-major element i of a tensor of shape s.
std::string multi_index(const nn::Shape& s, std::size_t i);

/// @brief A number as the reports print it (12 significant digits).
std::string num(double v);

/// @brief The first element where `got` differs from `want`, or an empty string if none does.
///        Compares part by part (same names, same shapes) with |got − want| ≤ tol·max(1, |want|);
///        NaN never passes.
/// @param[out] part_name  the failing part's name
std::string first_difference(const Answer& got, const Answer& want, double tol,
                             const std::vector<std::string>& element_names, std::string& part_name);

/// @brief If every element of part `name` of `got` is the same multiple k ≠ 1 of `want`'s
///        (a 1/R too many, a factor 2, a flipped sign), k as text ("0.5", "−1", "1/3"); else "".
std::string common_factor(const Answer& got, const Answer& want, const std::string& name);

/// @brief Whether a student's answer equals a mistake's: every element is within 5 % of the
///        mistake's own distance from the truth (and within 1e-12·max(1, |m|) where the mistake
///        is right), NaN matching NaN. Relative to the mistake's error, so that two mistakes that
///        are both close to the truth (σ in float, a difference quotient) are told apart.
bool matches(const Answer& student, const Answer& mistake, const Answer& truth);

/// @brief The cases of one exercise and the hints that belong to its parts and tags.
/// @tparam Fn  the exercise's function-pointer type
template <class Fn>
class Checker {
 public:
  /// @brief Declares a part: its equation and what to look at when it is wrong.
  void part(const std::string& name, const std::string& equation, const std::string& hint) {
    parts_[name] = {equation, hint};
  }
  /// @brief Declares what a tag means for this exercise: the hint shown when exactly the cases
  ///        with this tag fail.
  void tag(const std::string& name, const std::string& hint) { tags_[name] = hint; }
  /// @brief Adds a case.
  void add(Case<Fn> c) { cases_.push_back(std::move(c)); }

  /// @brief Checks `f` on every case and explains a failure.
  Report evaluate(const std::string& exercise, const std::string& general_hint, Fn f) const;

 private:
  struct PartInfo {
    std::string equation, hint;
  };
  struct Outcome {
    bool threw = false;
    std::string failure;  // empty when the case passed
    std::string part;     // the failing part
    Answer got, want;
  };
  Outcome run_case(const Case<Fn>& c, Fn f) const;
  std::map<std::string, PartInfo> parts_;
  std::map<std::string, std::string> tags_;
  std::vector<Case<Fn>> cases_;
};

/// @brief Registers an exercise at static-initialisation time (see NN_EXERCISE_CHECK).
template <class Fn>
struct Registrar {
  Registrar(const char* name, const char* section, const char* equations, const char* hint, Fn student,
            void (*define)(Checker<Fn>&)) {
    const std::string n = name, h = hint;
    registry().push_back(Exercise{
        name, section, equations,
        [n, h, student, define](const RunOptions& o) {
          Checker<Fn> c;
          define(c);
          Fn f = student;
          if (!o.as_mistake.empty()) {
            f = nullptr;
            for (const auto& m : mistakes<Fn>())
              if (m.exercise == n && m.name == o.as_mistake) f = m.fn;
            if (!f) return Report{"error", "", {"no catalogued mistake '" + o.as_mistake + "' of " + n}};
          }
          return c.evaluate(n, h, f);
        },
        [n] {
          std::vector<std::string> names;
          for (const auto& m : mistakes<Fn>())
            if (m.exercise == n) names.push_back(m.name);
          return names;
        }});
  }
};

// ---- Checker::evaluate -----------------------------------------------------------------------

template <class Fn>
typename Checker<Fn>::Outcome Checker<Fn>::run_case(const Case<Fn>& c, Fn f) const {
  Outcome o;
  try {
    o.got = c.run(f);
  } catch (const nn::not_done&) {
    throw;
  } catch (const std::exception& e) {  // a shape_error, an out_of_range from NN_BOUNDS_CHECK, …
    o.threw = true;
    o.failure = std::string("your function threw: ") + e.what();
    return o;
  }
  o.want = c.truth();
  std::string part;
  const std::string diff = first_difference(o.got, o.want, c.tol, c.element_names, part);
  if (!diff.empty()) {
    o.part = part;
    o.failure = diff;
    const auto it = parts_.find(part);
    if (it != parts_.end() && !it->second.equation.empty()) o.failure += " (" + it->second.equation + ")";
    o.failure += ", against " + c.truth_name;
    const std::string k = common_factor(o.got, o.want, part);
    if (!k.empty()) o.failure += ". Every element of " + part + " is " + k + " times the right one";
  }
  return o;
}

template <class Fn>
Report Checker<Fn>::evaluate(const std::string& exercise, const std::string& general_hint, Fn f) const {
  Report r;
  std::vector<Outcome> outcomes;
  try {
    for (const auto& c : cases_) outcomes.push_back(run_case(c, f));
  } catch (const nn::not_done& e) {
    return Report{"not-done", "", {e.what()}};
  }
  std::size_t failed = 0, first = cases_.size();
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    if (!outcomes[i].failure.empty()) {
      ++failed;
      if (first == cases_.size()) first = i;
    }
  if (failed == 0) return Report{"pass", "", {}};
  r.status = "wrong";
  const auto& fc = cases_[first];
  r.lines.push_back(std::to_string(failed) + " of " + std::to_string(cases_.size()) +
                    " cases fail. The first: " + fc.label);
  r.lines.push_back("  " + outcomes[first].failure);

  // 2. The pattern. "Exact": tags that every failing case has and no passing case has.
  //    "Sufficient": tags whose cases all fail while some other case fails too. "Shared":
  //    tags that every failing case has, though some passing cases have them too.
  std::vector<std::string> exact, sufficient, shared;
  if (failed < cases_.size()) {
    std::map<std::string, std::pair<std::size_t, std::size_t>> count;  // tag → (cases, failing)
    for (std::size_t i = 0; i < cases_.size(); ++i)
      for (const auto& t : cases_[i].tags) {
        ++count[t].first;
        if (!outcomes[i].failure.empty()) ++count[t].second;
      }
    for (const auto& [t, n] : count) {
      if (n.second == n.first) (n.second == failed ? exact : sufficient).push_back(t);
      else if (n.second == failed) shared.push_back(t);
    }
  }
  auto quoted = [](const std::vector<std::string>& v, const char* sep) {
    std::string s;
    for (const auto& t : v) s += (s.empty() ? "" : sep) + ("“" + t + "”");
    return s;
  };
  const auto& used = !exact.empty() ? exact : !sufficient.empty() ? sufficient : shared;
  if (!exact.empty())
    r.lines.push_back("Exactly the cases with " + quoted(exact, " and ") + " fail; all others pass.");
  else if (!sufficient.empty())
    r.lines.push_back("Every case with any of these fails (and some others too): " + quoted(sufficient, ", ") + ".");
  else if (!shared.empty())
    r.lines.push_back("Every failing case has " + quoted(shared, " and ") + " (some passing cases too).");
  else if (failed == cases_.size())
    r.lines.push_back("Every case fails, even the simplest.");
  std::vector<std::string> hints;
  for (const auto& t : used) {  // at most two: more would bury the one that matters
    const auto it = tags_.find(t);
    if (it != tags_.end() && hints.size() < 2) hints.push_back(it->second);
  }
  const auto pit = parts_.find(outcomes[first].part);
  if (hints.empty() && pit != parts_.end() && !pit->second.hint.empty()) hints.push_back(pit->second.hint);
  if (hints.empty()) hints.push_back(general_hint);

  // 3. The typical mistake it equals: on every case (a full match), else on the first failing one.
  std::string partial;
  // The catalogue itself takes part (with --as-mistake the function is one of them): an earlier
  // mistake that equals it on every case would be named instead, and the tests would see it.
  for (const auto& m : mistakes<Fn>()) {
    if (m.exercise != exercise) continue;
    std::size_t equal = 0;
    bool equal_on_first = false;
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      // a case where both throw counts as equal (e.g. both read past the end of a tensor)
      Answer theirs;
      bool they_threw = false;
      try {
        theirs = cases_[i].run(m.fn);
      } catch (const std::exception&) {
        they_threw = true;
      }
      if (outcomes[i].threw != they_threw) continue;
      if (they_threw || matches(outcomes[i].got, theirs, outcomes[i].want)) {
        ++equal;
        if (i == first) equal_on_first = true;
      }
    }
    if (equal == cases_.size() && r.mistake.empty()) r.mistake = m.name;
    if (equal_on_first && partial.empty()) partial = m.name;
  }
  auto describe = [&](const std::string& name) -> const Mistake<Fn>* {
    for (const auto& m : mistakes<Fn>())
      if (m.name == name) return &m;
    return nullptr;
  };
  if (const auto* m = describe(r.mistake)) {
    r.lines.push_back("Your outputs equal, on every case, those of a typical mistake (exercises/mistakes/" + m->name +
                      ".cpp): " + m->what + ".");
    r.lines.push_back("Why it is wrong: " + m->why);
  } else if (const auto* p = describe(partial)) {
    r.lines.push_back("On this case only, your output happens to equal that of a typical mistake (exercises/mistakes/" +
                      p->name + ".cpp): " + p->what + ". On the other cases it does not, so your mistake may be "
                      "another; check whether your code does that.");
  }
  // A named mistake explains itself: then only an exact pattern's hint is added, since the
  // hints of tags that merely co-occur with the failures would point elsewhere.
  if (!r.mistake.empty() && exact.empty()) hints.clear();
  for (const auto& h : hints) r.lines.push_back("hint: " + h);
  return r;
}

}  // namespace ex::check

/// @brief Defines and registers the check of exercise `fn` (the function ex::fn): the body
///        receives `ex::check::Checker<…>& check` and adds parts, tags and cases to it.
/// @code
/// NN_EXERCISE_CHECK(sigmoid_prime, "4.1a", "Eq. (11)", "σ′ = σ(1 − σ), not σ(1 + σ)") {
///   check.add({...});
/// }
/// @endcode
#define NN_EXERCISE_CHECK(fn, section, equations, hint)                                                     \
  static void define_##fn(ex::check::Checker<decltype(&ex::fn)>& check);                                    \
  static const ex::check::Registrar<decltype(&ex::fn)> registrar_##fn{#fn,       section, equations, hint, \
                                                                      &ex::fn, &define_##fn};              \
  static void define_##fn(ex::check::Checker<decltype(&ex::fn)>& check)
