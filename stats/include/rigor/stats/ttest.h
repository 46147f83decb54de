// rigor/stats/ttest.h — t-tests for means: Welch and Student two-sample, paired and one-sample.
// Each matches R's t.test (R 4.2.2, stats:::t.test.default) in statistic, df, p-value, confidence
// interval and estimate, and gives rigor's defined answer for constant data (docs/stats.md).
//
//   std::vector<double> a = {0.91, 0.92, 0.90}, b = {0.88, 0.89, 0.90};
//   using rigor::stats::Alternative;
//   auto r = rigor::stats::welch_t_test(a, b, {.alternative = Alternative::kGreater});
//   std::cout << r.statistic << " " << *r.df << " " << r.p_value << "\n";  // 2.449 4 0.0352
#ifndef RIGOR_STATS_TTEST_H_
#define RIGOR_STATS_TTEST_H_

#include <span>

#include "rigor/stats/common.h"

namespace rigor::stats {

// Options shared by every t-test (R's t.test arguments of the same names).
struct TTestOptions {
  // kGreater: the mean of x (or of x - y) exceeds mu; kLess: it is below mu.
  Alternative alternative = Alternative::kTwoSided;
  // Hypothesised mean (one-sample), mean difference (paired) or difference of means (two-sample),
  // in the units of the data. Must be finite.
  double mu = 0.0;
  // Level of the confidence interval, in (0, 1). One-sided alternatives give a one-sided interval
  // with an infinite end, like R.
  double conf_level = 0.95;
};

// Every function returns a TestResult with statistic_name "t", df, p_value, estimate, ci (an
// interval for the estimate, i.e. for mean(x) - mean(y), the mean difference or the mean) and
// method as R prints it. Inputs are unchanged; order does not matter except for pairing.
//
// Constant data (docs/stats.md): when the standard error is exactly zero (both samples constant,
// all paired differences equal, a constant one-sample) the result has degenerate = true, a note
// starting "no variance:" (or "all paired differences are zero:"), estimate = the exact difference
// d, ci = [d, d] and
//   d == mu: t = 0, p = 1;
//   d != mu: t = +-inf (sign of d - mu), p = 0 if the alternative points that way (two-sided: 0),
//            else 1.
// R stops with "data are essentially constant" instead.
//
// All functions throw StatsError for a value that is NaN or infinite (naming the index), too few
// values, an infinite mu, conf_level outside (0, 1), or data so large that the variance overflows.

// Welch's unequal-variance two-sample test (R: t.test(x, y), method "Welch Two Sample t-test";
// Welch 1947, Biometrika 34:28-35; df by the Welch-Satterthwaite equation). Needs >= 2 values in
// each sample. One constant sample is fine as long as the other varies (df = n_other - 1). In the
// degenerate case df is left empty (the Welch-Satterthwaite df is 0/0).
TestResult welch_t_test(std::span<const double> x, std::span<const double> y,
                        const TTestOptions& options = {});

// Student's equal-variance two-sample test with the pooled variance (R: t.test(x, y, var.equal =
// TRUE), method " Two Sample t-test" with R's leading space). Like R it needs >= 1 value in each
// sample and >= 3 in total (df = n_x + n_y - 2 > 0).
TestResult student_t_test(std::span<const double> x, std::span<const double> y,
                          const TTestOptions& options = {});

// Paired test: the one-sample test on the differences x[i] - y[i] (R: t.test(x, y, paired =
// TRUE), method "Paired t-test"). Needs equal lengths, >= 2 pairs.
TestResult paired_t_test(std::span<const double> x, std::span<const double> y,
                         const TTestOptions& options = {});

// One-sample test of mean(x) == mu (R: t.test(x, mu = mu), method "One Sample t-test"); the
// estimate is mean(x). Needs >= 2 values.
TestResult one_sample_t_test(std::span<const double> x, const TTestOptions& options = {});

}  // namespace rigor::stats

#endif  // RIGOR_STATS_TTEST_H_
