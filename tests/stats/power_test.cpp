// Tests for stats/src/power.cpp: t-test power and sample size, Noether's Mann-Whitney sample size.
//
// Golden values: tests/stats/data/power.json, written by `Rscript scripts/golden/power.R >
// tests/stats/data/power.json` with R 4.2.2 (stats::power.t.test with uniroot tol = 1e-12; qnorm
// for Noether). Tolerances: n and delta 1e-8 relative (R's uniroot), power given n 1e-10 relative
// (R's pnt, AS 243, is exact to ~1e-12 absolute; cases keep power >= 0.01), Noether 1e-12.
#include "rigor/stats/power.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "golden.h"

namespace rigor::stats {
namespace {

using ::testing::HasSubstr;

using ::rigor::test::error_of;

TEST(PowerTTest, MatchesRPowerTTest) {
  const auto golden = rigor::test::load_golden("power.json");
  const auto& cases = golden.at("power_t");
  ASSERT_GT(cases.size(), 500u);
  int solved_n = 0, solved_power = 0, solved_delta = 0, below_two = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const std::string solve = c.at("solve").get<std::string>();
    SCOPED_TRACE("case " + std::to_string(i) + ": solve " + solve + " " + c.dump());
    PowerTTestSpec spec;
    spec.type = parse_t_test_design(c.at("type").get<std::string>());
    spec.alternative = parse_power_alternative(c.at("alternative").get<std::string>());
    spec.strict = c.at("strict").get<bool>();
    spec.sd = c.at("sd").get<double>();
    spec.alpha = c.at("alpha").get<double>();
    const double n = c.at("n").get<double>();
    const double delta = c.at("delta").get<double>();
    const double power = c.at("power").get<double>();
    if (solve != "n") spec.n = n;
    if (solve != "delta") spec.delta = delta;
    if (solve != "power") spec.power = power;
    const PowerTTestResult r = power_t_test(spec);
    EXPECT_EQ(r.solved_for, solve);
    if (solve == "n") {
      ++solved_n;
      below_two += n < 2.0;
      EXPECT_REL_NEAR(r.n, n, 1e-8);
      EXPECT_EQ(r.power, power);
      // n_ceil: the smallest integer >= 2 reaching the target.
      EXPECT_EQ(r.n_ceil, std::max<std::int64_t>(2, static_cast<std::int64_t>(std::ceil(n))));
      EXPECT_GE(r.power_at_n_ceil, power);
    } else if (solve == "power") {
      ++solved_power;
      EXPECT_REL_NEAR(r.power, power, 1e-10);
      EXPECT_EQ(r.n, n);
    } else {
      ++solved_delta;
      EXPECT_REL_NEAR(r.delta, delta, 1e-8);
      EXPECT_EQ(r.power, power);
    }
  }
  EXPECT_GT(solved_n, 100);
  EXPECT_GT(solved_power, 200);
  EXPECT_GT(solved_delta, 50);
  EXPECT_GT(below_two, 0);  // huge effects: R's n below 2
}

TEST(PowerTTest, MatchesTheHeaderExample) {
  const auto r = power_t_test({.delta = 0.01, .sd = 0.008, .power = 0.8});
  EXPECT_NEAR(r.n, 11.09420923, 1e-7);  // R: power.t.test(delta=0.01, sd=0.008, power=0.8)$n
  EXPECT_EQ(r.n_ceil, 12);
  EXPECT_GE(r.power_at_n_ceil, 0.8);
  EXPECT_EQ(r.method, "Two-sample t test power calculation");
  EXPECT_EQ(r.note, "n is number in *each* group");
  EXPECT_EQ(r.type, TTestDesign::kTwoSample);
}

TEST(PowerTTest, NCeilIsTheSmallestSufficientInteger) {
  for (double es : {0.3, 0.7, 1.1, 2.5}) {
    for (auto type : {TTestDesign::kTwoSample, TTestDesign::kPaired, TTestDesign::kOneSample}) {
      const auto r = power_t_test({.delta = es, .power = 0.9, .type = type});
      const auto at = [&](std::int64_t n) {
        return power_t_test({.n = static_cast<double>(n), .delta = es, .type = type}).power;
      };
      EXPECT_GE(at(r.n_ceil), 0.9) << es;
      if (r.n_ceil > 2) {
        EXPECT_LT(at(r.n_ceil - 1), 0.9) << es;
      }
      EXPECT_DOUBLE_EQ(r.power_at_n_ceil, at(r.n_ceil));
    }
  }
}

TEST(PowerTTest, StrictAddsTheWrongTail) {
  const auto loose = power_t_test({.n = 3, .delta = 0.1});
  const auto strict = power_t_test({.n = 3, .delta = 0.1, .strict = true});
  EXPECT_GT(strict.power, loose.power);
  EXPECT_LT(strict.power, 0.06);
  // Two-sided designs use |delta| (R: delta <- abs(delta)).
  const auto negative = power_t_test({.n = 3, .delta = -0.1, .strict = true});
  EXPECT_EQ(negative.delta, 0.1);
  EXPECT_DOUBLE_EQ(negative.power, strict.power);
}

TEST(PowerTTest, PairedNoteAndMethod) {
  const auto r = power_t_test({.n = 10, .delta = 1, .type = TTestDesign::kPaired});
  EXPECT_EQ(r.method, "Paired t test power calculation");
  EXPECT_EQ(r.note, "n is number of *pairs*, sd is std.dev. of *differences* within pairs");
  EXPECT_EQ(r.n_ceil, 10);
}

TEST(PowerTTest, RejectsBadSpecsNamingTheField) {
  EXPECT_EQ(
      error_of([] { power_t_test({.delta = 1}); }),
      "power_t_test needs exactly one of n, delta and power left empty (the one to solve for), "
      "but 2 are empty");
  EXPECT_EQ(
      error_of([] { power_t_test({.n = 5, .delta = 1, .power = 0.8}); }),
      "power_t_test needs exactly one of n, delta and power left empty (the one to solve for), "
      "but 0 are empty");
  EXPECT_EQ(error_of([] { power_t_test({.delta = 1, .sd = 0, .power = 0.8}); }),
            "sd is 0, but must be a positive finite number (the standard deviation of the scores)");
  EXPECT_EQ(error_of([] { power_t_test({.delta = 1, .power = 1.0}); }),
            "power is 1, but must be in (0, 1)");
  EXPECT_EQ(error_of([] { power_t_test({.delta = 1, .alpha = 0, .power = 0.8}); }),
            "alpha is 0, but must be in (0, 1)");
  EXPECT_EQ(
      error_of([] { power_t_test({.delta = 0, .power = 0.8}); }),
      "delta is 0, but must be a nonzero finite difference of means (the effect to detect, in "
      "the units of the scores)");
  EXPECT_EQ(error_of([] { power_t_test({.n = 1, .delta = 1}); }),
            "n is 1, but must be in (1, 1e7] (the t-test needs n - 1 > 0 degrees of freedom per "
            "sample)");
  EXPECT_EQ(error_of([] { power_t_test({.delta = 1, .power = 0.02}); }),
            "power is 0.02, but must exceed alpha / 2 = 0.025 (the rejection rate on the side of "
            "delta when there is no effect); ask for a larger power");
  EXPECT_EQ(
      error_of([] {
        power_t_test({.delta = -1, .power = 0.8, .alternative = PowerAlternative::kOneSided});
      }),
      "delta is -1, but a one-sided design needs delta > 0 (an effect in the direction of the "
      "alternative); flip the sign of delta and of the comparison");
  EXPECT_THAT(error_of([] { power_t_test({.delta = 1e-5, .power = 0.8}); }),
              HasSubstr("needs more than 1e7 observations per sample"));
  EXPECT_EQ(
      error_of([] { parse_t_test_design("two-sample"); }),
      "type is \"two-sample\", but must be one of \"two_sample\", \"paired\", \"one_sample\"");
  EXPECT_EQ(error_of([] { parse_power_alternative("greater"); }),
            "alternative is \"greater\", but must be one of \"two-sided\", \"one-sided\"");
}

TEST(PowerTTest, OneSidedNegativeDeltaHasPowerBelowAlpha) {
  // Like R: power.t.test(n = 20, delta = -0.5, alternative = "one.sided")$power < 0.05.
  const auto r = power_t_test({.n = 20, .delta = -0.5, .alternative = PowerAlternative::kOneSided});
  EXPECT_EQ(r.delta, -0.5);
  EXPECT_LT(r.power, 0.05);
  EXPECT_GT(r.power, 0.0);
}

TEST(NoetherSampleSize, MatchesTheFormulaInR) {
  const auto golden = rigor::test::load_golden("power.json");
  const auto& cases = golden.at("noether");
  ASSERT_GT(cases.size(), 100u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.dump());
    NoetherOptions o;
    o.alpha = c.at("alpha").get<double>();
    o.power = c.at("power").get<double>();
    o.fraction = c.at("fraction").get<double>();
    o.alternative = parse_power_alternative(c.at("alternative").get<std::string>());
    const auto r = noether_sample_size(c.at("p_outperform").get<double>(), o);
    EXPECT_REL_NEAR(r.n_total, c.at("n_total").get<double>(), 1e-12);
    EXPECT_EQ(r.n_x_ceil, c.at("n_x_ceil").get<std::int64_t>());
    EXPECT_EQ(r.n_y_ceil, c.at("n_y_ceil").get<std::int64_t>());
    EXPECT_EQ(r.n_total_ceil, r.n_x_ceil + r.n_y_ceil);
    EXPECT_DOUBLE_EQ(r.n_x + r.n_y, r.n_total);
  }
}

