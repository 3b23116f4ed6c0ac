// Results over seeds (nn/apps/experiments.hpp): mean ± sample std, Welch's comparison, the t
// quantile; and nn::reinitialize for the initialisation ablation.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "nn/apps/experiments.hpp"
#include "nn/apps/models.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/init.hpp"

namespace {

/// P(T ≤ q) for Student's t with ν degrees of freedom, by Simpson's rule on the density: an
/// independent check of the tabulated quantiles.
double student_cdf(double q, double nu) {
  const double c = std::exp(std::lgamma((nu + 1) / 2) - std::lgamma(nu / 2)) / std::sqrt(nu * M_PI);
  const auto pdf = [&](double x) { return c * std::pow(1 + x * x / nu, -(nu + 1) / 2); };
  const int n = 20000;  // even; the density is smooth, so Simpson's error is far below 1e-6
  const double h = q / n;
  double s = pdf(0) + pdf(q);
  for (int i = 1; i < n; ++i) s += (i % 2 ? 4 : 2) * pdf(i * h);
  return 0.5 + s * h / 3;
}

}  // namespace

TEST_CASE("summarize: mean, sample standard deviation (n − 1) and range by hand", "[experiments]") {
  const nn::SeedSummary s = nn::summarize({1, 2, 3, 4});
  CHECK(s.n == 4);
  CHECK(s.mean == Approx(2.5).epsilon(1e-15));
  CHECK(s.std == Approx(std::sqrt(5.0 / 3.0)).epsilon(1e-15));  // Σ(x − 2.5)² = 5, divided by 3
  CHECK(s.min == 1);
  CHECK(s.max == 4);
  CHECK(nn::summarize({7}).std == 0);
  CHECK(nn::mean_pm_std(nn::summarize({0.99, 0.98}), 1, 100) == "98.5 ± 0.7");
  CHECK_THROWS_AS(nn::summarize({}), std::invalid_argument);
  CHECK_THROWS_AS(nn::summarize({1, std::nan("")}), std::invalid_argument);
}

TEST_CASE("summarize_columns summarizes each epoch over the runs", "[experiments]") {
  const auto cols = nn::summarize_columns({{1, 10}, {3, 10}, {5, 40}});
  REQUIRE(cols.size() == 2);
  CHECK(cols[0].mean == Approx(3));
  CHECK(cols[0].std == Approx(2));
  CHECK(cols[1].mean == Approx(20));
  CHECK(cols[1].std == Approx(std::sqrt(300.0)));
  CHECK_THROWS_WITH(nn::summarize_columns({{1, 2}, {3}}), Catch::Contains("different lengths"));
  CHECK_THROWS_AS(nn::summarize_columns({}), std::invalid_argument);
}

TEST_CASE("t_quantile_975 is the 97.5 % point of Student's t (checked by integrating the density)", "[experiments]") {
  CHECK(nn::t_quantile_975(1) == Approx(12.706));
  CHECK(nn::t_quantile_975(8) == Approx(2.306));
  CHECK(nn::t_quantile_975(1e9) == Approx(1.96).margin(1e-6));
  // The 1e-3 is the accuracy of the method, not slack. Table entries are rounded to 3
  // decimals: the CDF there is within 2e-5·density of 0.975.
  // Between entries the 1/ν interpolation is good to 1e-3 in probability from ν = 3 on, which is
  // where 5-seed comparisons fall (ν from 4 to 8). Below ν = 3 it is coarser but errs on the
  // safe side: the quantile is too large, the test a little stricter than 5 % (CDF ≤ 0.981).
  for (double nu : {3.0, 4.0, 4.6, 5.5, 7.3, 8.0, 12.5, 29.5, 30.0, 45.0, 80.0, 500.0})
    CHECK(student_cdf(nn::t_quantile_975(nu), nu) == Approx(0.975).margin(1e-3));
  for (double nu : {1.0, 1.25, 1.5, 1.75, 2.0, 2.5}) {
    const double p = student_cdf(nn::t_quantile_975(nu), nu);
    CHECK(p >= 0.975 - 2e-5);
    CHECK(p <= 0.981);
  }
  double previous = std::numeric_limits<double>::infinity();
  for (double nu = 1; nu < 200; nu += 0.25) {  // falls towards the normal quantile
    const double q = nn::t_quantile_975(nu);
    CHECK(q < previous);
    CHECK(q > 1.96);
    previous = q;
  }
  CHECK_THROWS_AS(nn::t_quantile_975(0.5), std::invalid_argument);
  CHECK_THROWS_AS(nn::t_quantile_975(std::nan("")), std::invalid_argument);
}

TEST_CASE("compare_seeds: Welch's t by hand", "[experiments]") {
  // a = {1,2,3}, b = {4,5,6}: d = 3, s = 1 each, SE = √(2/3), t = 3.674, ν = 4, t₀.₉₇₅(4) = 2.776
  const nn::SeedComparison c = nn::compare_seeds({1, 2, 3}, {4, 5, 6});
  CHECK(c.difference == Approx(3));
  CHECK(c.t == Approx(3 / std::sqrt(2.0 / 3.0)));
  CHECK(c.nu == Approx(4));
  CHECK(c.half_width == Approx(2.776 * std::sqrt(2.0 / 3.0)));
  CHECK(c.exceeds_spread);
  // unequal spreads: ν drops towards the smaller sample's n − 1
  const nn::SeedComparison u = nn::compare_seeds({0, 0.1, -0.1, 0.05, -0.05}, {0, 10, -10});
  CHECK(u.nu < 2.5);
  CHECK_FALSE(u.exceeds_spread);
  CHECK_FALSE(nn::compare_seeds({1, 1}, {1, 1}).exceeds_spread);
  CHECK(nn::compare_seeds({1, 1}, {2, 2}).exceeds_spread);
  CHECK_THROWS_WITH(nn::compare_seeds({1}, {1, 2}), Catch::Contains("at least two seeds"));
}

