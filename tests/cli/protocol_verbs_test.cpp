// `rigor validate` and `rigor plan` end to end (in process).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_test_util.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string example(const std::string& name) {
  return std::string(RIGOR_CLI_DATA_DIR) + "/../../../protocols/examples/" + name;
}

std::string hash_line(const std::string& out) {
  const auto pos = out.find("sha256 ");
  return pos == std::string::npos ? "" : out.substr(pos + 7, 64);
}

TEST(ValidateVerb, HelpStartsWithUsage) {
  const CliResult r = run_cli({"validate", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, StartsWith("Usage: rigor validate"));
  const CliResult p = run_cli({"plan", "--help"});
  EXPECT_EQ(p.code, 0);
  EXPECT_THAT(p.out, StartsWith("Usage: rigor plan"));
}

TEST(ValidateVerb, PrintsTheCanonicalHash) {
  const CliResult r = run_cli({"validate", example("synthetic_tiny.toml")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(
      r.out,
      HasSubstr("valid protocol \"tiny-moons\" (2 arms, 8 replicates each, 1 metrics, 1 claims)"));
  const std::string h = hash_line(r.out);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_THAT(r.out, HasSubstr("master seed 20261123\n"));
  const CliResult same = run_cli({"validate", example("synthetic_tiny.toml"), "--expect-hash", h});
  EXPECT_EQ(same.code, 0);
  EXPECT_THAT(same.out, HasSubstr("hash matches the registered protocol"));
  const CliResult differ =
      run_cli({"validate", example("synthetic_tiny.toml"), "--expect-hash", std::string(64, '0')});
  EXPECT_EQ(differ.code, 1);
  EXPECT_THAT(differ.err, HasSubstr("the protocol's meaning changed since registration"));
  const CliResult canon = run_cli({"validate", example("synthetic_tiny.toml"), "--canonical"});
  EXPECT_THAT(canon.out, HasSubstr("\nrigor-protocol-canonical 1\nstudy.name = \"tiny-moons\"\n"));
}

TEST(ValidateVerb, EveryExampleIsValid) {
  for (const char* name :
       {"synthetic_tiny.toml", "fashion_mnist_dropout.toml", "ablation.toml", "lr_sweep.toml"}) {
    const CliResult r = run_cli({"validate", example(name)});
    EXPECT_EQ(r.code, 0) << name << ": " << r.err;
  }
}

TEST(ValidateVerb, ReportsErrorsWithFileLineAndColumn) {
  const CliResult r = run_cli({"validate", data_path("no-such-protocol.toml")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "rigor validate: " + data_path("no-such-protocol.toml") +
                       ":0:0: (file): cannot be opened; check the path\n");
  const CliResult missing = run_cli({"validate"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("missing the protocol file (rigor validate PROTOCOL.toml)"));
  const CliResult bad = run_cli({"validate", "--frobnicate", example("synthetic_tiny.toml")});
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("unrecognised option '--frobnicate'"));
}

TEST(ValidateVerb, DiffAgainstAStoredProtocol) {
  const CliResult r = run_cli(
      {"validate", example("synthetic_tiny.toml"), "--diff", example("synthetic_tiny.toml")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(identical):\n  unchanged  wide-beats-narrow\n"));
}

TEST(PlanVerb, TextListsCellsTotalsPowerAndLooks) {
  const CliResult r = run_cli({"plan", example("fashion_mnist_dropout.toml")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("baseline-r0"));
  EXPECT_THAT(r.out, HasSubstr("dropout-r2"));
  EXPECT_THAT(r.out, HasSubstr("... 34 more cells (--cells lists all)"));
  EXPECT_THAT(r.out, HasSubstr("total: 40 runs, 800 epochs (2 arms x 20 replicates)"));
  EXPECT_THAT(r.out, HasSubstr("dropout-improves-accuracy: "));
  EXPECT_THAT(r.out, HasSubstr("sequential design (obrien-fleming spending)"));
  EXPECT_THAT(r.out, HasSubstr("look at   10 replicates (t = 0.5000): z >= "));
  const CliResult all = run_cli({"plan", example("fashion_mnist_dropout.toml"), "--cells"});
  EXPECT_THAT(all.out, HasSubstr("dropout-r19"));
}

TEST(PlanVerb, JsonHasEveryCellAndMatchesTheText) {
  const CliResult r = run_cli({"plan", example("synthetic_tiny.toml"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["study"], "tiny-moons");
  EXPECT_EQ(j["master_seed"], 20261123u);
  EXPECT_EQ(j["total_runs"], 16);
  EXPECT_EQ(j["total_epochs"], 80);
  ASSERT_EQ(j["cells"].size(), 16u);
  EXPECT_EQ(j["cells"][0]["id"], "narrow-r0");
  EXPECT_EQ(j["cells"][8]["id"], "wide-r0");
  // Paired: replicate r of both arms shares every seed.
  EXPECT_EQ(j["cells"][3]["seeds"], j["cells"][11]["seeds"]);
  EXPECT_NE(j["cells"][3]["seeds"]["init"], j["cells"][4]["seeds"]["init"]);
  EXPECT_EQ(j["cells"][3]["seeds"]["split"], j["cells"][4]["seeds"]["split"]);
  ASSERT_EQ(j["power"].size(), 1u);
  EXPECT_EQ(j["power"][0]["method"],
            "simulated Wilcoxon signed-rank test, one-sided: normal differences with sd = "
            "pilot_sd; 1000 studies per n, SE <= 0.016");
  EXPECT_TRUE(j["power"][0]["seeds_needed"].is_number_integer());
  EXPECT_TRUE(j["power"][0]["simulation_seed"].is_number_unsigned());
  EXPECT_EQ(j["power"][0]["simulations"], 1000);
  EXPECT_TRUE(j["sequential"].empty());
  const std::string text = run_cli({"plan", example("synthetic_tiny.toml")}).out;
  EXPECT_THAT(text, HasSubstr("sha256 " + j["sha256"].get<std::string>()));
}

}  // namespace
}  // namespace rigor::test
