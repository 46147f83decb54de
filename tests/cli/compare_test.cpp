// Tests for harness/cli/src/compare.cpp and csv.cpp: `rigor compare`.
// Expected t statistics from R 4.2.2:
//   a <- c(0.912,0.921,0.905,0.918,0.925,0.915); b <- c(0.901,0.899,0.907,0.895,0.903,0.900)
//   t.test(a, b, alternative = "greater")  # t = 4.58102700424079, df = 7.94639149919837, p =
//   0.000915602080558213 t.test(a, b, paired = TRUE)            # t = 3.8447653550623, df = 5, p =
//   0.0120651075989471
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_test_util.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;

TEST(RigorCompare, WelchTableMatchesRAndSupportsTheClaim) {
  const auto r = run_cli({"compare", data_path("arm_a.csv"), data_path("arm_b.csv"), "--column",
                          "acc", "--alternative", "greater"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Welch t"));
  EXPECT_THAT(r.out, HasSubstr("t = 4.581 (df 7.946)"));
  EXPECT_THAT(r.out, HasSubstr("0.0009"));
  EXPECT_THAT(r.out, HasSubstr("verdict (Welch t): supported"));
}

TEST(RigorCompare, JsonCarriesFullPrecisionResults) {
  const auto r = run_cli({"compare", data_path("arm_a.csv"), data_path("arm_b.csv"), "--column",
                          "acc", "--alternative", "greater", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["primary"], "welch");
  EXPECT_EQ(j["verdict"], "supported");
  const auto& t = j["tests"][0]["result"];
  EXPECT_NEAR(t["statistic"].get<double>(), 4.58102700424079, 1e-10);
  EXPECT_NEAR(t["df"].get<double>(), 7.94639149919837, 1e-10);
  EXPECT_NEAR(t["p_value"].get<double>(), 0.000915602080558213, 1e-14);
  EXPECT_EQ(t["ci"][1], "inf");  // one-sided interval
  EXPECT_EQ(j["a"]["summary"]["n"], 6);
  EXPECT_EQ(j["effect_sizes"][0]["method"], "Hedges' g");
}

TEST(RigorCompare, PairedRunsPairedTests) {
  const auto r = run_cli({"compare", data_path("arm_a.csv"), data_path("arm_b.csv"), "--column",
                          "2", "--paired", "--test", "all", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["tests"].size(), 4u);
  EXPECT_EQ(j["tests"][0]["test"], "paired_t");
  EXPECT_NEAR(j["tests"][0]["result"]["statistic"].get<double>(), 3.8447653550623, 1e-10);
  EXPECT_EQ(j["tests"][1]["test"], "wilcoxon");
  EXPECT_EQ(j["tests"][2]["test"], "permutation");
  EXPECT_EQ(j["tests"][3]["test"], "aso");
  EXPECT_EQ(j["effect_sizes"][0]["method"], "Cohen's d_z");  // paired: SD of the differences
  EXPECT_NEAR(j["effect_sizes"][0]["estimate"].get<double>(), 1.569618883438871, 1e-12);
}

TEST(RigorCompare, WrongDirectionIsNotSupportedAndExitsOne) {
  const auto r = run_cli({"compare", data_path("arm_b.csv"), data_path("arm_a.csv"), "--column",
                          "acc", "--alternative", "greater"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("not supported (significant in the other direction)"));
}

TEST(RigorCompare, UnderpoweredClaimIsInconclusiveWithSeedsNeeded) {
  const auto r = run_cli({"compare", data_path("arm_a.csv"), data_path("arm_b.csv"), "--column",
                          "acc", "--test", "mwu", "--alpha", "0.001", "--min-effect", "0.002"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("inconclusive (power"));
  EXPECT_THAT(r.out, HasSubstr("seeds per arm for 80%"));
}

TEST(RigorCompare, ConstantArmsAreReportedAsNoVariance) {
  const auto r = run_cli({"compare", data_path("const_a.csv"), data_path("const_b.csv")});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("inconclusive (no variance across seeds)"));
  EXPECT_THAT(r.out, HasSubstr("no variance:"));
}

TEST(RigorCompare, BadCellNamesFileLineAndColumn) {
  const auto r = run_cli({"compare", data_path("bad_cell.csv"), data_path("arm_b.csv")});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(
      r.err,
      HasSubstr("bad_cell.csv:3:1: \"abc\" is not a number; every score must be a finite number"));
}

TEST(RigorCompare, MissingColumnListsTheHeader) {
  const auto r =
      run_cli({"compare", data_path("arm_a.csv"), data_path("arm_b.csv"), "--column", "accuracy"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(
      r.err,
      HasSubstr("arm_a.csv:1: no column named \"accuracy\" in the header (seed, acc, loss)"));
}

TEST(RigorCompare, MissingFileIsNamed) {
  const auto r = run_cli({"compare", "/nonexistent/a.csv", data_path("arm_b.csv")});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("cannot open \"/nonexistent/a.csv\"; check the path"));
}

TEST(RigorCompare, PairedNeedsEqualCounts) {
  const auto r = run_cli({"compare", data_path("arm_a.csv"), data_path("short.csv"), "--column",
                          "2", "--column-b", "1", "--paired"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--paired needs one score per seed in both files"));
}

TEST(RigorCompare, UsageErrorsExplainTheFix) {
  auto r =
      run_cli({"compare", data_path("arm_a.csv"), data_path("arm_b.csv"), "--test", "wilcoxon"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("add --paired"));
  r = run_cli({"compare", data_path("arm_a.csv"), data_path("arm_b.csv"), "--test", "ttest"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--test ttest is not known"));
  r = run_cli({"compare", data_path("arm_a.csv"), data_path("arm_b.csv"), "--alpha", "1.5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--alpha is 1.5, but must be in (0, 1)"));
  r = run_cli({"compare", data_path("arm_a.csv")});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("two score files are required"));
}

}  // namespace
}  // namespace rigor::test
