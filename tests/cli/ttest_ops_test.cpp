// Tests for harness/cli/src/ops/ttest_ops.cpp: the t_test, power_t and power_noether ops of
// `rigor stats`. Reference values: R 4.2.2 (t.test, power.t.test), quoted beside each check.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_util.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

TEST(TTestOp, WelchIsTheDefault) {
  // R: t.test(c(0.91, 0.92, 0.90), c(0.88, 0.89, 0.90), alternative = "greater")
  //    t = 2.4495, df = 4, p-value = 0.03524, CI 0.002593544 to Inf.
  const Json j = run_ok(R"({"op": "t_test", "x": [0.91, 0.92, 0.90], "y": [0.88, 0.89, 0.90],
                            "alternative": "greater"})");
  EXPECT_EQ(j["op"], "t_test");
  EXPECT_EQ(j["method"], "Welch Two Sample t-test");
  EXPECT_EQ(j["statistic_name"], "t");
  EXPECT_EQ(j["alternative"], "greater");
  EXPECT_NEAR(j["statistic"].get<double>(), 2.4494897, 1e-6);
  EXPECT_NEAR(j["df"].get<double>(), 4.0, 1e-9);
  EXPECT_NEAR(j["p_value"].get<double>(), 0.03524, 1e-5);
  EXPECT_NEAR(j["ci"][0].get<double>(), 0.002593544, 1e-9);
  EXPECT_EQ(j["ci"][1], "inf");
  EXPECT_NEAR(j["estimate"].get<double>(), 0.02, 1e-12);
  EXPECT_EQ(j["degenerate"], false);
}

TEST(TTestOp, SelectsStudentPairedAndOneSample) {
  // R: t.test(c(1, 2, 3), c(2, 3, 4.5), var.equal = TRUE): t = -1.25723711, df = 4,
  //    p-value = 0.27706917.
  const Json student =
      run_ok(R"({"op": "t_test", "x": [1, 2, 3], "y": [2, 3, 4.5], "equal_var": true})");
  EXPECT_EQ(student["method"], " Two Sample t-test");
  EXPECT_EQ(student["df"], 4.0);
  EXPECT_NEAR(student["statistic"].get<double>(), -1.25723711, 1e-8);
  EXPECT_NEAR(student["p_value"].get<double>(), 0.27706917, 1e-8);
  // R: t.test(c(1, 2, 3), c(2, 3, 4.5), paired = TRUE): t = -7, df = 2, p-value = 0.019803941.
  const Json paired =
      run_ok(R"({"op": "t_test", "x": [1, 2, 3], "y": [2, 3, 4.5], "paired": true})");
  EXPECT_EQ(paired["method"], "Paired t-test");
  EXPECT_NEAR(paired["statistic"].get<double>(), -7.0, 1e-12);
  EXPECT_NEAR(paired["p_value"].get<double>(), 0.019803941, 1e-9);
  // R: t.test(c(1, 2, 3, 5), mu = 1, conf.level = 0.9): t = 2.04939015, df = 3,
  //    p-value = 0.13284184.
  const Json one = run_ok(R"({"op": "t_test", "x": [1, 2, 3, 5], "mu": 1, "conf_level": 0.9})");
  EXPECT_EQ(one["method"], "One Sample t-test");
  EXPECT_NEAR(one["statistic"].get<double>(), 2.04939015, 1e-8);
  EXPECT_NEAR(one["p_value"].get<double>(), 0.13284184, 1e-8);
  EXPECT_EQ(one["conf_level"], 0.9);
  EXPECT_EQ(one["estimate"], 2.75);
}

TEST(TTestOp, ConstantDataIsDegenerate) {
  const Json j = run_ok(R"({"op": "t_test", "x": [0.9, 0.9, 0.9], "y": [0.8, 0.8, 0.8]})");
  EXPECT_EQ(j["degenerate"], true);
  EXPECT_EQ(j["statistic"], "inf");
  EXPECT_EQ(j["p_value"], 0.0);
  EXPECT_EQ(j["df"], nullptr);
  EXPECT_THAT(j["note"].get<std::string>(), HasSubstr("no variance: x is constant at 0.9"));
}

TEST(TTestOp, RejectsBadRequestsNamingTheField) {
  auto r = run_cli({"stats"}, R"({"op": "t_test", "x": [1, 2, 3], "y": [2, 3], "pairs": true})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err,
              HasSubstr("request (op \"t_test\"): unknown field \"pairs\"; known fields: op, "));
  r = run_cli({"stats"}, R"({"op": "t_test", "x": [1, 2, 3], "mu": "0"})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("field \"mu\" is a string, but must be a number"));
  r = run_cli({"stats"}, R"({"op": "t_test", "x": [1, 2, 3], "paired": true})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("field \"paired\" is true, but needs a second sample \"y\""));
  r = run_cli({"stats"},
              R"({"op": "t_test", "x": [1, 2], "y": [1, 2], "paired": true, "equal_var": true})");
  EXPECT_THAT(r.err, HasSubstr("fields \"paired\" and \"equal_var\" are both true"));
  r = run_cli({"stats"}, R"({"op": "t_test", "x": [1], "y": [1, 2, 3]})");
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err,
              HasSubstr("request (op \"t_test\"): x has 1 value, but at least 2 are required"));
}

