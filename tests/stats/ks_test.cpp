// Tests for rigor::stats::ks_2samp. Golden values: tests/stats/data/ks.json from R 4.2.2
// ks.test(x, y, alternative, exact) (scripts/golden/corrections.R) plus p_reference from
// scripts/golden/corrections.py: exact p-values as rational lattice-path counts (checked there by
// full enumeration for small samples), asymptotic ones as R's formula in mpmath. Regenerate:
// /usr/bin/python3 scripts/golden/corrections.py.
// Tolerances: reference 1e-12 relative; R 1e-10 relative plus 1e-13 absolute (R 4.2.2 computes
// p = 1 - lower tail, which carries ~1e-14 absolute rounding error). Cases marked
// r_4_2_2_differs (alternative "less" with ties, where R 4.2.2 uses D^+'s null distribution) must
// match the reference and differ from R.
#include "rigor/stats/ks.h"

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

TEST(KsTwoSample, MatchesRAndExactReferenceGolden) {
  const auto golden = test::load_golden("ks.json");
  int checked = 0;
  int r_bug_cases = 0;
  for (const auto& c : golden["ks"]) {
    const std::vector<double> x = test::as_doubles(c["x"]);
    const std::vector<double> y = test::as_doubles(c["y"]);
    for (const auto& e : c["results"]) {
      const std::string alt = e["alternative"].get<std::string>();
      const std::string exact_option = e["exact_option"].get<std::string>();
      SCOPED_TRACE(c["name"].get<std::string>() + " / " + alt + " / exact " + exact_option);
      KsOptions o;
      o.alternative = parse_alternative(alt);
      if (exact_option != "default") o.exact = exact_option == "true";
      const TestResult r = ks_2samp(x, y, o);
      EXPECT_EQ(r.exact, e["exact"].get<bool>());
      EXPECT_EQ(r.method, e["method"].get<std::string>());
      EXPECT_EQ(r.statistic, test::as_double(e["statistic_reference"]));
      EXPECT_NEAR(r.statistic, test::as_double(e["statistic"]), 1e-14);
      const double ref = test::as_double(e["p_reference"]);
      const double r_p = test::as_double(e["p"]);
      if (ref < 1e-300) {
        EXPECT_LT(r.p_value, 1e-300);
      } else {
        EXPECT_REL_NEAR(r.p_value, ref, 1e-12);
      }
      if (e.contains("r_4_2_2_differs")) {
        EXPECT_EQ(alt, "less");
        EXPECT_GT(std::abs(r.p_value - r_p), 1e-3);
        ++r_bug_cases;
      } else {
        EXPECT_NEAR(r.p_value, r_p, 1e-10 * r_p + 1e-13);
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 150);
  EXPECT_EQ(r_bug_cases, 8);
}

TEST(KsTwoSample, TinyExactPValueKeepsPrecision) {
  // Complete separation, 50 vs 50: p = 2 / C(100, 50) = 1.9818e-29 (R 4.2.2 returns rounding
  // noise here, since it computes 1 - P(D < d)).
  std::vector<double> x, y;
  for (int i = 1; i <= 50; ++i) {
    x.push_back(i);
    y.push_back(50 + i);
  }
  const TestResult r = ks_2samp(x, y);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.statistic, 1.0);
  // 2 / C(100, 50), C(100, 50) = 100891344545564193334812497256.
  EXPECT_REL_NEAR(r.p_value, 2.0 / 100891344545564193334812497256.0, 1e-12);
  KsOptions less;
  less.alternative = Alternative::kLess;  // x below y: F_x above F_y, so D^- = 0
  EXPECT_EQ(ks_2samp(x, y, less).p_value, 1.0);
}

TEST(KsTwoSample, ForcedExactKeepsExtremeTails) {
  // Complete separation of n vs n: p = 2 / C(2n, n). n = 400 runs the lattice in double
  // precision, n = 480 in long double (C(960, 480) ~ 1e287: intermediate values would underflow),
  // n = 600 has p ~ 1e-359, below the smallest double.
  for (const int n : {400, 480, 600}) {
    std::vector<double> x, y;
    for (int i = 0; i < n; ++i) {
      x.push_back(i);
      y.push_back(n + i);
    }
    KsOptions o;
    o.exact = true;
    const TestResult r = ks_2samp(x, y, o);
    EXPECT_TRUE(r.exact);
    EXPECT_EQ(r.statistic, 1.0);
    const double log_p = std::log(2.0) - (std::lgamma(2.0 * n + 1) - 2.0 * std::lgamma(n + 1.0));
    if (n < 600) {
      EXPECT_NEAR(std::log(r.p_value), log_p, 1e-9 * std::abs(log_p)) << n;
      EXPECT_EQ(r.note, "");
    } else {
      EXPECT_EQ(r.p_value, 0.0);
      EXPECT_THAT(r.note, HasSubstr("below the smallest positive double"));
    }
  }
}

TEST(KsTwoSample, AllValuesEqualIsDegenerate) {
  const std::vector<double> x(5, 0.9), y(4, 0.9);
  const TestResult r = ks_2samp(x, y);
  EXPECT_TRUE(r.degenerate);
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.p_value, 1.0);
  EXPECT_THAT(r.note, StartsWith("no variance: all 9 values of x and y equal 0.9"));
}

TEST(KsTwoSample, ConstantSamplesAtDifferentValuesAreNoted) {
  const std::vector<double> x(8, 1.0), y(3, 2.0);
  const TestResult r = ks_2samp(x, y);
  EXPECT_FALSE(r.degenerate);
  EXPECT_EQ(r.statistic, 1.0);
  // Ties fixed: D = 1 only when all 8 x's fill the first tie block, 1 of C(11, 3) labellings.
  EXPECT_REL_NEAR(r.p_value, 1.0 / 165.0, 1e-14);
  EXPECT_THAT(r.note, HasSubstr("x is constant at 1 and y at 2"));
}

TEST(KsTwoSample, AsymptoticWithTiesSaysSo) {
  const std::vector<double> x = {1, 2, 2, 3, 4}, y = {2, 3, 3, 5, 6, 7};
  KsOptions o;
  o.exact = false;
  const TestResult r = ks_2samp(x, y, o);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.method, "Asymptotic two-sample Kolmogorov-Smirnov test");
  EXPECT_THAT(r.note, HasSubstr("p-value is approximate in the presence of ties"));
}

TEST(KsTwoSample, RejectsBadInput) {
  const std::vector<double> x = {1.0, 2.0}, empty;
  EXPECT_THAT([&] { ks_2samp(x, empty); }, ::testing::ThrowsMessage<StatsError>(HasSubstr(
                                               "y has 0 values, but at least 1 is required")));
  const std::vector<double> nan = {1.0, std::nan("")};
  EXPECT_THAT([&] { ks_2samp(nan, x); },
              ::testing::ThrowsMessage<StatsError>(HasSubstr("x[1] is nan")));
  const std::vector<double> big(10001, 0.0);
  KsOptions o;
  o.exact = true;
  EXPECT_THAT([&] { ks_2samp(big, big, o); },
              ::testing::ThrowsMessage<StatsError>(
                  HasSubstr("exact is true, but n_x * n_y = 100020001 is above the limit of 1e8")));
}

}  // namespace
}  // namespace rigor::stats
