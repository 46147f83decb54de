// Tests of rigor/reports/analysis.h (and the JSON and Markdown renderings of an analysis): a
// deterministic store analysed end to end against a committed golden JSON and against R, and one
// test per data-policy rule and reviewer check.
//
// Golden file: tests/reports/data/analysis_golden.json (the JSON of the store built by
// golden_store(), with the date, rigor version and store path masked). After an intended change,
// regenerate it with
//   RIGOR_UPDATE_GOLDEN=1 /tmp/build/tests/reports/rigor_reports_tests
//   --gtest_filter='AnalysisGolden*'
// and review `git diff tests/reports/data`. Numbers are compared with a relative tolerance of 1e-9.
//
// Expected values from R 4.2.2 (Rscript); the data are those of golden_store():
//   narrow <- c(0.801, 0.812, 0.795, 0.806, 0.809, 0.795, 0.799, 0.815)  # r5 diverged: 0.795
//   wide   <- c(0.823, 0.818, 0.830, 0.815, 0.827, 0.821, 0.833, 0.819)
//   deep   <- c(0.810, 0.808, 0.822, 0.803, 0.817, 0.812, 0.806, 0.820)
//   lnarrow <- c(0.52, 0.49, 0.55, 0.50, 0.51, 0.55, 0.53, 0.48)      # r5 diverged: 0.55
//   lwide   <- c(0.45, 0.47, 0.43, 0.48, 0.44, 0.46, 0.42, 0.47)
//   ldeep   <- c(0.50, 0.49, 0.46, 0.51, 0.47, 0.48, 0.50, 0.45)
#include "rigor/reports/analysis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>

#include "reports_test_util.h"
#include "rigor/reports/json_report.h"
#include "rigor/reports/markdown.h"
#include "rigor/store/store.h"

