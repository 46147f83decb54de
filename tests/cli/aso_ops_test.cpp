// Tests for harness/cli/src/ops/aso_ops.cpp: the aso, p_outperform and power_simulation ops of
// `rigor stats`. Reference values come from scripts/golden/aso.py (an independent numpy
// implementation with a pure-Python CounterRng; tests/stats/data/{aso,outperform}.json) and
// R 4.2.2 power.t.test, quoted beside each check.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_util.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

TEST(AsoOp, MatchesTheIndependentImplementation) {
  // aso.json pipeline case "n=5 m=5": eps_hat 0, sigma_hat 0.17199438926650373,
  // eps_min 0.178925208601226.
  const Json j = run_ok(R"({"op": "aso",
      "a": [0.8993802265628645, 0.9043585410178252, 0.9092934445789986, 0.8937863222606842,
            0.9081683179146913],
      "b": [0.9017712557925452, 0.9007672876444237, 0.8995355569886883, 0.8814638923421348,
            0.886500241343408],
      "seed": 42, "threads": 2})");
  EXPECT_EQ(j["op"], "aso");
  EXPECT_EQ(j["method"], "Almost Stochastic Order (Dror et al. 2019)");
  EXPECT_EQ(j["eps_hat"].get<double>(), 0.0);
  EXPECT_NEAR(j["sigma_hat"].get<double>(), 0.17199438926650373, 1e-12);
  EXPECT_NEAR(j["eps_min"].get<double>(), 0.178925208601226, 1e-12);
  EXPECT_EQ(j["num_bootstrap"], 1000);
  EXPECT_EQ(j["confidence_level"], 0.95);
  EXPECT_EQ(j["seed"], 42);
  EXPECT_EQ(j["n_a"], 5);
  EXPECT_EQ(j["degenerate"], false);
  EXPECT_EQ(j["note"], "");
}

TEST(AsoOp, ReportsDegenerateData) {
  const Json j =
      run_ok(R"({"op": "aso", "a": [0.9, 0.9], "b": [0.9, 0.9, 0.9], "num_bootstrap": 10})");
  EXPECT_EQ(j["eps_min"], 0.5);
  EXPECT_EQ(j["degenerate"], true);
  EXPECT_THAT(j["note"].get<std::string>(), StartsWith("no variance:"));
}

TEST(AsoOp, RejectsBadRequests) {
  EXPECT_THAT(run_error(R"({"op": "aso", "a": [1, 2], "b": [1, 3], "alpha": 0.05})"),
              HasSubstr("unknown field \"alpha\"; known fields: op, a, b, confidence_level"));
  EXPECT_THAT(run_error(R"({"op": "aso", "a": [1, 2], "b": "x"})"),
              HasSubstr("field \"b\" is a string, but must be an array of numbers"));
  EXPECT_THAT(run_error(R"({"op": "aso", "a": [1], "b": [1, 3]})"),
              HasSubstr("request (op \"aso\"): a has 1 value, but at least 2 are required"));
  EXPECT_THAT(run_error(R"({"op": "aso", "a": [1, 2], "b": [1, 3], "num_bootstrap": -5})"),
              HasSubstr("field \"num_bootstrap\" is -5, but must be an integer in [0, "));
  EXPECT_THAT(run_error(R"({"op": "aso", "a": [1, 2], "b": [1, 3], "confidence_level": 95})"),
              HasSubstr("confidence_level is 95, but must be in (0, 1)"));
}

TEST(POutperformOp, MatchesTheIndependentImplementation) {
  // outperform.json case "n=10 m=12": estimate 0.6166666666666667,
  // CI [0.36625000000000035, 0.8918749999999999].
  const Json j = run_ok(R"({"op": "p_outperform",
      "a": [0.9022245298872804, 0.913019396222969, 0.9123100604098613, 0.9156431175000848,
            0.889345889861282, 0.9108674507422143, 0.9148580774691879, 0.8844782052790918,
            0.9125256371184172, 0.899269618960154],
      "b": [0.9060931879939355, 0.8917721900005001, 0.9101190371199351, 0.9083705774372441,
            0.8962146797268036, 0.9172590570285999, 0.9061640019047885, 0.9027447866446975,
            0.8896451570976451, 0.8993503416892237, 0.9020706759761106, 0.9024731209332849],
      "seed": 3, "n_resamples": 1000})");
  EXPECT_NEAR(j["estimate"].get<double>(), 0.6166666666666667, 1e-15);
  EXPECT_NEAR(j["ci"][0].get<double>(), 0.36625000000000035, 1e-12);
  EXPECT_NEAR(j["ci"][1].get<double>(), 0.8918749999999999, 1e-12);
  EXPECT_EQ(j["significant"], false);
  // The CI reaches gamma = 0.75 (Bouthillier et al.'s "meaningful"), but includes 0.5.
  EXPECT_EQ(j["meaningful"], true);
  EXPECT_EQ(j["conclusion"], "not_significant");
  EXPECT_EQ(j["gamma"], 0.75);
  EXPECT_EQ(j["paired"], false);
}

