// Tests for harness/cli/src/ops/rank_ops.cpp: the mann_whitney, wilcoxon, sign_test,
// kruskal_wallis, friedman, pairwise_wilcoxon and nemenyi ops of `rigor stats`.
// Reference values: R 4.2.2 (wilcox.test, binom.test, kruskal.test, friedman.test, qtukey),
// quoted beside each check; the full golden comparisons live in tests/stats/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_util.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

TEST(RankOps, MannWhitneyExactMatchesR) {
  // R: wilcox.test(c(0.91, 0.93, 0.90, 0.94, 0.95), c(0.88, 0.89, 0.905, 0.87), conf.int = TRUE)
  //    W = 19, p-value = 0.031746031746031744, estimate 0.04, CI [0.005, 0.07].
  const Json j = run_ok(R"({"op": "mann_whitney", "x": [0.91, 0.93, 0.90, 0.94, 0.95],
                            "y": [0.88, 0.89, 0.905, 0.87]})");
  EXPECT_EQ(j["op"], "mann_whitney");
  EXPECT_EQ(j["method"], "Wilcoxon rank sum exact test");
  EXPECT_EQ(j["statistic_name"], "W");
  EXPECT_EQ(j["statistic"], 19.0);
  EXPECT_NEAR(j["p_value"].get<double>(), 0.031746031746031744, 1e-15);
  EXPECT_NEAR(j["estimate"].get<double>(), 0.04, 1e-15);
  EXPECT_NEAR(j["ci"][0].get<double>(), 0.005, 1e-15);
  EXPECT_NEAR(j["ci"][1].get<double>(), 0.07, 1e-15);
  EXPECT_EQ(j["exact"], true);
  EXPECT_EQ(j["df"], nullptr);
}

TEST(RankOps, MannWhitneyAsymptoticOneSided) {
  // R: wilcox.test(x, y, conf.int = TRUE, alternative = "greater", exact = FALSE,
  //    correct = FALSE): p = 0.01374316805575517, estimate 0.039957196316804999,
  //    CI [0.019964908755500225, Inf].
  const Json j = run_ok(R"({"op": "mann_whitney", "x": [0.91, 0.93, 0.90, 0.94, 0.95],
                            "y": [0.88, 0.89, 0.905, 0.87], "alternative": "greater",
                            "method": "asymptotic", "continuity": false})");
  EXPECT_EQ(j["method"], "Wilcoxon rank sum test");
  EXPECT_NEAR(j["p_value"].get<double>(), 0.01374316805575517, 1e-14);
  EXPECT_NEAR(j["estimate"].get<double>(), 0.039957196316804999, 1e-12);
  EXPECT_NEAR(j["ci"][0].get<double>(), 0.019964908755500225, 1e-12);
  EXPECT_EQ(j["ci"][1], "inf");
}

TEST(RankOps, WilcoxonPairedWithTiesAndZeros) {
  // R: wilcox.test(a, b, paired = TRUE, conf.int = TRUE): V = 13.5, p = 0.13621686984456766,
  //    (pseudo)median 0.019968887910285078, CI [0.0049879369460497074, 0.0300537512232405615]
  //    at the achievable level 0.8 (R warns: ties, zeroes, level not achievable).
  const Json j = run_ok(R"({"op": "wilcoxon", "x": [0.81, 0.84, 0.80, 0.86, 0.83, 0.85],
                            "y": [0.80, 0.82, 0.80, 0.83, 0.84, 0.81]})");
  EXPECT_EQ(j["method"], "Wilcoxon signed rank test with continuity correction");
  EXPECT_EQ(j["statistic_name"], "V");
  EXPECT_EQ(j["statistic"], 13.5);
  EXPECT_NEAR(j["p_value"].get<double>(), 0.13621686984456766, 1e-14);
  EXPECT_NEAR(j["estimate"].get<double>(), 0.019968887910285078, 1e-12);
  EXPECT_NEAR(j["ci"][0].get<double>(), 0.0049879369460497074, 1e-12);
  EXPECT_NEAR(j["ci"][1].get<double>(), 0.0300537512232405615, 1e-12);
  EXPECT_NEAR(j["conf_level"].get<double>(), 0.8, 1e-12);
  EXPECT_THAT(j["note"].get<std::string>(), HasSubstr("cannot compute an exact p-value with ties"));
  EXPECT_THAT(j["note"].get<std::string>(), HasSubstr("not achievable"));
}

