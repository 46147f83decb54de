// Tests for rigor::stats::shapiro_wilk. Golden values: tests/stats/data/normality.json from R 4.2.2
// shapiro.test (scripts/golden/corrections.R, run by /usr/bin/python3
// scripts/golden/corrections.py). Tolerance 1e-10 relative (the brief's bar; observed ~1e-14:
// the same AS R94 arithmetic, only qnorm/pnorm come from Boost instead of Rmath).
#include "rigor/stats/normality.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "golden.h"

namespace rigor::stats {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ShapiroWilk, MatchesRGolden) {
  const auto golden = test::load_golden("normality.json");
  int checked = 0;
  for (const auto& c : golden["shapiro_wilk"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const std::vector<double> x = test::as_doubles(c["x"]);
    const TestResult r = shapiro_wilk(x);
    EXPECT_REL_NEAR(r.statistic, test::as_double(c["W"]), 1e-10);
    const double p = test::as_double(c["p"]);
    if (p == 0.0) {
      EXPECT_EQ(r.p_value, 0.0);
    } else {
      EXPECT_REL_NEAR(r.p_value, p, 1e-10);
    }
    EXPECT_EQ(r.statistic_name, "W");
    EXPECT_EQ(r.method, "Shapiro-Wilk normality test");
    EXPECT_EQ(r.exact, x.size() == 3);
    EXPECT_FALSE(r.degenerate);
    ++checked;
  }
  EXPECT_EQ(checked, 25);
}

TEST(ShapiroWilk, InvariantToOrderShiftAndScale) {
  const std::vector<double> x = {2.1, 0.4, 3.3, 1.7, 2.8, 0.9, 5.2, 1.1, 2.2, 3.9, 0.2, 1.5};
  std::vector<double> y;
  for (auto it = x.rbegin(); it != x.rend(); ++it) y.push_back(1000.0 + 4.0 * *it);
  const TestResult a = shapiro_wilk(x);
  const TestResult b = shapiro_wilk(y);
  EXPECT_REL_NEAR(b.statistic, a.statistic, 1e-12);
  EXPECT_REL_NEAR(b.p_value, a.p_value, 1e-10);
}

TEST(ShapiroWilk, ConstantDataIsDegenerate) {
  const std::vector<double> x(8, 0.913);
  const TestResult r = shapiro_wilk(x);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.statistic, 1.0);
  EXPECT_EQ(r.p_value, 1.0);
  EXPECT_THAT(r.note, StartsWith("no variance: all 8 values of x equal 0.913"));
  EXPECT_THAT(r.note, HasSubstr("randomize a variance source"));
}

TEST(ShapiroWilk, RejectsSizesOutsideRsRange) {
  const std::vector<double> two = {1.0, 2.0};
  EXPECT_THAT([&] { shapiro_wilk(two); },
              ::testing::ThrowsMessage<StatsError>(
                  HasSubstr("x has 2 values, but the Shapiro-Wilk test needs between 3 and 5000")));
  const std::vector<double> many(5001, 1.0);
  EXPECT_THAT([&] { shapiro_wilk(many); },
              ::testing::ThrowsMessage<StatsError>(HasSubstr("x has 5001 values")));
  const std::vector<double> nan = {1.0, 2.0, std::nan(""), 4.0};
  EXPECT_THAT([&] { shapiro_wilk(nan); }, ::testing::ThrowsMessage<StatsError>(HasSubstr(
                                              "x[2] is nan, but every value must be finite")));
}

}  // namespace
}  // namespace rigor::stats
