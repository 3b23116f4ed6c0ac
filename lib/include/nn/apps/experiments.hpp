/// @file experiments.hpp
/// @brief Results over several seeds: mean ± standard deviation, and whether two settings
///        differ by more than the seed-to-seed spread (design notes, "One run is an anecdote").
///
/// A training run depends on its seed: the initial weights (§4.1.2's "the weights W^(l) are
/// random when the model is first initialised"), the order of the batches and the augmentation.
/// Run each setting with the same n seeds; summarize() gives the mean and the sample standard
/// deviation s (divisor n − 1) of a result. Two settings a and b are compared by Welch's t-test:
///
///     d = mean(b) − mean(a),   SE = √(s_a²/n_a + s_b²/n_b),   t = d / SE,
///
/// with the Welch–Satterthwaite degrees of freedom ν. The difference *exceeds the seed-to-seed
/// spread* when the 95 % confidence interval d ± t₀.₉₇₅(ν)·SE does not contain 0 (a two-sided
/// test at the 5 % level). With 6 seeds each, t₀.₉₇₅ is about 2.2, so a difference must exceed
/// about 1.3 seed standard deviations (2.2 standard errors) before it counts. The test assumes the results
/// are roughly normal over seeds; it does not correct for making many comparisons at once.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace nn {

/// @brief Summary of one result over seeds.
struct SeedSummary {
  std::size_t n = 0;  ///< number of runs
  double mean = 0;    ///< the mean
  double std = 0;     ///< the sample standard deviation (n − 1 in the divisor; 0 for one run)
  double min = 0;     ///< the smallest value
  double max = 0;     ///< the largest value
};

/// @brief Mean, sample standard deviation and range of the values.
/// @throws std::invalid_argument if `values` is empty or holds a non-finite number
SeedSummary summarize(const std::vector<double>& values);

/// @brief summarize() of every column: runs[i][j] is run i's value at step j (e.g. an epoch),
///        and element j of the result summarizes column j (for mean ± std bands over epochs).
/// @throws std::invalid_argument if there are no runs or their lengths differ
std::vector<SeedSummary> summarize_columns(const std::vector<std::vector<double>>& runs);

/// @brief The 97.5 % quantile of Student's t distribution with ν degrees of freedom (the
///        two-sided 95 % critical value): tabulated for ν = 1 … 30, interpolated in 1/ν
///        between the table's entries and from ν = 30 to the normal value 1.96 at ν = ∞.
/// @throws std::invalid_argument if ν < 1 or is not a number
double t_quantile_975(double nu);

/// @brief Welch's comparison of two settings (see the file comment).
struct SeedComparison {
  double difference = 0;  ///< d = mean(b) − mean(a)
  double half_width = 0;  ///< t₀.₉₇₅(ν)·SE: the 95 % interval is d ± half_width
  double t = 0;           ///< d / SE (0 when SE = 0 and d = 0; ±∞ when only SE = 0)
  double nu = 0;          ///< Welch–Satterthwaite degrees of freedom
  bool exceeds_spread = false;  ///< true when the 95 % interval excludes 0
};

/// @brief Compares setting b with setting a over their seeds.
/// @throws std::invalid_argument if either has fewer than two values or a non-finite one
SeedComparison compare_seeds(const std::vector<double>& a, const std::vector<double>& b);

/// @brief The paired comparison, for settings run with the same seeds: the t interval of the
///        per-seed differences b_i − a_i, \f$\bar d \pm t_{0.975}(n-1)\, s_d/\sqrt n\f$. When a
///        seed that is good for one setting is good for the other too (the same batches, the
///        same draws), the differences vary less than the results, and this test can see a
///        smaller effect than Welch's; when the seeds do not pair up, it can see less.
/// @param a, b  results of the two settings, element i from seed i of both
/// @throws std::invalid_argument if the lengths differ, are below two, or hold a non-finite value
SeedComparison compare_paired(const std::vector<double>& a, const std::vector<double>& b);

/// @brief "99.12 ± 0.08" for a summary, with `decimals` digits after the point, each value
///        multiplied by `scale` first (100 for a fraction shown in per cent).
std::string mean_pm_std(const SeedSummary& s, int decimals = 2, double scale = 1.0);

}  // namespace nn
