// Tests for stats/src/effect_size.cpp: Cohen's d, Hedges' g, Cliff's delta, Vargha-Delaney A12.
//
// Golden values: tests/stats/data/effect_size.json, written by `/usr/bin/python3
// scripts/golden/resampling.py`: Cohen's d CIs by inverting the noncentral t cdf in mpmath 1.2.1
// (30 digits), Hedges' J by mpmath.gamma; Cliff's delta and A12 by R 4.2.2 running
// scripts/golden/resampling.R (a transcription of effsize::cliff.delta.default and VD.A).
// Tolerance: 1e-10 relative (CI ends relative to max(|end|, CI width), since an end near 0 carries
// the absolute error of the noncentrality root).
#include "rigor/stats/effect_size.h"

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

::testing::AssertionResult Near(double actual, double expected, double scale = 0.0) {
  const double bound = kTol * std::max(std::abs(expected), scale);
  if (std::abs(actual - expected) <= bound) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(17) << actual << " differs from " << expected << " by "
         << std::abs(actual - expected) << " > " << bound;
}

TEST(CohensD, MatchesNoncentralTInversionInMpmath) {
  const auto golden = test::load_golden("effect_size.json");
  ASSERT_GE(golden["cohen_cases"].size(), 10u);
  for (const auto& c : golden["cohen_cases"]) {
    const std::vector<double> x = test::as_doubles(c["x"]), y = test::as_doubles(c["y"]);
    SCOPED_TRACE(testing::Message() << "n = " << x.size() << ", " << y.size());
    EffectSizeOptions options;
    options.conf_level = c["conf_level"];
    const EffectSize d = cohens_d(x, y, options);
    const std::vector<double> d_ci = test::as_doubles(c["d_ci"]);
    const double width = d_ci[1] - d_ci[0];
    EXPECT_TRUE(Near(d.estimate, test::as_double(c["d"])));
    EXPECT_TRUE(Near(d.ci.lower, d_ci[0], width));
    EXPECT_TRUE(Near(d.ci.upper, d_ci[1], width));
    EXPECT_EQ(d.method, "Cohen's d");
    EXPECT_FALSE(d.degenerate);
    const EffectSize g = hedges_g(x, y, options);
    const std::vector<double> g_ci = test::as_doubles(c["g_ci"]);
    EXPECT_TRUE(Near(g.estimate, test::as_double(c["g"])));
    EXPECT_TRUE(Near(g.ci.lower, g_ci[0], width));
    EXPECT_TRUE(Near(g.ci.upper, g_ci[1], width));
    EXPECT_TRUE(Near(g.estimate / d.estimate, test::as_double(c["hedges_j"])));
    EXPECT_EQ(g.method, "Hedges' g");
  }
}

TEST(CohensD, IsAntisymmetricInItsSamples) {
  const std::vector<double> x = {1.2, 3.4, 2.2, 5.0, 4.1}, y = {0.3, 1.1, 2.0, 0.9};
  const EffectSize xy = cohens_d(x, y), yx = cohens_d(y, x);
  EXPECT_TRUE(Near(yx.estimate, -xy.estimate));
  EXPECT_TRUE(Near(yx.ci.lower, -xy.ci.upper, 1.0));
  EXPECT_TRUE(Near(yx.ci.upper, -xy.ci.lower, 1.0));
  EXPECT_LT(xy.ci.lower, xy.estimate);
  EXPECT_GT(xy.ci.upper, xy.estimate);
}