TEST(RankOps, WilcoxonZeroMethodsAndDegenerateData) {
  const Json pratt = run_ok(R"({"op": "wilcoxon", "x": [0, 1.5, -0.5, 2, 3, 0.7, 1.1],
                                "zero_method": "pratt", "conf_int": false})");
  EXPECT_EQ(pratt["method"],
            "Wilcoxon signed rank test (zero_method pratt) with continuity correction");
  // Ranks of |x| with the zero at rank 1: positives 0.7, 1.1, 1.5, 2, 3 have 3 + 4 + 5 + 6 + 7.
  EXPECT_EQ(pratt["statistic"], 25.0);
  EXPECT_EQ(pratt["estimate"], nullptr);
  const Json flat = run_ok(R"({"op": "wilcoxon", "x": [0.9, 0.9, 0.9], "y": [0.9, 0.9, 0.9]})");
  EXPECT_EQ(flat["degenerate"], true);
  EXPECT_EQ(flat["p_value"], 1.0);
  EXPECT_EQ(flat["statistic"], 0.0);
  EXPECT_THAT(flat["note"].get<std::string>(), HasSubstr("all paired differences are zero:"));
}

TEST(RankOps, SignTestMatchesBinomTest) {
  // 4 positive of 5 non-zero differences; R: binom.test(4, 5)$p.value = 0.37499999999999994.
  const Json j = run_ok(R"({"op": "sign_test", "x": [1, 2, 3, 4, 5, 6], "y": [0, 1, 2, 3, 6, 6]})");
  EXPECT_EQ(j["statistic_name"], "S");
  EXPECT_EQ(j["statistic"], 4.0);
  EXPECT_NEAR(j["p_value"].get<double>(), 0.375, 1e-15);
  EXPECT_NEAR(j["estimate"].get<double>(), 0.8, 1e-15);
}

TEST(RankOps, KruskalWallisAndFriedmanMatchR) {
  // R: kruskal.test(list(c(1, 2, 3.5), c(2.5, 4, 5), c(6, 7, 8, 9))): chi-squared
  //    7.4363636363636374, df 2, p = 0.024278069685843232.
  const Json kw = run_ok(R"({"op": "kruskal_wallis", "groups": [[1, 2, 3.5], [2.5, 4, 5],
                                                                 [6, 7, 8, 9]]})");
  EXPECT_EQ(kw["method"], "Kruskal-Wallis rank sum test");
  EXPECT_NEAR(kw["statistic"].get<double>(), 7.4363636363636374, 1e-13);
  EXPECT_EQ(kw["df"], 2.0);
  EXPECT_NEAR(kw["p_value"].get<double>(), 0.024278069685843232, 1e-15);
  // R: friedman.test(rbind(c(.9, .8, .7), c(.85, .8, .75), c(.95, .9, .7), c(.9, .85, .8))):
  //    chi-squared 8, df 2, p = 0.018315638888734179.
  const Json fr = run_ok(R"({"op": "friedman", "data": [[0.9, 0.8, 0.7], [0.85, 0.8, 0.75],
                                                         [0.95, 0.9, 0.7], [0.9, 0.85, 0.8]]})");
  EXPECT_EQ(fr["method"], "Friedman rank sum test");
  EXPECT_EQ(fr["statistic"], 8.0);
  EXPECT_NEAR(fr["p_value"].get<double>(), 0.018315638888734179, 1e-15);
}

TEST(RankOps, NemenyiGivesRanksAndCriticalDifference) {
  // CD = qtukey(0.95, 3, Inf) / sqrt(2) * sqrt(3 * 4 / (6 * 4)) = 1.6572465787765027 (R).
  const Json j = run_ok(R"({"op": "nemenyi", "data": [[0.9, 0.8, 0.7], [0.85, 0.8, 0.75],
                                                       [0.95, 0.9, 0.7], [0.9, 0.85, 0.8]]})");
  EXPECT_EQ(j["average_ranks"], Json::parse("[1.0, 2.0, 3.0]"));
  EXPECT_NEAR(j["critical_difference"].get<double>(), 1.6572465787765027, 1e-13);
  EXPECT_EQ(j["n_methods"], 3);
  EXPECT_EQ(j["n_datasets"], 4);
  EXPECT_EQ(j["higher_is_better"], true);
  EXPECT_EQ(j["friedman"]["statistic"], 8.0);
  ASSERT_EQ(j["pairs"].size(), 3u);
  EXPECT_EQ(j["pairs"][1]["first"], 0);
  EXPECT_EQ(j["pairs"][1]["second"], 2);
  EXPECT_EQ(j["pairs"][1]["rank_difference"], -2.0);
  EXPECT_EQ(j["pairs"][1]["significant"], true);   // |-2| > 1.657
  EXPECT_EQ(j["pairs"][0]["significant"], false);  // |-1| < 1.657
  const Json low = run_ok(R"({"op": "nemenyi", "data": [[0.9, 0.8, 0.7], [0.85, 0.8, 0.75]],
                              "higher_is_better": false, "alpha": 0.1})");
  EXPECT_EQ(low["average_ranks"], Json::parse("[3.0, 2.0, 1.0]"));
  EXPECT_EQ(low["alpha"], 0.1);
}

