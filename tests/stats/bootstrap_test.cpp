// Tests for stats/src/bootstrap.cpp: bootstrap intervals, the seeded multithreaded pipeline,
// trimmed means and rliable-style aggregates.
//
// Golden values: tests/stats/data/bootstrap.json, written by `/usr/bin/python3
// scripts/golden/resampling.py` with scipy 1.10.1 / numpy 1.24.2. The interval cases hold scipy's
// own bootstrap distributions and jackknife values, so bootstrap_interval() is compared with
// scipy.stats.bootstrap on identical replicates: tolerance 1e-10 relative (CI ends, standard
// error, z0, acceleration; the acceleration relative to max(|a|, 1e-6)). trim_mean and the
// aggregate point estimates: 1e-13 relative. The seeded pipeline cannot be compared with scipy
// (different random streams); it is checked for its documented draw rule, thread-count
// invariance and coverage.
#include "rigor/stats/bootstrap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <numeric>
#include <string>
#include <vector>

#include "golden.h"
#include "rigor/stats/random.h"

namespace rigor::stats {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr double kTol = 1e-10;

using ::rigor::test::error_of;

// |actual - expected| <= rel * max(|expected|, floor).
::testing::AssertionResult Near(double actual, double expected, double rel, double floor = 0.0) {
  const double bound = rel * std::max(std::abs(expected), floor);
  if (std::abs(actual - expected) <= bound) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(17) << actual << " differs from " << expected << " by "
         << std::abs(actual - expected) << " > " << bound;
}

BootstrapMethod method_of(const std::string& name) {
  if (name == "percentile") return BootstrapMethod::kPercentile;
  if (name == "basic") return BootstrapMethod::kBasic;
  return BootstrapMethod::kBca;
}

std::vector<double> normal_sample(std::uint64_t seed, std::size_t n, double mu = 0.0,
                                  double sd = 1.0) {
  CounterRng rng(seed, 0);
  std::vector<double> x(n);
  for (double& v : x) v = mu + sd * rng.normal();
  return x;
}

TEST(BootstrapInterval, MatchesScipyOnTheSameReplicates) {
  const auto golden = test::load_golden("bootstrap.json");
  ASSERT_GE(golden["interval_cases"].size(), 15u);
  for (const auto& c : golden["interval_cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const std::vector<double> replicates = test::as_doubles(c["replicates"]);
    std::vector<std::vector<double>> jackknife;
    for (const auto& j : c["jackknife"]) jackknife.push_back(test::as_doubles(j));
    const BootstrapResult r =
        bootstrap_interval(test::as_double(c["estimate"]), replicates, jackknife,
                           method_of(c["method"]), c["conf_level"].get<double>());
    const std::vector<double> ci = test::as_doubles(c["ci"]);
    EXPECT_TRUE(Near(r.ci.lower, ci[0], kTol));
    EXPECT_TRUE(Near(r.ci.upper, ci[1], kTol));
    EXPECT_EQ(r.interval, method_of(c["interval"]));
    EXPECT_EQ(r.degenerate, c["degenerate"].get<bool>());
    EXPECT_EQ(r.n_resamples, replicates.size());
    EXPECT_TRUE(Near(r.standard_error, test::as_double(c["standard_error"]), kTol));
    if (c.contains("z0")) {
      ASSERT_TRUE(r.bias_correction.has_value());
      EXPECT_TRUE(Near(*r.bias_correction, test::as_double(c["z0"]), kTol, 1e-6));
      ASSERT_TRUE(r.acceleration.has_value());
      EXPECT_TRUE(Near(*r.acceleration, test::as_double(c["acceleration"]), kTol, 1e-6));
    }
    const std::string expect = c["expect"];
    if (expect == "scipy") {
      // Where scipy answers, rigor's interval is scipy's.
      EXPECT_TRUE(Near(r.ci.lower, test::as_double(c["scipy_ci"][0]), kTol));
      EXPECT_TRUE(Near(r.ci.upper, test::as_double(c["scipy_ci"][1]), kTol));
      EXPECT_EQ(r.note, "");
    } else if (expect == "degenerate") {
      EXPECT_THAT(r.note, StartsWith("no variance: all "));
      EXPECT_THAT(r.note, HasSubstr("randomize a variance source"));
    } else if (expect == "bca_fallback") {
      EXPECT_THAT(r.note, HasSubstr("BCa is undefined: the estimate 1 lies above every bootstrap "
                                    "replicate (z0 = +inf; scipy returns NaN)"));
      EXPECT_EQ(r.method, "percentile bootstrap CI (BCa undefined)");
      EXPECT_FALSE(r.bias_correction.has_value());
    } else if (expect == "zero_acceleration") {
      EXPECT_THAT(r.note, HasSubstr("BCa acceleration is 0/0; rigor uses a = 0"));
    }
  }
}

TEST(BootstrapInterval, RejectsBadInputWithAMessage) {
  const std::vector<double> reps = {1.0, 2.0, 3.0};
  EXPECT_EQ(error_of([&] { bootstrap_interval(1.0, reps, {}, BootstrapMethod::kBca, 0.95); }),
            "jackknife is empty, but BCa needs the leave-one-out values of each sample; pass them "
            "or use method percentile");
  EXPECT_EQ(error_of([&] {
              bootstrap_interval(1.0, std::vector<double>{1.0}, {}, BootstrapMethod::kPercentile,
                                 0.95);
            }),
            "n_resamples is 1, but at least 2 are required (9999 is a good default)");
  EXPECT_EQ(error_of([&] { bootstrap_interval(1.0, reps, {}, BootstrapMethod::kPercentile, 1.0); }),
            "conf_level is 1, but must be in (0, 1)");
  const std::vector<std::vector<double>> short_jack = {{1.0}};
  EXPECT_EQ(
      error_of([&] { bootstrap_interval(1.0, reps, short_jack, BootstrapMethod::kBca, 0.95); }),
      "jackknife[0] has 1 value, but at least 2 are required");
}

TEST(TrimmedMean, MatchesScipyTrimMean) {
  const auto golden = test::load_golden("bootstrap.json");
  ASSERT_GE(golden["trim_mean_cases"].size(), 40u);
  for (const auto& c : golden["trim_mean_cases"]) {
    const std::vector<double> x = test::as_doubles(c["x"]);
    const double p = c["proportion"];
    SCOPED_TRACE(testing::Message() << "n = " << x.size() << ", proportion = " << p);
    EXPECT_TRUE(Near(trimmed_mean(x, p), test::as_double(c["expected"]), 1e-13));
    if (p == 0.25) {
      EXPECT_TRUE(Near(iqm(x), test::as_double(c["expected"]), 1e-13));
    }
  }
  EXPECT_EQ(error_of([] {
              trimmed_mean(std::vector<double>{1.0, 2.0}, 0.5);
            }),
            "proportion is 0.5, but must be in [0, 0.5) (0.25 gives the interquartile mean)");
  EXPECT_EQ(error_of([] { trimmed_mean(std::vector<double>{}, 0.1); }),
            "x has 0 values, but at least 1 is required");
}

// SplitMix64 (Steele, Lea & Flood 2014; Vigna's splitmix64.c), written out independently of
// stats/src/resampling_internal.h.
std::uint64_t splitmix64_next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The documented draw rule, reimplemented: key = the first value of CounterRng(seed, b); the
// 64-bit values are SplitMix64 from that key; 32-bit halves of each value, low half first, mapped
// to [0, n) by Lemire's multiply-and-reject.
class ReferenceIndices {
 public:
  ReferenceIndices(std::uint64_t seed, std::uint64_t stream)
      : state_(CounterRng(seed, stream).next_u64()) {}
  std::uint32_t below(std::uint32_t n) {
    const std::uint32_t threshold = static_cast<std::uint32_t>((std::uint64_t{1} << 32) % n);
    std::uint64_t m = static_cast<std::uint64_t>(next32()) * n;
    while (static_cast<std::uint32_t>(m) < threshold) m = static_cast<std::uint64_t>(next32()) * n;
    return static_cast<std::uint32_t>(m >> 32);
  }

 private:
  std::uint32_t next32() {
    if (has_high_) {
      has_high_ = false;
      return high_;
    }
    const std::uint64_t v = splitmix64_next(state_);
    high_ = static_cast<std::uint32_t>(v >> 32);
    has_high_ = true;
    return static_cast<std::uint32_t>(v);
  }
  std::uint64_t state_;
  std::uint32_t high_ = 0;
  bool has_high_ = false;
};

TEST(BootstrapCi, ReferenceSplitMix64MatchesPublishedValues) {
  // First outputs of splitmix64.c seeded with 1234567 (as in the xoshiro reference tests).
  std::uint64_t state = 1234567;
  EXPECT_EQ(splitmix64_next(state), 6457827717110365317ull);
  EXPECT_EQ(splitmix64_next(state), 3203168211198807973ull);
  EXPECT_EQ(splitmix64_next(state), 9817491932198370423ull);
}

TEST(BootstrapCi, DrawsTheDocumentedIndices) {
  // x = 0..n-1, so a resample lists its indices. With one thread the statistic sees resamples
  // in order b = 0, 1, ...; n = 7, 300 and 1001 cover the tails and blocks of the vectorized
  // path, odd and even; n = 1,000,003 rejects ~220 words per resample (2^32 mod n = 954,414
  // of the 2^32 word values are rejected), covering the replay of a rejected word.
  for (std::uint32_t n : {7u, 300u, 1001u, 1'000'003u}) {
    std::vector<double> x(n);
    std::iota(x.begin(), x.end(), 0.0);
    std::vector<std::vector<double>> seen;
    auto record = [&](std::span<const double> v) {
      seen.emplace_back(v.begin(), v.end());
      return v[0];
    };
    BootstrapOptions options;
    options.method = BootstrapMethod::kPercentile;
    options.n_resamples = n > 100'000 ? 3 : 40;
    options.threads = 1;
    const std::uint64_t seed = 0x1234'5678'9ABC'DEF0ull;
    bootstrap_ci(x, record, seed, options);
    ASSERT_EQ(seen.size(), options.n_resamples + 1);  // the data, then the resamples
    for (std::uint64_t b = 0; b < options.n_resamples; ++b) {
      ReferenceIndices reference(seed, b);
      std::vector<double> expected(n);
      for (double& v : expected) v = reference.below(n);
      EXPECT_EQ(seen[b + 1], expected) << "n " << n << ", resample " << b;
    }
    // The one-pass mean draws the same indices (sums in a fixed order of four partial sums),
    // rejected words included (n = 1,000,003).
    {
      options.keep_replicates = true;
      const BootstrapResult r = bootstrap_ci(x, Statistic::kMean, seed, options);
      for (std::uint64_t b = 0; b < options.n_resamples; ++b) {
        const std::vector<double>& v = seen[b + 1];
        double s[4] = {0.0, 0.0, 0.0, 0.0};
        std::size_t i = 0;
        for (; i + 4 <= n; i += 4) {
          for (std::size_t k = 0; k < 4; ++k) s[k] += v[i + k];
        }
        for (; i < n; ++i) s[0] += v[i];
        EXPECT_EQ(r.replicates[b], ((s[0] + s[1]) + (s[2] + s[3])) * (1.0 / static_cast<double>(n)))
            << "n " << n;
      }
    }
  }
}

TEST(BootstrapCi, IsBitwiseIndependentOfTheThreadCount) {
  const std::vector<double> x = normal_sample(11, 200, 1.0, 2.0);
  const std::vector<double> y = normal_sample(12, 150);
  BootstrapOptions options;
  options.n_resamples = 3000;
  options.keep_replicates = true;
  auto run_all = [&](unsigned threads) {
    options.threads = threads;
    std::vector<BootstrapResult> out;
    out.push_back(bootstrap_ci(x, Statistic::kMean, 5, options));
    out.push_back(bootstrap_ci(x, Statistic::kMedian, 5, options));
    out.push_back(bootstrap_ci(
        x, [](std::span<const double> v) { return v[0] + v[v.size() - 1]; }, 5, options));
    out.push_back(bootstrap_ci(x, y, Statistic::kIqm, 5, options));
    out.push_back(bootstrap_ci(x, y, Statistic::kMean, 5, options));
    return out;
  };
  const auto one = run_all(1);
  for (unsigned threads : {2u, 3u, 7u, 0u}) {
    const auto many = run_all(threads);
    for (std::size_t k = 0; k < one.size(); ++k) {
      SCOPED_TRACE(testing::Message()
                   << "threads " << threads << ", statistic " << one[k].statistic);
      EXPECT_EQ(one[k].replicates, many[k].replicates);
      EXPECT_EQ(one[k].ci.lower, many[k].ci.lower);
      EXPECT_EQ(one[k].ci.upper, many[k].ci.upper);
      EXPECT_EQ(one[k].acceleration, many[k].acceleration);
    }
  }
}

TEST(BootstrapCi, FastMeanEqualsTheGenericPath) {
  // The one-pass mean and a user mean see the same indices: replicates agree to rounding.
  const std::vector<double> x = normal_sample(21, 97, 3.0);
  BootstrapOptions options;
  options.n_resamples = 500;
  options.keep_replicates = true;
  const BootstrapResult fast = bootstrap_ci(x, Statistic::kMean, 9, options);
  const BootstrapResult slow = bootstrap_ci(
      x,
      [](std::span<const double> v) {
        return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
      },
      9, options);
  ASSERT_EQ(fast.replicates.size(), slow.replicates.size());
  for (std::size_t b = 0; b < fast.replicates.size(); ++b) {
    EXPECT_TRUE(Near(fast.replicates[b], slow.replicates[b], 1e-14));
  }
  EXPECT_TRUE(Near(fast.ci.lower, slow.ci.lower, 1e-13));
  EXPECT_TRUE(Near(fast.ci.upper, slow.ci.upper, 1e-13));
  EXPECT_TRUE(Near(*fast.acceleration, *slow.acceleration, 1e-10));
  // The two-sample mean difference likewise.
  const std::vector<double> y = normal_sample(22, 41);
  const BootstrapResult fast2 = bootstrap_ci(x, y, Statistic::kMean, 9, options);
  const BootstrapResult slow2 = bootstrap_ci(
      x, y, [](std::span<const double> a, std::span<const double> b) { return mean(a) - mean(b); },
      9, options);
  for (std::size_t b = 0; b < fast2.replicates.size(); ++b) {
    EXPECT_TRUE(Near(fast2.replicates[b], slow2.replicates[b], 1e-12, 1.0));
  }
  EXPECT_EQ(fast2.statistic, "difference of means");
}

TEST(BootstrapCi, ResultIsTheIntervalOfItsOwnReplicates) {
  const std::vector<double> x = normal_sample(31, 60);
  for (BootstrapMethod method : {BootstrapMethod::kPercentile, BootstrapMethod::kBasic}) {
    BootstrapOptions options;
    options.method = method;
    options.n_resamples = 2000;
    options.conf_level = 0.9;
    options.keep_replicates = true;
    const BootstrapResult r = bootstrap_ci(x, Statistic::kStd, 77, options);
    const BootstrapResult again = bootstrap_interval(r.estimate, r.replicates, {}, method, 0.9);
    EXPECT_EQ(r.ci.lower, again.ci.lower);
    EXPECT_EQ(r.ci.upper, again.ci.upper);
    EXPECT_EQ(r.seed, 77u);
    EXPECT_EQ(r.n_resamples, 2000u);
    EXPECT_EQ(r.statistic, "standard deviation");
    EXPECT_TRUE(Near(r.estimate, std::sqrt(variance(x)), 1e-15));
  }
  BootstrapOptions options;
  const BootstrapResult a = bootstrap_ci(x, Statistic::kMean, 1, options);
  const BootstrapResult b = bootstrap_ci(x, Statistic::kMean, 2, options);
  EXPECT_NE(a.ci.lower, b.ci.lower);  // the seed matters
  EXPECT_EQ(a.ci.lower, bootstrap_ci(x, Statistic::kMean, 1, options).ci.lower);
  EXPECT_EQ(a.method, "BCa bootstrap CI");
}

// Coverage of the 95% intervals of the mean of N(0, 1) samples, n = 30, B = 999, over 1000 data
// sets. Expected: about 0.936, not 0.95: for the mean both intervals are close to
// mean +- 1.96 s sqrt((n - 1) / n) / sqrt(n), whose coverage is P(|t_29| <= 1.927) = 0.936. The
// binomial standard error over 1000 sets is 0.0077. Measured with 10 other seed sets: BCa
// 0.928-0.955 (mean 0.938), percentile 0.930-0.957 (mean 0.940). Accept 0.936 +- 4 standard
// errors, [0.905, 0.967]; a 90% interval by mistake (~0.89) fails.
TEST(BootstrapCi, CoversTheTrueMeanAtAboutTheNominalRate) {
  constexpr int kSets = 1000;
  int covered_bca = 0, covered_percentile = 0;
  BootstrapOptions bca;
  bca.n_resamples = 999;
  BootstrapOptions percentile = bca;
  percentile.method = BootstrapMethod::kPercentile;
  for (int s = 0; s < kSets; ++s) {
    const std::vector<double> x = normal_sample(1000 + static_cast<std::uint64_t>(s), 30);
    const BootstrapResult a = bootstrap_ci(x, Statistic::kMean, static_cast<std::uint64_t>(s), bca);
    const BootstrapResult b =
        bootstrap_ci(x, Statistic::kMean, static_cast<std::uint64_t>(s), percentile);
    covered_bca += (a.ci.lower <= 0.0 && 0.0 <= a.ci.upper) ? 1 : 0;
    covered_percentile += (b.ci.lower <= 0.0 && 0.0 <= b.ci.upper) ? 1 : 0;
  }
  EXPECT_GE(covered_bca, 905);
  EXPECT_LE(covered_bca, 967);
  EXPECT_GE(covered_percentile, 905);
  EXPECT_LE(covered_percentile, 967);
}

TEST(BootstrapCi, ConstantDataGiveADegeneratePointInterval) {
  const std::vector<double> x(8, 0.8125), y(5, 0.5);
  for (BootstrapMethod method :
       {BootstrapMethod::kPercentile, BootstrapMethod::kBasic, BootstrapMethod::kBca}) {
    BootstrapOptions options;
    options.method = method;
    options.n_resamples = 200;
    const BootstrapResult r = bootstrap_ci(x, Statistic::kMean, 3, options);
    EXPECT_TRUE(r.degenerate);
    EXPECT_EQ(r.estimate, 0.8125);
    EXPECT_EQ(r.ci.lower, 0.8125);
    EXPECT_EQ(r.ci.upper, 0.8125);
    EXPECT_EQ(r.standard_error, 0.0);
    EXPECT_FALSE(r.bias_correction.has_value());  // undefined, not NaN
    EXPECT_EQ(
        r.note,
        "no variance: all 200 bootstrap replicates equal 0.8125 (constant data?), so the CI is "
        "[estimate, estimate]; randomize a variance source (init, data order, ...) to test "
        "this claim");
    const BootstrapResult d = bootstrap_ci(x, y, Statistic::kMedian, 3, options);
    EXPECT_TRUE(d.degenerate);
    EXPECT_EQ(d.ci.lower, 0.3125);
    EXPECT_EQ(d.ci.upper, 0.3125);
    EXPECT_FALSE(std::isnan(d.ci.lower));
  }
}

TEST(BootstrapCi, RejectsBadInputWithAMessage) {
  const std::vector<double> x = {1.0, 2.0, 3.0};
  EXPECT_EQ(error_of([] { bootstrap_ci(std::vector<double>{1.0}, Statistic::kMean, 1); }),
            "x has 1 value, but at least 2 are required");
  EXPECT_EQ(error_of([] {
              bootstrap_ci(std::vector<double>{1.0, NAN, 2.0}, Statistic::kMean, 1);
            }),
            "x[1] is nan, but every value must be finite; remove or impute it");
  BootstrapOptions options;
  options.n_resamples = 1;
  EXPECT_EQ(error_of([&] { bootstrap_ci(x, Statistic::kMean, 1, options); }),
            "n_resamples is 1, but at least 2 are required (9999 is a good default)");
  options = {};
  options.conf_level = 0.0;
  EXPECT_EQ(error_of([&] { bootstrap_ci(x, Statistic::kMean, 1, options); }),
            "conf_level is 0, but must be in (0, 1)");
  options = {};
  options.trim = -0.1;
  EXPECT_EQ(error_of([&] { bootstrap_ci(x, Statistic::kTrimmedMean, 1, options); }),
            "trim is -0.1, but must be in [0, 0.5) (0.25 gives the interquartile mean)");
  options = {};
  options.n_resamples = 100;
  auto bad = [](std::span<const double> v) { return v[0] == 2.0 ? NAN : 1.0; };
  EXPECT_THAT(error_of([&] { bootstrap_ci(x, bad, 1, options); }),
              StartsWith("the statistic returned nan for bootstrap resample "));
  EXPECT_EQ(error_of([&] { bootstrap_ci(x, std::vector<double>{2.0}, Statistic::kMean, 1); }),
            "y has 1 value, but at least 2 are required");
  EXPECT_EQ(error_of([] { parse_bootstrap_method("bcx"); }),
            "method is \"bcx\", but must be one of \"percentile\", \"basic\", \"bca\"");
  EXPECT_EQ(error_of([] { parse_statistic("mode"); }),
            "statistic is \"mode\", but must be one of \"mean\", \"median\", \"iqm\", "
            "\"trimmed_mean\", \"std\"");
  EXPECT_EQ(parse_bootstrap_method("BCa"), BootstrapMethod::kBca);
  EXPECT_EQ(parse_statistic("iqm"), Statistic::kIqm);
}

TEST(AggregateCi, PointEstimatesMatchRliable) {
  const auto golden = test::load_golden("bootstrap.json");
  ASSERT_GE(golden["aggregate_cases"].size(), 5u);
  for (const auto& c : golden["aggregate_cases"]) {
    std::vector<std::vector<double>> scores;
    for (const auto& row : c["scores"]) scores.push_back(test::as_doubles(row));
    SCOPED_TRACE(testing::Message() << scores.size() << " runs x " << scores[0].size() << " tasks");
    AggregateOptions options;
    options.n_resamples = 200;
    for (Aggregate a : {Aggregate::kMean, Aggregate::kMedian, Aggregate::kIqm}) {
      const BootstrapResult r = aggregate_ci(scores, a, 1, options);
      EXPECT_TRUE(Near(r.estimate, test::as_double(c[std::string(to_string(a))]), 1e-13));
      EXPECT_LE(r.ci.lower, r.ci.upper);
      EXPECT_FALSE(r.degenerate);
    }
  }
  for (const auto& c : golden["aggregate_vector_cases"]) {
    const std::vector<double> runs = test::as_doubles(c["runs"]);
    for (Aggregate a : {Aggregate::kMean, Aggregate::kMedian, Aggregate::kIqm}) {
      const BootstrapResult r = aggregate_ci(runs, a, 1);
      EXPECT_TRUE(Near(r.estimate, test::as_double(c[std::string(to_string(a))]), 1e-13));
      EXPECT_EQ(r.interval, BootstrapMethod::kPercentile);
    }
  }
}

TEST(AggregateCi, ResamplesRunsWithinEachTask) {
  // Task 0 is constant across runs, task 1 varies: stratified resampling never mixes them, so
  // each replicate of the mean is 1 + (mean of a resample of task 1's runs) / 2.
  const std::vector<std::vector<double>> scores = {{1.0, 0.0}, {1.0, 2.0}, {1.0, 4.0}, {1.0, 6.0}};
  AggregateOptions options;
  options.n_resamples = 400;
  options.keep_replicates = true;
  const BootstrapResult r = aggregate_ci(scores, Aggregate::kMean, 8, options);
  EXPECT_EQ(r.estimate, 2.0);
  for (double v : r.replicates) {
    const double task1 = 2.0 * (v - 0.5);  // (1 + m) / 2 = v
    EXPECT_GE(task1, 0.0);
    EXPECT_LE(task1, 6.0);
    EXPECT_EQ(std::fmod(task1 * 4.0, 2.0), 0.0);  // a mean of four even numbers, times 4, is even
  }
  EXPECT_EQ(r.method, "stratified percentile bootstrap CI");
  EXPECT_EQ(r.statistic, "mean over 2 tasks");
  // One task: the draws are those of the plain bootstrap of that task's runs.
  const std::vector<std::vector<double>> one_task = {{3.0}, {1.0}, {4.0}, {1.0}, {5.0}};
  const std::vector<double> runs = {3.0, 1.0, 4.0, 1.0, 5.0};
  const BootstrapResult m = aggregate_ci(one_task, Aggregate::kMedian, 4, options);
  const BootstrapResult v = aggregate_ci(runs, Aggregate::kIqm, 4, options);
  BootstrapOptions plain;
  plain.method = BootstrapMethod::kPercentile;
  plain.n_resamples = 400;
  plain.keep_replicates = true;
  EXPECT_EQ(v.replicates, bootstrap_ci(runs, Statistic::kIqm, 4, plain).replicates);
  // The one-task matrix's median of task means is the mean of the resampled runs.
  const BootstrapResult mean_runs = bootstrap_ci(runs, Statistic::kMean, 4, plain);
  for (std::size_t b = 0; b < m.replicates.size(); ++b) {
    EXPECT_TRUE(Near(m.replicates[b], mean_runs.replicates[b], 1e-14));
  }
}

TEST(AggregateCi, IsBitwiseIndependentOfTheThreadCount) {
  std::vector<std::vector<double>> scores(10, std::vector<double>(6));
  CounterRng rng(3, 3);
  for (auto& row : scores) {
    for (double& v : row) v = rng.uniform();
  }
  AggregateOptions options;
  options.n_resamples = 2500;
  options.keep_replicates = true;
  options.threads = 1;
  const BootstrapResult one = aggregate_ci(scores, Aggregate::kIqm, 6, options);
  options.threads = 4;
  const BootstrapResult four = aggregate_ci(scores, Aggregate::kIqm, 6, options);
  EXPECT_EQ(one.replicates, four.replicates);
  EXPECT_EQ(one.ci.lower, four.ci.lower);
}

TEST(AggregateCi, ConstantScoresAreDegenerate) {
  const std::vector<std::vector<double>> scores(5, std::vector<double>(3, 0.5));
  const BootstrapResult r = aggregate_ci(scores, Aggregate::kIqm, 1);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.ci.lower, 0.5);
  EXPECT_EQ(r.ci.upper, 0.5);
  EXPECT_THAT(r.note, StartsWith("no variance:"));
}

TEST(AggregateCi, RejectsBadInputWithAMessage) {
  EXPECT_EQ(error_of([] {
              aggregate_ci(std::vector<std::vector<double>>{{1.0, 2.0}}, Aggregate::kMean, 1);
            }),
            "scores has 1 run, but at least 2 are required (rows are runs, columns tasks)");
  EXPECT_EQ(
      error_of([] {
        aggregate_ci(std::vector<std::vector<double>>{{1.0, 2.0}, {1.0}}, Aggregate::kMean, 1);
      }),
      "scores[1] has 1 tasks, but scores[0] has 2; every run (row) needs a score for every task");
  EXPECT_EQ(
      error_of([] {
        aggregate_ci(std::vector<std::vector<double>>{{1.0, 2.0}, {1.0, INFINITY}},
                     Aggregate::kMean, 1);
      }),
      "scores[1][1] (run 1, task 1) is inf, but every score must be finite; remove or impute it");
  AggregateOptions options;
  options.method = BootstrapMethod::kBca;
  EXPECT_EQ(error_of([&] {
              aggregate_ci(std::vector<double>{1.0, 2.0}, Aggregate::kMean, 1, options);
            }),
            "method is BCa, but stratified aggregates support percentile (rliable's default) and "
            "basic only; pass method percentile");
  EXPECT_EQ(error_of([] { parse_aggregate("max"); }),
            "statistic is \"max\", but must be one of \"mean\", \"median\", \"iqm\"");
}

}  // namespace
}  // namespace rigor::stats
