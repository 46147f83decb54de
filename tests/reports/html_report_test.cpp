// Tests of rigor/reports/html_report.h: the report of the fixture study end to end (analyze() ->
// html_report()), a hand-made Analysis (the rendering alone), escaping and the no-network rule,
// bad store documents, and the PDF command with stand-in Chromium scripts.
#include "rigor/reports/html_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "report_fixture.h"
#include "rigor/reports/analysis.h"
#include "text_count.h"

namespace rigor::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using rigor::reports::test::count;

// A fresh directory per test under the system temp dir, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            (std::string("rigor-html-report-") + info->test_suite_name() + "-" + info->name() +
             "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string fixture_report(const std::filesystem::path& dir, bool with_verify = true) {
  test::write_fixture_store(dir / "study.h5", with_verify);
  const auto store = store::StoreReader::open(dir / "study.h5");
  AnalyzeOptions options;
  options.rigor_version = "test";
  options.created = "2026-11-23T12:30:00Z";
  return html_report(analyze(store, options), store);
}

// ---- End to end on the fixture study -----------------------------------------------------------

TEST(HtmlReport, FixtureReportHasEverySectionAndChart) {
  TempDir dir;
  const std::string s = fixture_report(dir.path());
  for (const char* id : {"summary", "effects", "claim-1", "claim-2", "learning-curves", "multi-arm",
                         "determinism", "hardest-examples", "runs", "provenance", "protocol"}) {
    EXPECT_THAT(s, HasSubstr(std::string("<section id=\"") + id + "\">")) << id;
  }
  EXPECT_EQ(count(s, "data-chart=\"strip-box\""), 2U);  // one per claim
  EXPECT_EQ(count(s, "data-chart=\"forest\""), 1U);     // both claims: accuracy, min effect 0.01
  EXPECT_EQ(count(s, "data-chart=\"line-band\""), 2U);  // train_loss, validation_accuracy
  EXPECT_EQ(count(s, "data-chart=\"critical-difference\""), 1U);  // 3 paired arms
  EXPECT_THAT(s, HasSubstr("<title>rigor audit: report-fixture &lt;widths&gt;</title>"));
  // Verdict badges, one per claim in the summary and one in each claim section.
  EXPECT_EQ(count(s, "<span class=\"badge badge-"), 2U * 2U + 3U /*verify*/ + 2U /*hash*/);
  // Learning curves: the diverged run's NaN losses are skipped and said so.
  EXPECT_THAT(s, HasSubstr("band: min to max over runs; 2 non-finite values skipped"));
  // The failed and the diverged run with their messages.
  EXPECT_THAT(s, HasSubstr("<pre>worker died at epoch 2: std::bad_alloc &lt;out of memory&gt; "
                           "&amp; no retry left</pre>"));
  EXPECT_THAT(s, HasSubstr("<pre>train_loss is NaN at epoch 3 (step 57)</pre>"));
  // Provenance and protocol.
  EXPECT_THAT(s, HasSubstr("<td>GCC 12.2 &lt;fixture&gt;</td>"));
  EXPECT_THAT(s, HasSubstr("<pre># Fixture of tests/reports (report_fixture.h)"));
  EXPECT_THAT(s, HasSubstr("badge-supported\">match</span>"));
}

TEST(HtmlReport, FixtureReportShowsTheDeterminismAudit) {
  TempDir dir;
  const std::string s = fixture_report(dir.path());
  EXPECT_THAT(s, HasSubstr("1 bitwise identical, 1 within tolerance, 1 mismatch, 0 failed"));
  EXPECT_THAT(s, HasSubstr("<span class=\"badge badge-not-supported\">mismatch</span>"));
  EXPECT_THAT(s, HasSubstr("<td>&lt;params differ&gt; after epoch 1</td>"));
  EXPECT_THAT(s, HasSubstr("<td class=\"num\">2.500e-07</td>"));
  EXPECT_THAT(
      s, HasSubstr("<code title=\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                   "\">bbbbbbbbbbbbbbbb</code>"));
  EXPECT_THAT(s, HasSubstr("the study is not reproducible as recorded"));

  TempDir other;
  const std::string unverified = fixture_report(other.path(), /*with_verify=*/false);
  EXPECT_THAT(unverified, HasSubstr("Not verified: run rigor verify "));
  EXPECT_THAT(unverified, Not(HasSubstr("bitwise identical")));
}

