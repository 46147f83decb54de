// rigor/stats/multi_sample.h — tests over k >= 2 groups or methods: Kruskal-Wallis (independent
// groups), Friedman (k methods measured on the same N blocks / datasets), and the post-hoc
// procedures of Demšar (2006) for comparing k methods over N datasets: pairwise Wilcoxon
// signed-rank tests with a multiple-comparison correction, and the Nemenyi critical difference
// with average ranks for a critical-difference diagram. Also the studentized range distribution
// (R's ptukey / qtukey) the Nemenyi test needs.
//
//   std::vector<std::vector<double>> acc = {{0.91, 0.89, 0.85}, {0.80, 0.82, 0.79}};  // datasets
//   rigor::stats::NemenyiResult cd = rigor::stats::nemenyi(acc, {.alpha = 0.05});
//   // cd.average_ranks[j]: method j's rank (1 = best); differ if |R_i - R_j| > CD
#ifndef RIGOR_STATS_MULTI_SAMPLE_H_
#define RIGOR_STATS_MULTI_SAMPLE_H_

#include <cstddef>
#include <span>
#include <vector>

#include "rigor/stats/common.h"
#include "rigor/stats/corrections.h"
#include "rigor/stats/rank_tests.h"

namespace rigor::stats {

// Kruskal-Wallis rank-sum test of k >= 2 independent groups, as R's kruskal.test(list(...)):
// H = (12 / (N (N + 1)) sum R_i^2 / n_i - 3 (N + 1)) / (1 - sum(t^3 - t) / (N^3 - N)), compared to
// chi-squared with k - 1 df (Kruskal & Wallis 1952, eq. 1.1 with the tie correction of eq. 1.3).
// statistic_name "chi-squared", df = k - 1.
// Degenerate: every value tied: statistic 0, p = 1, degenerate = true (R returns NaN).
// Throws StatsError for fewer than 2 groups, an empty group (naming it) or a non-finite value.
TestResult kruskal_wallis(std::span<const std::vector<double>> groups);

// Friedman rank-sum test, as R's friedman.test(matrix): rows are blocks (datasets), columns are
// groups (methods); values are ranked within each row (ties get average ranks) and
// chi2 = 12 sum_j (R_j - N (k + 1) / 2)^2 / (N k (k + 1) - sum(t^3 - t) / (k - 1)) with k - 1 df
// (Friedman 1937; tie correction as R).
// Degenerate: every row entirely tied: statistic 0, p = 1, degenerate = true (R returns NaN).
// Throws StatsError for fewer than 2 rows or 2 columns, rows of different lengths (naming the
// row) or a non-finite value (naming row and column).
TestResult friedman(std::span<const std::vector<double>> rows);

// Studentized range distribution of the range of k independent standard normal means divided by
// an independent estimate of their standard deviation with df degrees of freedom (df = +inf: the
// range of k standard normals), for `nranges` independent ranges (usually 1).
// Algorithm of R's ptukey / qtukey (Copenhaver & Holland 1988: Gauss-Legendre quadrature of
// Hartley's form of the range, 12 nodes, then over the chi density, 16 nodes; qtukey: secant
// iterations from Odeh & Evans' (1974, AS 70) start until two iterates differ by < 1e-4), so
// results agree with R to about 1e-13 (see tests). df > 25000 is treated as infinite, as R.
// cdf: P(Q <= q) (lower_tail) or P(Q > q) computed as 1 - P(Q <= q), as R. q <= 0 gives 0.
// Throws StatsError for k < 2, nranges < 1, df < 2 or NaN, q NaN, p outside (0, 1).
double studentized_range_cdf(double q, double k, double df, bool lower_tail = true,
                             double nranges = 1.0);
double studentized_range_quantile(double p, double k, double df, double nranges = 1.0);

// Average rank of each method (column) over the rows (datasets): within a row the best value
// gets rank 1 (the largest if higher_is_better, else the smallest), ties get average ranks
// (Demšar 2006, section 3.2.2).
// Throws StatsError as friedman() for malformed input.
std::vector<double> average_method_ranks(std::span<const std::vector<double>> rows,
                                         bool higher_is_better = true);

struct PairwiseWilcoxonOptions {
  RankMethod method = RankMethod::kAuto;
  ZeroMethod zero_method = ZeroMethod::kWilcox;
  bool continuity = true;
  Correction correction = Correction::kHolm;  // Demšar (2006) recommends Holm over Bonferroni
  double alpha = 0.05;                        // family-wise level for `reject`
};

// One pair (first < second, column indices) of a pairwise comparison.
struct PairwiseComparison {
  std::size_t first = 0;
  std::size_t second = 0;
  TestResult test;          // two-sided signed-rank test of column first - column second
  double p_adjusted = 1.0;  // after the correction, over all k (k - 1) / 2 pairs
  bool reject = false;      // p_adjusted <= alpha
};

struct PairwiseResult {
  std::vector<PairwiseComparison> comparisons;  // pairs in order (0,1), (0,2), ..., (k-2,k-1)
  Correction correction = Correction::kHolm;
  double alpha = 0.05;
};

// Two-sided Wilcoxon signed-rank test over the rows (datasets) for every pair of columns
// (methods), p-values adjusted with adjust_p_values (Holm by default). Each test is
// wilcoxon_signed_rank(column i, column j) with the given method / zero_method / continuity; a
// pair with identical columns is degenerate (p = 1).
// Throws StatsError as friedman() for malformed input, or alpha outside (0, 1).
PairwiseResult pairwise_wilcoxon(std::span<const std::vector<double>> rows,
                                 const PairwiseWilcoxonOptions& options = {});

struct NemenyiOptions {
  double alpha = 0.05;
  bool higher_is_better = true;  // for average ranks: rank 1 = best method on a dataset
};

struct NemenyiPair {
  std::size_t first = 0;
  std::size_t second = 0;
  double rank_difference = 0.0;  // average_ranks[first] - average_ranks[second]
  double statistic = 0.0;        // |difference| / sqrt(k (k + 1) / (6 N)) * sqrt(2): a range q
  double p_value = 1.0;          // P(Q > statistic), Q studentized range with k means, df inf
  bool significant = false;      // |difference| > critical_difference
};

struct NemenyiResult {
  std::vector<double> average_ranks;  // per method (column), 1 = best
  double critical_difference = 0.0;   // CD = q_alpha sqrt(k (k + 1) / (6 N))
  double q_alpha = 0.0;               // qtukey(1 - alpha, k, inf) / sqrt(2) (Demšar's Table 5)
  double alpha = 0.05;
  std::size_t n_methods = 0;       // k
  std::size_t n_datasets = 0;      // N
  TestResult friedman;             // the omnibus test Demšar applies first
  std::vector<NemenyiPair> pairs;  // (0,1), (0,2), ..., (k-2,k-1)
};

// Nemenyi post-hoc test after Friedman (Demšar 2006, section 3.2.2, eq. 5): methods i and j
// differ when their average ranks differ by more than CD = q_alpha sqrt(k (k + 1) / (6 N)),
// q_alpha the studentized-range quantile for k groups and infinite df divided by sqrt(2).
// Pair p-values as PMCMRplus::frdAllPairsNemenyiTest: ptukey(|R_i - R_j| sqrt(2) /
// sqrt(k (k + 1) / (6 N)), k, Inf, lower = FALSE).
// Throws StatsError as friedman() for malformed input, or alpha outside (0, 1).
NemenyiResult nemenyi(std::span<const std::vector<double>> rows,
                      const NemenyiOptions& options = {});

}  // namespace rigor::stats

#endif  // RIGOR_STATS_MULTI_SAMPLE_H_
