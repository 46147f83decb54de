// Tests for harness/cli/src/ops/resampling_ops.cpp: the bootstrap_ci, effect_size, aggregate and
// permutation_test ops of `rigor stats`. Reference values: scipy 1.10.1 / numpy 1.24.2 and R 4.2.2
// (effsize formulas), quoted beside each check; the numerics themselves are tested against the
// golden files in tests/stats.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_util.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

TEST(BootstrapCiOp, ReturnsTheSeededInterval) {
  const Json j = run_ok(R"({"op": "bootstrap_ci", "x": [0.91, 0.93, 0.90, 0.94, 0.92, 0.95],
                            "n_resamples": 2000, "seed": 7, "threads": 2})");
  EXPECT_EQ(j["op"], "bootstrap_ci");
  EXPECT_EQ(j["method"], "BCa bootstrap CI");
  EXPECT_EQ(j["interval"], "BCa");
  EXPECT_EQ(j["statistic"], "mean");
  EXPECT_NEAR(j["estimate"].get<double>(), 0.925, 1e-15);  // numpy: np.mean
  EXPECT_EQ(j["n_resamples"], 2000);
  EXPECT_EQ(j["seed"], 7);
  const double lo = j["ci"][0].get<double>(), hi = j["ci"][1].get<double>();
  EXPECT_GT(lo, 0.90);
  EXPECT_LT(lo, 0.925);
  EXPECT_GT(hi, 0.925);
  EXPECT_LT(hi, 0.95);
  EXPECT_TRUE(j["bias_correction"].is_number());
  EXPECT_TRUE(j["acceleration"].is_number());
  EXPECT_FALSE(j.contains("replicates"));
  // Same seed, other thread count: the same interval, bit for bit.
  const Json again = run_ok(R"({"op": "bootstrap_ci", "x": [0.91, 0.93, 0.90, 0.94, 0.92, 0.95],
                                "n_resamples": 2000, "seed": 7, "threads": 1})");
  EXPECT_EQ(again["ci"], j["ci"]);
}

TEST(BootstrapCiOp, TwoSamplesGiveTheDifferenceAndReplicatesOnRequest) {
  const Json j = run_ok(R"({"op": "bootstrap_ci", "x": [1, 2, 3, 4, 10], "y": [1, 1, 2, 2],
                            "statistic": "median", "method": "percentile", "n_resamples": 50,
                            "conf_level": 0.9, "keep_replicates": true})");
  EXPECT_EQ(j["statistic"], "difference of medians");
  EXPECT_EQ(j["estimate"], 1.5);  // median(x) - median(y) = 3 - 1.5
  EXPECT_EQ(j["replicates"].size(), 50u);
  EXPECT_EQ(j["bias_correction"], nullptr);
  EXPECT_EQ(j["conf_level"], 0.9);
}

TEST(BootstrapCiOp, ConstantDataAreDegenerate) {
  const Json j = run_ok(R"({"op": "bootstrap_ci", "x": [0.5, 0.5, 0.5], "n_resamples": 100})");
  EXPECT_EQ(j["degenerate"], true);
  EXPECT_EQ(j["ci"], Json::array({0.5, 0.5}));
  EXPECT_EQ(j["bias_correction"], nullptr);
  EXPECT_THAT(j["note"].get<std::string>(), HasSubstr("no variance: all 100 bootstrap replicates"));
}

TEST(BootstrapCiOp, RejectsBadRequestsWithAMessage) {
  EXPECT_THAT(
      run_error(R"({"op": "bootstrap_ci", "x": [1, 2, 3], "resamples": 10})"),
      HasSubstr("unknown field \"resamples\"; known fields: op, conf_level, keep_replicates, "
                "method, n_resamples, seed, statistic, threads, trim, x, y"));
  EXPECT_THAT(
      run_error(R"({"op": "bootstrap_ci", "x": [1, 2, 3], "method": "studentized"})"),
      HasSubstr("field \"method\" is \"studentized\", but must be one of: percentile, basic, bca"));
  EXPECT_THAT(run_error(R"({"op": "bootstrap_ci", "x": "1 2 3"})"),
              HasSubstr("field \"x\" is a string, but must be an array of numbers"));
  EXPECT_THAT(
      run_error(R"({"op": "bootstrap_ci", "x": [1]})"),
      HasSubstr("request (op \"bootstrap_ci\"): x has 1 value, but at least 2 are required"));
  EXPECT_THAT(
      run_error(R"({"op": "bootstrap_ci", "x": [1, 2], "n_resamples": -5})"),
      HasSubstr("field \"n_resamples\" is -5, but must be an integer in [0, 1099511627776]"));
}

