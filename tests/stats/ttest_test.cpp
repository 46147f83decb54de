// Tests for stats/src/ttest.cpp: Welch, Student, paired and one-sample t-tests.
//
// Golden values: tests/stats/data/ttest.json, written by `Rscript scripts/golden/ttest.R >
// tests/stats/data/ttest.json` with R 4.2.2 (stats::t.test). Tolerance: 1e-10 relative for t, df,
// p-value (down to 1.9e-297), estimate and CI ends (CI ends relative to the larger of |end| and the
// CI's half-width, since an end near 0 carries the rounding of mu + (t +- q) se).
#include "rigor/stats/ttest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <string>
#include <vector>

#include "golden.h"

namespace rigor::stats {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr double kTol = 1e-10;
constexpr double kInf = std::numeric_limits<double>::infinity();

using ::rigor::test::error_of;

TestResult run_kind(const std::string& kind, const std::vector<double>& x,
                    const std::vector<double>& y, const TTestOptions& options) {
  if (kind == "welch") return welch_t_test(x, y, options);
  if (kind == "student") return student_t_test(x, y, options);
  if (kind == "paired") return paired_t_test(x, y, options);
  return one_sample_t_test(x, options);
}

// |actual - expected| <= tol * max(|expected|, scale); infinities must match exactly.
::testing::AssertionResult NearScaled(double actual, double expected, double scale) {
  if (std::isinf(expected)) {
    return actual == expected ? ::testing::AssertionSuccess()
                              : ::testing::AssertionFailure() << actual << " != " << expected;
  }
  const double bound = kTol * std::max(std::abs(expected), scale);
  if (std::abs(actual - expected) <= bound) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(17) << actual << " differs from " << expected << " by "
         << std::abs(actual - expected) << " > " << bound;
}

TEST(TTest, MatchesRGoldenValues) {
  const auto golden = rigor::test::load_golden("ttest.json");
  const auto& datasets = golden.at("datasets");
  const auto& cases = golden.at("cases");
  ASSERT_GT(cases.size(), 700u);
  double smallest_p = 1.0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const auto& data = datasets.at(c.at("dataset").get<std::size_t>());
    const std::string kind = c.at("kind").get<std::string>();
    SCOPED_TRACE("case " + std::to_string(i) + ": " + data.at("name").get<std::string>() + " " +
                 kind + " " + c.at("alternative").get<std::string>() +
                 " mu=" + std::to_string(c.at("mu").get<double>()) +
                 " conf=" + std::to_string(c.at("conf_level").get<double>()));
    TTestOptions options;
    options.alternative = parse_alternative(c.at("alternative").get<std::string>());
    options.mu = c.at("mu").get<double>();
    options.conf_level = c.at("conf_level").get<double>();
    const auto x = rigor::test::as_doubles(data.at("x"));
    const auto y = rigor::test::as_doubles(data.at("y"));
    const TestResult r = run_kind(kind, x, y, options);
    EXPECT_EQ(r.method, c.at("method").get<std::string>());
    EXPECT_EQ(r.statistic_name, "t");
    EXPECT_FALSE(r.degenerate);
    EXPECT_EQ(r.alternative, options.alternative);
    EXPECT_EQ(r.conf_level, options.conf_level);
    EXPECT_REL_NEAR(r.statistic, rigor::test::as_double(c.at("statistic")), kTol);
    ASSERT_TRUE(r.df.has_value());
    EXPECT_REL_NEAR(*r.df, rigor::test::as_double(c.at("df")), kTol);
    const double p = rigor::test::as_double(c.at("p_value"));
    EXPECT_REL_NEAR(r.p_value, p, kTol);
    smallest_p = std::min(smallest_p, p);
    ASSERT_TRUE(r.estimate.has_value());
    EXPECT_REL_NEAR(*r.estimate, rigor::test::as_double(c.at("estimate")), kTol);
    ASSERT_TRUE(r.ci.has_value());
    const double lo = rigor::test::as_double(c.at("ci")[0]);
    const double hi = rigor::test::as_double(c.at("ci")[1]);
    const double half_width = std::isfinite(lo) && std::isfinite(hi)
                                  ? (hi - lo) / 2.0
                                  : std::abs(*r.estimate - (std::isfinite(lo) ? lo : hi));
    EXPECT_TRUE(NearScaled(r.ci->lower, lo, half_width));
    EXPECT_TRUE(NearScaled(r.ci->upper, hi, half_width));
  }
  // The golden file must keep its extreme-tail cases.
  EXPECT_LT(smallest_p, 1e-295);
}

