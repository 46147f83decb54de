// rigor/stats/normality.h — the Shapiro-Wilk test of normality, exactly as R's shapiro.test
// (R 4.2.2: Royston 1995, Applied Statistics algorithm AS R94, with R's corrections), in double
// precision throughout (scipy 1.10's port runs in single precision and differs from R by ~1e-7).
//
//   std::vector<double> scores = {0.912, 0.907, 0.915, 0.921, 0.899, 0.910};
//   rigor::stats::TestResult r = rigor::stats::shapiro_wilk(scores);
//   if (r.p_value < 0.05) std::cout << "not normal: W = " << r.statistic << "\n";
#ifndef RIGOR_STATS_NORMALITY_H_
#define RIGOR_STATS_NORMALITY_H_

#include <span>

#include "rigor/stats/common.h"

namespace rigor::stats {

// Shapiro-Wilk W test that x comes from a normal distribution (Shapiro & Wilk 1965; Royston 1995,
// "Remark AS R94", Applied Statistics 44:547-551). x may be unsorted, in any units (W is
// scale- and location-free). Returns statistic_name "W", statistic W in (0, 1], p_value (upper
// tail: small W means non-normal), method "Shapiro-Wilk normality test", exact = true only for
// n = 3 (where the distribution of W is known exactly).
//
// Like R, 3 <= n <= 5000 (Royston's approximation is calibrated on that range) and data whose
// range is below 1e-10 are divided by their range first.
//
// Constant x (every value identical; R stops with "all 'x' values are identical"): W = 1, p = 1,
// degenerate = true and a note starting "no variance:" (docs/stats.md).
//
// Throws StatsError for fewer than 3 or more than 5000 values, or a NaN/infinite value (naming its
// index; R would silently drop NA).
TestResult shapiro_wilk(std::span<const double> x);

}  // namespace rigor::stats

#endif  // RIGOR_STATS_NORMALITY_H_
