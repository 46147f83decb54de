// Tests of rigor/reports/verdict.h: the verdict rules shared by `rigor compare` and `rigor
// analyze`. Expected power values from R 4.2.2:
//   a <- c(0.90, 0.93, 0.88, 0.91, 0.95, 0.87, 0.92, 0.89, 0.94, 0.90)
//   b <- c(0.91, 0.89, 0.92, 0.88, 0.93, 0.90, 0.87, 0.94, 0.89, 0.91)
//   sp <- sqrt((var(a) + var(b)) / 2)                                   # 0.0241867732448956
//   power.t.test(n = 10, delta = 0.01, sd = sp, alternative = "one.sided")$power
//                                                                       # 0.225147315677632
//   power.t.test(power = 0.8, delta = 0.01, sd = sp, alternative = "one.sided")$n  # 73.02
//   power.t.test(n = 10, delta = 0.01, sd = sd(a - b), type = "paired")$power  # 0.11333887393923
//   power.t.test(power = 0.8, delta = 0.01, sd = sd(a - b), type = "paired")$n  # 114.0002
//   pnorm(sqrt(12 * 0.25 * 16) * 0.1 - qnorm(0.95))                     # 0.170540045988668
//   N <- (qnorm(0.95) + qnorm(0.8))^2 / (12 * 0.25 * 0.1^2); ceiling(N / 2)  # 104
#include "rigor/reports/verdict.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace rigor::reports {
namespace {

using stats::Alternative;
using ::testing::HasSubstr;

const std::vector<double> kA = {0.90, 0.93, 0.88, 0.91, 0.95, 0.87, 0.92, 0.89, 0.94, 0.90};
const std::vector<double> kB = {0.91, 0.89, 0.92, 0.88, 0.93, 0.90, 0.87, 0.94, 0.89, 0.91};

VerdictInput greater(double p, double estimate, double min_effect = 0.0) {
  VerdictInput in;
  in.alternative = Alternative::kGreater;
  in.alpha = 0.05;
  in.min_effect = min_effect;
  in.p_value = p;
  in.estimate = estimate;
  return in;
}

TEST(Verdict, NamesAreStable) {
  EXPECT_EQ(to_string(Verdict::kSupported), "supported");
  EXPECT_EQ(to_string(Verdict::kBelowMinimum), "below minimum");
  EXPECT_EQ(to_string(Verdict::kNotSupported), "not supported");
  EXPECT_EQ(to_string(Verdict::kInconclusive), "inconclusive");
  EXPECT_EQ(to_string(Verdict::kRunsMissing), "inconclusive: runs missing");
}

TEST(Verdict, SignificantInTheClaimedDirectionIsSupported) {
  const VerdictResult v = judge(greater(0.01, 0.02, 0.01), kA, kB);
  EXPECT_EQ(v.verdict, Verdict::kSupported);
  EXPECT_EQ(v.why, "");
  EXPECT_FALSE(v.power);  // no power check once significant
}

TEST(Verdict, SignificantButSmallerThanTheMinimumEffect) {
  const VerdictResult v = judge(greater(0.01, 0.005, 0.01), kA, kB);
  EXPECT_EQ(v.verdict, Verdict::kBelowMinimum);
  EXPECT_EQ(v.why, "|effect| 0.005 < min effect 0.01");
  // effect_for_min overrides the estimate for the comparison.
  VerdictInput in = greater(0.01, 0.005, 0.01);
  in.effect_for_min = 0.02;
  EXPECT_EQ(judge(in, kA, kB).verdict, Verdict::kSupported);
}

TEST(Verdict, SignificantTheOtherWayIsNotSupported) {
  const VerdictResult v = judge(greater(0.99, -0.02, 0.01), kA, kB);
  EXPECT_EQ(v.verdict, Verdict::kNotSupported);
  EXPECT_EQ(v.why, "significant in the other direction");
  // An explicit opposite test result wins over 1 - p.
  VerdictInput in = greater(0.99, -0.02, 0.0);
  in.opposite_significant = false;
  EXPECT_EQ(judge(in, kA, kB).why, "");
}

TEST(Verdict, SignificantWithTheWrongSignIsNotSupported) {
  // Two-sided p small but the estimate is 0: it points nowhere.
  VerdictInput in = greater(0.01, 0.0);
  in.alternative = Alternative::kTwoSided;
  EXPECT_EQ(judge(in, kA, kB).verdict, Verdict::kNotSupported);
}

TEST(Verdict, UnderpoweredIsInconclusiveWithSeedsNeeded) {
  const VerdictResult v = judge(greater(0.32, 0.002, 0.01), kA, kB);
  EXPECT_EQ(v.verdict, Verdict::kInconclusive);
  ASSERT_TRUE(v.power);
  EXPECT_NEAR(v.power->sd, 0.0241867732448956, 1e-14);
  EXPECT_NEAR(v.power->power, 0.225147315677632, 1e-9);
  EXPECT_EQ(v.power->seeds_needed, 74);
  EXPECT_EQ(v.power->n, 10);
  EXPECT_EQ(v.why, "power 23% for min effect 0.01; ~74 seeds per arm for 80%");
}

TEST(Verdict, PairedPowerUsesTheSdOfTheDifferences) {
  VerdictInput in = greater(0.3, 0.001, 0.01);
  in.alternative = Alternative::kTwoSided;
  in.paired = true;
  const VerdictResult v = judge(in, kA, kB);
  ASSERT_TRUE(v.power);
  EXPECT_NEAR(v.power->sd, 0.0377859468291821, 1e-14);
  EXPECT_NEAR(v.power->power, 0.11333887393923, 1e-9);
  EXPECT_EQ(v.power->seeds_needed, 115);  // ceil(114.0002)
}

TEST(Verdict, EnoughPowerAndNotSignificantIsNotSupported) {
  // min effect 0.1 is 4 SDs: the design has power ~1 for it.
  const VerdictResult v = judge(greater(0.32, 0.002, 0.1), kA, kB);
  EXPECT_EQ(v.verdict, Verdict::kNotSupported);
  ASSERT_TRUE(v.power);
  EXPECT_GT(v.power->power, 0.99);
}

TEST(Verdict, NoMinimumEffectMeansNoPowerCheck) {
  const VerdictResult v = judge(greater(0.32, 0.002, 0.0), kA, kB);
  EXPECT_EQ(v.verdict, Verdict::kNotSupported);
  EXPECT_FALSE(v.power);
}

TEST(Verdict, TinyMinimumEffectNeedsMoreThanTenMillionSeeds) {
  const VerdictResult v = judge(greater(0.32, 0.002, 1e-6), kA, kB);
  EXPECT_EQ(v.verdict, Verdict::kInconclusive);
  EXPECT_THAT(v.why, HasSubstr("more than 10^7 seeds per arm for 80%"));
}

TEST(Verdict, DegenerateIsInconclusive) {
  VerdictInput in = greater(0.0, 0.1, 0.01);
  in.degenerate = true;
  const VerdictResult v = judge(in, kA, kB);
  EXPECT_EQ(v.verdict, Verdict::kInconclusive);
  EXPECT_EQ(v.why, "no variance across seeds");
}

TEST(Verdict, ProbabilityScaleUsesNoether) {
  const std::vector<double> a8(kA.begin(), kA.begin() + 8), b8(kB.begin(), kB.begin() + 8);
  VerdictInput in = greater(1.0, 0.05, 0.1);
  in.probability_scale = true;
  const VerdictResult v = judge(in, a8, b8);
  EXPECT_EQ(v.verdict, Verdict::kInconclusive);
  ASSERT_TRUE(v.power);
  EXPECT_EQ(v.power->method, "Noether (1987)");
  EXPECT_NEAR(v.power->power, 0.170540045988668, 1e-12);
  EXPECT_EQ(v.power->seeds_needed, 104);
}

TEST(Verdict, PowerCheckRejectsMismatchedPairs) {
  const std::vector<double> short_b(kB.begin(), kB.begin() + 5);
  EXPECT_THROW(power_for_min_effect(kA, short_b, true, 0.01, 0.05, Alternative::kGreater),
               stats::StatsError);
  EXPECT_FALSE(power_for_min_effect(kA, kB, false, 0.0, 0.05, Alternative::kGreater));
  const std::vector<double> constant(10, 0.9);
  EXPECT_FALSE(power_for_min_effect(constant, constant, false, 0.01, 0.05, Alternative::kGreater));
}

TEST(VerdictAso, ThresholdDecides) {
  EXPECT_EQ(judge_aso(0.1, 0.2, false, "a over b").verdict, Verdict::kSupported);
  EXPECT_EQ(judge_aso(0.1, 0.2, false, "a over b").why,
            "a over b almost stochastically dominant: eps_min < 0.2");
  EXPECT_EQ(judge_aso(0.2, 0.2, false, "a over b").verdict, Verdict::kNotSupported);
  EXPECT_EQ(judge_aso(0.2, 0.2, false, "a over b").why, "eps_min >= 0.2");
  EXPECT_EQ(judge_aso(0.0, 0.2, true, "a over b").verdict, Verdict::kInconclusive);
}

TEST(VerdictFormat, NumbersAndPValues) {
  EXPECT_EQ(format_number(0.0123456), "0.01235");
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(1.5e-5), "1.500e-05");
  EXPECT_EQ(format_number(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(format_p(0.0123456), "0.0123");
  EXPECT_EQ(format_p(4.4246e-05), "4.42e-05");
}

}  // namespace
}  // namespace rigor::reports
