#include "nn/apps/experiments.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/format.hpp>

namespace nn {

namespace {

void require_finite(const std::vector<double>& values, const char* who) {
  for (double v : values)
    if (!std::isfinite(v)) throw std::invalid_argument(std::string(who) + ": a result is not a finite number");
}

}  // namespace

SeedSummary summarize(const std::vector<double>& values) {
  if (values.empty()) throw std::invalid_argument("summarize: no results to summarize");
  require_finite(values, "summarize");
  SeedSummary s;
  s.n = values.size();
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / double(s.n);
  double squares = 0;  // two passes: the mean first, then the squared deviations from it
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  s.std = s.n > 1 ? std::sqrt(squares / double(s.n - 1)) : 0.0;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  s.min = *lo, s.max = *hi;
  return s;
}

std::vector<SeedSummary> summarize_columns(const std::vector<std::vector<double>>& runs) {
  if (runs.empty()) throw std::invalid_argument("summarize_columns: no runs");
  const std::size_t steps = runs.front().size();
  for (const auto& r : runs)
    if (r.size() != steps)
      throw std::invalid_argument("summarize_columns: runs of different lengths (" + std::to_string(steps) + " and " +
                                  std::to_string(r.size()) + ")");
  std::vector<SeedSummary> out;
  std::vector<double> column(runs.size());
  for (std::size_t j = 0; j < steps; ++j) {
    for (std::size_t i = 0; i < runs.size(); ++i) column[i] = runs[i][j];
    out.push_back(summarize(column));
  }
  return out;
}

double t_quantile_975(double nu) {
  if (!(nu >= 1)) throw std::invalid_argument("t_quantile_975: needs at least one degree of freedom");
  // Student's t, 97.5 % quantile, ν = 1 … 30 (standard tables, to 3 decimals)
  static const double table[30] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                   2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                   2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (nu >= 30) {  // linear in 1/ν from ν = 30 to the normal quantile at 1/ν = 0
    const double w = 30.0 / nu;
    return 1.960 + w * (table[29] - 1.960);
  }
  const auto k = std::size_t(std::floor(nu));  // 1 ≤ k < 30
  if (double(k) == nu) return table[k - 1];
  const double x = 1.0 / nu, x0 = 1.0 / double(k), x1 = 1.0 / double(k + 1);
  return table[k] + (x - x1) / (x0 - x1) * (table[k - 1] - table[k]);
}

SeedComparison compare_seeds(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() < 2 || b.size() < 2)
    throw std::invalid_argument("compare_seeds: each setting needs at least two seeds to estimate its spread");
  const SeedSummary sa = summarize(a), sb = summarize(b);
  const double va = sa.std * sa.std / double(sa.n), vb = sb.std * sb.std / double(sb.n);
  SeedComparison c;
  c.difference = sb.mean - sa.mean;
  const double se = std::sqrt(va + vb);
  if (se == 0) {  // every run of both settings gave the same value
    c.t = c.difference == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), c.difference);
    c.nu = double(sa.n + sb.n - 2);
    c.exceeds_spread = c.difference != 0;
    return c;
  }
  c.t = c.difference / se;
  // Welch–Satterthwaite; a setting without spread contributes nothing to the denominator
  const double denominator = (sa.std > 0 ? va * va / double(sa.n - 1) : 0.0) + (sb.std > 0 ? vb * vb / double(sb.n - 1) : 0.0);
  c.nu = std::max(1.0, (va + vb) * (va + vb) / denominator);
  c.half_width = t_quantile_975(c.nu) * se;
  c.exceeds_spread = std::abs(c.difference) > c.half_width;
  return c;
}

SeedComparison compare_paired(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2)
    throw std::invalid_argument("compare_paired: needs two equally long lists of at least two seeds (got " +
                                std::to_string(a.size()) + " and " + std::to_string(b.size()) + ")");
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = b[i] - a[i];
  const SeedSummary s = summarize(d);  // also refuses non-finite values
  SeedComparison c;
  c.difference = s.mean;
  c.nu = double(s.n - 1);
  const double se = s.std / std::sqrt(double(s.n));
  if (se == 0) {  // every seed moved by exactly the same amount
    c.t = c.difference == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), c.difference);
    c.exceeds_spread = c.difference != 0;
    return c;
  }
  c.t = c.difference / se;
  c.half_width = t_quantile_975(c.nu) * se;
  c.exceeds_spread = std::abs(c.difference) > c.half_width;
  return c;
}

std::string mean_pm_std(const SeedSummary& s, int decimals, double scale) {
  const std::string f = "%." + std::to_string(decimals) + "f";
  return (boost::format(f + " ± " + f) % (scale * s.mean) % (scale * s.std)).str();
}

}  // namespace nn
