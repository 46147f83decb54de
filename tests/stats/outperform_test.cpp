// Tests for rigor/stats/outperform.h. Golden values: tests/stats/data/outperform.json, written by
// scripts/golden/aso.py (numpy 1.24: all pairwise comparisons by broadcasting, a pure-Python
// CounterRng for the resamples, numpy.quantile "linear" = R type 7; regenerate with
// `/usr/bin/python3 scripts/golden/aso.py`). Estimates and CI ends agree to 1e-12 relative.
#include "rigor/stats/outperform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "golden.h"
#include "rigor/stats/random.h"

namespace rigor::stats {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<double> normal_sample(std::uint64_t seed, std::size_t n, double mean, double sd) {
  CounterRng rng(seed, 0);
  std::vector<double> x(n);
  for (auto& v : x) v = mean + sd * rng.normal();
  return x;
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const StatsError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ProbabilityOfOutperforming, MatchesIndependentImplementation) {
  const auto golden = test::load_golden("outperform.json");
  ASSERT_GE(golden["cases"].size(), 8u);
  for (const auto& c : golden["cases"]) {
    const std::string name = c["name"].get<std::string>();
    SCOPED_TRACE(name);
    OutperformOptions options;
    options.paired = c["paired"].get<bool>();
    options.n_resamples = c["n_resamples"].get<std::size_t>();
    options.conf_level = c["conf_level"].get<double>();
    const auto r = probability_of_outperforming(test::as_doubles(c["a"]), test::as_doubles(c["b"]),
                                                c["seed"].get<std::uint64_t>(), options);
    EXPECT_REL_NEAR(r.estimate, c["estimate"].get<double>(), 1e-12);
    const auto ci = test::as_doubles(c["ci"]);
    if (ci[0] == 0.0) {
      EXPECT_EQ(r.ci.lower, 0.0);
    } else {
      EXPECT_REL_NEAR(r.ci.lower, ci[0], 1e-12);
    }
    EXPECT_REL_NEAR(r.ci.upper, ci[1], 1e-12);
  }
}

TEST(ProbabilityOfOutperforming, UnpairedEstimateIsMannWhitneyOverNm) {
  // a = {1, 3}, b = {2, 2}: 1 < 2 twice, 3 > 2 twice -> 2 wins of 4.
  const std::vector<double> a = {1.0, 3.0}, b = {2.0, 2.0};
  EXPECT_DOUBLE_EQ(probability_of_outperforming(a, b, 1).estimate, 0.5);
  // Ties count 1/2: a = {2, 2}, b = {2, 1}: 2 ties + 2 wins = 3 of 4.
  const std::vector<double> c = {2.0, 2.0}, d = {2.0, 1.0};
  EXPECT_DOUBLE_EQ(probability_of_outperforming(c, d, 1).estimate, 0.75);
}

TEST(ProbabilityOfOutperforming, PairedEstimateCountsPairs) {
  const std::vector<double> a = {1.0, 2.0, 3.0, 4.0}, b = {0.0, 2.0, 5.0, 3.0};
  OutperformOptions options;
  options.paired = true;
  // wins at 0 and 3, tie at 1, loss at 2: (2 + 0.5) / 4.
  EXPECT_DOUBLE_EQ(probability_of_outperforming(a, b, 1, options).estimate, 0.625);
}

TEST(ProbabilityOfOutperforming, ClearWinIsSignificantAndMeaningful) {
  const auto a = normal_sample(1, 30, 2.0, 1.0);
  const auto b = normal_sample(2, 30, 0.0, 1.0);
  const auto r = probability_of_outperforming(a, b, 3);
  EXPECT_GT(r.estimate, 0.85);
  EXPECT_GT(r.ci.lower, 0.5);
  EXPECT_TRUE(r.significant);
  EXPECT_TRUE(r.meaningful);
  EXPECT_EQ(r.conclusion, OutperformConclusion::kABetter);
  EXPECT_EQ(to_string(r.conclusion), "a_better");
  const auto swapped = probability_of_outperforming(b, a, 3);
  EXPECT_EQ(swapped.conclusion, OutperformConclusion::kBBetter);
  EXPECT_NEAR(swapped.estimate, 1.0 - r.estimate, 1e-15);
}

TEST(ProbabilityOfOutperforming, SmallButSureWinIsSignificantNotMeaningful) {
  // Many runs, a small shift: P(A > B) ~ 0.6, CI well above 0.5 but the estimate below 0.75.
  const auto a = normal_sample(5, 400, 0.35, 1.0);
  const auto b = normal_sample(6, 400, 0.0, 1.0);
  const auto r = probability_of_outperforming(a, b, 3);
  EXPECT_GT(r.ci.lower, 0.5);
  EXPECT_LT(r.estimate, 0.75);
  EXPECT_TRUE(r.significant);
  EXPECT_FALSE(r.meaningful);
  EXPECT_EQ(r.conclusion, OutperformConclusion::kSignificantNotMeaningful);
}

TEST(ProbabilityOfOutperforming, GammaIsComparedWithTheUpperEndOfTheInterval) {
  // Bouthillier et al. (2021) and their code: A is better when 0.5 < CI lower and gamma <= CI
  // upper. Here the estimate (~0.7) is below gamma = 0.75 but the CI reaches it: a_better (a rule
  // applying gamma to the estimate would say significant_not_meaningful).
  const auto a = normal_sample(13, 40, 0.8, 1.0);
  const auto b = normal_sample(14, 40, 0.0, 1.0);
  const auto r = probability_of_outperforming(a, b, 3);
  ASSERT_LT(r.estimate, 0.75);
  ASSERT_GT(r.ci.lower, 0.5);
  ASSERT_GE(r.ci.upper, 0.75);
  EXPECT_TRUE(r.meaningful);
  EXPECT_EQ(r.conclusion, OutperformConclusion::kABetter);
  const auto swapped = probability_of_outperforming(b, a, 3);
  EXPECT_EQ(swapped.conclusion, OutperformConclusion::kBBetter);
  // A gamma above the CI's upper end makes the same data significant but not meaningful.
  OutperformOptions strict;
  strict.gamma = std::min(0.999, r.ci.upper + 0.01);
  EXPECT_EQ(probability_of_outperforming(a, b, 3, strict).conclusion,
            OutperformConclusion::kSignificantNotMeaningful);
}

TEST(ProbabilityOfOutperforming, NoDifferenceIsNotSignificant) {
  const auto a = normal_sample(7, 20, 0.0, 1.0);
  const auto b = normal_sample(8, 20, 0.0, 1.0);
  const auto r = probability_of_outperforming(a, b, 3);
  EXPECT_LT(r.ci.lower, 0.5);
  EXPECT_GT(r.ci.upper, 0.5);
  EXPECT_EQ(r.conclusion, OutperformConclusion::kNotSignificant);
}

TEST(ProbabilityOfOutperforming, ResultDoesNotDependOnThreads) {
  const auto a = normal_sample(9, 300, 0.1, 1.0);
  const auto b = normal_sample(10, 250, 0.0, 1.0);
  for (bool paired : {false, true}) {
    OutperformOptions options;
    options.paired = paired;
    options.n_resamples = 999;
    options.threads = 1;
    const auto b_use = paired ? normal_sample(12, a.size(), 0.0, 1.0) : b;
    const auto one = probability_of_outperforming(a, b_use, 11, options);
    for (unsigned threads : {2u, 5u, 0u}) {
      options.threads = threads;
      const auto many = probability_of_outperforming(a, b_use, 11, options);
      EXPECT_EQ(many.ci.lower, one.ci.lower);
      EXPECT_EQ(many.ci.upper, one.ci.upper);
    }
  }
}

TEST(ProbabilityOfOutperforming, ConstantEqualArmsAreDegenerate) {
  const std::vector<double> a = {0.9, 0.9, 0.9}, b = {0.9, 0.9};
  const auto r = probability_of_outperforming(a, b, 1);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.estimate, 0.5);
  EXPECT_EQ(r.ci.lower, 0.5);
  EXPECT_EQ(r.ci.upper, 0.5);
  EXPECT_EQ(r.conclusion, OutperformConclusion::kNotSignificant);
  EXPECT_THAT(r.note, StartsWith("no variance: every score of a and b equals 0.9"));
}

