// Tests for harness/cli/src/report_verbs.cpp: `rigor analyze`, `rigor report`, `rigor import`, end
// to end on a store imported from a CSV produced elsewhere (tests/reports/data/import_results.csv,
// protocol tests/reports/data/import_protocol.toml). The analysis itself is tested in
// tests/reports; here: options, exit codes, files written, and error messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "../store/store_test_util.h"
#include "cli_test_util.h"
#include "rigor/store/store.h"

namespace rigor::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string reports_data(const std::string& name) {
  return std::string(RIGOR_REPORTS_DATA_DIR) + "/" + name;
}

// A fresh scratch directory per test and process (the store tests' helper).
std::filesystem::path scratch(const std::string& name) {
  return store::test::scratch_dir("report_verbs_" + name);
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Imports the committed CSV into dir/study.h5 and returns its path.
std::string imported_store(const std::filesystem::path& dir,
                           const std::string& csv = reports_data("import_results.csv")) {
  const std::string out = (dir / "study.h5").string();
  const auto r =
      run_cli({"import", csv, "--protocol", reports_data("import_protocol.toml"), "-o", out});
  EXPECT_EQ(r.code, 0) << r.err;
  return out;
}

// The committed results with the arms' accuracies swapped: the claim "dropout helps" then fails.
std::string swapped_csv(const std::filesystem::path& dir) {
  std::string csv = read(reports_data("import_results.csv"));
  const std::string placeholder = "@@";
  using Swap = std::pair<std::string, std::string>;
  for (const auto& [from, to] : {Swap{"dropout,", placeholder}, Swap{"baseline,", "dropout,"},
                                 Swap{placeholder, "baseline,"}}) {
    for (auto pos = csv.find(from); pos != std::string::npos; pos = csv.find(from, pos + 1)) {
      csv.replace(pos, from.size(), to);
    }
  }
  const auto path = dir / "swapped.csv";
  write(path, csv);
  return path.string();
}

TEST(RigorAnalyze, PrintsVerdictsWritesAnalysisAndExitsZero) {
  const auto dir = scratch("analyze");
  const std::string store = imported_store(dir);
  const auto r = run_cli({"analyze", store});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("study    imported-dropout"));
  EXPECT_THAT(r.out, HasSubstr("(pre-registered)"));
  EXPECT_THAT(r.out, HasSubstr("10 runs: 9 complete, 1 diverged, 0 failed, 0 not run"));
  EXPECT_THAT(r.out, HasSubstr("dropout-helps  wilcoxon"));
  EXPECT_THAT(r.out, HasSubstr("0.0312"));  // wilcox.test(..., paired = TRUE): p = 0.03125
  EXPECT_THAT(r.out, HasSubstr("[diverged_runs] arm \"baseline\": 1 of 5 runs diverged"));
  EXPECT_THAT(r.out, HasSubstr("1 of 1 claims supported"));
  EXPECT_THAT(r.out, HasSubstr("analysis written to " + store + ":/analysis/claims"));
  const auto reader = store::StoreReader::open(store);
  const auto analysis = reader.analysis();
  ASSERT_EQ(analysis.count("claims"), 1U);
  const auto j = nlohmann::json::parse(analysis.at("claims"));
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["claims"][0]["verdict"], "supported");
  EXPECT_EQ(j["provenance"]["source"], "external");
}

TEST(RigorAnalyze, JsonWithoutWriting) {
  const auto dir = scratch("analyze_json");
  const std::string store = imported_store(dir);
  const auto r = run_cli({"analyze", store, "--json", "--no-write"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["store"], store);
  EXPECT_EQ(j["claims"][0]["result"]["p_value"], 0.03125);
  EXPECT_EQ(j["all_supported"], true);
  EXPECT_TRUE(store::StoreReader::open(store).analysis().empty());
}

TEST(RigorAnalyze, ExitsOneWhenAClaimIsNotSupported) {
  const auto dir = scratch("analyze_fail");
  const std::string store = imported_store(dir, swapped_csv(dir));
  const auto r = run_cli({"analyze", store, "--no-write"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("not supported"));
  EXPECT_THAT(r.out, HasSubstr("0 of 1 claims supported"));
}

TEST(RigorAnalyze, LockedStoreIsAnalysedButNotWritten) {
  const auto dir = scratch("analyze_locked");
  const std::string store = imported_store(dir);
  auto writer = store::StoreWriter::open(store);  // a study "running" on the store
  const auto r = run_cli({"analyze", store});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: the analysis was not written to " + store +
                               ":/analysis/claims: a study is writing the store right now"));
  EXPECT_THAT(r.err, HasSubstr("rerun `rigor analyze` when the study has finished"));
  EXPECT_THAT(r.out, HasSubstr("[store_locked]"));
  EXPECT_THAT(r.out, HasSubstr("1 of 1 claims supported"));
  EXPECT_THAT(r.out, Not(HasSubstr("analysis written to")));
  writer.close();
  EXPECT_TRUE(store::StoreReader::open(store).analysis().empty());
}