TEST(CohensD, ZeroPooledSdFollowsTheDegeneratePolicy) {
  const std::vector<double> a(4, 0.9), b(3, 0.9), c(5, 0.7);
  for (EffectSizeKind kind : {EffectSizeKind::kCohensD, EffectSizeKind::kHedgesG}) {
    const EffectSize equal = effect_size(kind, a, b);
    EXPECT_TRUE(equal.degenerate);
    EXPECT_EQ(equal.estimate, 0.0);
    EXPECT_EQ(equal.ci.lower, 0.0);
    EXPECT_EQ(equal.ci.upper, 0.0);
    EXPECT_THAT(equal.note,
                StartsWith("no variance: x and y are both constant and equal (pooled SD 0)"));
    const EffectSize up = effect_size(kind, a, c);
    EXPECT_EQ(up.estimate, kInf);
    EXPECT_EQ(up.ci.lower, kInf);
    EXPECT_EQ(up.ci.upper, kInf);
    EXPECT_THAT(up.note, HasSubstr("differ by 0.2"));
    EXPECT_THAT(up.note, HasSubstr("randomize a variance source"));
    EXPECT_EQ(effect_size(kind, c, a).estimate, -kInf);
  }
  EXPECT_EQ(cohens_d(a, c).note,
            "no variance: x and y are both constant (pooled SD 0) and differ by 0.2, so Cohen's d "
            "is +inf; randomize a variance source (init, data order, ...) to test this claim");
}

TEST(CliffsDelta, MatchesEffsizeFormulasInR) {
  const auto golden = test::load_golden("effect_size.json");
  ASSERT_GE(golden["cliff_cases"].size(), 10u);
  for (const auto& c : golden["cliff_cases"]) {
    const std::vector<double> x = test::as_doubles(c["x"]), y = test::as_doubles(c["y"]);
    SCOPED_TRACE(testing::Message() << "n = " << x.size() << ", " << y.size());
    EffectSizeOptions options;
    options.conf_level = c["conf_level"];
    const EffectSize d = cliffs_delta(x, y, options);
    EXPECT_TRUE(Near(d.estimate, test::as_double(c["delta"]), 1e-3));
    const std::vector<double> ci = test::as_doubles(c["delta_ci"]);
    EXPECT_TRUE(Near(d.ci.lower, ci[0], 1.0));
    EXPECT_TRUE(Near(d.ci.upper, ci[1], 1.0));
    EXPECT_EQ(d.note, "");
    const EffectSize a = vargha_delaney_a12(x, y, options);
    EXPECT_TRUE(Near(a.estimate, test::as_double(c["a12"]), 1e-3));
    const std::vector<double> a_ci = test::as_doubles(c["a12_ci"]);
    EXPECT_TRUE(Near(a.ci.lower, a_ci[0], 1.0));
    EXPECT_TRUE(Near(a.ci.upper, a_ci[1], 1.0));
    EXPECT_EQ(a.method, "Vargha-Delaney A12");
  }
}

TEST(CliffsDelta, CountsDominanceAndTies) {
  // x > y in 4 pairs, x < y in 3, tied in 2: delta = 1/9, A12 = (4 + 2/2) / 9.
  const std::vector<double> x = {1.0, 2.0, 3.0}, y = {2.0, 0.0, 3.0};
  EXPECT_DOUBLE_EQ(cliffs_delta(x, y).estimate, 1.0 / 9.0);
  EXPECT_DOUBLE_EQ(vargha_delaney_a12(x, y).estimate, (4.0 + 0.5 * 2.0) / 9.0);
  // Disjoint samples: delta = 1 and the upper end is exactly 1 (effsize).
  const EffectSize sep = cliffs_delta(std::vector<double>{5, 6, 7}, std::vector<double>{1, 2, 3});
  EXPECT_EQ(sep.estimate, 1.0);
  EXPECT_EQ(sep.ci.upper, 1.0);
  EXPECT_LT(sep.ci.lower, 1.0);
}

TEST(CliffsDelta, ConstantSamplesAreDegenerate) {
  const std::vector<double> a(3, 1.0), b(4, 1.0), c(2, 2.0);
  const EffectSize equal = cliffs_delta(a, b);
  EXPECT_TRUE(equal.degenerate);
  EXPECT_EQ(equal.estimate, 0.0);
  EXPECT_EQ(equal.ci.lower, 0.0);
  EXPECT_EQ(equal.ci.upper, 0.0);
  EXPECT_EQ(equal.note,
            "no variance: x and y are both constant and equal, so the CI is the point; randomize a "
            "variance source (init, data order, ...) to test this claim");
  const EffectSize below = cliffs_delta(a, c);
  EXPECT_EQ(below.estimate, -1.0);
  EXPECT_EQ(below.ci.lower, -1.0);
  EXPECT_EQ(below.ci.upper, -1.0);
  const EffectSize a12 = vargha_delaney_a12(c, a);
  EXPECT_EQ(a12.estimate, 1.0);
  EXPECT_EQ(a12.ci.lower, 1.0);
  EXPECT_TRUE(a12.degenerate);
}

