// Tests for harness/cli/src/app.cpp: help, version, verb dispatch and exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_test_util.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;

TEST(RigorApp, HelpListsEveryVerb) {
  const auto r = run_cli({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("Usage: rigor <verb>"));
  EXPECT_THAT(r.out, HasSubstr("compare"));
  EXPECT_THAT(r.out, HasSubstr("stats"));
  EXPECT_THAT(r.out, HasSubstr("Exit codes: 0 ok, 1"));
}

TEST(RigorApp, NoArgumentsIsAUsageError) {
  const auto r = run_cli({});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("Usage: rigor <verb>"));
}

TEST(RigorApp, VersionNamesVersionAndCommit) {
  const auto r = run_cli({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, ::testing::MatchesRegex(
                         "rigor [0-9]+\\.[0-9]+\\.[0-9]+ \\(commit ([0-9a-f]+|unknown)\\)\n"));
}

TEST(RigorApp, UnknownVerbIsNamed) {
  const auto r = run_cli({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "rigor: unknown verb \"frobnicate\"; run `rigor --help` for the list\n");
}

TEST(RigorApp, EveryVerbHasHelp) {
  for (const char* verb : {"compare", "stats"}) {
    const auto r = run_cli({verb, "--help"});
    EXPECT_EQ(r.code, 0) << verb;
    EXPECT_THAT(r.out, HasSubstr(std::string("Usage: rigor ") + verb)) << verb;
  }
}

TEST(RigorApp, UnknownOptionIsAUsageErrorNamingTheVerb) {
  const auto r = run_cli({"stats", "--frob"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("rigor stats: "));
  EXPECT_THAT(r.err, HasSubstr("frob"));
  EXPECT_THAT(r.err, HasSubstr("rigor stats --help"));
}

}  // namespace
}  // namespace rigor::test