TEST(WelchTTest, MatchesTheHeaderExample) {
  const std::vector<double> a = {0.91, 0.92, 0.90}, b = {0.88, 0.89, 0.90};
  const TestResult r = welch_t_test(a, b, {.alternative = Alternative::kGreater});
  // R 4.2.2: t.test(a, b, alternative = "greater"): t = 2.4495, df = 4, p-value = 0.03524,
  // CI 0.002593544 to Inf.
  EXPECT_NEAR(r.statistic, 2.4494897, 1e-6);
  EXPECT_NEAR(*r.df, 4.0, 1e-9);
  EXPECT_NEAR(r.p_value, 0.03524, 1e-5);
  EXPECT_NEAR(r.ci->lower, 0.002593544, 1e-9);
  EXPECT_EQ(r.ci->upper, kInf);
  EXPECT_NEAR(*r.estimate, 0.02, 1e-12);
}

TEST(WelchTTest, SwappingSamplesNegatesTAndSwapsOneSidedPValues) {
  const std::vector<double> x = {3.1, 2.7, 3.9, 3.3, 2.2, 4.0}, y = {2.5, 2.9, 1.8, 2.0};
  const TestResult greater = welch_t_test(x, y, {.alternative = Alternative::kGreater});
  const TestResult less_swapped = welch_t_test(y, x, {.alternative = Alternative::kLess});
  EXPECT_DOUBLE_EQ(greater.statistic, -less_swapped.statistic);
  EXPECT_DOUBLE_EQ(greater.p_value, less_swapped.p_value);
  EXPECT_DOUBLE_EQ(greater.ci->lower, -less_swapped.ci->upper);
  const TestResult two = welch_t_test(x, y);
  EXPECT_NEAR(two.p_value, 2.0 * greater.p_value, 1e-15);
}

TEST(WelchTTest, OneConstantSampleIsNotDegenerate) {
  const std::vector<double> x = {0.75, 0.75, 0.75, 0.75}, y = {0.74, 0.76, 0.73, 0.77, 0.745};
  const TestResult r = welch_t_test(x, y);
  EXPECT_FALSE(r.degenerate);
  EXPECT_TRUE(r.note.empty());
  EXPECT_DOUBLE_EQ(*r.df, 4.0);  // all variance from y: df = n_y - 1
  EXPECT_TRUE(std::isfinite(r.statistic));
  EXPECT_GT(r.p_value, 0.0);
  EXPECT_LT(r.p_value, 1.0);
}

TEST(WelchTTest, ExtremeTailKeepsRelativePrecision) {
  // t = 1e4 with df = 30 puts p near 1e-120: a 1 - cdf would give 0.
  std::vector<double> x, y;
  for (int i = 0; i < 16; ++i) {
    x.push_back(1000.0 + (i % 4) * 0.03125);
    y.push_back((i % 4) * 0.03125);
  }
  const TestResult r = welch_t_test(x, y, {.alternative = Alternative::kGreater});
  EXPECT_GT(r.p_value, 0.0);
  EXPECT_LT(r.p_value, 1e-100);
  const TestResult wrong_way = welch_t_test(x, y, {.alternative = Alternative::kLess});
  EXPECT_EQ(wrong_way.p_value, 1.0);
}

TEST(WelchTTest, BothConstantAndEqualGivesTZeroPOne) {
  const std::vector<double> x(5, 0.9), y(3, 0.9);
  for (Alternative alt : {Alternative::kTwoSided, Alternative::kGreater, Alternative::kLess}) {
    const TestResult r = welch_t_test(x, y, {.alternative = alt});
    EXPECT_TRUE(r.degenerate);
    EXPECT_EQ(r.statistic, 0.0);
    EXPECT_EQ(r.p_value, 1.0);
    EXPECT_EQ(*r.estimate, 0.0);
    EXPECT_EQ(r.ci->lower, 0.0);
    EXPECT_EQ(r.ci->upper, 0.0);
    EXPECT_FALSE(r.df.has_value());  // Welch-Satterthwaite df is 0/0
    EXPECT_EQ(r.method, "Welch Two Sample t-test");
    EXPECT_EQ(r.note,
              "no variance: every value of x and of y is 0.9, so the samples cannot be told apart; "
              "randomize a variance source (init, data order, ...) to test this claim");
  }
}

