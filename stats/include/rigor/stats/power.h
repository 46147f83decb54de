// rigor/stats/power.h — how many seeds a claim needs: power and sample size of the t-tests (R's
// power.t.test, noncentral t) and Noether's (1987) sample size for the Mann-Whitney test of
// P(X > Y).
//
//   auto d = rigor::stats::power_t_test({.delta = 0.01, .sd = 0.008, .power = 0.8});
//   std::cout << d.n << " -> " << d.n_ceil << " seeds per arm\n";  // 11.09 -> 12
//   auto m = rigor::stats::noether_sample_size(0.75, {.power = 0.8});  // 21 seeds per arm
#ifndef RIGOR_STATS_POWER_H_
#define RIGOR_STATS_POWER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rigor/stats/common.h"

namespace rigor::stats {

// The design of the planned t-test (R's power.t.test `type`).
enum class TTestDesign {
  kTwoSample,  // two independent groups; n is per group, sd the common within-group SD
  kPaired,     // n pairs; sd is the SD of the within-pair differences
  kOneSample,  // n observations; sd their SD
};
// "two_sample", "paired", "one_sample".
std::string_view to_string(TTestDesign design);
// Accepts "two_sample", "two.sample", "paired", "one_sample", "one.sample"; throws StatsError
// naming `field` otherwise.
TTestDesign parse_t_test_design(std::string_view text, std::string_view field = "type");

// Sidedness of a planned test (R's power.t.test / Noether `alternative`): a one-sided test puts all
// of alpha in the direction of delta.
enum class PowerAlternative { kTwoSided, kOneSided };
// "two-sided", "one-sided".
std::string_view to_string(PowerAlternative alternative);
// Accepts "two-sided", "two.sided", "two_sided", "one-sided", "one.sided", "one_sided".
PowerAlternative parse_power_alternative(std::string_view text,
                                         std::string_view field = "alternative");

// Inputs of power_t_test, R's power.t.test arguments. Exactly one of n, delta and power is left
// empty: that is the one solved for.
struct PowerTTestSpec {
  // Observations per group (two-sample), pairs (paired) or observations (one-sample); real-valued
  // like R, > 1 (the t distribution needs df > 0), at most 1e7.
  std::optional<double> n = std::nullopt;
  // True difference of means (units of the data); != 0, finite.
  std::optional<double> delta = std::nullopt;
  double sd = 1.0;                             // > 0, finite
  double alpha = 0.05;                         // significance level (R's sig.level), in (0, 1)
  std::optional<double> power = std::nullopt;  // in (0, 1)
  TTestDesign type = TTestDesign::kTwoSample;
  PowerAlternative alternative = PowerAlternative::kTwoSided;
  // R's strict: a two-sided test also counts rejections in the wrong tail. Off by default like R.
  bool strict = false;
};

struct PowerTTestResult {
  std::string solved_for;  // "n", "power" or "delta"
  double n = 0.0;          // R's n: the real-valued solution, or the given n
  // Observations to run: the smallest integer n >= 2 whose power reaches the target (solving for
  // n), else ceil(n). Per group for two-sample designs (seeds per arm), pairs for paired.
  std::int64_t n_ceil = 0;
  double power = 0.0;            // target (solving for n) or computed power at n
  double power_at_n_ceil = 0.0;  // power with n_ceil observations
  double delta = 0.0;            // |delta| for two-sided designs (like R); solved or given
  double sd = 1.0;
  double alpha = 0.05;
  TTestDesign type = TTestDesign::kTwoSample;
  PowerAlternative alternative = PowerAlternative::kTwoSided;
  bool strict = false;
  std::string method;  // R's METHOD, e.g. "Two-sample t test power calculation"
  std::string note;    // R's NOTE, e.g. "n is number in *each* group"; empty for one-sample
};

// Power of the t-test, or the n / delta that gives a target power, as R's power.t.test (R 4.2.2):
//   nu = (n - 1) * k, k = 2 (two-sample) or 1, q = qt(1 - alpha / s, nu), s = 2 (two-sided) or 1,
//   ncp = sqrt(n / k) * delta / sd,
//   power = P(T'(nu, ncp) > q) [+ P(T'(nu, ncp) < -q) if strict and two-sided],
// with T' the noncentral t (Boost.Math non_central_t). n and delta are solved by TOMS 748 to full
// double precision (R's uniroot stops at tol = eps^0.25 by default; with tol = 1e-12 R agrees
// to ~1e-10). A two-sided design uses |delta|. Solving for n may give n < 2 for huge effects (R
// does too); n_ceil is then 2.
// Throws StatsError when not exactly one of n, delta, power is empty; a value is outside its range
// (see PowerTTestSpec); a one-sided design is solved for n with delta < 0 (the effect points
// away from the alternative); or the target power needs n > 1e7 or is unreachable.
PowerTTestResult power_t_test(const PowerTTestSpec& spec);

struct NoetherOptions {
  double alpha = 0.05;    // significance level, in (0, 1)
  double power = 0.8;     // target power, in (alpha / s, 1) with s = 2 (two-sided) or 1
  double fraction = 0.5;  // share c of the observations in group x, in (0, 1)
  PowerAlternative alternative = PowerAlternative::kTwoSided;
};

struct NoetherSampleSize {
  // Total N = (z_{1-alpha/s} + z_{power})^2 / (12 c (1 - c) (p - 1/2)^2), real-valued
  // (Noether 1987, JASA 82:645-647, eq. 3; s = 2 two-sided, 1 one-sided).
  double n_total = 0.0;
  double n_x = 0.0;               // c N
  double n_y = 0.0;               // (1 - c) N
  std::int64_t n_x_ceil = 0;      // ceil(c N), at least 1: seeds to run in group x
  std::int64_t n_y_ceil = 0;      // ceil((1 - c) N), at least 1
  std::int64_t n_total_ceil = 0;  // n_x_ceil + n_y_ceil
  double p_outperform = 0.5;
  double alpha = 0.05;
  double power = 0.8;
  double fraction = 0.5;
  PowerAlternative alternative = PowerAlternative::kTwoSided;
};

// Sample size for the Mann-Whitney (Wilcoxon rank-sum) test to detect p = P(X > Y) != 1/2 with the
// given power, by Noether's normal approximation. The direction of p does not matter for the
// size. Throws StatsError unless 0 < p < 1, p != 1/2, the options are in range.
NoetherSampleSize noether_sample_size(double p_outperform, const NoetherOptions& options = {});

}  // namespace rigor::stats

#endif  // RIGOR_STATS_POWER_H_
