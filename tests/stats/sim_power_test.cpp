// Tests for rigor/stats/sim_power.h. The analytic reference for the Welch case is R 4.2.2's
// power.t.test, stored in tests/stats/data/aso.json ("power_t_test") by scripts/golden/aso.py
// (regenerate with `/usr/bin/python3 scripts/golden/aso.py`), and rigor's power_t_test. Simulated
// power must agree within 4 Monte-Carlo standard errors (a false alarm rate of ~6e-5 per check;
// the seeds are fixed, so the test is deterministic).
#include "rigor/stats/sim_power.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "golden.h"
#include "rigor/stats/power.h"

namespace rigor::stats {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const StatsError& e) {
    return e.what();
  }
  return "no error";
}

double mc_se(double p, std::size_t sims) {
  return std::sqrt(p * (1.0 - p) / static_cast<double>(sims));
}

TEST(SimulatedPower, WelchMatchesAnalyticPowerWithinMonteCarloError) {
  const auto golden = test::load_golden("aso.json");
  ASSERT_GE(golden["power_t_test"].size(), 4u);
  std::uint64_t seed = 100;
  for (const auto& c : golden["power_t_test"]) {
    const double delta = c["delta"].get<double>(), sd = c["sd"].get<double>();
    const auto n = c["n"].get<std::size_t>();
    const double expected = c["power"].get<double>();
    const Alternative alternative = parse_alternative(c["alternative"].get<std::string>());
    // rigor's analytic power agrees with R's.
    PowerTTestSpec spec;
    spec.n = static_cast<double>(n);
    spec.delta = delta;
    spec.sd = sd;
    spec.alternative = alternative == Alternative::kGreater ? PowerAlternative::kOneSided
                                                            : PowerAlternative::kTwoSided;
    EXPECT_REL_NEAR(power_t_test(spec).power, expected, 1e-8);

    SimPowerOptions options;
    options.alternative = alternative;
    options.n_simulations = 10000;
    const auto r = simulate_power(ScoreModel::normal(delta, 0.0, sd), n, seed++, options);
    EXPECT_NEAR(r.power, expected, 4.0 * mc_se(expected, options.n_simulations))
        << "n " << n << " delta " << delta;
    EXPECT_DOUBLE_EQ(r.standard_error, mc_se(r.power, options.n_simulations));
    EXPECT_EQ(r.n_per_arm, n);
  }
}

TEST(SimulatedPower, WelchSizeIsAlphaUnderTheNull) {
  SimPowerOptions options;
  options.n_simulations = 10000;
  const auto r = simulate_power(ScoreModel::normal(0.9, 0.9, 0.01), 8, 3, options);
  EXPECT_NEAR(r.power, 0.05, 4.0 * mc_se(0.05, options.n_simulations));
}

TEST(SimulatedPower, MannWhitneyIsSlightlyLessPowerfulThanWelchOnNormalScores) {
  SimPowerOptions options;
  options.n_simulations = 4000;
  const auto model = ScoreModel::normal(1.0, 0.0, 1.0);
  const auto welch = simulate_power(model, 20, 5, options);
  options.test = PowerTest::kMannWhitney;
  const auto mw = simulate_power(model, 20, 5, options);
  // Asymptotic relative efficiency 3/pi = 0.955 (Hodges & Lehmann 1956): a few points less.
  EXPECT_LT(mw.power, welch.power + 0.01);
  EXPECT_GT(mw.power, welch.power - 0.06);
  options.alternative = Alternative::kGreater;
  const auto null = simulate_power(ScoreModel::normal(0.0, 0.0, 1.0), 20, 6, options);
  EXPECT_NEAR(null.power, 0.05, 4.0 * mc_se(0.05, options.n_simulations));
}

TEST(SimulatedPower, WilcoxonGainsPowerFromPairCorrelation) {
  SimPowerOptions options;
  options.test = PowerTest::kWilcoxonSignedRank;
  options.n_simulations = 2000;
  auto model = ScoreModel::normal(0.5, 0.0, 1.0);
  const auto independent = simulate_power(model, 12, 7, options);
  model.correlation = 0.8;
  const auto correlated = simulate_power(model, 12, 7, options);
  EXPECT_GT(correlated.power, independent.power + 0.2);
  // Paired t power with sd of differences sqrt(2 (1 - 0.8)) = 0.632 is 0.704 (power.t.test); the
  // signed-rank test is a little below it.
  EXPECT_NEAR(correlated.power, 0.67, 0.05);
}

TEST(SimulatedPower, AsoDetectsLargeEffectsAndRarelyFiresUnderTheNull) {
  SimPowerOptions options;
  options.test = PowerTest::kAso;
  options.n_simulations = 200;
  options.aso_num_bootstrap = 200;
  const auto big = simulate_power(ScoreModel::normal(2.0, 0.0, 1.0), 10, 8, options);
  EXPECT_GT(big.power, 0.9);
  const auto null = simulate_power(ScoreModel::normal(0.0, 0.0, 1.0), 10, 9, options);
  EXPECT_LT(null.power, 0.1);
  options.aso_threshold = 0.5;  // Dror et al.'s boundary: more detections
  const auto lax = simulate_power(ScoreModel::normal(0.5, 0.0, 1.0), 10, 10, options);
  options.aso_threshold = 0.2;
  const auto strict = simulate_power(ScoreModel::normal(0.5, 0.0, 1.0), 10, 10, options);
  EXPECT_GT(lax.power, strict.power);
}

