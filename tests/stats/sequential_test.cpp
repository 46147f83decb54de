// Tests of group-sequential designs. Golden values: tests/stats/data/sequential.json, written by
// scripts/golden/sequential.py (mpmath 1.2.1 quad at 30 digits for 2 looks, scipy 1.10.1 dblquad
// for 3 looks; regenerate with `/usr/bin/python3 scripts/golden/sequential.py >
// tests/stats/data/sequential.json`). Tolerances: spending functions are closed forms (1e-13
// relative); boundaries and crossing probabilities come from numerical integration on the
// Jennison-Turnbull grid (r = 64), which converges to ~1e-8, so they are checked to 1e-7
// (absolute on z, relative on probabilities).
#include "rigor/stats/sequential.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "golden.h"

namespace rigor::stats {
namespace {

using rigor::test::as_double;
using rigor::test::as_doubles;
using rigor::test::load_golden;

TEST(AlphaSpending, MatchesClosedFormsFromMpmath) {
  const auto golden = load_golden("sequential.json");
  ASSERT_GE(golden["spending"].size(), 100u);
  for (const auto& c : golden["spending"]) {
    const Spending s = parse_spending(c["spending"].get<std::string>());
    const double got =
        alpha_spent(s, as_double(c["alpha"]), as_double(c["t"]), c["sides"].get<int>());
    const double want = as_double(c["expected"]);
    SCOPED_TRACE(c.dump());
    if (want == 0.0) {
      EXPECT_EQ(got, 0.0);
    } else {
      EXPECT_REL_NEAR(got, want, 1e-13);
    }
  }
}

TEST(GroupSequentialDesign, MatchesIndependentQuadratureBoundaries) {
  const auto golden = load_golden("sequential.json");
  ASSERT_GE(golden["bounds"].size(), 40u);
  for (const auto& c : golden["bounds"]) {
    SCOPED_TRACE(c.dump());
    GroupSequentialOptions o;
    o.spending = parse_spending(c["spending"].get<std::string>());
    o.alpha = as_double(c["alpha"]);
    o.sides = c["sides"].get<int>();
    const std::vector<double> t = as_doubles(c["information"]);
    const std::vector<double> want = as_doubles(c["z_bounds"]);
    const GroupSequentialDesign d = group_sequential_design(t, o);
    ASSERT_EQ(d.looks.size(), want.size());
    double before = 0.0;
    for (std::size_t k = 0; k < want.size(); ++k) {
      EXPECT_NEAR(d.looks[k].z_bound, want[k], 1e-7) << "look " << k;
      const double cum = alpha_spent(o.spending, o.alpha, t[k], o.sides);
      EXPECT_DOUBLE_EQ(d.looks[k].cumulative_alpha, cum);
      EXPECT_DOUBLE_EQ(d.looks[k].incremental_alpha, cum - before);
      EXPECT_NEAR(d.looks[k].nominal_p, o.sides * 0.5 * std::erfc(want[k] / std::sqrt(2.0)),
                  1e-6 * d.looks[k].nominal_p);
      before = cum;
    }
  }
}

TEST(GroupSequentialDesign, MatchesPublishedLanDeMetsValues) {
  const auto golden = load_golden("sequential.json");
  for (const auto& c : golden["published"]) {
    SCOPED_TRACE(c["source"].get<std::string>());
    GroupSequentialOptions o;
    o.spending = parse_spending(c["spending"].get<std::string>());
    o.alpha = as_double(c["alpha"]);
    o.sides = c["sides"].get<int>();
    const GroupSequentialDesign d = group_sequential_design(as_doubles(c["information"]), o);
    const std::vector<double> want = as_doubles(c["z_bounds"]);
    ASSERT_EQ(d.looks.size(), want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
      EXPECT_NEAR(d.looks[k].z_bound, want[k], as_double(c["tolerance"])) << "look " << k;
    }
  }
}

TEST(GroupSequentialDesign, SpendsExactlyAlphaUnderTheNull) {
  // The crossing probabilities of the computed boundaries, integrated again, give back alpha.
  const std::vector<double> t = {0.1, 0.3, 0.45, 0.7, 0.85, 1.0};
  for (Spending s : {Spending::kOBrienFleming, Spending::kPocock}) {
    for (int sides : {1, 2}) {
      const GroupSequentialDesign d =
          group_sequential_design(t, {.spending = s, .alpha = 0.025, .sides = sides});
      std::vector<double> c;
      for (const Look& l : d.looks) c.push_back(l.z_bound);
      const CrossingProbabilities p = crossing_probabilities(t, c, sides, 0.0);
      EXPECT_NEAR(p.total, 0.025, 1e-10);
      for (std::size_t k = 0; k < t.size(); ++k) {
        EXPECT_NEAR(p.upper[k] + p.lower[k], d.looks[k].incremental_alpha, 1e-12);
        if (sides == 1) {
          EXPECT_EQ(p.lower[k], 0.0);
        } else {
          EXPECT_NEAR(p.upper[k], p.lower[k], 1e-15);
        }
      }
    }
  }
}

TEST(GroupSequentialDesign, SingleLookIsTheFixedDesign) {
  const GroupSequentialDesign d =
      group_sequential_design(std::vector<double>{1.0}, {.alpha = 0.05, .sides = 2});
  ASSERT_EQ(d.looks.size(), 1u);
  EXPECT_NEAR(d.looks[0].z_bound, 1.959963984540054, 1e-13);
  EXPECT_NEAR(d.looks[0].nominal_p, 0.05, 1e-14);
  EXPECT_NEAR(inflation_factor(d, 0.8), 1.0, 1e-9);
}

TEST(CrossingProbabilities, MatchesMpmathUnderDrift) {
  const auto golden = load_golden("sequential.json");
  ASSERT_GE(golden["crossing"].size(), 40u);
  for (const auto& c : golden["crossing"]) {
    SCOPED_TRACE(c.dump());
    const CrossingProbabilities p =
        crossing_probabilities(as_doubles(c["information"]), as_doubles(c["z_bounds"]),
                               c["sides"].get<int>(), as_double(c["drift"]));
    const std::vector<double> up = as_doubles(c["upper"]);
    const std::vector<double> lo = as_doubles(c["lower"]);
    for (std::size_t k = 0; k < up.size(); ++k) {
      EXPECT_REL_NEAR(p.upper[k], up[k], 1e-7);
      if (lo[k] == 0.0) {
        EXPECT_EQ(p.lower[k], 0.0);
      } else {
        EXPECT_REL_NEAR(p.lower[k], lo[k], 1e-7);
      }
    }
    EXPECT_REL_NEAR(p.total, as_double(c["total"]), 1e-7);
  }
}

TEST(InflationFactor, ObrienFlemingCostsLittlePocockMore) {
  // Jennison & Turnbull (2000), tables 2.3 and 2.7 (classical OBF/Pocock, two-sided 0.05, power
  // 0.8, 5 looks): R = 1.028 and 1.207; the Lan-DeMets versions lie close to these.
  const std::vector<double> t = {0.2, 0.4, 0.6, 0.8, 1.0};
  const double obf =
      inflation_factor(group_sequential_design(t, {.spending = Spending::kOBrienFleming}), 0.8);
  const double pocock =
      inflation_factor(group_sequential_design(t, {.spending = Spending::kPocock}), 0.8);
  EXPECT_GT(obf, 1.0);
  EXPECT_NEAR(obf, 1.028, 0.01);
  EXPECT_NEAR(pocock, 1.207, 0.03);
  EXPECT_GT(pocock, obf);
}

TEST(GroupSequentialDesign, RejectsBadInputWithClearMessages) {
  using ::testing::HasSubstr;
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const StatsError& e) {
      return std::string(e.what());
    }
    return std::string("no throw");
  };
  EXPECT_EQ(message([] { group_sequential_design(std::vector<double>{}); }),
            "information is empty, but a design needs at least one look");
  EXPECT_EQ(message([] {
              group_sequential_design(std::vector<double>{0.5, 0.5});
            }),
            "information[1] is 0.5, but must exceed information[0] = 0.5; list the looks in "
            "increasing order "
            "without repeats");
  EXPECT_EQ(message([] {
              group_sequential_design(std::vector<double>{0.5, 1.5});
            }),
            "information[1] is 1.5, but information fractions must be in (0, 1]");
  EXPECT_EQ(message([] { group_sequential_design(std::vector<double>{1.0}, {.alpha = 1.5}); }),
            "alpha is 1.5, but must be in (0, 1); e.g. 0.05");
  EXPECT_EQ(
      message([] { group_sequential_design(std::vector<double>{1.0}, {.sides = 3}); }),
      "sides is 3, but must be 1 (upper boundary only) or 2 (symmetric two-sided boundaries)");
  EXPECT_EQ(message([] { group_sequential_design(std::vector<double>{1.0}, {.grid_r = 2}); }),
            "grid_r is 2, but must be in [4, 1000]; the default 64 is accurate to ~1e-8");
  EXPECT_THAT(
      message([] {
        group_sequential_design(std::vector<double>{0.0005, 1.0});
      }),
      HasSubstr(
          "information[0] = 0.0005 is so early that the obrien-fleming spending function spends no "
          "alpha there in double precision"));
  EXPECT_EQ(message([] { alpha_spent(Spending::kPocock, 0.05, -0.1); }),
            "t is -0.1, but an information fraction must be in [0, 1]");
  EXPECT_EQ(message([] { parse_spending("linear"); }),
            "spending is \"linear\", but must be \"obrien-fleming\" or \"pocock\"");
  EXPECT_EQ(
      message([] {
        crossing_probabilities(std::vector<double>{0.5, 1.0}, std::vector<double>{2.0}, 2, 0.0);
      }),
      "z_bounds has 1 values but information has 2; give one bound per look");
  EXPECT_EQ(message([] {
              crossing_probabilities(std::vector<double>{0.5, 1.0}, std::vector<double>{2.0, -1.0},
                                     2, 0.0);
            }),
            "z_bounds[1] is -1, but must be finite and > 0");
  const GroupSequentialDesign d = group_sequential_design(std::vector<double>{1.0});
  EXPECT_EQ(message([&] { inflation_factor(d, 0.01); }),
            "power is 0.01, but must be in (alpha, 1) = (0.05, 1)");
}

}  // namespace
}  // namespace rigor::stats
