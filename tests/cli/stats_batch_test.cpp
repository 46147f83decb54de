// Tests for harness/cli/src/stats_batch.cpp and ops/request.cpp: the `rigor stats` plumbing shared
// by every op (input forms, error places, --keep-going, --list-ops). Op values are tested per op
// file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_test_util.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;  // keeps key order: "op" comes first

TEST(RigorStats, SingleObjectGivesSingleResultStartingWithOp) {
  const auto r = run_cli({"stats"}, R"({"op": "t_test", "x": [1, 2, 3, 4], "mu": 1})");
  ASSERT_EQ(r.code, 0) << r.err;
  const Json j = Json::parse(r.out);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.begin().key(), "op");
  EXPECT_EQ(j["op"], "t_test");
  EXPECT_EQ(j["method"], "One Sample t-test");
}

TEST(RigorStats, ArrayGivesResultsInTheSameOrder) {
  const auto r = run_cli({"stats"}, R"([{"op": "adjust", "p": [0.01, 0.02], "method": "bonferroni"},
                                        {"op": "t_test", "x": [1, 2, 3], "y": [4, 5, 6]}])");
  ASSERT_EQ(r.code, 0) << r.err;
  const Json j = Json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["op"], "adjust");
  EXPECT_EQ(j[0]["adjusted"], Json::parse("[0.02, 0.04]"));
  EXPECT_EQ(j[1]["op"], "t_test");
}

TEST(RigorStats, ReadsARequestFile) {
  const std::string path = ::testing::TempDir() + "/rigor_stats_request.json";
  std::ofstream(path) << R"({"op": "t_test", "x": [1, 2, 3, 4]})";
  const auto r = run_cli({"stats", path, "--pretty"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\n  \"op\": \"t_test\""));
}

TEST(RigorStats, ErrorsNameTheRequestAndTheField) {
  auto r = run_cli({"stats"}, R"([{"op": "t_test", "x": [1, 2, 3]}, {"op": "t_tset", "x": [1]}])");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty());  // nothing partial on stdout
  EXPECT_THAT(r.err, HasSubstr("<stdin>: request[1]: unknown op \"t_tset\"; known ops: t_test, "));
  r = run_cli({"stats"}, R"({"x": [1, 2]})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("<stdin>: request: field \"op\" is required and must be a string"));
  r = run_cli({"stats"}, R"({"op": "t_test", "x": [1, 2, 3], "pairedd": true})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(
      r.err,
      HasSubstr("<stdin>: request (op \"t_test\"): unknown field \"pairedd\"; known fields: op, "));
  r = run_cli({"stats"}, R"({"op": "t_test", "x": [1, "2", 3]})");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("field \"x\"[1] is a string, but must be a number"));
  r = run_cli({"stats"}, R"([3])");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("<stdin>: request[0]: must be a JSON object with an \"op\" field"));
}

TEST(RigorStats, StatisticalErrorsCarryTheRequestPlace) {
  const auto r = run_cli({"stats"}, R"([{"op": "t_test", "x": [1]}])");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(
      r.err,
      HasSubstr("<stdin>: request[0] (op \"t_test\"): x has 1 value, but at least 2 are required"));
}

TEST(RigorStats, InvalidJsonIsNamed) {
  const auto r = run_cli({"stats"}, R"({"op": "t_test", "x": [1, 2,)");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("rigor stats: <stdin>: not valid JSON: "));
}

TEST(RigorStats, MissingFileIsNamed) {
  const auto r = run_cli({"stats", "/nonexistent/requests.json"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err,
              HasSubstr("cannot open request file \"/nonexistent/requests.json\"; check the path"));
}

TEST(RigorStats, KeepGoingReplacesFailuresAndStillExitsTwo) {
  const auto r = run_cli({"stats", "--keep-going"},
                         R"([{"op": "t_test", "x": [1]}, {"op": "t_test", "x": [1, 2, 3]}])");
  EXPECT_EQ(r.code, 2);
  const Json j = Json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["op"], "t_test");
  EXPECT_THAT(j[0]["error"].get<std::string>(), HasSubstr("at least 2 are required"));
  EXPECT_EQ(j[1]["method"], "One Sample t-test");
}

TEST(RigorStats, ListOpsNamesEveryOpOfTheIssue) {
  const auto r = run_cli({"stats", "--list-ops"});
  ASSERT_EQ(r.code, 0);
  for (const char* op : {"t_test",
                         "mann_whitney",
                         "wilcoxon",
                         "adjust",
                         "effect_size",
                         "bootstrap_ci",
                         "permutation_test",
                         "aso",
                         "power_t",
                         "shapiro_wilk",
                         "ks_2samp",
                         "friedman",
                         "kruskal_wallis",
                         "sign_test",
                         "partial_conjunction",
                         "p_outperform",
                         "nemenyi",
                         "pairwise_wilcoxon",
                         "aggregate",
                         "power_simulation",
                         "power_noether"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string(op) + " ")) << op;
  }
}

TEST(RigorStats, InfiniteValuesAreWrittenAsStrings) {
  const auto r =
      run_cli({"stats"}, R"({"op": "t_test", "x": [1, 2, 3, 4], "alternative": "greater"})");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["ci"][1], "inf");
}

}  // namespace
}  // namespace rigor::test