TEST(RigorAnalyze, BadInputExitsTwo) {
  auto r = run_cli({"analyze"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("rigor analyze: missing STORE: rigor analyze study.h5"));
  r = run_cli({"analyze", "/nonexistent/study.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("rigor analyze: /nonexistent/study.h5"));
  // The registered alpha cannot be overridden.
  r = run_cli({"analyze", "study.h5", "--alpha", "0.1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unrecognised option '--alpha'"));
}

TEST(RigorAnalyze, HelpStatesTheExitCodes) {
  const auto r = run_cli({"analyze", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("Exit code: 0 when every claim is supported, 1 otherwise"));
  EXPECT_THAT(r.out, HasSubstr("--no-write"));
}

TEST(RigorReport, WritesMarkdownJsonAndHtml) {
  const auto dir = scratch("report");
  const std::string store = imported_store(dir);
  const auto md = dir / "report.md", json = dir / "report.json", html = dir / "report.html";
  const auto r =
      run_cli({"report", store, "-o", html.string(), "--md", md.string(), "--json", json.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("wrote " + md.string()));
  EXPECT_THAT(read(md), StartsWith("# Claims analysis: imported-dropout"));
  EXPECT_THAT(read(md), HasSubstr("| dropout-helps | wilcoxon | "));
  EXPECT_EQ(nlohmann::json::parse(read(json))["claims"][0]["id"], "dropout-helps");
  const std::string page = read(html);
  EXPECT_THAT(page, HasSubstr("<html"));
  EXPECT_THAT(page, HasSubstr("dropout-helps"));
  // `report` does not write into the store unless asked.
  EXPECT_TRUE(store::StoreReader::open(store).analysis().empty());
  const auto again = run_cli({"report", store, "--md", md.string(), "--write-analysis"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(store::StoreReader::open(store).analysis().count("claims"), 1U);
}

TEST(RigorReport, VerdictsDoNotChangeTheExitCode) {
  const auto dir = scratch("report_fail");
  const std::string store = imported_store(dir, swapped_csv(dir));
  const auto r = run_cli({"report", store, "--md", (dir / "r.md").string()});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(RigorReport, UsageErrors) {
  auto r = run_cli({"report", "study.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no output requested: give -o report.html, --md, --json or --pdf"));
  r = run_cli({"report", "study.h5", "--pdf", "r.pdf"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--pdf prints the HTML report: give -o report.html too"));
  r = run_cli({"report", "-o", "r.html"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing STORE"));
  const auto dir = scratch("report_bad_dir");
  const std::string store = imported_store(dir);
  r = run_cli({"report", store, "--md", "/nonexistent/dir/r.md"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/dir/r.md: cannot write the Markdown report"));
}

TEST(RigorImport, RecordsExternalResults) {
  const auto dir = scratch("import");
  const std::string out = (dir / "study.h5").string();
  const auto r = run_cli({"import", reports_data("import_results.csv"), "--protocol",
                          reports_data("import_protocol.toml"), "-o", out});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported 10 runs from " + reports_data("import_results.csv") +
                               " into " + out));
  EXPECT_THAT(r.out, HasSubstr("next: rigor analyze " + out));
  const auto reader = store::StoreReader::open(out);
  EXPECT_EQ(reader.provenance().at("source"), "external");
  EXPECT_EQ(reader.provenance().at("import.protocol"), reports_data("import_protocol.toml"));
  EXPECT_EQ(reader.protocol().text, read(reports_data("import_protocol.toml")));
  EXPECT_EQ(reader.run("dropout-r0").epoch_metrics.at("loss").size(), 2U);
  // Never overwrites.
  const auto again = run_cli({"import", reports_data("import_results.csv"), "--protocol",
                              reports_data("import_protocol.toml"), "-o", out});
  EXPECT_EQ(again.code, 2);
  EXPECT_THAT(again.err, HasSubstr(out + ": exists; import creates a new store"));
}

TEST(RigorImport, BadRowNamesLineAndColumn) {
  const auto dir = scratch("import_bad");
  std::string csv = read(reports_data("import_results.csv"));
  csv.replace(csv.find("0.9034"), 6, "0.9O34");  // letter O: line 5, column 4
  write(dir / "results.csv", csv);
  const auto r = run_cli({"import", (dir / "results.csv").string(), "--protocol",
                          reports_data("import_protocol.toml"), "-o", (dir / "s.h5").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("results.csv:5:4: column \"accuracy\" is \"0.9O34\", but must be a "
                               "number"));
  EXPECT_FALSE(std::filesystem::exists(dir / "s.h5"));
}

TEST(RigorImport, MissingReplicatesNeedAllowMissing) {
  const auto dir = scratch("import_missing");
  std::string csv = read(reports_data("import_results.csv"));
  const auto pos = csv.find("dropout,4,");
  csv.erase(pos, csv.find('\n', pos) - pos + 1);
  write(dir / "results.csv", csv);
  const std::vector<std::string> args = {"import",     (dir / "results.csv").string(),
                                         "--protocol", reports_data("import_protocol.toml"),
                                         "-o",         (dir / "s.h5").string()};
  auto r = run_cli(args);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("arm \"dropout\" has 4 of seeds.replicates = 5 runs; missing "
                               "replicate 4; add their rows, or pass --allow-missing"));
  auto allowed = args;
  allowed.push_back("--allow-missing");
  r = run_cli(allowed);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: arm \"dropout\" has 4 of seeds.replicates = 5 runs"));
  // The analysis then reports the claim as inconclusive, naming the missing run.
  const auto a = run_cli({"analyze", (dir / "s.h5").string(), "--no-write"});
  EXPECT_EQ(a.code, 1);
  EXPECT_THAT(a.out, HasSubstr("inconclusive: runs missing"));
  EXPECT_THAT(a.out, HasSubstr("1 run failed or missing; rerun `rigor run <protocol> --store"));
}

TEST(RigorImport, UsageErrors) {
  auto r = run_cli({"import", "results.csv", "-o", "s.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--protocol P.toml is required"));
  r = run_cli({"import", "results.csv", "--protocol", "P.toml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("-o study.h5 is required"));
  r = run_cli({"import", "--protocol", "P.toml", "-o", "s.h5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing results.csv"));
  const auto dir = scratch("import_usage");
  r = run_cli({"import", "results.csv", "--protocol", "/nonexistent/P.toml", "-o",
               (dir / "s.h5").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/P.toml: cannot read the protocol"));
}

}  // namespace
}  // namespace rigor::test