TEST(NoetherSampleSize, MatchesAHandComputation) {
  // (1.959964 + 0.841621)^2 / (12 * 0.25 * 0.0625) = 41.861: 21 per group.
  const auto r = noether_sample_size(0.75, {.power = 0.8});
  EXPECT_NEAR(r.n_total, 41.8607, 1e-3);
  EXPECT_EQ(r.n_x_ceil, 21);
  EXPECT_EQ(r.n_y_ceil, 21);
  // The direction of the effect does not change the size.
  EXPECT_DOUBLE_EQ(noether_sample_size(0.25, {.power = 0.8}).n_total, r.n_total);
  // One-sided needs fewer.
  EXPECT_LT(
      noether_sample_size(0.75, {.power = 0.8, .alternative = PowerAlternative::kOneSided}).n_total,
      r.n_total);
}

TEST(NoetherSampleSize, RejectsBadInput) {
  EXPECT_EQ(error_of([] { noether_sample_size(0.5); }),
            "p_outperform is 0.5, but must be in (0, 1) and differ from 0.5 (P(X > Y) = 1/2 is no "
            "effect: no sample size detects it)");
  EXPECT_EQ(error_of([] { noether_sample_size(1.0); }),
            "p_outperform is 1, but must be in (0, 1) and differ from 0.5 (P(X > Y) = 1/2 is no "
            "effect: no sample size detects it)");
  EXPECT_EQ(error_of([] { noether_sample_size(0.7, {.fraction = 1.0}); }),
            "fraction is 1, but must be in (0, 1)");
  EXPECT_EQ(error_of([] { noether_sample_size(0.7, {.power = 0.01}); }),
            "power is 0.01, but must exceed alpha / 2 = 0.025 (the rejection rate with no effect); "
            "ask for a larger power");
  EXPECT_THAT(error_of([] { noether_sample_size(0.5 + 1e-12); }),
              HasSubstr("more than 1e15 observations would be needed"));
}

}  // namespace
}  // namespace rigor::stats
