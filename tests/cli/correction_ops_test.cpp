// Tests for harness/cli/src/ops/correction_ops.cpp: the adjust, partial_conjunction,
// shapiro_wilk and ks_2samp ops of `rigor stats`. Reference values: R 4.2.2 (p.adjust,
// shapiro.test, ks.test), quoted beside each check; partial conjunction by hand from the
// definitions (Benjamini & Heller 2008).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_util.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

TEST(AdjustOp, HolmIsTheDefault) {
  // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02.
  const Json j = run_ok(R"({"op": "adjust", "p": [0.01, 0.04, 0.03, 0.005]})");
  EXPECT_EQ(j["op"], "adjust");
  EXPECT_EQ(j["method"], "holm");
  EXPECT_EQ(j["n"], 4);
  EXPECT_EQ(j["alpha"], 0.05);
  ASSERT_EQ(j["adjusted"].size(), 4u);
  EXPECT_DOUBLE_EQ(j["adjusted"][0].get<double>(), 0.03);
  EXPECT_DOUBLE_EQ(j["adjusted"][1].get<double>(), 0.06);
  EXPECT_DOUBLE_EQ(j["adjusted"][2].get<double>(), 0.06);
  EXPECT_DOUBLE_EQ(j["adjusted"][3].get<double>(), 0.02);
  EXPECT_EQ(j["reject"], Json::parse("[true, false, false, true]"));
}

TEST(AdjustOp, AcceptsRAndStatsmodelsMethodNames) {
  // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02; "hommel" = 0.03 0.04
  // 0.04 0.02.
  for (const char* name : {"BH", "fdr", "fdr_bh"}) {
    const Json j =
        run_ok(std::string(R"({"op": "adjust", "p": [0.01, 0.04, 0.03, 0.005], "method": ")") +
               name + R"(", "alpha": 0.03})");
    EXPECT_EQ(j["method"], "BH") << name;
    EXPECT_DOUBLE_EQ(j["adjusted"][1].get<double>(), 0.04) << name;
    EXPECT_EQ(j["reject"], Json::parse("[true, false, false, true]")) << name;
  }
  const Json h = run_ok(R"({"op": "adjust", "p": [0.01, 0.04, 0.03, 0.005], "method": "hommel"})");
  EXPECT_DOUBLE_EQ(h["adjusted"][0].get<double>(), 0.03);
  EXPECT_DOUBLE_EQ(h["adjusted"][1].get<double>(), 0.04);
}

TEST(AdjustOp, ErrorsNameTheRequestAndTheField) {
  EXPECT_THAT(
      run_error(R"({"op": "adjust", "p": [0.01, 1.2]})"),
      HasSubstr("request (op \"adjust\"): p[1] is 1.2, but every p-value must be in [0, 1]"));
  EXPECT_THAT(
      run_error(R"({"op": "adjust", "p": [0.01], "method": "tukey"})"),
      HasSubstr("field \"method\" is \"tukey\", but must be one of \"none\", \"bonferroni\""));
  EXPECT_THAT(run_error(R"({"op": "adjust", "p": [0.01], "correction": "holm"})"),
              HasSubstr("unknown field \"correction\"; known fields: op, alpha, method, p"));
  EXPECT_THAT(run_error(R"({"op": "adjust", "p": "0.01"})"),
              HasSubstr("field \"p\" is a string, but must be an array of numbers"));
  EXPECT_THAT(run_error(R"({"op": "adjust"})"),
              HasSubstr("field \"p\" is required (an array of numbers)"));
}

TEST(PartialConjunctionOp, ReturnsEveryUAndTheOneAskedFor) {
  // Sorted p: 0.001, 0.008, 0.02, 0.04, 0.3. Simes p^{u/5} = 0.005, 0.032, 0.06, 0.08, 0.3 (the
  // same as Bonferroni's (5 - u + 1) p_(u) here), so "at least 2 of 5" at alpha 0.05.
  const Json j = run_ok(R"({"op": "partial_conjunction", "p": [0.001, 0.02, 0.04, 0.3, 0.008],
                            "u": 3})");
  EXPECT_EQ(j["method"], "simes");
  EXPECT_EQ(j["n"], 5);
  EXPECT_EQ(j["u"], 3);
  EXPECT_DOUBLE_EQ(j["p_value"].get<double>(), 0.06);
  EXPECT_DOUBLE_EQ(j["monotone_p_value"].get<double>(), 0.06);
  EXPECT_EQ(j["reject"], false);
  ASSERT_EQ(j["p_values"].size(), 5u);
  EXPECT_DOUBLE_EQ(j["p_values"][0].get<double>(), 0.005);
  EXPECT_DOUBLE_EQ(j["p_values"][1].get<double>(), 0.032);
  EXPECT_DOUBLE_EQ(j["p_values"][4].get<double>(), 0.3);
  EXPECT_EQ(j["u_rejected"], 2);
  const Json f = run_ok(R"({"op": "partial_conjunction", "p": [0.001, 0.02, 0.04, 0.3, 0.008],
                            "method": "fisher", "alpha": 0.1})");
  EXPECT_EQ(f["method"], "fisher");
  EXPECT_FALSE(f.contains("u"));
  EXPECT_EQ(f["alpha"], 0.1);
  // u = 5: only p_(5) = 0.3, chi^2_2 = -2 log 0.3, upper tail exp(log 0.3) = 0.3.
  EXPECT_NEAR(f["p_values"][4].get<double>(), 0.3, 1e-14);
}