TEST(SimulatedPower, PilotResamplingWithShift) {
  const std::vector<double> pilot = {0.901, 0.905, 0.899, 0.910, 0.903, 0.897, 0.908, 0.902};
  SimPowerOptions options;
  options.n_simulations = 2000;
  options.test = PowerTest::kMannWhitney;
  const auto none = simulate_power(ScoreModel::pilot(pilot, 0.0), 10, 11, options);
  EXPECT_LT(none.power, 0.05 + 4.0 * mc_se(0.05, options.n_simulations));
  const auto shifted = simulate_power(ScoreModel::pilot(pilot, 0.01), 10, 11, options);
  EXPECT_GT(shifted.power, 0.9);

  ScoreModel paired = ScoreModel::pilot(pilot, 0.002);
  paired.pilot_a = {0.902, 0.906, 0.900, 0.912, 0.904, 0.898, 0.909, 0.904};  // A tracks B
  paired.pilot_paired = true;
  options.test = PowerTest::kWilcoxonSignedRank;
  const auto p = simulate_power(paired, 10, 12, options);
  // Every paired difference is positive (>= 0.001 + 0.002): each study has V = n(n+1)/2.
  EXPECT_EQ(p.power, 1.0);
  EXPECT_EQ(p.standard_error, 0.0);
}

TEST(SimulatedPower, ResultDoesNotDependOnThreadsAndIsSeeded) {
  SimPowerOptions options;
  options.n_simulations = 500;
  options.test = PowerTest::kMannWhitney;
  options.threads = 1;
  const auto model = ScoreModel::normal(0.5, 0.0, 1.0);
  const auto one = simulate_power(model, 15, 21, options);
  options.threads = 4;
  const auto four = simulate_power(model, 15, 21, options);
  EXPECT_EQ(one.rejections, four.rejections);
  options.test = PowerTest::kAso;
  options.aso_num_bootstrap = 50;
  options.n_simulations = 100;
  options.threads = 1;
  const auto aso_one = simulate_power(model, 15, 21, options);
  options.threads = 3;
  const auto aso_three = simulate_power(model, 15, 21, options);
  EXPECT_EQ(aso_one.rejections, aso_three.rejections);
  const auto other_seed = simulate_power(model, 15, 22, options);
  EXPECT_EQ(other_seed.seed, 22u);
}

TEST(SimulatedSampleSize, FindsTheAnalyticSampleSizeForWelch) {
  SimPowerOptions options;
  options.n_simulations = 4000;
  const auto r = simulate_sample_size(ScoreModel::normal(1.0, 0.0, 1.0), 31, options, {});
  PowerTTestSpec spec;
  spec.delta = 1.0;
  spec.power = 0.8;
  const auto analytic = power_t_test(spec);  // n = 16.71 -> 17
  ASSERT_TRUE(r.reached);
  EXPECT_NEAR(static_cast<double>(r.n), static_cast<double>(analytic.n_ceil), 2.0);
  EXPECT_GE(r.at_n.power, 0.8);
  EXPECT_EQ(r.at_n.n_per_arm, r.n);
  for (std::size_t k = 1; k < r.evaluated.size(); ++k) {
    EXPECT_LT(r.evaluated[k - 1].n_per_arm, r.evaluated[k].n_per_arm);
  }
  for (const auto& e : r.evaluated) {
    if (e.n_per_arm == r.n - 1) {
      EXPECT_LT(e.power, 0.8);
    }
  }
  EXPECT_TRUE(r.note.empty());
}

TEST(SimulatedSampleSize, ReportsWhenTheTargetIsOutOfReach) {
  SimPowerOptions options;
  options.n_simulations = 200;
  SampleSizeSearch search;
  search.n_max = 6;
  const auto r = simulate_sample_size(ScoreModel::normal(0.1, 0.0, 1.0), 1, options, search);
  EXPECT_FALSE(r.reached);
  EXPECT_EQ(r.n, 6u);
  EXPECT_THAT(r.note, HasSubstr("target power 0.8 not reached with n_max = 6 per arm"));
}

TEST(SimulatedPower, RejectsBadInputWithClearMessages) {
  const auto model = ScoreModel::normal(1.0, 0.0, 1.0);
  EXPECT_EQ(error_of([&] { simulate_power(model, 1, 1); }),
            "n_per_arm is 1, but at least 2 are required");
  auto correlated = model;
  correlated.correlation = 0.5;
  EXPECT_EQ(error_of([&] { simulate_power(correlated, 5, 1); }),
            "correlation is 0.5, but the welch_t test compares independent arms; correlation "
            "applies to the paired wilcoxon test only");
  SimPowerOptions aso_less;
  aso_less.test = PowerTest::kAso;
  aso_less.alternative = Alternative::kLess;
  EXPECT_EQ(error_of([&] { simulate_power(model, 5, 1, aso_less); }),
            "alternative is \"less\", but ASO tests only that A is better than B; swap the arms");
  auto bad_sd = model;
  bad_sd.sd_b = 0.0;
  EXPECT_EQ(error_of([&] { simulate_power(bad_sd, 5, 1); }),
            "sd_b is 0, but must be positive and finite");
  EXPECT_EQ(error_of([&] { simulate_power(ScoreModel::pilot({1.0}, 0.1), 5, 1); }),
            "pilot_b has 1 value, but at least 2 are required");
  EXPECT_EQ(
      error_of([] { parse_power_test("ttest"); }),
      "test is \"ttest\", but must be one of \"welch_t\", \"mann_whitney\", \"wilcoxon\", \"aso\"");
  SampleSizeSearch search;
  search.target_power = 1.0;
  EXPECT_EQ(error_of([&] { simulate_sample_size(model, 1, {}, search); }),
            "target_power is 1, but must be in (0, 1)");
}

}  // namespace
}  // namespace rigor::stats