TEST(EffectSizeOp, ComputesEachKind) {
  // effsize (R 4.2.2 transcription, scripts/golden/resampling.R): cliff.delta(c(10, 10, 20, 20, 20,
  // 30, 30, 30, 40, 50), c(10, 20, 30, 40, 40, 50)): delta -0.25, CI [-0.7265846, 0.3890062];
  // VD.A: 0.375.
  const std::string x = "[10, 10, 20, 20, 20, 30, 30, 30, 40, 50]", y = "[10, 20, 30, 40, 40, 50]";
  const Json cliff =
      run_ok(R"({"op": "effect_size", "kind": "cliffs_delta", "x": )" + x + R"(, "y": )" + y + "}");
  EXPECT_EQ(cliff["method"], "Cliff's delta");
  EXPECT_EQ(cliff["kind"], "cliffs_delta");
  EXPECT_EQ(cliff["estimate"], -0.25);
  EXPECT_NEAR(cliff["ci"][0].get<double>(), -0.72658458888994404, 1e-12);
  EXPECT_NEAR(cliff["ci"][1].get<double>(), 0.38900619019874255, 1e-12);
  const Json a12 =
      run_ok(R"({"op": "effect_size", "kind": "a12", "x": )" + x + R"(, "y": )" + y + "}");
  EXPECT_EQ(a12["estimate"], 0.375);
  // Cohen's d = (26 - 31.6667) / 13.425278 (pooled SD) = -0.422089328394915 (numpy).
  const Json d =
      run_ok(R"({"op": "effect_size", "x": )" + x + R"(, "y": )" + y + R"(, "conf_level": 0.9})");
  EXPECT_EQ(d["kind"], "cohens_d");
  EXPECT_NEAR(d["estimate"].get<double>(), -0.42208932839491475, 1e-13);
  EXPECT_EQ(d["conf_level"], 0.9);
  const Json g =
      run_ok(R"({"op": "effect_size", "kind": "hedges_g", "x": )" + x + R"(, "y": )" + y + "}");
  EXPECT_LT(std::abs(g["estimate"].get<double>()), std::abs(d["estimate"].get<double>()));
}

TEST(EffectSizeOp, ZeroPooledSdGivesInfinityAsAString) {
  const Json j = run_ok(R"({"op": "effect_size", "x": [2, 2, 2], "y": [1, 1]})");
  EXPECT_EQ(j["estimate"], "inf");
  EXPECT_EQ(j["ci"], Json::array({"inf", "inf"}));
  EXPECT_EQ(j["degenerate"], true);
  EXPECT_THAT(j["note"].get<std::string>(), HasSubstr("no variance:"));
}

TEST(EffectSizeOp, RejectsBadRequestsWithAMessage) {
  EXPECT_THAT(run_error(R"({"op": "effect_size", "x": [1, 2, 3], "y": [1, 2], "kind": "glass"})"),
              HasSubstr("field \"kind\" is \"glass\", but must be one of: cohens_d, hedges_g, "
                        "cliffs_delta, a12"));
  EXPECT_THAT(run_error(R"({"op": "effect_size", "x": [1, 2, 3]})"),
              HasSubstr("field \"y\" is required (an array of numbers)"));
  EXPECT_THAT(run_error(R"({"op": "effect_size", "x": [1, 2], "y": [1, 2], "alpha": 0.05})"),
              HasSubstr("unknown field \"alpha\""));
}

TEST(AggregateOp, AcceptsAMatrixOrAVector) {
  // rliable: aggregate_iqm = scipy.stats.trim_mean(scores, 0.25, axis=None) over all 8 scores
  // [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] -> mean of the middle four = 0.45.
  const Json m =
      run_ok(R"({"op": "aggregate", "scores": [[0.1, 0.5], [0.2, 0.6], [0.3, 0.7], [0.4, 0.8]],
                            "n_resamples": 500, "seed": 3})");
  EXPECT_EQ(m["method"], "stratified percentile bootstrap CI");
  EXPECT_EQ(m["statistic"], "IQM over 2 tasks");
  EXPECT_NEAR(m["estimate"].get<double>(), 0.45, 1e-15);
  EXPECT_LE(m["ci"][0].get<double>(), 0.45);
  EXPECT_GE(m["ci"][1].get<double>(), 0.45);
  // rliable: aggregate_median = median of per-task means (0.25, 0.65) = 0.45.
  const Json med =
      run_ok(R"({"op": "aggregate", "scores": [[0.1, 0.5], [0.2, 0.6], [0.3, 0.7], [0.4, 0.8]],
                              "statistic": "median", "n_resamples": 500})");
  EXPECT_NEAR(med["estimate"].get<double>(), 0.45, 1e-15);
  // A vector: the runs of one task; numpy: np.median([0.3, 0.1, 0.9, 0.5]) = 0.4.
  const Json v =
      run_ok(R"({"op": "aggregate", "scores": [0.3, 0.1, 0.9, 0.5], "statistic": "median",
                            "method": "basic", "n_resamples": 300})");
  EXPECT_NEAR(v["estimate"].get<double>(), 0.4, 1e-15);
  EXPECT_EQ(v["interval"], "basic");
}