TEST(ProbabilityOfOutperforming, ConstantDifferentArmsAreDegenerateAndDecided) {
  const std::vector<double> a = {0.9, 0.9, 0.9}, b = {0.8, 0.8, 0.8};
  const auto r = probability_of_outperforming(a, b, 1);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.estimate, 1.0);
  EXPECT_EQ(r.ci.lower, 1.0);
  EXPECT_EQ(r.conclusion, OutperformConclusion::kABetter);
  EXPECT_THAT(r.note, StartsWith("no variance: a is constant (0.9) and b is constant (0.8)"));
}

TEST(ProbabilityOfOutperforming, AllPairedDifferencesZeroIsDegenerate) {
  const std::vector<double> a = {0.7, 0.8, 0.9}, b = {0.7, 0.8, 0.9};
  OutperformOptions options;
  options.paired = true;
  const auto r = probability_of_outperforming(a, b, 1, options);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.estimate, 0.5);
  EXPECT_EQ(r.ci.upper, 0.5);
  EXPECT_THAT(r.note, StartsWith("all paired differences are zero:"));
}

TEST(ProbabilityOfOutperforming, RejectsBadInputWithClearMessages) {
  const std::vector<double> ok = {1.0, 2.0, 3.0}, short_b = {1.0, 2.0}, one = {1.0};
  EXPECT_EQ(error_of([&] { probability_of_outperforming(one, ok, 1); }),
            "a has 1 value, but at least 2 are required");
  OutperformOptions paired;
  paired.paired = true;
  EXPECT_EQ(
      error_of([&] { probability_of_outperforming(ok, short_b, 1, paired); }),
      "paired data need equal lengths, but a has 3 values and b has 2; pair them by replicate");
  OutperformOptions bad_gamma;
  bad_gamma.gamma = 0.4;
  EXPECT_EQ(error_of([&] { probability_of_outperforming(ok, ok, 1, bad_gamma); }),
            "gamma is 0.4, but must be in (0.5, 1); Bouthillier et al. use 0.75");
  OutperformOptions bad_level;
  bad_level.conf_level = 0.0;
  EXPECT_EQ(error_of([&] { probability_of_outperforming(ok, ok, 1, bad_level); }),
            "conf_level is 0, but must be in (0, 1)");
  OutperformOptions bad_b;
  bad_b.n_resamples = 1;
  EXPECT_THAT(error_of([&] { probability_of_outperforming(ok, ok, 1, bad_b); }),
              HasSubstr("n_resamples is 1, but at least 2 are required"));
}

}  // namespace
}  // namespace rigor::stats