TEST(PartialConjunctionOp, ErrorsNameTheField) {
  EXPECT_THAT(run_error(R"({"op": "partial_conjunction", "p": [0.01, 0.2], "u": 3})"),
              HasSubstr("field \"u\" is 3, but must be in [1, 2]"));
  EXPECT_THAT(run_error(R"({"op": "partial_conjunction", "p": [0.01, 0.2], "u": 1.5})"),
              HasSubstr("field \"u\" is 1.5, but must be an integer"));
  EXPECT_THAT(run_error(R"({"op": "partial_conjunction", "p": [0.01], "method": "stouffer"})"),
              HasSubstr("field \"method\" is \"stouffer\", but must be one of \"bonferroni\", "
                        "\"simes\", \"fisher\""));
}

TEST(ShapiroWilkOp, MatchesR) {
  // R: shapiro.test(c(2.1, 0.4, 3.3, 1.7, 2.8, 0.9, 5.2, 1.1, 2.2, 3.9)): W = 0.965852374648516,
  //    p-value = 0.849954602723791.
  const Json j =
      run_ok(R"({"op": "shapiro_wilk", "x": [2.1, 0.4, 3.3, 1.7, 2.8, 0.9, 5.2, 1.1, 2.2, 3.9]})");
  EXPECT_EQ(j["method"], "Shapiro-Wilk normality test");
  EXPECT_EQ(j["statistic_name"], "W");
  EXPECT_NEAR(j["statistic"].get<double>(), 0.965852374648516, 1e-13);
  EXPECT_NEAR(j["p_value"].get<double>(), 0.849954602723791, 1e-12);
  const Json c = run_ok(R"({"op": "shapiro_wilk", "x": [0.9, 0.9, 0.9]})");
  EXPECT_EQ(c["degenerate"], true);
  EXPECT_EQ(c["p_value"], 1.0);
  EXPECT_THAT(c["note"].get<std::string>(), HasSubstr("no variance:"));
  EXPECT_THAT(run_error(R"({"op": "shapiro_wilk", "x": [1, 2]})"),
              HasSubstr("x has 2 values, but the Shapiro-Wilk test needs between 3 and 5000"));
  EXPECT_THAT(run_error(R"({"op": "shapiro_wilk", "x": [1, 2, 3], "y": [1]})"),
              HasSubstr("unknown field \"y\""));
}

TEST(KsOp, MatchesRExactAndAsymptotic) {
  // Hollander & Wolfe example 5.4 (R's regression test PR#1004): ks.test(x, y) D = 0.6, exact
  // p = 15/286 = 0.0524475524475524 (R prints 0.0524475524475428: it computes 1 - lower tail);
  // alternative = "less": D^- = 0.6, p = 0.0262237762237664 (R); exact = FALSE: p =
  // 0.0546463301138636 (R).
  const std::string xy = R"("x": [-0.15, 8.60, 5.00, 3.71, 4.29, 7.74, 2.48, 3.25, -1.15, 8.38],)"
                         R"("y": [2.55, 12.07, 0.46, 0.35, 2.69, -0.94, 1.73, 0.73, -0.35, -0.37])";
  const Json j = run_ok(R"({"op": "ks_2samp", )" + xy + "}");
  EXPECT_EQ(j["method"], "Exact two-sample Kolmogorov-Smirnov test");
  EXPECT_EQ(j["statistic_name"], "D");
  EXPECT_EQ(j["exact"], true);
  EXPECT_NEAR(j["statistic"].get<double>(), 0.6, 1e-15);
  EXPECT_NEAR(j["p_value"].get<double>(), 15.0 / 286.0, 1e-15);
  const Json less = run_ok(R"({"op": "ks_2samp", "alternative": "less", )" + xy + "}");
  EXPECT_EQ(less["statistic_name"], "D^-");
  EXPECT_NEAR(less["p_value"].get<double>(), 0.0262237762237664, 1e-13);
  const Json asym = run_ok(R"({"op": "ks_2samp", "exact": false, )" + xy + "}");
  EXPECT_EQ(asym["exact"], false);
  EXPECT_EQ(asym["method"], "Asymptotic two-sample Kolmogorov-Smirnov test");
  EXPECT_NEAR(asym["p_value"].get<double>(), 0.0546463301138636, 1e-13);
  const Json forced = run_ok(R"({"op": "ks_2samp", "exact": true, )" + xy + "}");
  EXPECT_EQ(forced["exact"], true);
}

TEST(KsOp, ErrorsNameTheField) {
  EXPECT_THAT(run_error(R"({"op": "ks_2samp", "x": [1, 2], "y": [3], "exact": "yes"})"),
              HasSubstr("field \"exact\" is a string, but must be true or false"));
  EXPECT_THAT(run_error(R"({"op": "ks_2samp", "x": [1, 2], "y": [3], "alternative": "bigger"})"),
              HasSubstr("field \"alternative\" is \"bigger\""));
  EXPECT_THAT(run_error(R"({"op": "ks_2samp", "x": [1, 2]})"),
              HasSubstr("field \"y\" is required"));
  EXPECT_THAT(run_error(R"({"op": "ks_2samp", "x": [1, 2], "y": [], "paired": true})"),
              HasSubstr("unknown field \"paired\""));
}

}  // namespace
}  // namespace rigor::test