TEST(HtmlReport, FixtureReportListsTheHardestExamples) {
  TempDir dir;
  const std::string s = fixture_report(dir.path());
  // narrow: example 11 has loss 1.6 + 0.01 ((r + 11) mod 3) -> mean 1.61 over 6 runs; target 1;
  // runs 1 and 4 predict 1, the other 4 predict 0 (report_fixture.h).
  EXPECT_THAT(s, HasSubstr("<caption>narrow (6 runs with per-example results)</caption>"));
  EXPECT_THAT(s, HasSubstr("<tr><td class=\"num\">1</td><td class=\"num\">11</td><td "
                           "class=\"num\">1.61</td><td class=\"num\">6</td><td "
                           "class=\"num\">1</td><td class=\"bad\">0 (4 of 6 runs)</td></tr>"));
  // Examples 3 and 17 (mean loss 1.51 up to rounding) come next.
  const std::regex second(
      "<td class=\"num\">2</td><td class=\"num\">(3|17)</td><td "
      "class=\"num\">1.51</td>");
  const std::regex third(
      "<td class=\"num\">3</td><td class=\"num\">(3|17)</td><td "
      "class=\"num\">1.51</td>");
  EXPECT_TRUE(std::regex_search(s, second));
  EXPECT_TRUE(std::regex_search(s, third));
  // wide: the diverged run's 20 NaN losses are left out; medium: the failed run has none.
  EXPECT_THAT(s, HasSubstr("<caption>wide (6 runs with per-example results, 20 non-finite "
                           "losses left out)</caption>"));
  EXPECT_THAT(s, HasSubstr("<caption>medium (5 runs with per-example results)</caption>"));
}

TEST(HtmlReport, EscapesUserTextAndMakesNoRequests) {
  TempDir dir;
  const std::string s = fixture_report(dir.path());
  // The claim statement "<script>alert(1)</script> ..." appears only escaped.
  EXPECT_THAT(s, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(s, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; A 64-unit MLP beats an 8-unit "
                           "one &amp; &quot;more&quot;"));
  EXPECT_EQ(count(s, "<script"), 1U);  // only the render check
  // No network references: no http://, and https:// only inside the escaped statement (summary,
  // claim section, protocol text), never in an attribute.
  EXPECT_EQ(count(s, "http://"), 0U);
  EXPECT_EQ(count(s, "https://"), count(s, "(see https://example.org/notes)"));
  EXPECT_GE(count(s, "https://"), 3U);
  EXPECT_EQ(count(s, "=\"https://"), 0U);
  EXPECT_THAT(s, Not(HasSubstr(" src=")));
  EXPECT_THAT(s, Not(HasSubstr("<link")));
  EXPECT_THAT(s, Not(HasSubstr("url(")));
  // Every href is an in-page anchor.
  const std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), href); it != std::sregex_iterator();
       ++it) {
    EXPECT_EQ((*it)[1].str().rfind('#', 0), 0U) << (*it)[0].str();
  }
}

TEST(HtmlReport, IsDeterministic) {
  TempDir a;
  TempDir b;
  EXPECT_EQ(fixture_report(a.path()), fixture_report(a.path()));
  // A different store path changes only the lines that name it.
  std::string x = fixture_report(a.path());
  std::string y = fixture_report(b.path());
  x = std::regex_replace(x, std::regex(a.path().string()), "STORE");
  y = std::regex_replace(y, std::regex(b.path().string()), "STORE");
  EXPECT_EQ(x, y);
}

