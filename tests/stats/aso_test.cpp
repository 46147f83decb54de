// Tests for rigor/stats/aso.h. Golden values: tests/stats/data/aso.json, written by
// scripts/golden/aso.py (numpy 1.24 / scipy 1.10, an independent direct implementation of the
// same estimator with a pure-Python CounterRng; regenerate with
// `/usr/bin/python3 scripts/golden/aso.py`). Deterministic parts agree to 1e-10 relative.
#include "rigor/stats/aso.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "golden.h"
#include "rigor/stats/random.h"

namespace rigor::stats {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr double kTol = 1e-10;

void expect_near_or_zero(double actual, double expected, const std::string& what) {
  SCOPED_TRACE(what);
  if (expected == 0.0) {
    EXPECT_NEAR(actual, 0.0, 1e-300);
  } else {
    EXPECT_REL_NEAR(actual, expected, kTol);
  }
}

std::vector<double> normal_sample(std::uint64_t seed, std::size_t n, double mean, double sd) {
  CounterRng rng(seed, 0);
  std::vector<double> x(n);
  for (auto& v : x) v = mean + sd * rng.normal();
  return x;
}

TEST(AsoViolationRatio, MatchesDirectComputationOnGoldenInputs) {
  const auto golden = test::load_golden("aso.json");
  ASSERT_GE(golden["violation_ratio"].size(), 15u);
  for (const auto& c : golden["violation_ratio"]) {
    const auto a = test::as_doubles(c["a"]);
    const auto b = test::as_doubles(c["b"]);
    const ViolationRatio r = violation_ratio(a, b);
    const std::string name = c["name"].get<std::string>();
    expect_near_or_zero(r.ratio, c["ratio"].get<double>(), name + " ratio");
    expect_near_or_zero(r.violation, c["violation"].get<double>(), name + " violation");
    expect_near_or_zero(r.w2_squared, c["w2_squared"].get<double>(), name + " w2_squared");
    EXPECT_EQ(r.defined, c["defined"].get<bool>()) << name;
  }
}

TEST(AsoViolationRatio, SwappingSamplesGivesTheComplement) {
  const auto a = normal_sample(1, 37, 0.1, 1.0);
  const auto b = normal_sample(2, 23, 0.0, 2.0);
  const ViolationRatio ab = violation_ratio(a, b);
  const ViolationRatio ba = violation_ratio(b, a);
  EXPECT_NEAR(ab.ratio + ba.ratio, 1.0, 1e-14);
  EXPECT_REL_NEAR(ab.w2_squared, ba.w2_squared, 1e-14);
}

TEST(AsoViolationRatio, IsInvariantToShiftAndPositiveScale) {
  const auto a = normal_sample(3, 15, 0.0, 1.0);
  const auto b = normal_sample(4, 18, 0.2, 1.0);
  std::vector<double> a2(a), b2(b);
  for (auto& v : a2) v = 3.0 * v + 7.0;
  for (auto& v : b2) v = 3.0 * v + 7.0;
  EXPECT_NEAR(violation_ratio(a, b).ratio, violation_ratio(a2, b2).ratio, 1e-12);
}

TEST(AsoViolationRatio, KnownSmallCase) {
  // F^-1 = 0 on (0, 1/2], 10 on (1/2, 1); G^-1 = 4, 6: violation 16/2, total (16 + 16)/2.
  const std::vector<double> a = {10.0, 0.0}, b = {6.0, 4.0};
  const ViolationRatio r = violation_ratio(a, b);
  EXPECT_DOUBLE_EQ(r.ratio, 0.5);
  EXPECT_DOUBLE_EQ(r.violation, 8.0);
  EXPECT_DOUBLE_EQ(r.w2_squared, 16.0);
}

TEST(AsoEpsMin, FormulaMatchesGoldenForGivenReplicates) {
  const auto golden = test::load_golden("aso.json");
  for (const auto& c : golden["eps_min_formula"]) {
    const auto reps = test::as_doubles(c["replicates"]);
    double sigma = -1.0;
    const double eps_min =
        aso_eps_min(c["eps_hat"].get<double>(), reps, c["n"].get<std::size_t>(),
                    c["m"].get<std::size_t>(), c["confidence_level"].get<double>(), &sigma);
    expect_near_or_zero(eps_min, c["eps_min"].get<double>(), "eps_min");
    EXPECT_REL_NEAR(sigma, c["sigma_hat"].get<double>(), kTol);
  }
}

TEST(AsoEpsMin, RejectsTooFewReplicatesAndBadLevel) {
  const std::vector<double> one = {0.2};
  try {
    aso_eps_min(0.1, one, 5, 5, 0.95);
    FAIL() << "expected StatsError";
  } catch (const StatsError& e) {
    EXPECT_THAT(e.what(), HasSubstr("replicates has 1 values, but at least 2 are required"));
  }
  const std::vector<double> two = {0.2, 0.3};
  try {
    aso_eps_min(0.1, two, 5, 5, 1.0);
    FAIL() << "expected StatsError";
  } catch (const StatsError& e) {
    EXPECT_STREQ(e.what(), "confidence_level is 1, but must be in (0, 1)");
  }
}

TEST(Aso, SeededPipelineMatchesIndependentImplementation) {
  const auto golden = test::load_golden("aso.json");
  ASSERT_GE(golden["pipeline"].size(), 5u);
  for (const auto& c : golden["pipeline"]) {
    const std::string name = c["name"].get<std::string>();
    SCOPED_TRACE(name);
    AsoOptions options;
    options.confidence_level = c["confidence_level"].get<double>();
    options.num_bootstrap = c["num_bootstrap"].get<std::size_t>();
    options.keep_replicates = true;
    const AsoResult r = aso(test::as_doubles(c["a"]), test::as_doubles(c["b"]),
                            c["seed"].get<std::uint64_t>(), options);
    expect_near_or_zero(r.eps_hat, c["eps_hat"].get<double>(), "eps_hat");
    expect_near_or_zero(r.sigma_hat, c["sigma_hat"].get<double>(), "sigma_hat");
    expect_near_or_zero(r.eps_min, c["eps_min"].get<double>(), "eps_min");
    const auto first = test::as_doubles(c["first_replicates"]);
    ASSERT_EQ(r.replicates.size(), options.num_bootstrap);
    for (std::size_t k = 0; k < first.size(); ++k) {
      expect_near_or_zero(r.replicates[k], first[k], "replicate " + std::to_string(k));
    }
  }
}

TEST(Aso, ReplicatesEqualTheDirectRatioOfEachResample) {
  // The counting fast path against building resample r explicitly from CounterRng(seed, r).
  const auto a = normal_sample(11, 40, 0.3, 1.0);
  const auto b = normal_sample(12, 33, 0.0, 1.0);
  AsoOptions options;
  options.num_bootstrap = 64;
  options.keep_replicates = true;
  const AsoResult r = aso(a, b, 77, options);
  for (std::size_t k = 0; k < options.num_bootstrap; ++k) {
    CounterRng rng(77, k);
    std::vector<double> ra(a.size()), rb(b.size());
    for (auto& v : ra) v = a[rng.below(a.size())];
    for (auto& v : rb) v = b[rng.below(b.size())];
    EXPECT_NEAR(r.replicates[k], violation_ratio(ra, rb).ratio, 1e-13) << "replicate " << k;
  }
  EXPECT_DOUBLE_EQ(r.eps_min, aso_eps_min(r.eps_hat, r.replicates, a.size(), b.size(), 0.95));
}

TEST(Aso, ResultDoesNotDependOnThreadCount) {
  const auto a = normal_sample(21, 120, 0.2, 1.0);
  const auto b = normal_sample(22, 90, 0.0, 1.0);
  AsoOptions options;
  options.num_bootstrap = 301;
  options.keep_replicates = true;
  options.threads = 1;
  const AsoResult one = aso(a, b, 5, options);
  for (unsigned threads : {2u, 3u, 8u, 0u}) {
    options.threads = threads;
    const AsoResult many = aso(a, b, 5, options);
    EXPECT_EQ(many.eps_min, one.eps_min) << threads << " threads";
    EXPECT_EQ(many.sigma_hat, one.sigma_hat) << threads << " threads";
    EXPECT_EQ(many.replicates, one.replicates) << threads << " threads";
  }
}

TEST(Aso, SameSeedSameResultOtherSeedOtherResult) {
  const auto a = normal_sample(31, 20, 0.1, 1.0);
  const auto b = normal_sample(32, 20, 0.0, 1.0);
  const AsoResult r1 = aso(a, b, 1234);
  const AsoResult r2 = aso(a, b, 1234);
  const AsoResult r3 = aso(a, b, 1235);
  EXPECT_EQ(r1.eps_min, r2.eps_min);
  EXPECT_EQ(r1.eps_hat, r3.eps_hat);
  EXPECT_NE(r1.sigma_hat, r3.sigma_hat);
  EXPECT_EQ(r1.seed, 1234u);
  EXPECT_EQ(r1.num_bootstrap, 1000u);
}

TEST(Aso, ClearlyBetterScoresGiveEpsMinNearZero) {
  const auto a = normal_sample(41, 30, 3.0, 1.0);
  const auto b = normal_sample(42, 30, 0.0, 1.0);
  const AsoResult r = aso(a, b, 9);
  EXPECT_LT(r.eps_hat, 0.01);
  EXPECT_LT(r.eps_min, 0.05);
  EXPECT_FALSE(r.degenerate);
}

TEST(Aso, ClearlyWorseScoresGiveEpsMinNearOne) {
  const auto a = normal_sample(43, 30, 0.0, 1.0);
  const auto b = normal_sample(44, 30, 3.0, 1.0);
  const AsoResult r = aso(a, b, 9);
  EXPECT_GT(r.eps_hat, 0.99);
  EXPECT_GT(r.eps_min, 0.99);
}

TEST(Aso, EqualDistributionsGiveRatioNearOneHalfOnAverage) {
  double sum_hat = 0.0, sum_min = 0.0;
  int below_strict = 0;
  const int datasets = 100;
  AsoOptions options;
  options.num_bootstrap = 200;
  for (int d = 0; d < datasets; ++d) {
    const auto a = normal_sample(1000 + 2 * static_cast<std::uint64_t>(d), 50, 0.0, 1.0);
    const auto b = normal_sample(1001 + 2 * static_cast<std::uint64_t>(d), 50, 0.0, 1.0);
    const AsoResult r = aso(a, b, static_cast<std::uint64_t>(d), options);
    sum_hat += r.eps_hat;
    sum_min += r.eps_min;
    below_strict += r.eps_min < 0.2 ? 1 : 0;
  }
  EXPECT_NEAR(sum_hat / datasets, 0.5, 0.08);
  // eps_min is an upper confidence bound, above eps_hat on average.
  EXPECT_GT(sum_min / datasets, 0.6);
  // With no difference, the strict threshold 0.2 is rarely passed.
  EXPECT_LE(below_strict, 10) << "mean eps_min " << sum_min / datasets;
}

TEST(Aso, AgreesWithDeepSignificanceOnASmallExample) {
  // deep-significance issue #16 (github.com/Kaleidophon/deep-significance/issues/16) reports
  // aso([10, 8], [5, 5, 8, 7, 8]) = 0.0367 (unseeded, 1000 iterations). Here eps_hat = 0 and a
  // resample violates only when it draws a = {8, 8} and b = {8 x 5}, a 0/0 ratio counted as 0.5
  // (probability 0.25 * 0.4^5); with k such resamples out of B, eps_min = z_0.95 * 0.5 *
  // sqrt(k (B - k) / (B (B - 1))). k = 2 gives 0.03676, deep-significance's value.
  const std::vector<double> a = {10.0, 8.0}, b = {5.0, 5.0, 8.0, 7.0, 8.0};
  AsoOptions options;
  options.keep_replicates = true;
  const AsoResult r = aso(a, b, 3, options);
  EXPECT_EQ(r.eps_hat, 0.0);
  const auto k = static_cast<double>(std::count(r.replicates.begin(), r.replicates.end(), 0.5));
  EXPECT_EQ(std::count(r.replicates.begin(), r.replicates.end(), 0.0), 1000 - static_cast<long>(k));
  EXPECT_EQ(k, 2.0);
  const double z = 1.6448536269514722;
  EXPECT_NEAR(r.eps_min, z * 0.5 * std::sqrt(k * (1000.0 - k) / (1000.0 * 999.0)), 1e-15);
  EXPECT_NEAR(r.eps_min, 0.0367, 1e-4);
}

TEST(Aso, BothConstantAndEqualIsDegenerateOneHalf) {
  const std::vector<double> a = {0.9, 0.9, 0.9}, b = {0.9, 0.9};
  const AsoResult r = aso(a, b, 1);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.eps_hat, 0.5);
  EXPECT_EQ(r.eps_min, 0.5);
  EXPECT_EQ(r.sigma_hat, 0.0);
  EXPECT_THAT(r.note, StartsWith("no variance: every score of a and b equals 0.9"));
  EXPECT_THAT(r.note, HasSubstr("randomize a variance source"));
}

