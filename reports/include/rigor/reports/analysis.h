// rigor/reports/analysis.h — the claims analysis of a study store: every claim of the stored
// protocol tested as declared (test, alternative, alpha, minimum effect, correction family), with
// effect sizes and CIs, the verdict, the checks a reviewer would make, per-arm summaries and a
// multi-arm (Friedman / Kruskal-Wallis + Nemenyi) block per claimed metric. Everything a report
// renders is a named field here; the rules are in docs/analysis.md, the JSON form in
// docs/report-json.md.
//
//   auto store = rigor::store::StoreReader::open("study.h5");
//   rigor::reports::Analysis a = rigor::reports::analyze(store);
//   for (const auto& c : a.claims) std::cout << c.id << ": " << to_string(c.verdict) << "\n";
#ifndef RIGOR_REPORTS_ANALYSIS_H_
#define RIGOR_REPORTS_ANALYSIS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rigor/error.h"
#include "rigor/protocols/protocol.h"
#include "rigor/reports/verdict.h"
#include "rigor/stats/common.h"
#include "rigor/stats/effect_size.h"
#include "rigor/store/record.h"

namespace rigor::store {
class StoreReader;
}

namespace rigor::reports {

// A store that cannot be analysed (unreadable protocol text, a claim whose arm has no runs at all
// and no plan, ...), or a bad import file. what() says where, what and the fix.
class ReportError : public rigor::Error {
 public:
  using rigor::Error::Error;
};

// The version of the JSON document (docs/report-json.md) and of this struct's meaning.
inline constexpr int kAnalysisSchemaVersion = 1;

struct AnalyzeOptions {
  // Level of every two-sided confidence interval of an effect size and of the per-arm IQM CI.
  double conf_level = 0.95;
  // ASO: eps_min below this supports the claim (rigor compare's default; docs/stats/aso.md).
  double aso_threshold = 0.2;
  // Bootstrap replicates of ASO, P(A > B) and the IQM CIs.
  std::size_t bootstrap_resamples = 1000;
  // Monte Carlo permutations when a permutation test cannot be enumerated exactly.
  std::uint64_t permutation_resamples = 100'000;
  // Seed of every resampling routine; empty: the protocol's master seed ([study] seed).
  std::optional<std::uint64_t> seed;
  // Worker threads of the resampling routines (0 = all cores); results do not depend on it.
  unsigned threads = 0;
  // Recorded in Analysis::rigor_version (the library does not know the CLI's version).
  std::string rigor_version;
  // Recorded in Analysis::created (UTC, RFC 3339); empty: the current time.
  std::string created;
};

// A reviewer check that failed, or a fact the reader must know. Every warning has a stable code:
//   "exploratory"        the protocol's hash differs from the registered one: claims exploratory
//   "normality"          Shapiro-Wilk p < 0.05 for an arm of a claim tested with a t-test
//   "unequal_seeds"      the arms of a claim have different numbers of analysed seeds
//   "configurations"     a family counts configurations (sweeps) tried beyond its claims
//   "zero_variance"      an arm's scores are all identical
//   "diverged_runs"      runs of an arm diverged (counted as the worst outcome)
//   "missing_runs"       runs of an arm failed or have not run (the claim is inconclusive)
//   "no_correction"      a family of several claims declared correction = "none"
//   "multi_arm_skipped"  a multi-arm test could not be computed (reason in message)
//   "foreign_runs"       runs of the store that are no arm x replicate of the protocol (ignored)
//   "store_locked"       the analysis could not be written into the store (set by callers)
struct Warning {
  std::string code;
  std::string claim;    // claim id, empty when study-wide
  std::string arm;      // arm name, empty when not about one arm
  std::string message;  // what was found, with the numbers
  std::string fix;      // what to do about it
};

// Runs per status (one arm, or the whole store).
struct StatusCounts {
  std::int64_t planned = 0;  // in the protocol, never started (includes cells absent from store)
  std::int64_t running = 0;  // started, not finished (a killed study leaves these)
  std::int64_t complete = 0;
  std::int64_t failed = 0;
  std::int64_t diverged = 0;
  std::int64_t total() const { return planned + running + complete + failed + diverged; }
  // Runs without a usable value: failed + planned + running.
  std::int64_t missing() const { return planned + running + failed; }
};

// One score entering a claim's test.
struct Score {
  std::int64_t replicate = 0;
  std::string cell_id;
  store::RunStatus status = store::RunStatus::kComplete;
  double value = 0.0;  // the analysed value (diverged: the substituted worst value)
  // The value the run recorded for the metric, when it recorded a finite one (diverged runs may
  // not have one).
  std::optional<double> recorded;
  bool substituted = false;  // a diverged run's value replaced by the worst outcome
};

// Summary of one arm's final values of one metric over its usable runs (complete and diverged,
// the latter with their substituted value). Empty optionals when the arm has no usable run.
struct MetricSummary {
  std::string metric;
  std::size_t n = 0;  // usable runs
  std::optional<double> mean;
  std::optional<double> sd;  // sample SD (n - 1); empty when n < 2
  std::optional<double> median;
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> iqm;  // interquartile mean (Agarwal et al. 2021)
  // Percentile bootstrap CI of the IQM at AnalyzeOptions::conf_level (stats::aggregate_ci, one
  // task); empty when n < 2.
  std::optional<stats::Interval> iqm_ci;
  std::vector<Score> scores;  // by replicate
};

struct ArmSummary {
  std::string name;
  std::string description;
  std::int64_t planned_replicates = 0;  // seeds.replicates
  StatusCounts status;
  std::vector<MetricSummary> metrics;  // in the protocol's metric order
};

// A location or difference estimate with its interval.
struct Estimate {
  std::string label;  // e.g. "difference of means", "pseudomedian of A - B", "eps_min"
  double value = 0.0;
  std::optional<stats::Interval> ci;
  double conf_level = 0.95;
};

// The declared test as run on one claim.
struct ClaimTestResult {
  std::string name;    // protocol spelling: "welch", "mwu", "wilcoxon", "permutation", "aso",
                       // "p_outperform"
  std::string method;  // the routine's method text, e.g. "Welch Two Sample t-test"
  bool paired = false;
  std::string statistic_name;  // "t", "W", "V", "eps_min", "P(A>B)"
  double statistic = 0.0;
  std::optional<double> df;
  // Raw p-value of the claimed alternative; empty for aso and p_outperform (decided by a
  // confidence bound, see docs/analysis.md).
  std::optional<double> p_value;
  // After the family's correction (docs/analysis.md, "Corrections"); empty like p_value.
  std::optional<double> p_corrected;
  // Level the test's decision uses: alpha for p-value tests (compared with p_corrected); for aso
  // and p_outperform the Bonferroni-adjusted alpha / family size.
  double alpha_used = 0.05;
  std::optional<Estimate> estimate;  // the test's own estimate (R's estimate and conf.int)
  bool exact = false;
  bool degenerate = false;
  std::string note;
  std::optional<std::uint64_t> seed;  // resampling tests: the seed used
  // aso: eps_min of the claimed direction, the threshold and the confidence level used.
  std::optional<double> eps_min;
  std::optional<double> aso_threshold;
  std::string aso_direction;  // "a over b" or "b over a": the dominance eps_min measures
  // p_outperform: P(A > B) with its bootstrap CI and Bouthillier et al.'s conclusion.
  std::optional<double> p_outperform;
  std::optional<stats::Interval> p_outperform_ci;
  std::string outperform_conclusion;  // "a_better", "b_better", ... (stats::to_string)
};

// Effect sizes of a claim (a versus b, positive when a is larger in metric units).
struct ClaimEffects {
  // Difference of means a - b (unpaired, Welch CI) or mean of the paired differences (paired t
  // CI), two-sided at AnalyzeOptions::conf_level.
  std::optional<Estimate> mean_difference;
  // Hedges' g (unpaired) or Cohen's d_z (paired), noncentral-t CI.
  std::optional<stats::EffectSize> standardized;
  // Cliff's delta and Vargha-Delaney A12 (always computed; the primary effect of rank tests).
  std::optional<stats::EffectSize> cliffs_delta;
  std::optional<stats::EffectSize> a12;
};

struct ClaimResult {
  // As declared.
  std::string id;
  std::string statement;
  std::string a;  // arm names
  std::string b;
  std::string metric;
  protocols::Direction direction = protocols::Direction::kHigher;  // of the metric
  protocols::ClaimTest test_kind = protocols::ClaimTest::kWelch;
  stats::Alternative alternative = stats::Alternative::kGreater;  // "greater": a > b
  double alpha = 0.05;
  double min_effect = 0.0;
  std::string family;
  protocols::Correction correction = protocols::Correction::kHolm;
  std::int64_t configurations = 1;
  std::int64_t family_size = 1;  // protocols::family_size
  bool pre_registered = true;    // false when the protocol hash does not match (exploratory)

