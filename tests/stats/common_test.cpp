// Tests for stats/src/common.cpp: validation messages, ranks, summaries.
#include "rigor/stats/common.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "golden.h"

namespace rigor::stats {
namespace {

using ::testing::HasSubstr;

using ::rigor::test::error_of;

TEST(RequireFinite, NamesTheIndexOfANaN) {
  std::vector<double> x = {1.0, 2.0, std::nan(""), 4.0};
  EXPECT_EQ(error_of([&] { require_finite(x, "x"); }),
            "x[2] is nan, but every value must be finite; remove or impute it");
}

TEST(RequireFinite, NamesTheIndexOfAnInfinity) {
  std::vector<double> y = {std::numeric_limits<double>::infinity()};
  EXPECT_THAT(error_of([&] { require_finite(y, "y"); }), HasSubstr("y[0] is inf"));
}

TEST(RequireFinite, RejectsTooFewValues) {
  std::vector<double> x = {1.0};
  EXPECT_EQ(error_of([&] { require_finite(x, "x", 2); }),
            "x has 1 value, but at least 2 are required");
  EXPECT_EQ(error_of([&] { require_finite({}, "y"); }),
            "y has 0 values, but at least 1 is required");
}

TEST(RequireSameLength, SaysHowToFixIt) {
  std::vector<double> x = {1, 2, 3}, y = {1, 2};
  EXPECT_EQ(
      error_of([&] { require_same_length(x, y); }),
      "paired data need equal lengths, but x has 3 values and y has 2; pair them by replicate");
}

TEST(RequireLevel, RejectsOutsideUnitInterval) {
  EXPECT_EQ(error_of([] { require_level(1.5, "conf_level"); }),
            "conf_level is 1.5, but must be in (0, 1)");
  EXPECT_THAT(error_of([] { require_level(0.0, "alpha"); }), HasSubstr("alpha is 0"));
  EXPECT_NO_THROW(require_level(0.95, "conf_level"));
}

TEST(RequireResampleCount, BoundsBothEnds) {
  EXPECT_EQ(error_of([] { require_resample_count(1, "n_resamples", 2, "9999 is a good default"); }),
            "n_resamples is 1, but at least 2 are required (9999 is a good default)");
  EXPECT_EQ(error_of([] { require_resample_count(kMaxResamples + 1, "num_bootstrap", 2, "1000"); }),
            "num_bootstrap is 100000001, but at most 100000000 are supported (the replicates are "
            "kept in memory, 8 bytes each)");
  EXPECT_NO_THROW(require_resample_count(kMaxResamples, "n", 2, ""));
}

TEST(ParseAlternative, AcceptsRAndScipySpellings) {
  EXPECT_EQ(parse_alternative("two.sided"), Alternative::kTwoSided);
  EXPECT_EQ(parse_alternative("two-sided"), Alternative::kTwoSided);
  EXPECT_EQ(parse_alternative("greater"), Alternative::kGreater);
  EXPECT_EQ(parse_alternative("less"), Alternative::kLess);
  EXPECT_EQ(error_of([] { parse_alternative("bigger", "claims[0].alternative"); }),
            "claims[0].alternative is \"bigger\", but must be one of \"two-sided\", \"greater\", "
            "\"less\"");
}

TEST(AverageRanks, MatchesRRankWithTies) {
  // R 4.2.2: rank(c(3, 1, 4, 1, 5, 9, 2, 6, 5)) = 4 1.5 5 1.5 6.5 9 3 8 6.5
  std::vector<double> x = {3, 1, 4, 1, 5, 9, 2, 6, 5};
  EXPECT_EQ(average_ranks(x), (std::vector<double>{4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5}));
}

TEST(TieCorrectionSum, CountsEachTieGroup) {
  std::vector<double> x = {1, 1, 2, 3, 3, 3};
  EXPECT_EQ(tie_correction_sum(x), (8 - 2) + (27 - 3));
}

TEST(Summaries, AreExactForConstantInput) {
  std::vector<double> x(1000, 0.1);
  EXPECT_EQ(mean(x), 0.1);
  EXPECT_EQ(variance(x), 0.0);
  EXPECT_TRUE(is_constant(x));
}

TEST(Summaries, MeanVarianceMedian) {
  std::vector<double> x = {2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_DOUBLE_EQ(mean(x), 5.0);
  EXPECT_DOUBLE_EQ(variance(x), 32.0 / 7.0);
  EXPECT_DOUBLE_EQ(median(x), 4.5);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{3, 1, 2}), 2.0);
  EXPECT_FALSE(is_constant(x));
}

}  // namespace
}  // namespace rigor::stats
