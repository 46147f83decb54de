// rigor/stats/common.h — types shared by every statistical routine: alternatives, intervals,
// the named TestResult, the StatsError exception and input validation.
//
//   rigor::stats::TestResult r = rigor::stats::welch_t_test(a, b);
//   if (r.degenerate) std::cout << r.note << "\n";  // e.g. "no variance: ..."
//   std::cout << r.statistic << " " << r.p_value << "\n";
#ifndef RIGOR_STATS_COMMON_H_
#define RIGOR_STATS_COMMON_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/error.h"

namespace rigor::stats {

// Invalid input to a statistical routine (empty sample, NaN, mismatched lengths, bad option).
class StatsError : public rigor::Error {
 public:
  using rigor::Error::Error;
};

// The alternative hypothesis, always explicit. For two samples x, y: kGreater means
// "location of x is greater than that of y" (R's alternative = "greater").
enum class Alternative { kTwoSided, kGreater, kLess };

// "two-sided", "greater", "less" (R's spelling).
std::string_view to_string(Alternative alternative);
// Accepts "two-sided", "two.sided", "two_sided", "greater", "less"; throws StatsError naming
// `field`.
Alternative parse_alternative(std::string_view text, std::string_view field = "alternative");

// A closed interval [lower, upper]; either end may be -inf/+inf for one-sided intervals.
struct Interval {
  double lower = 0.0;
  double upper = 0.0;
};

// Result of a hypothesis test. Fields that a test does not define stay empty (std::nullopt),
// never NaN.
struct TestResult {
  std::string method;  // e.g. "Welch Two Sample t-test" (R's method string)
  Alternative alternative = Alternative::kTwoSided;
  double statistic = 0.0;          // t, W, V, D, chi-squared, ... (see statistic_name)
  std::string statistic_name;      // "t", "W", "V", "D", "chi-squared", "S", ...
  std::optional<double> df;        // degrees of freedom, when the test has them
  double p_value = 1.0;            // in [0, 1]
  std::optional<double> estimate;  // e.g. difference of means, median difference
  std::optional<Interval> ci;      // confidence interval for `estimate`
  double conf_level = 0.95;        // level of `ci`
  bool exact = false;              // p from an exact null distribution
  // Degenerate input (zero variance, all differences zero): the routine returns a defined answer
  // documented in docs/stats.md, sets `degenerate` and explains in `note` ("no variance: ...").
  bool degenerate = false;
  std::string note;
};

// Validation helpers. `name` is the argument's name in messages ("x", "y", "p").
// Throws StatsError if `x` has fewer than `min_size` values or holds NaN/Inf (naming the index).
void require_finite(std::span<const double> x, std::string_view name, std::size_t min_size = 1);
// Throws StatsError unless x.size() == y.size() (for paired data).
void require_same_length(std::span<const double> x, std::span<const double> y,
                         std::string_view x_name = "x", std::string_view y_name = "y");
// Most resamples (bootstrap replicates) a routine keeps: they are held in memory, 8 bytes each.
inline constexpr std::size_t kMaxResamples = 100'000'000;
// Throws StatsError unless min_count <= count <= kMaxResamples; `advice` ends the too-few message,
// e.g. "9999 is a good default".
void require_resample_count(std::size_t count, std::string_view name, std::size_t min_count,
                            std::string_view advice);
// Throws StatsError unless 0 < level < 1.
void require_level(double level, std::string_view name);

// Ranks with ties given the average rank (R's rank(ties.method = "average")), 1-based.
std::vector<double> average_ranks(std::span<const double> x);
// Sum over tie groups of (t^3 - t), the usual tie correction term for rank tests.
double tie_correction_sum(std::span<const double> x);

// Basic summaries (two-pass, numerically stable). Preconditions checked by the callers.
double mean(std::span<const double> x);
double variance(std::span<const double> x);  // sample variance, denominator n - 1; 0 if n == 1
double median(std::span<const double> x);

// True when every value equals the first (exact comparison: deterministic training produces
// bitwise-identical scores, and that is what "no variance" means).
bool is_constant(std::span<const double> x);

}  // namespace rigor::stats

#endif  // RIGOR_STATS_COMMON_H_