  // Data. Paired tests keep only replicates usable in both arms, in replicate order.
  std::vector<Score> scores_a;
  std::vector<Score> scores_b;
  StatusCounts status_a;  // every planned replicate of the arm
  StatusCounts status_b;
  // Runs of the arm without a usable score (failed, running, planned, or complete without a
  // finite value of the metric), counted before pairing.
  std::int64_t unusable_a = 0;
  std::int64_t unusable_b = 0;

  // Results; `test` is empty when too few usable runs (fewer than 2 per arm) to run it.
  std::optional<ClaimTestResult> test;
  ClaimEffects effects;
  // Shapiro-Wilk per arm when the declared test is a t-test (welch) and the arm has 3..5000
  // scores; with the rank test (MWU or Wilcoxon, same alternative) beside when one p < 0.05.
  std::optional<stats::TestResult> normality_a;
  std::optional<stats::TestResult> normality_b;
  std::optional<stats::TestResult> rank_test_beside;

  Verdict verdict = Verdict::kInconclusive;
  std::string why;                  // the reason behind the verdict, empty for plain "supported"
  std::optional<PowerCheck> power;  // the power check, when it ran
};

// A correction family (claims sharing `family`).
struct FamilyResult {
  std::string name;
  protocols::Correction correction = protocols::Correction::kHolm;
  std::int64_t size = 1;            // protocols::family_size: sum of configurations
  std::vector<std::string> claims;  // ids, protocol order
  // p-values fed to the correction: the claims' raw p (protocol order; aso and p_outperform
  // claims enter as 1), then `padding` values of 1 for configurations not represented by a claim.
  std::vector<double> p_raw;
  std::vector<double> p_adjusted;  // same order as p_raw
  std::int64_t padding = 0;
};

// One pairwise comparison of a multi-arm block.
struct PairwiseArms {
  std::string first;  // arm names
  std::string second;
  stats::TestResult test;   // two-sided Wilcoxon signed-rank (paired) or Mann-Whitney (unpaired)
  double p_adjusted = 1.0;  // Holm over all pairs of the block
  bool reject = false;      // p_adjusted <= alpha
  // Nemenyi (paired only): |average rank difference| > critical difference.
  std::optional<bool> nemenyi_significant;
};

// Omnibus and post-hoc tests over every arm of the protocol on one claimed metric (when the
// protocol has >= 3 arms): Friedman with replicates as blocks (paired seeds; only replicates
// usable in every arm) or Kruskal-Wallis (unpaired), Nemenyi critical difference (paired) and
// pairwise tests with Holm (docs/analysis.md, "Multi-arm").
struct MultiArmResult {
  std::string metric;
  protocols::Direction direction = protocols::Direction::kHigher;
  std::vector<std::string> claims;  // ids of the claims on this metric
  std::vector<std::string> arms;    // protocol order; indexes of the vectors below
  bool paired = false;
  std::size_t blocks = 0;  // replicates used (paired) or total scores (unpaired)
  double alpha = 0.05;     // smallest alpha among `claims`
  // Empty when the block could not be computed; `skipped` then says why.
  std::optional<stats::TestResult> omnibus;
  std::string skipped;
  // Average rank per arm, 1 = best (metric direction). Paired: ranks within each replicate
  // (Demšar 2006); unpaired: mean of the pooled ranks, best = 1 scale (Kruskal-Wallis ranks).
  std::vector<double> average_ranks;
  std::optional<double> critical_difference;  // Nemenyi CD, paired only
  std::optional<double> q_alpha;              // Nemenyi's q_alpha
  std::vector<PairwiseArms> pairwise;         // pairs (0,1), (0,2), ..., (k-2,k-1)
};

struct Analysis {
  int schema_version = kAnalysisSchemaVersion;
  std::string rigor_version;  // AnalyzeOptions::rigor_version
  std::string created;        // UTC RFC 3339
  std::string store_path;
  std::string study_name;
  std::string study_description;
  std::string protocol_text;   // as stored, verbatim
  std::string protocol_hash;   // the hash the study registered (stored)
  std::string computed_hash;   // canonical_hash of the stored text, parsed now
  bool pre_registered = true;  // protocol_hash == computed_hash
  std::uint64_t seed = 0;      // seed of the resampling routines
  double conf_level = 0.95;
  store::Provenance provenance;
  StatusCounts runs;                      // every cell of the plan, over all arms
  std::vector<ClaimResult> claims;        // protocol order
  std::vector<FamilyResult> families;     // in order of first claim
  std::vector<ArmSummary> arms;           // protocol order
  std::vector<MultiArmResult> multi_arm;  // one per claimed metric, protocol metric order
  std::vector<Warning> warnings;          // study-wide first, then per claim

  // True when there is at least one claim and every claim is supported (the `rigor analyze` exit
  // code).
  bool all_supported() const;
};

// Analyses every claim of the store's protocol (docs/analysis.md). Reads the stored protocol text
// and runs; writes nothing. Deterministic for a given store and options (every resampling routine
// is seeded). Throws ReportError when the stored protocol does not parse (naming
// "<store>:/protocol"), or a run cannot be read (wrapping the StoreError). A hash mismatch is not
// an error: claims become exploratory with a warning.
Analysis analyze(const store::StoreReader& store, const AnalyzeOptions& options = {});

}  // namespace rigor::reports

#endif  // RIGOR_REPORTS_ANALYSIS_H_
