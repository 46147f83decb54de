// rigor/stats/outperform.h — the probability of outperforming P(A > B) with a seeded percentile
// bootstrap confidence interval and the decision rule of Bouthillier et al. (2021, MLSys,
// "Accounting for variance in machine learning benchmarks"): a difference must be both
// statistically significant (the CI excludes 0.5) and meaningful (the CI reaches gamma).
//
//   std::vector<double> a = {0.91, 0.93, 0.90, 0.94}, b = {0.88, 0.89, 0.90, 0.87};
//   auto r = rigor::stats::probability_of_outperforming(a, b, /*seed=*/7);
//   std::cout << r.estimate << " " << r.ci.lower << " " << to_string(r.conclusion) << "\n";
#ifndef RIGOR_STATS_OUTPERFORM_H_
#define RIGOR_STATS_OUTPERFORM_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "rigor/stats/common.h"

namespace rigor::stats {

// The decision of Bouthillier et al. (2021) for one comparison.
enum class OutperformConclusion {
  kABetter,                   // CI lower end > 0.5 and CI upper end >= gamma
  kBBetter,                   // CI upper end < 0.5 and CI lower end <= 1 - gamma
  kSignificantNotMeaningful,  // CI excludes 0.5, but does not reach gamma on that side
  kNotSignificant,            // CI contains 0.5
};
// "a_better", "b_better", "significant_not_meaningful", "not_significant".
std::string_view to_string(OutperformConclusion conclusion);

struct OutperformOptions {
  // Paired runs (a[i] and b[i] share seed / data split): P(A > B) over the n pairs and a
  // bootstrap over pairs. Unpaired: over all n m cross pairs, resampling each arm on its own.
  bool paired = false;
  // Threshold for a meaningful difference, in (0.5, 1). 0.75 is Bouthillier et al.'s value.
  double gamma = 0.75;
  // Level of the two-sided percentile bootstrap interval, in (0, 1).
  double conf_level = 0.95;
  // Bootstrap resamples, at least 2 (1000 or more recommended).
  std::size_t n_resamples = 1000;
  // 0 = std::thread::hardware_concurrency() (fewer for small work). Results do not depend on it.
  unsigned threads = 0;
};

struct OutperformResult {
  std::string method = "Probability of outperforming (Bouthillier et al. 2021)";
  // P(A > B) + P(A = B) / 2: the Mann-Whitney U of a against b divided by n m (unpaired), or the
  // share of pairs with a[i] > b[i], ties counting 1/2 (paired). In [0, 1].
  double estimate = 0.5;
  Interval ci{0.5, 0.5};  // percentile bootstrap interval for `estimate`
  double conf_level = 0.95;
  double gamma = 0.75;
  bool paired = false;
  std::size_t n_resamples = 0;
  std::uint64_t seed = 0;
  std::size_t n_a = 0;
  std::size_t n_b = 0;
  bool significant = false;  // the CI excludes 0.5 (ci.lower > 0.5 or ci.upper < 0.5)
  bool meaningful = false;   // ci.upper >= gamma or ci.lower <= 1 - gamma
  OutperformConclusion conclusion = OutperformConclusion::kNotSignificant;
  // All scores tied (or, paired, every difference zero), or both arms constant: see
  // docs/stats/aso.md.
  bool degenerate = false;
  std::string note;
};

// P(A > B) for scores `a` of algorithm A and `b` of algorithm B (larger = better) with a
// percentile bootstrap CI (Efron & Tibshirani 1993, ch. 13): resample r draws, from
// CounterRng(seed, r), n pair indices below(n) (paired) or n indices a[below(n)] then m indices
// b[below(m)] (unpaired); the CI ends are the (1 -+ conf_level)/2 quantiles of the replicates,
// R's quantile type 7 (linear interpolation). Decision rule: see OutperformConclusion.
// Degenerate (degenerate = true, `note`): every score of a and b equal or every paired difference
// zero: estimate 0.5, CI [0.5, 0.5], not significant; both arms constant and different:
// estimate 1 or 0, CI at the point.
// Throws StatsError if a or b has fewer than 2 values or holds NaN/Inf, paired data differ in
// length, gamma is outside (0.5, 1), conf_level outside (0, 1), or n_resamples < 2.
OutperformResult probability_of_outperforming(std::span<const double> a, std::span<const double> b,
                                              std::uint64_t seed,
                                              const OutperformOptions& options = {});

}  // namespace rigor::stats

#endif  // RIGOR_STATS_OUTPERFORM_H_
