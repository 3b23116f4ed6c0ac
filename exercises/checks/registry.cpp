// The exercise registry (a function-local static, so registration order is safe) and the
// comparison every check uses.
#include <algorithm>
#include <cstdio>
#include <random>

#include "check.hpp"

namespace ex::check {

std::vector<Exercise>& registry() {
  static std::vector<Exercise> r;
  return r;
}

nn::Tensor<double> uniform_tensor(const nn::Shape& shape, double lo, double hi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  nn::Tensor<double> t(shape);
  for (auto& v : t) v = u(rng);
  return t;
}

namespace {
// The part named `name` of an answer, or nullptr.
const Part* find_part(const Answer& a, const std::string& name) {
  for (const auto& p : a)
    if (p.name == name) return &p;
  return nullptr;
}
}  // namespace

std::string multi_index(const nn::Shape& s, std::size_t i) {
  std::vector<std::size_t> idx(s.rank());
  for (std::size_t d = s.rank(); d-- > 0;) {
    idx[d] = i % s[d];
    i /= s[d];
  }
  std::string out = "(";
  for (std::size_t d = 0; d < idx.size(); ++d) out += (d ? ", " : "") + std::to_string(idx[d]);
  return out + ")";
}

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

std::string first_difference(const Answer& got, const Answer& want, double tol,
                             const std::vector<std::string>& element_names, std::string& part_name) {
  for (const auto& w : want) {
    part_name = w.name;
    const Part* g = find_part(got, w.name);
    if (!g) return w.name + " is missing from the answer";
    if (g->value.shape() != w.value.shape())
      return w.name + " has shape " + g->value.shape().str() + ", expected " + w.value.shape().str();
    for (std::size_t i = 0; i < w.value.size(); ++i) {
      const double a = g->value[i], b = w.value[i];
      if (std::abs(a - b) <= tol * std::max(1.0, std::abs(b))) continue;  // NaN fails here
      if (a == b) continue;                                                // equal infinities
      const std::string where = element_names.size() == w.value.size() ? " at " + element_names[i]
                                : w.value.size() == 1                   ? ""
                                                                        : " at " + multi_index(w.value.shape(), i);
      return w.name + where + ": got " + num(a) + ", expected " + num(b);
    }
  }
  part_name.clear();
  return "";
}

std::string common_factor(const Answer& got, const Answer& want, const std::string& name) {
  const Part *g = find_part(got, name), *w = find_part(want, name);
  if (!g || !w || g->value.shape() != w->value.shape()) return "";
  double k = 0;
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < w->value.size(); ++i) {
    const double a = g->value[i], b = w->value[i];
    if (!std::isfinite(a) || !std::isfinite(b)) return "";
    if (std::abs(b) < 1e-9) {
      if (std::abs(a) > 1e-9) return "";  // got something where the truth is 0: no factor
      continue;
    }
    if (nonzero++ == 0) k = a / b;
    else if (std::abs(a / b - k) > 1e-9 * std::max(1.0, std::abs(k))) return "";
  }
  if (nonzero < 2 || std::abs(k - 1) < 1e-9 || std::abs(k) < 1e-9) return "";
  for (int d = 2; d <= 12; ++d)  // 1/R, 1/2, …: say it as a fraction
    if (std::abs(k * d - 1) < 1e-9) return "1/" + std::to_string(d);
  for (int d = 2; d <= 12; ++d)
    if (std::abs(k * d + 1) < 1e-9) return "−1/" + std::to_string(d);
  return num(k);
}

bool matches(const Answer& student, const Answer& mistake, const Answer& truth) {
  for (const auto& m : mistake) {
    const Part *s = find_part(student, m.name), *t = find_part(truth, m.name);
    if (!s || s->value.shape() != m.value.shape()) return false;
    for (std::size_t i = 0; i < m.value.size(); ++i) {
      const double a = s->value[i], b = m.value[i];
      if (std::isnan(a) || std::isnan(b)) {
        if (std::isnan(a) != std::isnan(b)) return false;
        continue;
      }
      if (a == b) continue;
      double allowed = 1e-12 * std::max(1.0, std::abs(b));
      if (t && t->value.shape() == m.value.shape() && std::isfinite(t->value[i]))
        allowed = std::max(allowed, 0.05 * std::abs(b - t->value[i]));
      if (!(std::abs(a - b) <= allowed)) return false;
    }
  }
  return true;
}

}  // namespace ex::check
