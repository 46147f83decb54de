// rigor/stats/rank_tests.h — one- and two-sample rank tests: Mann-Whitney U (Wilcoxon rank sum),
// Wilcoxon signed rank (with Pratt and zero-split zero handling) and the exact sign test, with
// the Hodges-Lehmann location estimate and its confidence interval, matching R's wilcox.test and
// binom.test (and scipy.stats.wilcoxon for the Pratt / zero-split variants).
//
//   std::vector<double> a = {0.91, 0.93, 0.90, 0.94}, b = {0.88, 0.89, 0.90, 0.87};
//   rigor::stats::TestResult u = rigor::stats::mann_whitney(a, b);          // wilcox.test(a, b)
//   rigor::stats::TestResult v = rigor::stats::wilcoxon_signed_rank(a, b);  // paired = TRUE
#ifndef RIGOR_STATS_RANK_TESTS_H_
#define RIGOR_STATS_RANK_TESTS_H_

#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "rigor/stats/common.h"

namespace rigor::stats {

// How the p-value is computed.
//   kAuto:       exact when R would use it (rank sum: n1 < 50 and n2 < 50; signed rank: fewer than
//                50 non-zero differences) and there are no ties (and, signed rank, no zeros);
//                otherwise the normal approximation.
//   kExact:      the exact null distribution; with ties (or zeros) R cannot use it, warns and
//                uses the normal approximation: rigor does the same and says so in `note`.
//   kAsymptotic: the normal approximation with tie correction (and continuity correction if asked).
enum class RankMethod { kAuto, kExact, kAsymptotic };

// "auto", "exact", "asymptotic"; parse also accepts "approx" (scipy) and "normal".
std::string_view to_string(RankMethod method);
RankMethod parse_rank_method(std::string_view text, std::string_view field = "method");

// Treatment of zero differences in the signed-rank test.
//   kWilcox: drop zeros, then rank (R's wilcox.test, scipy zero_method="wilcox").
//   kPratt:  rank |d| with the zeros, then drop the zeros' ranks (Pratt 1959; scipy "pratt").
//   kZsplit: rank with the zeros and give half of each zero's rank to each sign (scipy "zsplit").
enum class ZeroMethod { kWilcox, kPratt, kZsplit };

// "wilcox", "pratt", "zsplit".
std::string_view to_string(ZeroMethod method);
ZeroMethod parse_zero_method(std::string_view text, std::string_view field = "zero_method");

struct MannWhitneyOptions {
  Alternative alternative = Alternative::kTwoSided;
  RankMethod method = RankMethod::kAuto;
  bool continuity = true;  // continuity correction of the normal approximation (R: correct)
  double mu = 0.0;         // null location shift: tests x - mu against y
  bool conf_int = true;    // compute the location-shift estimate and its CI (R: conf.int)
  double conf_level = 0.95;
};

// Mann-Whitney U / Wilcoxon rank-sum test of x against y, as R's wilcox.test(x, y, ...).
// statistic W = U of x: the number of pairs (x_i - mu, y_j) with x_i - mu > y_j, ties counting
// 1/2 (R's W). The exact p-value uses the null distribution of U by the counting recursion of
// R's cwilcox (Mann & Whitney 1947); the normal approximation uses the tie-corrected variance
// n1 n2 / 12 * (N + 1 - sum(t^3 - t) / (N (N - 1))).
// estimate: the Hodges-Lehmann location shift; exact case: median of the n1*n2 differences
// x_i - y_j with the CI from the exact quantiles (R); normal case: the root of the standardized
// statistic found with R's uniroot (Brent's zeroin, tol 1e-4), reproduced step by step, so the
// estimate and CI are R's (not the median of the differences).
// Degenerate: every value of x - mu and y tied: W = n1 n2 / 2, p = 1, estimate = x - y,
// CI [x - y, x - y], degenerate = true.
// Throws StatsError for an empty or non-finite x or y, non-finite mu, conf_level outside (0, 1),
// or method kExact on samples too large for the exact distribution (n1 * n2 > 40000).
TestResult mann_whitney(std::span<const double> x, std::span<const double> y,
                        const MannWhitneyOptions& options = {});

struct WilcoxonOptions {
  Alternative alternative = Alternative::kTwoSided;
  RankMethod method = RankMethod::kAuto;
  ZeroMethod zero_method = ZeroMethod::kWilcox;
  bool continuity = true;  // R's default; scipy's default is false: set it explicitly
  double mu = 0.0;         // null location of x (one sample) or of x - y (paired)
  bool conf_int = true;    // compute the pseudomedian estimate and its CI (R: conf.int)
  double conf_level = 0.95;
};

// Wilcoxon signed-rank test of the differences d = x - y - mu (paired, R's
// wilcox.test(x, y, paired = TRUE)) or d = x - mu (one sample).
// statistic V = sum of the ranks of |d| over d > 0 (R's V; with kZsplit plus half the zeros'
// ranks, scipy's r_plus). Exact p from the distribution of R's csignrank (no ties, no zeros,
// at most 1000 differences); normal approximation with tie correction, continuity correction
// and, for kPratt, Cureton's (1967) adjustment of mean and variance (as scipy 1.10).
// estimate: the Hodges-Lehmann pseudomedian of x (or x - y) with its CI, as R: exact case from
// the Walsh averages and qsignrank; otherwise R's uniroot procedure reproduced step by step.
// The estimate and CI ignore zero_method (R has only "wilcox").
// Degenerate: every difference zero: V = 0, p = 1, estimate = mu, CI [mu, mu], degenerate = true.
// Throws StatsError for empty or non-finite input, x and y of different lengths, non-finite mu,
// conf_level outside (0, 1).
TestResult wilcoxon_signed_rank(std::span<const double> x, std::span<const double> y,
                                const WilcoxonOptions& options = {});
TestResult wilcoxon_signed_rank(std::span<const double> x, const WilcoxonOptions& options = {});

struct SignTestOptions {
  Alternative alternative = Alternative::kTwoSided;
  double mu = 0.0;           // null median of x (one sample) or of x - y (paired)
  double conf_level = 0.95;  // level of the Clopper-Pearson CI for P(d > 0)
};

// Exact sign test: S = number of positive differences d = x - y - mu (or x - mu) among the
// non-zero ones (zeros dropped), tested against Binomial(n, 1/2) as R's binom.test(S, n): the
// two-sided p sums the probabilities of outcomes no more likely than S (relative tolerance 1e-7).
// estimate: S / n with the Clopper-Pearson CI (binom.test's).
// Degenerate: every difference zero: S = 0, p = 1, no estimate, degenerate = true.
// Throws StatsError for empty or non-finite input, mismatched lengths, conf_level outside (0, 1).
TestResult sign_test(std::span<const double> x, std::span<const double> y,
                     const SignTestOptions& options = {});
TestResult sign_test(std::span<const double> x, const SignTestOptions& options = {});

// Null distributions (exposed for tests and power code). U of the rank-sum test for sample sizes
// m, n: R's pwilcox / qwilcox; V of the signed-rank test for n differences: R's psignrank /
// qsignrank. cdf(q) = P(U <= q) (lower_tail) or P(U > q); quantile(p) is the smallest q with
// P(U <= q) >= p (R's fuzz of 10 DBL_EPSILON). Throw StatsError for m, n < 1, p outside [0, 1],
// or sizes beyond the exact limits above.
double rank_sum_cdf(double q, int m, int n, bool lower_tail = true);

double rank_sum_quantile(double p, int m, int n);
double signed_rank_cdf(double q, int n, bool lower_tail = true);
double signed_rank_quantile(double p, int n);

// The exact null distribution of the rank-sum U for sample sizes m and n, built once and queried
// many times (power simulation: thousands of studies of the same sizes). p_value(w, alternative)
// is, bit for bit, the exact p-value mann_whitney reports for W = w when x has m values and y has
// n, without ties, and the exact method applies (method kAuto with m, n < 50, or kExact).
// Construction costs what one exact mann_whitney call with conf_int costs (O(m n min(m, n)));
// p_value is O(min(w, m n - w)). Throws StatsError as rank_sum_cdf for bad or too large sizes.
class RankSumExact {
 public:
  RankSumExact(int m, int n);
  RankSumExact(RankSumExact&&) noexcept;
  RankSumExact& operator=(RankSumExact&&) noexcept;
  ~RankSumExact();
  double p_value(double w, Alternative alternative) const;
  // The same for samples x (m values) and y (n values), W computed as mann_whitney does (mu = 0);
  // std::nullopt when the pooled sample has ties (mann_whitney then uses the normal
  // approximation). Throws StatsError when the sizes are not m and n.
  std::optional<double> p_value(std::span<const double> x, std::span<const double> y,
                                Alternative alternative) const;

 private:
  struct Impl;
  std::unique_ptr<const Impl> impl_;
};

}  // namespace rigor::stats

#endif  // RIGOR_STATS_RANK_TESTS_H_