TEST(EffectSize, RejectsBadInputWithAMessage) {
  const std::vector<double> x = {1.0, 2.0, 3.0};
  EXPECT_EQ(error_of([&] { cohens_d(x, std::vector<double>{1.0}); }),
            "y has 1 value, but at least 2 are required");
  EXPECT_EQ(error_of([&] {
              cliffs_delta(std::vector<double>{1.0, NAN}, x);
            }),
            "x[1] is nan, but every value must be finite; remove or impute it");
  EXPECT_EQ(error_of([&] { hedges_g(x, x, {.conf_level = 1.5}); }),
            "conf_level is 1.5, but must be in (0, 1)");
  EXPECT_EQ(
      error_of([&] {
        cohens_d(std::vector<double>{1e200, -1e200}, x);
      }),
      "the pooled variance of x and y overflows; rescale the data (e.g. divide by a power of 10)");
  EXPECT_EQ(error_of([] { parse_effect_size_kind("glass_delta"); }),
            "kind is \"glass_delta\", but must be one of \"cohens_d\", \"hedges_g\", "
            "\"cliffs_delta\", \"a12\", \"cohens_dz\"");
  EXPECT_EQ(parse_effect_size_kind("a12"), EffectSizeKind::kA12);
  EXPECT_EQ(to_string(EffectSizeKind::kCliffsDelta), "cliffs_delta");
}

// Paired Cohen's d_z. Reference: scipy 1.10.1 (stats.nct.cdf inverted with brentq, xtol 1e-14),
// agreeing with R 4.2.2 (pt(t, n - 1, ncp) inverted with uniroot, tol 1e-15) to 1e-12:
//   x <- c(0.912,0.921,0.905,0.918,0.925,0.915); y <- c(0.901,0.899,0.907,0.895,0.903,0.900)
//   d_z = 1.569618883438871, 95% CI [0.30446728695044506, 2.778767351488915]
TEST(CohensDz, MatchesNoncentralTInversion) {
  const std::vector<double> x = {0.912, 0.921, 0.905, 0.918, 0.925, 0.915};
  const std::vector<double> y = {0.901, 0.899, 0.907, 0.895, 0.903, 0.900};
  const EffectSize e = cohens_dz(x, y);
  EXPECT_EQ(e.method, "Cohen's d_z");
  EXPECT_REL_NEAR(e.estimate, 1.569618883438871, 1e-12);
  EXPECT_REL_NEAR(e.ci.lower, 0.30446728695044506, 1e-9);
  EXPECT_REL_NEAR(e.ci.upper, 2.778767351488915, 1e-9);
  EXPECT_EQ(effect_size(EffectSizeKind::kCohensDz, x, y).estimate, e.estimate);
  EXPECT_EQ(parse_effect_size_kind("cohens_dz"), EffectSizeKind::kCohensDz);
}

TEST(CohensDz, DegenerateAndBadInput) {
  const std::vector<double> x = {1, 2, 3}, y = {0, 1, 2}, z = {1, 2, 3};
  const EffectSize shift = cohens_dz(x, y);
  EXPECT_TRUE(shift.degenerate);
  EXPECT_EQ(shift.estimate, kInf);
  EXPECT_THAT(shift.note, StartsWith("no variance: every paired difference is 1"));
  const EffectSize same = cohens_dz(x, z);
  EXPECT_EQ(same.estimate, 0.0);
  EXPECT_THAT(same.note, StartsWith("all paired differences are zero"));
  EXPECT_EQ(
      error_of([&] {
        cohens_dz(x, std::vector<double>{1, 2});
      }),
      "paired data need equal lengths, but x has 3 values and y has 2; pair them by replicate");
}

}  // namespace
}  // namespace rigor::stats
