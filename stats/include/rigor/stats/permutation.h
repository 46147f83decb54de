// rigor/stats/permutation.h — two-sample permutation tests: independent samples (reassigning the
// pooled values to groups of the original sizes) and paired samples (flipping the signs of the
// differences). Exact enumeration of every reassignment when there are few enough, otherwise a
// seeded, multithreaded Monte Carlo test with the p-value (b + 1) / (m + 1) of Phipson & Smyth
// (2010, Stat. Appl. Genet. Mol. Biol. 9:39).
//
//   std::vector<double> a = {0.91, 0.93, 0.92, 0.94}, b = {0.88, 0.90, 0.89, 0.87};
//   auto r = rigor::stats::permutation_test(a, b, /*seed=*/7);  // exact: C(8, 4) = 70 splits
//   std::cout << r.test.statistic << " p = " << r.test.p_value << "\n";  // 0.04 p = 0.0286
#ifndef RIGOR_STATS_PERMUTATION_H_
#define RIGOR_STATS_PERMUTATION_H_

#include <cstdint>
#include <functional>
#include <span>

#include "rigor/stats/common.h"

namespace rigor::stats {

struct PermutationOptions {
  // kGreater: x tends to be larger than y (the statistic is large). The two-sided p-value is
  // 2 min(p_greater, p_less), capped at 1 (scipy.stats.permutation_test's definition).
  Alternative alternative = Alternative::kTwoSided;
  // Monte Carlo permutations m when the test is not exact (>= 1).
  std::uint64_t n_resamples = 100'000;
  // Enumerate exactly when the number of distinct reassignments, C(n_x + n_y, n_x) (independent)
  // or 2^n (paired), is at most this. 10^6: enumerating them costs about what 10^5 Monte Carlo
  // draws cost (a few ms for the mean difference) and removes the Monte Carlo error; 0 forces
  // Monte Carlo.
  std::uint64_t exact_limit = 1'000'000;
  // Worker threads for Monte Carlo; 0 = std::thread::hardware_concurrency(). Results do not
  // depend on it. Exact enumeration runs on the calling thread.
  unsigned threads = 0;
};

struct PermutationResult {
  // method ("Exact permutation test" / "Monte Carlo permutation test", with "(paired, sign-flip)"
  // for the paired test), statistic (observed), statistic_name, p_value, estimate (= statistic),
  // exact, alternative, degenerate and note. No df and no CI.
  TestResult test;
  std::uint64_t n_permutations = 0;  // enumerated (exact) or drawn (Monte Carlo)
  // Permuted statistics >= and <= the observed one (ties within a relative 1e-12, see
  // permutation_test). Exact: these include the observed split; Monte Carlo: they do not.
  std::uint64_t count_greater_equal = 0;
  std::uint64_t count_less_equal = 0;
  std::uint64_t seed = 0;
};

// Statistic of a two-sample reassignment (x', y'); called concurrently from several threads.
using PermutationStatisticFn =
    std::function<double(std::span<const double> x, std::span<const double> y)>;
// Statistic of the sign-flipped paired differences; called concurrently from several threads.
using PairedStatisticFn = std::function<double(std::span<const double> differences)>;

// Independent two-sample test of mean(x) - mean(y). Exact when C(n_x + n_y, n_x) <=
// exact_limit: p = b / C over all splits, b counting the splits whose statistic is at least as
// extreme (observed included), as scipy.stats.permutation_test (permutation_type
// "independent"). Otherwise permutation i (i = 0..m-1) draws, from CounterRng(seed, i), a
// partial Fisher-Yates shuffle of the pooled values (x then y) choosing the smaller group:
// position k = 0, 1, ... swaps with k + below(N - k), below() as in bootstrap.h. Then
// p_greater = (b + 1) / (m + 1) (Phipson & Smyth 2010). The mean difference is computed from
// the sum of the smaller group alone, and two sums closer than 1e-12 sum|z| count as equal
// (they are the same values added in a different order).
// Needs >= 1 value per sample and >= 3 in total. Degenerate (docs/stats.md): when x and y are
// each constant, degenerate = true with a "no variance:" note; if they are equal as well the
// statistic is 0 and p = 1. Throws StatsError for NaN/Inf, too few values, n_resamples = 0.
PermutationResult permutation_test(std::span<const double> x, std::span<const double> y,
                                   std::uint64_t seed, const PermutationOptions& options = {});
// The same with a user statistic (larger = "x greater"); ties within scipy's tolerance
// max(1e-14, 1e-14 |observed|). The shuffle is the one above; x' and y' are the shuffled
// positions [0, n_x) and [n_x, N) of the pooled values.
PermutationResult permutation_test(std::span<const double> x, std::span<const double> y,
                                   const PermutationStatisticFn& statistic, std::uint64_t seed,
                                   const PermutationOptions& options = {});

// Paired test of the mean difference mean(x - y) by sign flips of d = x - y (scipy's
// permutation_type "samples" with two samples). Exact when 2^n <= exact_limit (every sign
// vector, zero differences included, as scipy); otherwise flip i draws its signs from
// CounterRng(seed, i): bit k of the k / 64-th 64-bit value, set = flipped. Needs equal lengths,
// >= 1 pair. Degenerate: all differences zero (statistic 0, p = 1, note "all paired
// differences are zero: ...") or all equal to c != 0 (note "no variance: ...").
PermutationResult paired_permutation_test(std::span<const double> x, std::span<const double> y,
                                          std::uint64_t seed,
                                          const PermutationOptions& options = {});
// The same with a user statistic of the (sign-flipped) differences; scipy's tie tolerance.
PermutationResult paired_permutation_test(std::span<const double> x, std::span<const double> y,
                                          const PairedStatisticFn& statistic, std::uint64_t seed,
                                          const PermutationOptions& options = {});

}  // namespace rigor::stats

#endif  // RIGOR_STATS_PERMUTATION_H_