TEST(POutperformOp, PairedClearWinIsABetter) {
  const Json j = run_ok(R"({"op": "p_outperform", "a": [2, 3, 4, 5, 6, 7, 8, 9],
                            "b": [1, 2, 3, 4, 5, 6, 7, 8], "paired": true, "seed": 1})");
  // Every pair is won: estimate 1 and every resample 1, CI [1, 1].
  EXPECT_EQ(j["estimate"], 1.0);
  EXPECT_EQ(j["ci"], Json::parse("[1.0, 1.0]"));
  EXPECT_EQ(j["conclusion"], "a_better");
}

TEST(POutperformOp, RejectsBadRequests) {
  EXPECT_THAT(run_error(R"({"op": "p_outperform", "a": [1, 2], "b": [1, 3], "gamma": 0.3})"),
              HasSubstr("gamma is 0.3, but must be in (0.5, 1); Bouthillier et al. use 0.75"));
  EXPECT_THAT(run_error(R"({"op": "p_outperform", "a": [1, 2], "b": [1, 3, 4], "paired": true})"),
              HasSubstr("paired data need equal lengths, but a has 2 values and b has 3"));
  EXPECT_THAT(run_error(R"({"op": "p_outperform", "a": [1, 2], "b": [1, 3], "paired": "yes"})"),
              HasSubstr("field \"paired\" is a string, but must be true or false"));
  EXPECT_THAT(run_error(R"({"op": "p_outperform", "a": [1, 2], "b": [1, 3], "resamples": 10})"),
              HasSubstr("unknown field \"resamples\""));
}

TEST(PowerSimulationOp, WelchPowerIsNearTheAnalyticValue) {
  // R: power.t.test(n = 20, delta = 1, sd = 1)$power = 0.86895280169249778.
  const Json j = run_ok(R"({"op": "power_simulation", "test": "welch_t", "n": 20, "effect": 1,
                            "n_simulations": 4000, "seed": 5})");
  EXPECT_EQ(j["test"], "welch_t");
  EXPECT_EQ(j["n"], 20);
  EXPECT_NEAR(j["power"].get<double>(), 0.86895280169249778, 4 * 0.0053);
  EXPECT_NEAR(j["standard_error"].get<double>(), 0.0053, 0.0005);
  EXPECT_EQ(j["rejections"].get<double>(), j["power"].get<double>() * 4000);
}

TEST(PowerSimulationOp, SearchesTheSmallestN) {
  // R: power.t.test(delta = 1, power = 0.8)$n = 16.71: 17 per arm.
  const Json j = run_ok(R"({"op": "power_simulation", "target_power": 0.8, "mean_a": 1,
                            "mean_b": 0, "sd": 1, "n_simulations": 2000, "seed": 9})");
  EXPECT_EQ(j["reached"], true);
  EXPECT_NEAR(j["n"].get<double>(), 17.0, 2.0);
  EXPECT_GE(j["power"].get<double>(), 0.8);
  EXPECT_GE(j["evaluated"].size(), 3u);
  EXPECT_EQ(j["note"], "");
}

TEST(PowerSimulationOp, PilotResamplingWithAso) {
  const Json j = run_ok(R"({"op": "power_simulation", "test": "aso", "n": 5,
                            "pilot_b": [0.90, 0.91, 0.905, 0.895, 0.902], "shift": 0.05,
                            "n_simulations": 50, "aso_num_bootstrap": 100, "seed": 2})");
  EXPECT_EQ(j["test"], "aso");
  EXPECT_EQ(j["power"], 1.0);  // a shift 3x the pilot range always dominates
}

TEST(PowerSimulationOp, RejectsBadRequests) {
  EXPECT_THAT(run_error(R"({"op": "power_simulation", "effect": 1})"),
              HasSubstr("give exactly one of the fields \"n\""));
  EXPECT_THAT(run_error(R"({"op": "power_simulation", "n": 5, "effect": 1, "mean_a": 1})"),
              HasSubstr("give either \"effect\""));
  EXPECT_THAT(run_error(R"({"op": "power_simulation", "n": 5})"),
              HasSubstr("the normal model needs \"effect\""));
  EXPECT_THAT(run_error(R"({"op": "power_simulation", "n": 5, "effect": 1, "pilot_b": [1, 2]})"),
              HasSubstr("use one model"));
  EXPECT_THAT(run_error(R"({"op": "power_simulation", "n": 1, "effect": 1})"),
              HasSubstr("field \"n\" is 1, but at least 2 seeds per arm are required"));
  EXPECT_THAT(run_error(R"({"op": "power_simulation", "n": 5, "effect": 1, "test": "ttest"})"),
              HasSubstr("field \"test\" is \"ttest\", but must be one of: welch_t, mann_whitney, "
                        "wilcoxon, aso"));
  EXPECT_THAT(run_error(R"({"op": "power_simulation", "n": 5, "effect": 1, "correlation": 0.5})"),
              HasSubstr("correlation applies to the paired wilcoxon test only"));
  EXPECT_THAT(run_error(R"({"op": "power_simulation", "n": 5, "effect": 1, "sims": 10})"),
              HasSubstr("unknown field \"sims\""));
}

}  // namespace
}  // namespace rigor::test