TEST(AggregateOp, RejectsBadRequestsWithAMessage) {
  EXPECT_THAT(run_error(R"({"op": "aggregate", "scores": [[1, 2], [3]]})"),
              HasSubstr("scores[1] has 1 tasks, but scores[0] has 2"));
  EXPECT_THAT(run_error(R"({"op": "aggregate", "scores": [[1, 2], [3, "x"]]})"),
              HasSubstr("field \"scores\"[1][1] is a string, but must be a number"));
  EXPECT_THAT(run_error(R"({"op": "aggregate", "scores": [1, "x"]})"),
              HasSubstr("field \"scores\"[1] is a string, but must be a number"));
  EXPECT_THAT(run_error(R"({"op": "aggregate", "scores": [1, 2], "method": "bca"})"),
              HasSubstr("field \"method\" is \"bca\", but must be one of: percentile, basic"));
  EXPECT_THAT(run_error(R"({"op": "aggregate"})"),
              HasSubstr("field \"scores\" is required (an array of numbers)"));
}

TEST(PermutationTestOp, ExactAndMonteCarlo) {
  // scipy.stats.permutation_test(([0.91, 0.93, 0.92, 0.94], [0.88, 0.90, 0.89, 0.87]),
  //   mean difference, n_resamples=np.inf): statistic 0.04, p 0.028571428571428571 (2/70).
  const Json exact = run_ok(R"({"op": "permutation_test", "x": [0.91, 0.93, 0.92, 0.94],
                                "y": [0.88, 0.90, 0.89, 0.87]})");
  EXPECT_EQ(exact["method"], "Exact permutation test");
  EXPECT_EQ(exact["exact"], true);
  EXPECT_NEAR(exact["statistic"].get<double>(), 0.04, 1e-15);
  EXPECT_NEAR(exact["p_value"].get<double>(), 2.0 / 70.0, 1e-15);
  EXPECT_EQ(exact["n_permutations"], 70);
  EXPECT_EQ(exact["count_greater_equal"], 1);
  EXPECT_EQ(exact["ci"], nullptr);
  const Json mc = run_ok(R"({"op": "permutation_test", "x": [0.91, 0.93, 0.92, 0.94],
                             "y": [0.88, 0.90, 0.89, 0.87], "exact_limit": 0, "n_resamples": 999,
                             "alternative": "greater", "seed": 5})");
  EXPECT_EQ(mc["method"], "Monte Carlo permutation test");
  EXPECT_EQ(mc["n_permutations"], 999);
  const double b = mc["count_greater_equal"].get<double>();
  EXPECT_EQ(mc["p_value"].get<double>(), (b + 1.0) / 1000.0);  // Phipson & Smyth
  // scipy, permutation_type="samples": x - y = [0.03, 0.03, 0.03, 0.07], every sign positive is
  // the most extreme of 16 flips: two-sided p = 2/16.
  const Json paired = run_ok(R"({"op": "permutation_test", "x": [0.91, 0.93, 0.92, 0.94],
                                 "y": [0.88, 0.90, 0.89, 0.87], "paired": true})");
  EXPECT_EQ(paired["method"], "Exact permutation test (paired, sign-flip)");
  EXPECT_NEAR(paired["p_value"].get<double>(), 2.0 / 16.0, 1e-15);
}

TEST(PermutationTestOp, RejectsBadRequestsWithAMessage) {
  EXPECT_THAT(run_error(R"({"op": "permutation_test", "x": [1, 2], "y": [3], "paired": true})"),
              HasSubstr("paired data need equal lengths, but x has 2 values and y has 1"));
  EXPECT_THAT(
      run_error(R"({"op": "permutation_test", "x": [1, 2], "y": [3], "alternative": "bigger"})"),
      HasSubstr("field \"alternative\" is \"bigger\", but must be one of"));
  EXPECT_THAT(run_error(R"({"op": "permutation_test", "x": [1, 2], "y": [3], "seed": -1})"),
              HasSubstr("field \"seed\" must be a non-negative integer below 2^64"));
  EXPECT_THAT(
      run_error(R"({"op": "permutation_test", "x": [1, 2], "y": [3], "statistic": "median"})"),
      HasSubstr("unknown field \"statistic\"; known fields: op, alternative, exact_limit, "
                "n_resamples, paired, seed, threads, x, y"));
}

}  // namespace
}  // namespace rigor::test