TEST(Aso, BothConstantAndDifferentIsDegenerateWithCertainty) {
  const std::vector<double> a = {0.9, 0.9, 0.9}, b = {0.8, 0.8, 0.8, 0.8};
  const AsoResult better = aso(a, b, 1);
  EXPECT_TRUE(better.degenerate);
  EXPECT_EQ(better.eps_min, 0.0);
  EXPECT_THAT(better.note, StartsWith("no variance: a is constant (0.9) and b is constant (0.8)"));
  const AsoResult worse = aso(b, a, 1);
  EXPECT_EQ(worse.eps_min, 1.0);
  EXPECT_EQ(worse.eps_hat, 1.0);
}

TEST(Aso, IdenticalNonConstantDistributionsAreFlagged) {
  const std::vector<double> a = {1.0, 2.0, 3.0}, b = {3.0, 2.0, 1.0};
  const AsoResult r = aso(a, b, 1);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.eps_hat, 0.5);
  EXPECT_GT(r.eps_min, 0.5);
  EXPECT_THAT(r.note, StartsWith("identical distributions:"));
}

TEST(Aso, RejectsBadInputWithClearMessages) {
  const std::vector<double> ok = {1.0, 2.0, 3.0};
  const std::vector<double> one = {1.0};
  const std::vector<double> nan = {1.0, std::nan("")};
  auto message = [](auto&& fn) -> std::string {
    try {
      fn();
    } catch (const StatsError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(message([&] { aso(one, ok, 1); }), "a has 1 value, but at least 2 are required");
  EXPECT_EQ(message([&] { aso(ok, nan, 1); }),
            "b[1] is nan, but every value must be finite; remove or impute it");
  AsoOptions bad_level;
  bad_level.confidence_level = 1.5;
  EXPECT_EQ(message([&] { aso(ok, ok, 1, bad_level); }),
            "confidence_level is 1.5, but must be in (0, 1)");
  AsoOptions bad_b;
  bad_b.num_bootstrap = 1;
  EXPECT_EQ(message([&] { aso(ok, ok, 1, bad_b); }),
            "num_bootstrap is 1, but at least 2 are required (1000 recommended)");
  EXPECT_EQ(message([&] { violation_ratio({}, ok); }),
            "a has 0 values, but at least 1 is required");
}

}  // namespace
}  // namespace rigor::stats
