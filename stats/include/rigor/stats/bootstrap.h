// rigor/stats/bootstrap.h — bootstrap confidence intervals (percentile, basic, BCa; Efron &
// Tibshirani 1993, "An Introduction to the Bootstrap", ch. 13-14) for one- and two-sample
// statistics, and rliable-style aggregates (mean, median, IQM) over a runs x tasks score matrix
// with stratified bootstrap CIs (Agarwal et al. 2021, NeurIPS, "Deep RL at the edge of the
// statistical precipice"). Seeded and multithreaded; resample b always uses the stream keyed by
// CounterRng(seed, b), so results are bitwise identical for any number of threads.
//
//   std::vector<double> acc = {0.91, 0.93, 0.90, 0.94, 0.92};
//   auto r = rigor::stats::bootstrap_ci(acc, rigor::stats::Statistic::kMean, /*seed=*/42);
//   std::cout << r.estimate << " [" << r.ci.lower << ", " << r.ci.upper << "]\n";  // BCa, 95%
#ifndef RIGOR_STATS_BOOTSTRAP_H_
#define RIGOR_STATS_BOOTSTRAP_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/stats/common.h"

namespace rigor::stats {

// How the interval is read off the bootstrap distribution (scipy.stats.bootstrap's `method`).
//   kPercentile: [q(a/2), q(1 - a/2)] of the replicates (Efron & Tibshirani 1993, eq. 13.5).
//   kBasic:      [2 t - q(1 - a/2), 2 t - q(a/2)], the "reverse percentile" interval (Davison &
//                Hinkley 1997, eq. 5.6).
//   kBca:        percentiles at bias-corrected, accelerated levels (Efron & Tibshirani 1993,
//                eqs. 14.10-14.15; acceleration from the jackknife, eq. 14.15, summed over samples
//                as scipy does).
// q(p) is numpy's default (linear, R type 7) percentile of the replicates, and a = 1 - conf_level.
enum class BootstrapMethod { kPercentile, kBasic, kBca };

// "percentile", "basic", "BCa".
std::string_view to_string(BootstrapMethod method);
// Accepts "percentile", "basic", "bca" / "BCa"; throws StatsError naming `field` otherwise.
BootstrapMethod parse_bootstrap_method(std::string_view text, std::string_view field = "method");

// Built-in statistics. Two-sample versions are the difference statistic(x) - statistic(y).
//   kMean:        arithmetic mean.
//   kMedian:      median (mean of the two middle values for even n, like numpy and R).
//   kIqm:         interquartile mean = trimmed_mean(x, 0.25) (rliable's IQM).
//   kTrimmedMean: trimmed_mean(x, BootstrapOptions::trim).
//   kStd:         sample standard deviation (denominator n - 1, R's sd()).
enum class Statistic { kMean, kMedian, kIqm, kTrimmedMean, kStd };

// "mean", "median", "iqm", "trimmed_mean", "std".
std::string_view to_string(Statistic statistic);
// Accepts the names above; throws StatsError naming `field` otherwise.
Statistic parse_statistic(std::string_view text, std::string_view field = "statistic");

// Mean of the values left after cutting floor(proportion * n) of the smallest and as many of the
// largest (scipy.stats.trim_mean; R's mean(x, trim) for proportion < 0.5). Throws StatsError for
// an empty x, non-finite values, or a proportion outside [0, 0.5).
double trimmed_mean(std::span<const double> x, double proportion);
// Interquartile mean: trimmed_mean(x, 0.25) (Agarwal et al. 2021; rliable's aggregate_iqm).
double iqm(std::span<const double> x);
// Value of a built-in statistic; `trim` is used by kTrimmedMean only. Throws StatsError for an
// empty x (kStd: fewer than 2 values) or non-finite values.
double compute_statistic(Statistic statistic, std::span<const double> x, double trim = 0.1);

// A user statistic. It may be called concurrently from several threads (options.threads != 1) on
// different spans, and must return a finite value; the span is valid for the call only.
using StatisticFn = std::function<double(std::span<const double> x)>;
using TwoSampleStatisticFn =
    std::function<double(std::span<const double> x, std::span<const double> y)>;

struct BootstrapOptions {
  BootstrapMethod method = BootstrapMethod::kBca;
  // Number of bootstrap resamples B, >= 2 (9999 is scipy's default; the percentile ends of a 95%
  // interval need B >~ 1000 to be stable).
  std::size_t n_resamples = 9999;
  double conf_level = 0.95;  // in (0, 1); the interval is two-sided, equal-tailed
  // Worker threads; 0 = std::thread::hardware_concurrency(). Results do not depend on it.
  unsigned threads = 0;
  double trim = 0.1;  // proportion cut from each end by Statistic::kTrimmedMean, in [0, 0.5)
  // Copy the bootstrap replicates (in resample order b = 0..B-1) into the result.
  bool keep_replicates = false;
};

struct BootstrapResult {
  std::string method;  // e.g. "BCa bootstrap CI", "stratified percentile bootstrap CI"
  // The interval actually computed: kPercentile when BCa was asked for but is undefined (below).
  BootstrapMethod interval = BootstrapMethod::kBca;
  std::string statistic;  // e.g. "mean", "difference of medians", "IQM", "custom"
  double estimate = 0.0;  // the statistic on the data, theta-hat
  Interval ci;            // two-sided, equal-tailed, level conf_level
  double conf_level = 0.95;
  std::size_t n_resamples = 0;
  // Standard deviation (denominator B - 1) of the replicates: scipy's `standard_error`.
  double standard_error = 0.0;
  // BCa only: bias correction z0 and acceleration a (Efron & Tibshirani 1993, eqs. 14.14, 14.15);
  // empty when undefined (degenerate replicates, or the percentile fallback below).
  std::optional<double> bias_correction;
  std::optional<double> acceleration;
  std::uint64_t seed = 0;
  // Every replicate equal (e.g. constant data from deterministic runs): ci = [estimate, estimate]
  // for every method, a note starting "no variance:" (docs/stats.md).
  bool degenerate = false;
  std::string note;                // also explains a BCa fallback or a zero acceleration (below)
  std::vector<double> replicates;  // only with options.keep_replicates
};

// Bootstrap CI of a statistic of one sample. Resample b (b = 0..B-1) draws n indices with
// replacement from its own stream: key = CounterRng(seed, b).next_u64() (derive_seed), 64-bit
// values SplitMix64 from that key (value j = mix(key + (j + 1) * 0x9E3779B97F4A7C15), Vigna's
// splitmix64.c), each giving two 32-bit words, low half first, mapped to [0, n) by Lemire's
// method with rejection (docs/stats/resampling.md). The mean is computed in one pass over the
// drawn indices without materializing the resample.
// Needs >= 2 values. Throws StatsError for NaN/Inf, fewer than 2 values, n_resamples < 2,
// conf_level outside (0, 1), a bad trim, or a custom statistic returning NaN/Inf.
//
// BCa special cases (scipy 1.10 returns NaN with a DegenerateDataWarning in both):
//   * theta-hat outside the bootstrap distribution (all replicates above or below it, so
//     z0 = -+inf): rigor returns the percentile interval, interval = kPercentile, and says so
//     in `note` (R's boot::boot.ci stops with an error instead).
//   * all jackknife values equal (acceleration 0/0, e.g. a median inside a block of ties):
//     rigor uses a = 0, i.e. the bias-corrected percentile interval, and says so in `note`.
BootstrapResult bootstrap_ci(std::span<const double> x, Statistic statistic, std::uint64_t seed,
                             const BootstrapOptions& options = {});
BootstrapResult bootstrap_ci(std::span<const double> x, const StatisticFn& statistic,
                             std::uint64_t seed, const BootstrapOptions& options = {});

// Bootstrap CI of a two-sample statistic (x and y resampled independently, as in scipy's
// unpaired bootstrap): resample b draws x's n_x indices, then y's n_y indices, from its stream
// (as above). The built-in form is statistic(x) - statistic(y) ("difference of
// means", ...). For BCa the jackknife leaves out one value of x, then one of y, and the
// acceleration sums both (scipy's _bca_interval; Efron & Tibshirani 1993, eq. 15.36).
// Needs >= 2 values in each sample; throws like bootstrap_ci.
BootstrapResult bootstrap_ci(std::span<const double> x, std::span<const double> y,
                             Statistic statistic, std::uint64_t seed,
                             const BootstrapOptions& options = {});
BootstrapResult bootstrap_ci(std::span<const double> x, std::span<const double> y,
                             const TwoSampleStatisticFn& statistic, std::uint64_t seed,
                             const BootstrapOptions& options = {});

// The interval from a given bootstrap distribution: the formulas of scipy.stats.bootstrap
// (scipy 1.10 _resampling.py: np.percentile, _percentile_of_score, _bca_interval), exposed so
// they can be checked against scipy on the very same replicates.
//   estimate:   theta-hat on the data.
//   replicates: the B bootstrap values, any order, B >= 2, finite.
//   jackknife:  BCa only: for each sample, its n leave-one-out values of the statistic (the other
//               samples kept whole); may be empty for percentile and basic.
// Degenerate replicates and the BCa special cases are handled as in bootstrap_ci. The result has
// n_resamples = B, seed 0 and an empty statistic name. Throws StatsError for B < 2, non-finite
// values, a bad conf_level, or BCa without jackknife values (or with a sample of fewer than 2).
BootstrapResult bootstrap_interval(double estimate, std::span<const double> replicates,
                                   std::span<const std::vector<double>> jackknife,
                                   BootstrapMethod method, double conf_level);

// rliable's aggregate metrics (rliable/metrics.py), for a score matrix scores[run][task]:
//   kMean:   mean over tasks of the per-task mean over runs (aggregate_mean);
//   kMedian: median over tasks of the per-task mean over runs (aggregate_median);
//   kIqm:    trimmed_mean(all run x task scores, 0.25) (aggregate_iqm).
enum class Aggregate { kMean, kMedian, kIqm };

// "mean", "median", "iqm".
std::string_view to_string(Aggregate aggregate);
Aggregate parse_aggregate(std::string_view text, std::string_view field = "statistic");

struct AggregateOptions {
  // kPercentile (rliable's default) or kBasic; kBca is refused (no stratified jackknife).
  BootstrapMethod method = BootstrapMethod::kPercentile;
  std::size_t n_resamples = 9999;  // rliable's get_interval_estimates uses 50,000 by default
  double conf_level = 0.95;
  unsigned threads = 0;  // 0 = hardware concurrency; results do not depend on it
  bool keep_replicates = false;
};

// Point estimate and stratified bootstrap CI of an aggregate over scores[run][task] (every row
// the same length): resample b draws, from its stream (as in bootstrap_ci), for task 0, 1, ...
// in turn, n_runs run indices with replacement (rliable's StratifiedBootstrap: runs are resampled
// within each task). Needs >= 2 runs and >= 1 task. Throws StatsError for ragged rows, NaN/Inf
// (naming run and task), too few runs, method kBca, or bad options.
BootstrapResult aggregate_ci(const std::vector<std::vector<double>>& scores, Aggregate aggregate,
                             std::uint64_t seed, const AggregateOptions& options = {});
// The scores of runs on a single task. The aggregate applies to the runs themselves (kMedian is
// the median of the runs, not rliable's median over tasks, which would be their mean), with an
// ordinary bootstrap whose draws equal those of the one-task matrix.
BootstrapResult aggregate_ci(std::span<const double> runs, Aggregate aggregate, std::uint64_t seed,
                             const AggregateOptions& options = {});

}  // namespace rigor::stats

#endif  // RIGOR_STATS_BOOTSTRAP_H_