namespace rigor::reports {
namespace {

using test::ArmValues;
using test::TestRun;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const ClaimResult& claim(const Analysis& a, const std::string& id) {
  for (const ClaimResult& c : a.claims) {
    if (c.id == id) return c;
  }
  ADD_FAILURE() << "no claim " << id;
  return a.claims.front();
}

std::vector<const Warning*> warnings_with(const Analysis& a, const std::string& code) {
  std::vector<const Warning*> out;
  for (const Warning& w : a.warnings) {
    if (w.code == code) out.push_back(&w);
  }
  return out;
}

std::vector<TestRun> golden_runs() {
  std::vector<TestRun> runs = test::runs_from({
      {"accuracy", ArmValues{{"narrow", {0.801, 0.812, 0.795, 0.806, 0.809, kNaN, 0.799, 0.815}},
                             {"wide", {0.823, 0.818, 0.830, 0.815, 0.827, 0.821, 0.833, 0.819}},
                             {"deep", {0.810, 0.808, 0.822, 0.803, 0.817, 0.812, 0.806, 0.820}}}},
      {"loss", ArmValues{{"narrow", {0.52, 0.49, 0.55, 0.50, 0.51, kNaN, 0.53, 0.48}},
                         {"wide", {0.45, 0.47, 0.43, 0.48, 0.44, 0.46, 0.42, 0.47}},
                         {"deep", {0.50, 0.49, 0.46, 0.51, 0.47, 0.48, 0.50, 0.45}}}},
  });
  test::find_run(runs, "narrow", 5).status = store::RunStatus::kDiverged;
  return runs;
}

std::filesystem::path golden_store(const std::string& name) {
  const auto path = test::scratch_dir(name) / "study.h5";
  test::make_store(path, test::read_text(test::data_path("golden_protocol.toml")), golden_runs());
  return path;
}

Analysis analyze_path(const std::filesystem::path& path, AnalyzeOptions options = {}) {
  const auto reader = store::StoreReader::open(path);
  options.rigor_version = "9.9.9";
  options.created = "2026-11-23T12:00:00Z";
  return analyze(reader, options);
}

// Masks the volatile parts of an analysis document: the store path (anywhere in a string),
// RFC 3339 dates, the rigor version, and the host.
void mask(nlohmann::ordered_json& j, const std::string& store_path) {
  static const std::regex date(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      if (key == "rigor_version" || key == "host") {
        value = "<MASKED>";
      } else {
        mask(value, store_path);
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) mask(v, store_path);
  } else if (j.is_string()) {
    std::string s = j.get<std::string>();
    for (auto pos = s.find(store_path); pos != std::string::npos; pos = s.find(store_path)) {
      s.replace(pos, store_path.size(), "<STORE>");
    }
    j = std::regex_replace(s, date, "<DATE>");
  }
}

// Compares two documents: numbers within a relative 1e-9, everything else exactly.
void expect_json_near(const nlohmann::ordered_json& got, const nlohmann::ordered_json& want,
                      const std::string& where) {
  if (got.is_number() && want.is_number()) {
    const double g = got.get<double>(), w = want.get<double>();
    EXPECT_NEAR(g, w, 1e-9 * std::max(1.0, std::abs(w))) << where;
    return;
  }
  ASSERT_EQ(got.type_name(), want.type_name())
      << where << ": " << got.dump() << " vs " << want.dump();
  if (got.is_object()) {
    ASSERT_EQ(got.size(), want.size()) << where << ": keys differ: " << got.dump().substr(0, 400);
    for (auto it = want.begin(); it != want.end(); ++it) {
      ASSERT_TRUE(got.contains(it.key())) << where << ": missing key " << it.key();
      expect_json_near(got[it.key()], it.value(), where + "." + it.key());
    }
  } else if (got.is_array()) {
    ASSERT_EQ(got.size(), want.size()) << where;
    for (std::size_t i = 0; i < got.size(); ++i) {
      expect_json_near(got[i], want[i], where + "[" + std::to_string(i) + "]");
    }
  } else {
    EXPECT_EQ(got, want) << where;
  }
}

TEST(AnalysisGolden, JsonMatchesCommittedGolden) {
  const auto path = golden_store("golden");
  const Analysis a = analyze_path(path);
  nlohmann::ordered_json got = nlohmann::ordered_json::parse(analysis_json(a));
  mask(got, path.string());
  const std::string golden_path = test::data_path("analysis_golden.json");
  if (std::getenv("RIGOR_UPDATE_GOLDEN") != nullptr) {
    test::write_text(golden_path, got.dump(2) + "\n");
    GTEST_SKIP() << "rewrote " << golden_path;
  }
  const nlohmann::ordered_json want = nlohmann::ordered_json::parse(test::read_text(golden_path));
  expect_json_near(got, want, "$");
}

TEST(AnalysisGolden, PValuesAgreeWithR) {
  const Analysis a = analyze_path(golden_store("r"));
  // t.test(wide, narrow, alternative = "greater"): t = 5.51004934146942, df = 13.463052524215,
  // p = 4.42460180385359e-05.
  const ClaimResult& welch = claim(a, "wide-welch");
  ASSERT_TRUE(welch.test);
  EXPECT_NEAR(welch.test->statistic, 5.51004934146942, 1e-12);
  EXPECT_NEAR(*welch.test->df, 13.463052524215, 1e-9);
  EXPECT_NEAR(*welch.test->p_value, 4.42460180385359e-05, 1e-15);
  // wilcox.test(wide, narrow, paired = TRUE, alternative = "greater"): V = 36, p = 0.00390625.
  const ClaimResult& wil = claim(a, "wide-wilcoxon");
  EXPECT_EQ(wil.test->statistic, 36);
  EXPECT_NEAR(*wil.test->p_value, 0.00390625, 1e-15);
  // Family "width" (configurations 2 + 1 = 3): p.adjust(c(p_welch, p_wilcoxon, 1), "holm") =
  // 0.000132738054115608, 0.0078125, 1.
  EXPECT_NEAR(*welch.test->p_corrected, 0.000132738054115608, 1e-15);
  EXPECT_NEAR(*wil.test->p_corrected, 0.0078125, 1e-15);
  // wilcox.test(deep, narrow, alternative = "greater") (ties: normal approximation): W = 50,
  // p = 0.0327423149465951.
  const ClaimResult& mwu = claim(a, "deep-mwu");
  EXPECT_EQ(mwu.test->statistic, 50);
  EXPECT_NEAR(*mwu.test->p_value, 0.0327423149465951, 1e-13);
  // Exact paired sign-flip test of mean(lwide - ldeep), alternative "less": 4 of the 2^8 flips
  // are <= the observed mean, p = 0.015625 (scipy 1.10: permutation_test((lwide, ldeep),
  // lambda a, b, axis: np.mean(a - b, axis=axis), permutation_type="samples",
  // alternative="less").pvalue).
  EXPECT_EQ(*claim(a, "wide-loss-perm").test->p_value, 0.015625);
  // t.test(deep, wide, alternative = "greater"): t = -3.363359478006629, p = 0.997658954021788.
  const ClaimResult& other_way = claim(a, "deep-beats-wide");
  EXPECT_NEAR(other_way.test->statistic, -3.363359478006629, 1e-12);
  EXPECT_NEAR(*other_way.test->p_value, 0.997658954021788, 1e-12);
  // friedman.test(cbind(narrow, wide, deep)): chi-squared = 10.75, p = 0.00463091873353325;
  // friedman.test(cbind(lnarrow, lwide, ldeep)): 11.8064516129032, p = 0.00273062213777938.
  ASSERT_EQ(a.multi_arm.size(), 2U);
  EXPECT_EQ(a.multi_arm[0].metric, "accuracy");
  EXPECT_NEAR(a.multi_arm[0].omnibus->statistic, 10.75, 1e-12);
  EXPECT_NEAR(a.multi_arm[0].omnibus->p_value, 0.00463091873353325, 1e-14);
  EXPECT_NEAR(a.multi_arm[1].omnibus->statistic, 11.8064516129032, 1e-12);
  EXPECT_NEAR(a.multi_arm[1].omnibus->p_value, 0.00273062213777938, 1e-14);
  // shapiro.test(wide)$p.value = 0.806562147051428; shapiro.test(narrow) 0.503150094907337.
  EXPECT_NEAR(welch.normality_a->p_value, 0.806562147051428, 1e-9);
  EXPECT_NEAR(welch.normality_b->p_value, 0.503150094907337, 1e-9);
  EXPECT_FALSE(welch.rank_test_beside);
}

TEST(AnalysisGolden, VerdictsFollowTheRules) {
  const Analysis a = analyze_path(golden_store("verdicts"));
  EXPECT_EQ(claim(a, "wide-welch").verdict, Verdict::kSupported);
  EXPECT_EQ(claim(a, "wide-wilcoxon").verdict, Verdict::kSupported);
  EXPECT_EQ(claim(a, "deep-mwu").verdict, Verdict::kSupported);
  EXPECT_EQ(claim(a, "wide-loss-perm").verdict, Verdict::kSupported);
  const ClaimResult& other_way = claim(a, "deep-beats-wide");
  EXPECT_EQ(other_way.verdict, Verdict::kNotSupported);
  EXPECT_EQ(other_way.why, "significant in the other direction");
  EXPECT_FALSE(a.all_supported());
  EXPECT_TRUE(a.pre_registered);
  EXPECT_EQ(a.seed, 20261123U);
  // The paired permutation test enumerates all 2^8 sign flips.
  const ClaimResult& perm = claim(a, "wide-loss-perm");
  EXPECT_TRUE(perm.test->paired);
  EXPECT_TRUE(perm.test->exact);
  // Paired claims report d_z, unpaired ones Hedges' g.
  EXPECT_EQ(perm.effects.standardized->kind, stats::EffectSizeKind::kCohensDz);
  EXPECT_EQ(claim(a, "wide-welch").effects.standardized->kind, stats::EffectSizeKind::kHedgesG);
}

TEST(AnalysisDataPolicy, DivergedRunCountsAsWorstCompleteValue) {
  const Analysis a = analyze_path(golden_store("diverged"));
  const ClaimResult& c = claim(a, "wide-welch");
  ASSERT_EQ(c.scores_b.size(), 8U);
  const Score& s = c.scores_b[5];
  EXPECT_EQ(s.status, store::RunStatus::kDiverged);
  EXPECT_TRUE(s.substituted);
  EXPECT_FALSE(s.recorded);
  EXPECT_EQ(s.value, 0.795);  // the worst complete accuracy of any arm (narrow r2)
  // Loss is lower-is-better: the worst complete loss is the largest, 0.55.
  EXPECT_EQ(claim(a, "wide-loss-perm").status_a.diverged, 0);
  EXPECT_EQ(a.arms[0].metrics[1].scores[5].value, 0.55);
  EXPECT_EQ(c.status_b.diverged, 1);
  EXPECT_EQ(c.verdict, Verdict::kSupported);  // diverged runs are data, not missing runs
  const auto w = warnings_with(a, "diverged_runs");
  ASSERT_EQ(w.size(), 1U);
  EXPECT_EQ(w[0]->arm, "narrow");
  EXPECT_THAT(w[0]->message, HasSubstr("arm \"narrow\": 1 of 8 runs diverged"));
}

TEST(AnalysisDataPolicy, DivergedRunKeepsItsOwnValueWhenWorse) {
  auto runs = golden_runs();
  test::find_run(runs, "narrow", 5).finals["accuracy"] = 0.5;
  const auto path = test::scratch_dir("diverged_own") / "study.h5";
  test::make_store(path, test::read_text(test::data_path("golden_protocol.toml")), runs);
  const Analysis a = analyze_path(path);
  const Score& s = claim(a, "wide-welch").scores_b[5];
  EXPECT_EQ(s.value, 0.5);
  EXPECT_FALSE(s.substituted);
  EXPECT_EQ(*s.recorded, 0.5);
}

TEST(AnalysisDataPolicy, MissingAndFailedRunsMakeTheClaimInconclusive) {
  auto runs = golden_runs();
  test::find_run(runs, "wide", 2).status = store::RunStatus::kFailed;
  test::find_run(runs, "wide", 2).finals.clear();
  runs.erase(std::remove_if(runs.begin(), runs.end(),
                            [](const TestRun& r) { return r.arm == "wide" && r.replicate == 7; }),
             runs.end());
  const auto path = test::scratch_dir("missing") / "study.h5";
  test::make_store(path, test::read_text(test::data_path("golden_protocol.toml")), runs);
  const Analysis a = analyze_path(path);
  const ClaimResult& c = claim(a, "wide-welch");
  EXPECT_EQ(c.verdict, Verdict::kRunsMissing);
  EXPECT_EQ(to_string(c.verdict), "inconclusive: runs missing");
  EXPECT_EQ(c.why, "2 runs failed or missing; rerun `rigor run <protocol> --store " +
                       path.string() + "` to complete them");
  EXPECT_EQ(c.status_a.failed, 1);
  EXPECT_EQ(c.status_a.planned, 1);
  EXPECT_EQ(c.unusable_a, 2);
  // The test still runs on the 6 available seeds (paired claims on the 6 pairs), for information.
  ASSERT_TRUE(c.test);
  EXPECT_EQ(c.scores_a.size(), 6U);
  EXPECT_EQ(claim(a, "wide-wilcoxon").scores_b.size(), 6U);
  EXPECT_EQ(claim(a, "deep-mwu").verdict, Verdict::kSupported);  // other arms are complete
  const auto w = warnings_with(a, "missing_runs");
  ASSERT_EQ(w.size(), 1U);
  EXPECT_THAT(
      w[0]->message,
      HasSubstr("arm \"wide\": 2 of 8 runs have no result (1 failed, 0 running, 1 planned)"));
  EXPECT_FALSE(warnings_with(a, "unequal_seeds").empty());
  EXPECT_EQ(a.runs.total(), 24);
  // Friedman uses only the replicates usable in every arm.
  EXPECT_EQ(a.multi_arm[0].blocks, 6U);
}

TEST(AnalysisChecks, HashMismatchMarksEveryClaimExploratory) {
  const auto path = test::scratch_dir("exploratory") / "study.h5";
  test::make_store(path, test::read_text(test::data_path("golden_protocol.toml")), golden_runs(),
                   std::string(64, 'a'));
  const Analysis a = analyze_path(path);
  EXPECT_FALSE(a.pre_registered);
  for (const ClaimResult& c : a.claims) EXPECT_FALSE(c.pre_registered) << c.id;
  const auto w = warnings_with(a, "exploratory");
  ASSERT_EQ(w.size(), 1U);
  EXPECT_THAT(w[0]->message, HasSubstr("but the study registered " + std::string(64, 'a')));
  EXPECT_EQ(claim(a, "wide-welch").verdict, Verdict::kSupported);  // still analysed
  EXPECT_THAT(markdown_report(a), HasSubstr("(exploratory)"));
}

TEST(AnalysisChecks, ConfigurationsArePaddedIntoTheFamily) {
  const Analysis a = analyze_path(golden_store("family"));
  ASSERT_GE(a.families.size(), 1U);
  const FamilyResult& f = a.families[0];
  EXPECT_EQ(f.name, "width");
  EXPECT_EQ(f.size, 3);
  EXPECT_EQ(f.padding, 1);
  ASSERT_EQ(f.p_raw.size(), 3U);
  EXPECT_EQ(f.p_raw[2], 1.0);
  EXPECT_EQ(claim(a, "wide-welch").family_size, 3);
  const auto w = warnings_with(a, "configurations");
  ASSERT_EQ(w.size(), 1U);
  EXPECT_THAT(w[0]->message, HasSubstr("family \"width\" counts 3 configurations tried: 2 claim(s) "
                                       "tested and 1 other configuration(s)"));
  // ASO and P(A > B) are decided at the Bonferroni level alpha / family size (own family: 0.05).
  EXPECT_EQ(claim(a, "wide-aso").test->alpha_used, 0.05);
  EXPECT_FALSE(claim(a, "wide-aso").test->p_value);
}

// A protocol of two arms whose welch claim has a skewed arm, and a constant arm.
constexpr const char* kTwoArmProtocol = R"(
[study]
name = "two-arms"
author = "rigor tests"
preregistered = 2026-11-23T12:00:00Z
seed = 11
[data]
dataset = "synthetic"
generator = "moons"
samples = 100
[[arms]]
name = "a"
model = { name = "mlp" }
[[arms]]
name = "b"
model = { name = "mlp" }
[seeds]
replicates = 10
randomize = ["init", "data_order"]
fixed = ["split", "dropout", "augmentation"]
paired = false
[[metrics]]
name = "accuracy"
direction = "higher"
[[claims]]
id = "a-beats-b"
statement = "a beats b"
a = "a"
b = "b"
metric = "accuracy"
test = "welch"
alternative = "greater"
alpha = 0.05
min_effect = 0.01
)";

TEST(AnalysisChecks, NormalityFailurePutsTheRankTestBeside) {
  // a has one far outlier: shapiro.test(a)$p.value < 0.05.
  const std::vector<double> a = {0.90, 0.91, 0.905, 0.912, 0.908, 0.903, 0.911, 0.907, 0.909, 0.5};
  const std::vector<double> b = {0.88,  0.885, 0.89,  0.882, 0.887,
                                 0.884, 0.889, 0.881, 0.886, 0.883};
  const auto path = test::scratch_dir("normality") / "study.h5";
  test::make_store(path, kTwoArmProtocol, test::runs_from({{"accuracy", {{"a", a}, {"b", b}}}}));
  const Analysis r = analyze_path(path);
  const ClaimResult& c = r.claims.at(0);
  ASSERT_TRUE(c.normality_a);
  EXPECT_LT(c.normality_a->p_value, 0.05);
  ASSERT_TRUE(c.rank_test_beside);
  // shapiro.test(a)$p.value = 2.0235939341447e-07;
  // wilcox.test(a, b, alternative = "greater"): W = 90, p = 7.52343631600598e-04.
  EXPECT_NEAR(c.normality_a->p_value, 2.0235939341447e-07, 1e-12);
  EXPECT_EQ(c.rank_test_beside->statistic, 90);
  EXPECT_NEAR(c.rank_test_beside->p_value, 7.52343631600598e-04, 1e-13);
  const auto w = warnings_with(r, "normality");
  ASSERT_EQ(w.size(), 1U);
  EXPECT_THAT(w[0]->message, HasSubstr("Shapiro-Wilk rejects normality for arm \"a\""));
  EXPECT_THAT(w[0]->message, HasSubstr("Mann-Whitney U beside it: W = 90"));
  EXPECT_TRUE(r.multi_arm.empty());  // two arms: no multi-arm block
}

TEST(AnalysisChecks, ZeroVarianceArmIsExplained) {
  const std::vector<double> a(10, 0.9);
  const std::vector<double> b = {0.88,  0.885, 0.89,  0.882, 0.887,
                                 0.884, 0.889, 0.881, 0.886, 0.883};
  const auto path = test::scratch_dir("zero_variance") / "study.h5";
  test::make_store(path, kTwoArmProtocol, test::runs_from({{"accuracy", {{"a", a}, {"b", b}}}}));
  const Analysis r = analyze_path(path);
  const auto w = warnings_with(r, "zero_variance");
  ASSERT_EQ(w.size(), 1U);
  EXPECT_EQ(w[0]->arm, "a");
  EXPECT_THAT(w[0]->message, HasSubstr("every seed of arm \"a\" gave accuracy = 0.9; no variance "
                                       "from the randomized sources: init, data_order"));
}

TEST(AnalysisChecks, BothArmsConstantIsInconclusive) {
  const auto path = test::scratch_dir("both_constant") / "study.h5";
  test::make_store(path, kTwoArmProtocol,
                   test::runs_from({{"accuracy",
                                     {{"a", std::vector<double>(10, 0.9)},
                                      {"b", std::vector<double>(10, 0.8)}}}}));
  const Analysis r = analyze_path(path);
  EXPECT_EQ(r.claims[0].verdict, Verdict::kInconclusive);
  EXPECT_EQ(r.claims[0].why, "no variance across seeds");
  EXPECT_EQ(warnings_with(r, "zero_variance").size(), 2U);
}

TEST(AnalysisVerdict, UnderpoweredClaimGivesSeedsNeeded) {
  // A tiny, noisy difference: not significant, and 10 seeds have little power for 0.01.
  const std::vector<double> a = {0.90, 0.93, 0.88, 0.91, 0.95, 0.87, 0.92, 0.89, 0.94, 0.90};
  const std::vector<double> b = {0.91, 0.89, 0.92, 0.88, 0.93, 0.90, 0.87, 0.94, 0.89, 0.91};
  const auto path = test::scratch_dir("power") / "study.h5";
  test::make_store(path, kTwoArmProtocol, test::runs_from({{"accuracy", {{"a", a}, {"b", b}}}}));
  const Analysis r = analyze_path(path);
  const ClaimResult& c = r.claims[0];
  EXPECT_EQ(c.verdict, Verdict::kInconclusive);
  ASSERT_TRUE(c.power);
  // t.test(a, b, alternative = "greater")$p.value = 0.324787553236699;
  // sp <- sqrt((var(a) + var(b)) / 2) = 0.0241867732448956;
  // power.t.test(n = 10, delta = 0.01, sd = sp, alternative = "one.sided")$power =
  // 0.225147315677632; power.t.test(power = 0.8, ...)$n = 73.02 -> 74 seeds per arm.
  EXPECT_NEAR(*c.test->p_value, 0.324787553236699, 1e-12);
  EXPECT_NEAR(c.power->sd, 0.0241867732448956, 1e-14);
  EXPECT_NEAR(c.power->power, 0.225147315677632, 1e-9);
  EXPECT_EQ(c.power->seeds_needed, 74);
  EXPECT_EQ(c.why, "power 23% for min effect 0.01; ~74 seeds per arm for 80%");
}

TEST(AnalysisMultiArm, UnpairedProtocolUsesKruskalWallis) {
  std::string text = test::read_text(test::data_path("golden_protocol.toml"));
  text.replace(text.find("paired = true"), 13, "paired = false");
  // Paired tests do not fit an unpaired design: drop the Wilcoxon claim.
  const auto begin = text.find("[[claims]]\nid = \"wide-wilcoxon\"");
  const auto end = text.find("[[claims]]", begin + 1);
  text.erase(begin, end - begin);
  const auto path = test::scratch_dir("unpaired") / "study.h5";
  test::make_store(path, text, golden_runs());
  const Analysis a = analyze_path(path);
  ASSERT_EQ(a.multi_arm.size(), 2U);
  const MultiArmResult& m = a.multi_arm[0];
  EXPECT_FALSE(m.paired);
  // kruskal.test(list(narrow, wide, deep)): chi-squared = 13.9404943379791, df = 2,
  // p = 9.39420681477346e-04.
  EXPECT_NEAR(m.omnibus->statistic, 13.9404943379791, 1e-11);
  EXPECT_NEAR(m.omnibus->p_value, 9.39420681477346e-04, 1e-14);
  EXPECT_EQ(*m.omnibus->df, 2);
  EXPECT_FALSE(m.critical_difference);
  ASSERT_EQ(m.pairwise.size(), 3U);
  // Average pooled ranks, 1 = best: wide is best, narrow worst.
  EXPECT_LT(m.average_ranks[1], m.average_ranks[2]);
  EXPECT_LT(m.average_ranks[2], m.average_ranks[0]);
}

TEST(AnalysisMarkdown, SummarizesVerdictsFirst) {
  const Analysis a = analyze_path(golden_store("markdown"));
  const std::string md = markdown_report(a);
  EXPECT_EQ(md.find("# Claims analysis: golden-widths"), 0U);
  const auto table = md.find("| Claim | Test | Estimate [CI] | p raw / corrected | Verdict |");
  ASSERT_NE(table, std::string::npos);
  EXPECT_LT(table, md.find("## Claim `wide-welch`"));
  EXPECT_THAT(md, HasSubstr("| wide-welch | welch | "));
  EXPECT_THAT(md, HasSubstr(" | 4.42e-05 / 1.33e-04 | **supported** |"));
  EXPECT_THAT(md, HasSubstr("| deep-beats-wide | welch | "));
  EXPECT_THAT(md, HasSubstr("**not supported**"));
  EXPECT_THAT(md, HasSubstr("## All arms on `accuracy`"));
  EXPECT_THAT(md, HasSubstr("- `diverged_runs`: arm \"narrow\": 1 of 8 runs diverged"));
  EXPECT_EQ(markdown_verdict_table(a).substr(0, 10), "| Claim | ");
}

TEST(AnalysisMarkdown, EscapesTableCharactersInUserText) {
  std::string text = kTwoArmProtocol;
  text.replace(text.find("statement = \"a beats b\""), 23, "statement = \"a | b <script>\"");
  const auto path = test::scratch_dir("escape") / "study.h5";
  const std::vector<double> a = {0.90, 0.93, 0.88, 0.91, 0.95, 0.87, 0.92, 0.89, 0.94, 0.90};
  test::make_store(path, text, test::runs_from({{"accuracy", {{"a", a}, {"b", a}}}}));
  const std::string md = markdown_report(analyze_path(path));
  EXPECT_THAT(md, HasSubstr("> a \\| b \\<script>"));
  EXPECT_THAT(md, Not(HasSubstr(" <script>")));
}

}  // namespace
}  // namespace rigor::reports