TEST(PowerTOp, SolvesForNAndForPower) {
  // R: power.t.test(delta = 0.01, sd = 0.008, power = 0.8, tol = 1e-12)$n = 11.09420923.
  const Json n = run_ok(R"({"op": "power_t", "delta": 0.01, "sd": 0.008, "power": 0.8})");
  EXPECT_EQ(n["solved_for"], "n");
  EXPECT_NEAR(n["n"].get<double>(), 11.09420923, 1e-7);
  EXPECT_EQ(n["n_ceil"], 12);
  EXPECT_GE(n["power_at_n_ceil"].get<double>(), 0.8);
  EXPECT_EQ(n["type"], "two_sample");
  EXPECT_EQ(n["alternative"], "two-sided");
  EXPECT_EQ(n["note"], "n is number in *each* group");
  // R: power.t.test(n = 10, delta = 1, type = "paired", alternative = "one.sided")$power
  //    = 0.89751699.
  const Json p = run_ok(R"({"op": "power_t", "n": 10, "delta": 1, "type": "paired",
                            "alternative": "one-sided"})");
  EXPECT_EQ(p["solved_for"], "power");
  EXPECT_NEAR(p["power"].get<double>(), 0.89751699, 1e-8);
  EXPECT_EQ(p["n_ceil"], 10);
  // R: power.t.test(n = 20, power = 0.9, strict = TRUE, tol = 1e-12)$delta = 1.0519929.
  const Json d = run_ok(R"({"op": "power_t", "n": 20, "power": 0.9, "strict": true})");
  EXPECT_EQ(d["solved_for"], "delta");
  EXPECT_EQ(d["strict"], true);
  EXPECT_NEAR(d["delta"].get<double>(), 1.0519929, 1e-7);
}

TEST(PowerTOp, RejectsBadRequests) {
  auto r = run_cli({"stats"}, R"({"op": "power_t", "delta": 1})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("exactly one of the fields \"n\", \"delta\" and \"power\" must be "
                               "left out (the one to solve for), but 2 are missing"));
  r = run_cli({"stats"}, R"({"op": "power_t", "delta": 1, "power": 0.8, "type": "welch"})");
  EXPECT_THAT(r.err, HasSubstr("field \"type\" is \"welch\", but must be one of: two_sample, "
                               "paired, one_sample"));
  r = run_cli({"stats"},
              R"({"op": "power_t", "delta": 1, "power": 0.8, "alternative": "greater"})");
  EXPECT_THAT(r.err, HasSubstr("field \"alternative\" is \"greater\", but must be one of: "
                               "two-sided, one-sided"));
  r = run_cli({"stats"}, R"({"op": "power_t", "delta": 1, "power": 0.8, "alpha": 2})");
  EXPECT_THAT(r.err, HasSubstr("request (op \"power_t\"): alpha is 2, but must be in (0, 1)"));
  r = run_cli({"stats"}, R"({"op": "power_t", "delta": 1, "power": 0.8, "seed": 1})");
  EXPECT_THAT(r.err, HasSubstr("unknown field \"seed\""));
}

TEST(PowerNoetherOp, GivesTotalAndPerGroupSizes) {
  // (z_0.975 + z_0.8)^2 / (12 * 0.25 * 0.0625) = 41.8607: 21 per group.
  const Json j = run_ok(R"({"op": "power_noether", "p_outperform": 0.75})");
  EXPECT_NEAR(j["n_total"].get<double>(), 41.8607, 1e-3);
  EXPECT_EQ(j["n_per_group"], Json::parse("[21, 21]"));
  EXPECT_EQ(j["n_total_ceil"], 42);
  EXPECT_EQ(j["alternative"], "two-sided");
  // Unequal allocation c = 0.25: N = (z_0.99 + z_0.9)^2 / (12 * 0.1875 * 0.0625) = 92.565,
  // split 1:3.
  const Json u = run_ok(R"({"op": "power_noether", "p_outperform": 0.75, "fraction": 0.25,
                            "power": 0.9, "alpha": 0.01, "alternative": "one-sided"})");
  EXPECT_NEAR(u["n_total"].get<double>(), 92.564895, 1e-6);
  EXPECT_NEAR(u["n_x"].get<double>() * 3.0, u["n_y"].get<double>(), 1e-9);
  EXPECT_EQ(u["n_per_group"], Json::parse("[24, 70]"));
}

TEST(PowerNoetherOp, RejectsBadRequests) {
  auto r = run_cli({"stats"}, R"({"op": "power_noether"})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("field \"p_outperform\" is required (a number)"));
  r = run_cli({"stats"}, R"({"op": "power_noether", "p_outperform": 0.5})");
  EXPECT_THAT(r.err, HasSubstr("p_outperform is 0.5, but must be in (0, 1) and differ from 0.5"));
  r = run_cli({"stats"}, R"({"op": "power_noether", "p_outperform": 0.7, "n": 10})");
  EXPECT_THAT(r.err, HasSubstr("unknown field \"n\""));
}

}  // namespace
}  // namespace rigor::test
