// `rigor run` and `rigor verify`: help and usage errors (in process; the studies themselves are
// tested in tests/harness).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_test_util.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(RunVerb, HelpStartsWithUsage) {
  const auto r = run_cli({"run", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, StartsWith("Usage: rigor run PROTOCOL.toml --store STUDY.h5"));
  EXPECT_THAT(r.out, HasSubstr("--cells i/N"));
}

TEST(RunVerb, MissingStoreIsAUsageError) {
  const auto r = run_cli({"run", "p.toml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing --store STUDY.h5 (where the runs are recorded)"));
}

TEST(RunVerb, MissingProtocolIsAUsageError) {
  const auto r = run_cli({"run", "--store", "s.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing the protocol file (rigor run PROTOCOL.toml --store"));
}

TEST(RunVerb, BadCellsNamesTheValueAndTheForm) {
  for (const char* bad : {"3", "4/4", "-1/2", "a/b", "1/0"}) {
    const auto r = run_cli({"run", "p.toml", "--store", "s.h5", "--cells", bad});
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_THAT(r.err, HasSubstr(std::string("--cells is \"") + bad +
                                 "\", but must be i/N with 0 <= i < N"))
        << bad;
  }
}

TEST(RunVerb, BadProgressAndThreadsAreUsageErrors) {
  auto r = run_cli({"run", "p.toml", "--store", "s.h5", "--progress", "fancy"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--progress is \"fancy\", but must be auto, bar or lines"));
  r = run_cli({"run", "p.toml", "--store", "s.h5", "--threads", "0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--threads must be at least 1"));
}

TEST(RunVerb, MissingProtocolFileNamesIt) {
  const auto r = run_cli({"run", "/nonexistent/p.toml", "--store", "/tmp/rigor-never.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/p.toml"));
}

TEST(VerifyVerb, HelpAndMissingStore) {
  auto r = run_cli({"verify", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, StartsWith("Usage: rigor verify STUDY.h5"));
  r = run_cli({"verify"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing the store (rigor verify STUDY.h5)"));
  r = run_cli({"verify", "s.h5", "--tolerance", "-1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--tolerance must be >= 0"));
}

}  // namespace
}  // namespace rigor::test