TEST(WelchTTest, BothConstantAndDifferentGivesInfiniteT) {
  const std::vector<double> x(4, 0.92), y(4, 0.9);
  const TestResult two = welch_t_test(x, y);
  EXPECT_TRUE(two.degenerate);
  EXPECT_EQ(two.statistic, kInf);
  EXPECT_EQ(two.p_value, 0.0);
  EXPECT_DOUBLE_EQ(*two.estimate, 0.92 - 0.9);
  EXPECT_EQ(two.ci->lower, *two.estimate);
  EXPECT_EQ(two.ci->upper, *two.estimate);
  EXPECT_THAT(two.note, StartsWith("no variance: x is constant at 0.92 and y at 0.9"));
  EXPECT_THAT(two.note, HasSubstr("randomize a variance source"));
  EXPECT_EQ(welch_t_test(x, y, {.alternative = Alternative::kGreater}).p_value, 0.0);
  EXPECT_EQ(welch_t_test(x, y, {.alternative = Alternative::kLess}).p_value, 1.0);
  const TestResult swapped = welch_t_test(y, x, {.alternative = Alternative::kLess});
  EXPECT_EQ(swapped.statistic, -kInf);
  EXPECT_EQ(swapped.p_value, 0.0);
}

TEST(WelchTTest, ConstantSamplesAreComparedWithMu) {
  const std::vector<double> x(3, 1.5), y(3, 1.0);
  const TestResult at_mu = welch_t_test(x, y, {.mu = 0.5});
  EXPECT_TRUE(at_mu.degenerate);
  EXPECT_EQ(at_mu.statistic, 0.0);
  EXPECT_EQ(at_mu.p_value, 1.0);
  EXPECT_EQ(*at_mu.estimate, 0.5);
  const TestResult below_mu = welch_t_test(x, y, {.alternative = Alternative::kLess, .mu = 1.0});
  EXPECT_EQ(below_mu.statistic, -kInf);
  EXPECT_EQ(below_mu.p_value, 0.0);
}

TEST(StudentTTest, BothConstantKeepsItsDf) {
  const std::vector<double> x(4, 2.0), y(3, 2.0);
  const TestResult r = student_t_test(x, y);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.method, " Two Sample t-test");
  ASSERT_TRUE(r.df.has_value());
  EXPECT_EQ(*r.df, 5.0);
  EXPECT_EQ(r.p_value, 1.0);
}

TEST(StudentTTest, AcceptsASingleValueInOneSampleLikeR) {
  // R: t.test(3.5, c(1.2, 2.2, 2.9, 1.7), var.equal = TRUE) works (df = 3); the golden file has it.
  const std::vector<double> x = {3.5}, y = {1.2, 2.2, 2.9, 1.7};
  const TestResult r = student_t_test(x, y);
  EXPECT_EQ(*r.df, 3.0);
  EXPECT_FALSE(r.degenerate);
}

TEST(StudentTTest, RejectsFewerThanThreeValuesInTotal) {
  const std::vector<double> x = {1.0}, y = {2.0};
  EXPECT_EQ(error_of([&] { student_t_test(x, y); }),
            "x and y have 2 values in total, but the Student t-test needs at least 3 (df = n_x + "
            "n_y - 2 > 0); add replicates");
  EXPECT_EQ(error_of([&] { student_t_test({}, y); }), "x has 0 values, but at least 1 is required");
}