// analyze() reads no series, examples or checkpoints and html_report() no per-step series or
// checkpoints (store::RunParts): with those parts damaged in every run (steps/ deleted, a group
// where the checkpoint dataset would be), both give the same bytes as on the intact store.
TEST(HtmlReport, AnalysisAndReportNeverReadStepsOrCheckpoints) {
  TempDir intact;
  TempDir damaged;
  const std::string want = fixture_report(intact.path());
  test::write_fixture_store(damaged.path() / "study.h5");
  const std::string path = (damaged.path() / "study.h5").string();
  {
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    for (const std::string& id : store::StoreReader::open(path).run_ids()) {
      const std::string run = "/runs/" + id;
      ASSERT_GE(H5Ldelete(f, (run + "/steps").c_str(), H5P_DEFAULT), 0) << id;
      const hid_t g =
          H5Gcreate2(f, (run + "/checkpoint").c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      ASSERT_GE(g, 0) << id;
      H5Gclose(g);
    }
    H5Fclose(f);
  }
  const auto store = store::StoreReader::open(path);
  EXPECT_THROW((void)store.run("narrow-r0"), store::StoreError);  // the damage is real
  AnalyzeOptions options;
  options.rigor_version = "test";
  options.created = "2026-11-23T12:30:00Z";
  std::string got = html_report(analyze(store, options), store);
  got = std::regex_replace(got, std::regex(damaged.path().string()), "STORE");
  EXPECT_EQ(got, std::regex_replace(want, std::regex(intact.path().string()), "STORE"));
}

// ---- A hand-made analysis: the rendering alone -------------------------------------------------

Score score(std::int64_t r, double v, store::RunStatus status = store::RunStatus::kComplete) {
  Score s;
  s.replicate = r;
  s.cell_id = "x-r" + std::to_string(r);
  s.status = status;
  s.value = v;
  s.recorded = v;
  return s;
}

Analysis hand_made_analysis() {
  Analysis a;
  a.created = "2026-01-01T00:00:00Z";
  a.rigor_version = "9.9.9";
  a.study_name = "hand made";
  a.protocol_text = "[study]\nname = \"hand made\"\n";
  a.protocol_hash = "feed";
  a.computed_hash = "beef";
  a.pre_registered = false;
  ArmSummary arm_a;
  arm_a.name = "a";
  arm_a.planned_replicates = 3;
  arm_a.status.complete = 3;
  ArmSummary arm_b = arm_a;
  arm_b.name = "b";
  a.arms = {arm_a, arm_b};

  ClaimResult c1;
  c1.id = "a-beats-b";
  c1.statement = "A beats B";
  c1.a = "a";
  c1.b = "b";
  c1.metric = "accuracy";
  c1.min_effect = 0.01;
  c1.scores_a = {score(0, 0.91), score(1, 0.92), score(2, 0.50, store::RunStatus::kDiverged)};
  c1.scores_a[2].substituted = true;
  c1.scores_b = {score(0, 0.88), score(1, 0.89), score(2, 0.87)};
  c1.test = ClaimTestResult{};
  c1.test->name = "welch";
  c1.test->method = "Welch Two Sample t-test";
  c1.test->statistic_name = "t";
  c1.test->statistic = 2.5;
  c1.test->df = 3.2;
  c1.test->p_value = 0.03;
  c1.test->p_corrected = 0.06;
  c1.effects.mean_difference = Estimate{"difference of means", 0.03, {{0.01, 0.05}}, 0.95};
  c1.verdict = Verdict::kInconclusive;
  c1.why = "power 41% for min effect 0.01";
  c1.power = PowerCheck{.power = 0.41, .sd = 0.01, .n = 3, .seeds_needed = 9, .method = "t-test"};

  ClaimResult c2 = c1;
  c2.id = "b-is-fast";
  c2.min_effect = 0.05;  // another min effect: another forest plot
  c2.verdict = Verdict::kSupported;
  c2.why.clear();
  c2.power.reset();

  ClaimResult c3 = c1;
  c3.id = "no-data";
  c3.test.reset();
  c3.effects = {};
  c3.verdict = Verdict::kRunsMissing;
  c3.unusable_a = 2;
  a.claims = {c1, c2, c3};
  a.warnings = {{"exploratory", "", "", "protocol changed", "re-register"},
                {"normality", "a-beats-b", "a", "Shapiro-Wilk p = 0.01 <x>", "see the rank test"}};
  return a;
}

void write_runs(const std::filesystem::path& path, const std::vector<store::RunRecord>& runs,
                const std::optional<std::string>& verify = std::nullopt) {
  store::ProtocolInfo info;
  info.text = "[study]\nname = \"hand made\"\n";
  info.hash = "feed";
  store::StoreOptions options;
  options.sync = false;
  auto w = store::StoreWriter::create(path, info, {{"host", "h"}}, options);
  for (const auto& r : runs) w.put_run(r);
  if (verify) w.put_analysis("verify", *verify);
  w.close();
}

store::RunRecord simple_run(const std::string& arm, int r) {
  store::RunRecord run;
  run.arm = arm;
  run.replicate = r;
  run.cell_id = arm + "-r" + std::to_string(r);
  run.status = store::RunStatus::kComplete;
  run.epoch_metrics["loss"] = {{0, 1.0 - 0.1 * r}, {1, 0.5}, {2, 0.25}};
  return run;
}

TEST(HtmlReport, RendersAHandMadeAnalysis) {
  TempDir dir;
  write_runs(dir.path() / "s.h5", {simple_run("a", 0), simple_run("a", 1), simple_run("b", 0)});
  const auto store = store::StoreReader::open(dir.path() / "s.h5");
  HtmlOptions options;
  options.title = "My <audit>";
  options.curve_band_sd = true;
  const std::string s = html_report(hand_made_analysis(), store, options);
  EXPECT_THAT(s, HasSubstr("<h1>My &lt;audit&gt;</h1>"));
  EXPECT_THAT(s, HasSubstr("store " + (dir.path() / "s.h5").string() +
                           " · analysed 2026-01-01T00:00:00Z · rigor 9.9.9"));
  // Verdicts: tone by verdict, reason and seeds needed.
  EXPECT_THAT(s, HasSubstr("<span class=\"badge badge-inconclusive\">inconclusive</span>"));
  EXPECT_THAT(s, HasSubstr("<span class=\"badge badge-supported\">supported</span>"));
  EXPECT_THAT(s, HasSubstr("badge-inconclusive\">inconclusive: runs missing</span>"));
  EXPECT_THAT(s, HasSubstr("<td>power 41% for min effect 0.01</td><td>9 (has 3; power 41%)</td>"));
  EXPECT_THAT(s,
              HasSubstr("<td class=\"num\">0.0600</td><td class=\"num\">0.03 [0.01, 0.05]</td>"));
  // Two min effects -> two forest plots; the claim without an estimate is named.
  EXPECT_EQ(count(s, "data-chart=\"forest\""), 2U);
  EXPECT_THAT(s, HasSubstr("No effect estimate (too few usable runs) for: no-data."));
  // Strip plots: the diverged score is a red ring; missing runs noted.
  EXPECT_EQ(count(s, "data-chart=\"strip-box\""), 3U);
  EXPECT_THAT(s, HasSubstr("n = 3, 1 diverged</text>"));
  EXPECT_THAT(s, HasSubstr("n = 3, 1 diverged, 2 no score</text>"));
  EXPECT_THAT(s, HasSubstr("The test did not run: fewer than 2 usable runs"));
  // Warnings: the study-wide one in the summary, the claim's one in its section, escaped.
  EXPECT_THAT(s,
              HasSubstr("<p class=\"warning\">exploratory: protocol changed Fix: re-register</p>"));
  EXPECT_THAT(s, HasSubstr("normality: Shapiro-Wilk p = 0.01 &lt;x&gt; Fix: see the rank test"));
  EXPECT_THAT(s, HasSubstr("badge-inconclusive\">exploratory</span>"));
  EXPECT_THAT(s, HasSubstr("badge-not-supported\">mismatch</span>"));  // hash feed != beef
  // Curves: mean +- sd band; no multi-arm block; no examples recorded.
  EXPECT_THAT(s, HasSubstr("band: mean +- 1 sd over runs"));
  EXPECT_THAT(s, Not(HasSubstr("id=\"multi-arm\"")));
  EXPECT_THAT(s, HasSubstr("No per-example test results recorded"));
  EXPECT_THAT(s, HasSubstr("Not verified: run rigor verify"));
}

TEST(HtmlReport, CurveMetricsOptionSelectsAndOrdersCharts) {
  TempDir dir;
  auto r0 = simple_run("a", 0);
  r0.epoch_metrics["acc"] = {{0, 0.5}, {1, 0.7}};
  write_runs(dir.path() / "s.h5", {r0});
  const auto store = store::StoreReader::open(dir.path() / "s.h5");
  HtmlOptions options;
  options.curve_metrics = {"loss", "missing-metric"};
  const std::string s = html_report(hand_made_analysis(), store, options);
  EXPECT_EQ(count(s, "data-chart=\"line-band\""), 1U);
  EXPECT_THAT(s, HasSubstr("missing-metric: no run recorded this epoch metric."));
  EXPECT_THAT(s, Not(HasSubstr("<title>acc</title>")));
}

// A run of arm `arm` whose test set holds the examples `index`, with the given losses (target
// index % 2, prediction 1 - target: every example mispredicted).
store::RunRecord run_with_examples(const std::string& arm, int r,
                                   const std::vector<std::int64_t>& index,
                                   const std::vector<double>& loss) {
  store::RunRecord run = simple_run(arm, r);
  run.examples.index = index;
  run.examples.loss = loss;
  for (std::int64_t i : index) {
    run.examples.target.push_back(i % 2);
    run.examples.prediction.push_back(1 - i % 2);
  }
  return run;
}

// Per-seed splits (split.mode = "per_seed"): each run tests other examples of the pool. An
// example is averaged over the runs that tested it, and the table says so.
TEST(HtmlReport, HardestExamplesWithDifferingTestSetsAverageOverTheRunsThatTestedThem) {
  TempDir dir;
  const double nan = std::nan("");
  write_runs(dir.path() / "s.h5",
             {// Arm a: three different test sets (one in another order), one NaN loss.
              run_with_examples("a", 0, {0, 1, 2, 3}, {0.1, 0.2, 0.9, 1.0}),
              run_with_examples("a", 1, {3, 2, 4, 5}, {2.0, 0.7, 0.3, 0.4}),
              run_with_examples("a", 2, {3, 5, 6}, {nan, 0.6, 3.0}),
              // Arm b: the same test set in both runs (as with split.mode = "fixed").
              run_with_examples("b", 0, {0, 1}, {0.5, 0.25}),
              run_with_examples("b", 1, {1, 0}, {0.75, 0.25})});
  const auto store = store::StoreReader::open(dir.path() / "s.h5");
  const std::string s = html_report(hand_made_analysis(), store);
  EXPECT_THAT(s, HasSubstr("<caption>a (3 runs with per-example results; their test sets differ "
                           "(split.mode = &quot;per_seed&quot;?): 7 distinct examples, each "
                           "averaged over the 1 to 3 runs that tested it, 1 non-finite losses "
                           "left out)</caption>"));
  // Ranked by the mean over the runs that tested each example: 6 (3.0, one run), 3 ((1.0 + 2.0)
  // / 2; three runs tested it, one loss is NaN: "2 of 3"), 2 ((0.9 + 0.7) / 2), 5, 4, 1, 0.
  const auto row = [](int rank, int example, const std::string& mean, const std::string& runs) {
    return "<tr><td class=\"num\">" + std::to_string(rank) + "</td><td class=\"num\">" +
           std::to_string(example) + "</td><td class=\"num\">" + mean + "</td><td class=\"num\">" +
           runs + "</td>";
  };
  std::size_t at = 0;
  for (const auto& [rank, example, mean, runs] :
       std::vector<std::tuple<int, int, std::string, std::string>>{{1, 6, "3", "1"},
                                                                   {2, 3, "1.5", "2 of 3"},
                                                                   {3, 2, "0.8", "2"},
                                                                   {4, 5, "0.5", "2"},
                                                                   {5, 4, "0.3", "1"},
                                                                   {6, 1, "0.2", "1"},
                                                                   {7, 0, "0.1", "1"}}) {
    const std::size_t next = s.find(row(rank, example, mean, runs), at);
    ASSERT_NE(next, std::string::npos) << row(rank, example, mean, runs);
    at = next;
  }
  // Example 3: target 1, predicted 0 by the three runs that tested it.
  EXPECT_THAT(s, HasSubstr("<td class=\"num\">1</td><td class=\"bad\">0 (3 of 3 runs)</td>"));
  // Arm b's test sets agree: no note; each example averaged over both runs (example 1:
  // (0.25 + 0.75) / 2).
  EXPECT_THAT(s, HasSubstr("<caption>b (2 runs with per-example results)</caption>"));
  EXPECT_THAT(s, HasSubstr(row(1, 1, "0.5", "2")));
  EXPECT_EQ(count(s, "their test sets differ"), 1U);
}

// ---- Bad store documents ----------------------------------------------------------------------

std::string report_error(const std::filesystem::path& path) {
  const auto store = store::StoreReader::open(path);
  try {
    (void)html_report(hand_made_analysis(), store);
  } catch (const ReportError& e) {
    return e.what();
  }
  return "no error";
}

TEST(HtmlReport, RejectsABadVerifyDocument) {
  TempDir dir;
  write_runs(dir.path() / "a.h5", {}, R"({"cells": [{"cell": "x", "outcome": "weird"}]})");
  EXPECT_THAT(report_error(dir.path() / "a.h5"),
              HasSubstr("a.h5:/analysis/verify: cells[0].outcome is \"weird\", but must be "
                        "bitwise, tolerance, mismatch or failed; rerun rigor verify"));
  write_runs(dir.path() / "b.h5", {}, "{not json");
  EXPECT_THAT(report_error(dir.path() / "b.h5"), HasSubstr("b.h5:/analysis/verify: not JSON"));
  write_runs(dir.path() / "c.h5", {}, R"({"cells": {}})");
  EXPECT_THAT(report_error(dir.path() / "c.h5"),
              HasSubstr("expected an object with an array \"cells\""));
  write_runs(dir.path() / "d.h5", {}, R"({"cells": [{"cell": 3, "outcome": "bitwise"}]})");
  EXPECT_THAT(report_error(dir.path() / "d.h5"), HasSubstr("cells[0].cell is not a string"));
}

TEST(HtmlReport, RejectsEpochsOutOfOrder) {
  TempDir dir;
  auto run = simple_run("a", 0);
  run.epoch_metrics["loss"] = {{0, 1.0}, {2, 0.5}, {1, 0.7}};
  write_runs(dir.path() / "s.h5", {run});
  EXPECT_THAT(report_error(dir.path() / "s.h5"),
              HasSubstr("s.h5:/runs/a-r0: epoch metric \"loss\" has epoch 1 after epoch 2"));
}

// ---- PDF ---------------------------------------------------------------------------------------

// Points PATH at one directory for the test's lifetime.
class ScopedPath {
 public:
  explicit ScopedPath(const std::filesystem::path& dir) {
    if (const char* old = std::getenv("PATH")) old_ = old;
    ::setenv("PATH", dir.c_str(), 1);
  }
  ~ScopedPath() {
    if (old_) {
      ::setenv("PATH", old_->c_str(), 1);
    } else {
      ::unsetenv("PATH");
    }
  }

 private:
  std::optional<std::string> old_;
};

// A stand-in "chromium" shell script in `dir` with the given body.
void fake_chromium(const std::filesystem::path& dir, const std::string& name,
                   const std::string& body) {
  const auto path = dir / name;
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  ::chmod(path.c_str(), 0755);
}

constexpr const char* kWritePdf =
    "for a in \"$@\"; do case \"$a\" in --print-to-pdf=*) printf '%%PDF-1.4 fake' > "
    "\"${a#--print-to-pdf=}\";; esac; done";

TEST(HtmlReportPdf, SaysHowToGetChromiumWhenAbsent) {
  TempDir dir;
  ScopedPath path(dir.path());
  EXPECT_FALSE(find_chromium().has_value());
  try {
    (void)pdf_command("r.html", "r.pdf");
    FAIL() << "no error";
  } catch (const ReportError& e) {
    EXPECT_STREQ(e.what(),
                 "PDF needs Chromium: install the Debian package chromium "
                 "(scripts/install-deps.sh installs it) or open the HTML and print it");
  }
  EXPECT_THROW(write_pdf(dir.path() / "r.html", dir.path() / "r.pdf"), ReportError);
}

TEST(HtmlReportPdf, CommandUsesChromiumOrChromiumBrowser) {
  TempDir dir;
  ScopedPath path(dir.path());
  fake_chromium(dir.path(), "chromium-browser", "exit 0");
  ASSERT_TRUE(find_chromium().has_value());
  EXPECT_EQ(*find_chromium(), dir.path() / "chromium-browser");
  fake_chromium(dir.path(), "chromium", "exit 0");
  EXPECT_EQ(*find_chromium(), dir.path() / "chromium");  // preferred
  EXPECT_THAT(
      pdf_command("/r/a b.html", "/r/out.pdf"),
      ElementsAre((dir.path() / "chromium").string(), "--headless", "--disable-gpu", "--no-sandbox",
                  "--no-pdf-header-footer", "--print-to-pdf=/r/out.pdf", "/r/a b.html"));
}

TEST(HtmlReportPdf, WritesThePdfChromiumPrints) {
  TempDir dir;
  std::ofstream(dir.path() / "r.html") << "<!DOCTYPE html><p>x</p>";
  ScopedPath path(dir.path());
  fake_chromium(dir.path(), "chromium", kWritePdf);
  write_pdf(dir.path() / "r.html", dir.path() / "r.pdf");
  std::ifstream pdf(dir.path() / "r.pdf");
  std::string head;
  pdf >> head;
  EXPECT_EQ(head, "%PDF-1.4");
}

TEST(HtmlReportPdf, ReportsChromiumFailures) {
  TempDir dir;
  std::ofstream(dir.path() / "r.html") << "<p>x</p>";
  ScopedPath path(dir.path());
  fake_chromium(dir.path(), "chromium", "echo 'boom: no display' >&2; exit 3");
  try {
    write_pdf(dir.path() / "r.html", dir.path() / "r.pdf");
    FAIL() << "no error";
  } catch (const ReportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("failed (exit status 3); output:\nboom: no display"));
  }
  fake_chromium(dir.path(), "chromium", "exit 0");  // succeeds but prints nothing
  try {
    write_pdf(dir.path() / "r.html", dir.path() / "r.pdf");
    FAIL() << "no error";
  } catch (const ReportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("exited normally but wrote no PDF"));
  }
  try {
    write_pdf(dir.path() / "missing.html", dir.path() / "r.pdf");
    FAIL() << "no error";
  } catch (const ReportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing.html does not exist; write the HTML report first"));
  }
}

}  // namespace
}  // namespace rigor::reports