TEST_CASE("compare_paired: the t interval of the per-seed differences by hand", "[experiments]") {
  // a = {1, 2, 3, 4}, b = a + {1.0, 1.2, 0.8, 1.0}: d̄ = 1, s_d = √(0.08/3), ν = 3, t₀.₉₇₅(3) = 3.182
  const nn::SeedComparison c = nn::compare_paired({1, 2, 3, 4}, {2, 3.2, 3.8, 5});
  CHECK(c.difference == Approx(1));
  CHECK(c.nu == 3);
  CHECK(c.half_width == Approx(3.182 * std::sqrt(0.08 / 3) / 2));
  CHECK(c.exceeds_spread);
  // the same data unpaired: the spread of a and b hides the shift of one
  CHECK_FALSE(nn::compare_seeds({1, 2, 3, 4}, {2, 3.2, 3.8, 5}).exceeds_spread);
  CHECK_THROWS_WITH(nn::compare_paired({1, 2}, {1, 2, 3}), Catch::Contains("equally long"));
  CHECK_THROWS_AS(nn::compare_paired({1}, {1}), std::invalid_argument);
}

TEST_CASE("compare_seeds calls about 5 % of same-distribution pairs different, and finds a real shift", "[experiments]") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 1.0);
  const int trials = 4000;
  int false_alarms = 0, found = 0, paired_alarms = 0;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> a(5), b(5), shifted(5);
    for (int i = 0; i < 5; ++i) a[i] = noise(rng), b[i] = noise(rng), shifted[i] = b[i] + 3.0;
    false_alarms += nn::compare_seeds(a, b).exceeds_spread;
    found += nn::compare_seeds(a, shifted).exceeds_spread;
    paired_alarms += nn::compare_paired(a, b).exceeds_spread;
  }
  // Welch's test is slightly conservative at n = 5 (rate a little under 5 %); the binomial
  // standard error of the rate is 0.34 %, so [3.5 %, 6.5 %] would flag a wrong SE or quantile.
  const double rate = double(false_alarms) / trials;
  CHECK(rate > 0.035);
  CHECK(rate < 0.065);
  CHECK(double(found) / trials > 0.9);
  // the paired test is exact for normal differences: 5 % (binomial standard error 0.34 %)
  CHECK(double(paired_alarms) / trials > 0.04);
  CHECK(double(paired_alarms) / trials < 0.06);  // a 3σ shift with 5 + 5 seeds: power about 0.98
}

TEST_CASE("reinitialize redraws convolution and dense weights at the scheme's scale times the gain", "[experiments][init]") {
  nn::Sequential<float> net;
  auto& conv = net.add<nn::Conv2d<float>>(4, 32, 3, 3);
  auto& bn = net.add<nn::BatchNorm2d<float>>(32);
  net.add<nn::Flatten<float>>();
  std::mt19937_64 rng(1);
  auto& dense = net.add<nn::Dense<float>>(200, 300, nn::Init::he_normal, rng);
  conv.bias().fill(1.0f);
  dense.bias().fill(1.0f);
  bn.parameters()[0].value->fill(3.0f);  // γ: not a weight to redraw
  nn::reinitialize(net, nn::Init::xavier_normal, 0.1, 5);
  const auto rms = [](const nn::Tensor<float>& W) {
    double s = 0;
    for (float w : W) s += double(w) * w;
    return std::sqrt(s / double(W.size()));
  };
  // Xavier normal: s = √(2/(fan_in + fan_out)); 36·32·... draws, so the RMS is within a few %
  CHECK(rms(conv.weights()) == Approx(0.1 * std::sqrt(2.0 / (36 + 288))).epsilon(0.05));
  CHECK(rms(dense.weight()) == Approx(0.1 * std::sqrt(2.0 / (200 + 300))).epsilon(0.02));
  for (float b : conv.bias()) CHECK(b == 0);
  for (float b : dense.bias()) CHECK(b == 0);
  for (float g : *bn.parameters()[0].value) CHECK(g == 3.0f);
  // He normal: s = √(2/fan_in); the same seed draws the same standard normals for every normal
  // scheme, so the He weights are the Xavier ones times the ratio of the scales
  const std::vector<float> xavier(dense.weight().begin(), dense.weight().end());
  nn::reinitialize(net, nn::Init::he_normal, 1.0, 5);
  CHECK(rms(conv.weights()) == Approx(std::sqrt(2.0 / 36)).epsilon(0.05));
  CHECK(rms(dense.weight()) == Approx(std::sqrt(2.0 / 200)).epsilon(0.02));
  const double ratio = std::sqrt(2.0 / 200) / (0.1 * std::sqrt(2.0 / 500));
  // both are float roundings of the same draw times a scale (a few ulp, ~2e-7 relative apart)
  for (std::size_t i = 0; i < xavier.size(); i += 97) CHECK(dense.weight()[i] == Approx(ratio * xavier[i]).epsilon(1e-5));
  nn::reinitialize(net, nn::Init::xavier_normal, 0.1, 5);
  // the same seed gives the same weights
  const std::vector<float> before(conv.weights().begin(), conv.weights().end());
  nn::reinitialize(net, nn::Init::xavier_normal, 0.1, 5);
  CHECK(std::vector<float>(conv.weights().begin(), conv.weights().end()) == before);
}