TEST(PairedTTest, AllZeroDifferencesGiveTheDefinedAnswer) {
  const std::vector<double> x = {0.91, 0.93, 0.88}, y = x;
  const TestResult r = paired_t_test(x, y, {.alternative = Alternative::kGreater});
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.p_value, 1.0);
  EXPECT_EQ(*r.estimate, 0.0);
  EXPECT_EQ(*r.df, 2.0);
  EXPECT_EQ(r.method, "Paired t-test");
  EXPECT_THAT(r.note, StartsWith("all paired differences are zero: "));
  EXPECT_THAT(r.note, HasSubstr("randomize a variance source (init, data order, ...)"));
}

TEST(PairedTTest, ConstantNonzeroDifferencesGiveInfiniteT) {
  const std::vector<double> x = {1.5, 2.5, 3.5}, y = {1.0, 2.0, 3.0};
  const TestResult r = paired_t_test(x, y);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.statistic, kInf);
  EXPECT_EQ(r.p_value, 0.0);
  EXPECT_EQ(*r.estimate, 0.5);
  EXPECT_EQ(r.ci->lower, 0.5);
  EXPECT_EQ(r.ci->upper, 0.5);
  EXPECT_THAT(r.note, StartsWith("no variance: every paired difference x - y equals 0.5"));
  EXPECT_EQ(paired_t_test(x, y, {.alternative = Alternative::kLess}).p_value, 1.0);
  EXPECT_EQ(paired_t_test(x, y, {.mu = 0.5}).p_value, 1.0);
}

TEST(PairedTTest, RejectsMismatchedLengthsAndTooFewPairs) {
  const std::vector<double> x = {1.0, 2.0, 3.0}, y = {1.0, 2.0};
  EXPECT_EQ(error_of([&] { paired_t_test(x, y); }),
            "paired data need equal lengths, but x has 3 values and y has 2; pair them by "
            "replicate");
  const std::vector<double> one = {1.0};
  EXPECT_EQ(error_of([&] { paired_t_test(one, one); }),
            "x has 1 value, but at least 2 are required");
}

TEST(OneSampleTTest, ConstantSampleComparesWithMu) {
  const std::vector<double> x(6, 0.8);
  const TestResult above = one_sample_t_test(x, {.alternative = Alternative::kGreater, .mu = 0.75});
  EXPECT_TRUE(above.degenerate);
  EXPECT_EQ(above.statistic, kInf);
  EXPECT_EQ(above.p_value, 0.0);
  EXPECT_EQ(*above.estimate, 0.8);
  EXPECT_EQ(*above.df, 5.0);
  EXPECT_EQ(above.method, "One Sample t-test");
  EXPECT_THAT(above.note, StartsWith("no variance: every value of x is 0.8"));
  const TestResult equal = one_sample_t_test(x, {.mu = 0.8});
  EXPECT_EQ(equal.statistic, 0.0);
  EXPECT_EQ(equal.p_value, 1.0);
}

TEST(TTest, RejectsBadInputNamingIt) {
  const std::vector<double> good = {1.0, 2.0, 3.0};
  const std::vector<double> one = {1.0};
  const std::vector<double> with_nan = {1.0, std::nan(""), 3.0};
  EXPECT_EQ(error_of([&] { welch_t_test(good, one); }),
            "y has 1 value, but at least 2 are required");
  EXPECT_EQ(error_of([&] { welch_t_test(one, good); }),
            "x has 1 value, but at least 2 are required");
  EXPECT_EQ(error_of([&] { one_sample_t_test(one); }),
            "x has 1 value, but at least 2 are required");
  EXPECT_EQ(error_of([&] { welch_t_test(good, with_nan); }),
            "y[1] is nan, but every value must be finite; remove or impute it");
  EXPECT_EQ(error_of([&] { one_sample_t_test(good, {.mu = kInf}); }),
            "mu is inf, but must be a finite number (the hypothesised mean or difference)");
  EXPECT_EQ(error_of([&] { welch_t_test(good, good, {.conf_level = 1.0}); }),
            "conf_level is 1, but must be in (0, 1)");
  EXPECT_EQ(error_of([&] { student_t_test(good, good, {.conf_level = 0.0}); }),
            "conf_level is 0, but must be in (0, 1)");
  const std::vector<double> huge = {1e300, -1e300, 5e299};
  EXPECT_THAT(error_of([&] { one_sample_t_test(huge); }),
              HasSubstr("the standard error overflows double precision"));
}

}  // namespace
}  // namespace rigor::stats