TEST(RankOps, MethodNamesAreEchoedAndChecked) {
  const Json j = run_ok(R"({"op": "nemenyi", "data": [[0.9, 0.8, 0.7], [0.85, 0.8, 0.75]],
                            "names": ["resnet", "mlp", "linear"]})");
  EXPECT_EQ(j["names"], Json::parse(R"(["resnet", "mlp", "linear"])"));
  EXPECT_EQ(j["pairs"][1]["first_name"], "resnet");
  EXPECT_EQ(j["pairs"][1]["second_name"], "linear");
  const Json p = run_ok(R"({"op": "pairwise_wilcoxon", "data": [[1, 2], [2, 4], [3, 5]],
                            "names": ["a", "b"]})");
  EXPECT_EQ(p["comparisons"][0]["first_name"], "a");
  EXPECT_EQ(p["comparisons"][0]["second_name"], "b");
  const auto r =
      run_cli({"stats"}, R"({"op": "nemenyi", "data": [[1, 2, 3]], "names": ["a", "b"]})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(
      r.err,
      HasSubstr("field \"names\" has 2 entries, but \"data\" has 3 columns (one name per method)"));
}

TEST(RankOps, PairwiseWilcoxonAdjustsWithHolm) {
  const Json j = run_ok(R"({"op": "pairwise_wilcoxon",
                            "data": [[0.9, 0.8, 0.7], [0.85, 0.8, 0.75], [0.95, 0.9, 0.7],
                                     [0.9, 0.85, 0.8], [0.92, 0.81, 0.79]]})");
  EXPECT_EQ(j["correction"], "holm");
  ASSERT_EQ(j["comparisons"].size(), 3u);
  // R: wilcox.test(c(.9,.85,.95,.9,.92), c(.8,.8,.9,.85,.81), paired = TRUE)$p.value: all five
  // differences positive, with ties -> normal approximation, V = 15.
  const Json& first = j["comparisons"][0];
  EXPECT_EQ(first["first"], 0);
  EXPECT_EQ(first["second"], 1);
  EXPECT_EQ(first["statistic"], 15.0);
  EXPECT_EQ(first["test"]["statistic"], 15.0);
  // Holm: the smallest of three p-values times 3, the others at least as large.
  double smallest = 1.0;
  for (const Json& c : j["comparisons"]) smallest = std::min(smallest, c["p_value"].get<double>());
  for (const Json& c : j["comparisons"]) {
    EXPECT_GE(c["p_adjusted"].get<double>(), c["p_value"].get<double>());
    if (c["p_value"].get<double>() == smallest) {
      EXPECT_NEAR(c["p_adjusted"].get<double>(), 3.0 * smallest, 1e-15);
    }
  }
  const Json bonf = run_ok(R"({"op": "pairwise_wilcoxon", "data": [[1, 2], [2, 3.5], [3, 3.2]],
                               "correction": "bonferroni"})");
  EXPECT_EQ(bonf["correction"], "bonferroni");
}

TEST(RankOps, RejectsBadRequestsNamingTheField) {
  auto r = run_cli({"stats"}, R"({"op": "mann_whitney", "x": [1, 2], "y": [3], "exact": true})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("request (op \"mann_whitney\"): unknown field \"exact\"; known "
                               "fields: op, "));
  r = run_cli({"stats"}, R"({"op": "wilcoxon", "x": [1, 2], "zero_method": "drop"})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("field \"zero_method\" is \"drop\", but must be one of: wilcox, "
                               "pratt, zsplit"));
  r = run_cli({"stats"}, R"({"op": "mann_whitney", "x": [1, 2], "y": "3"})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("field \"y\" is a string, but must be an array of numbers"));
  r = run_cli({"stats"}, R"({"op": "wilcoxon", "x": [1, 2], "continuity": 1})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("field \"continuity\" is a number, but must be true or false"));
  r = run_cli({"stats"}, R"({"op": "friedman", "data": [[1, 2, 3], [1, 2]]})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err,
              HasSubstr("request (op \"friedman\"): data[1] has 2 values, but data[0] has 3"));
  r = run_cli({"stats"}, R"({"op": "kruskal_wallis", "groups": [1, 2]})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("field \"groups\"[0] is a number, but must be an array of numbers"));
  r = run_cli({"stats"}, R"({"op": "pairwise_wilcoxon", "data": [[1, 2], [2, 3]],
                             "correction": "magic"})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("field \"correction\" is \"magic\""));
  r = run_cli({"stats"}, R"({"op": "sign_test", "x": [1, 2], "y": [1, 2, 3]})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("paired data need equal lengths, but x has 2 values and y has 3"));
}

}  // namespace
}  // namespace rigor::test
