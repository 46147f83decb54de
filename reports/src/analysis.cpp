// The claims analysis of a study store (docs/analysis.md): data policy, tests, effect sizes,
// corrections, verdicts, reviewer checks, per-arm summaries and multi-arm blocks.
#include "rigor/reports/analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <set>
#include <span>
#include <utility>

#include "rigor/protocols/canonical.h"
#include "rigor/stats.h"
#include "rigor/store/store.h"

namespace rigor::reports {
namespace {

using protocols::ClaimTest;
using protocols::Direction;
using store::RunStatus;

stats::Alternative to_stats(protocols::ClaimAlternative alternative) {
  switch (alternative) {
    case protocols::ClaimAlternative::kTwoSided:
      return stats::Alternative::kTwoSided;
    case protocols::ClaimAlternative::kGreater:
      return stats::Alternative::kGreater;
    case protocols::ClaimAlternative::kLess:
      return stats::Alternative::kLess;
  }
  return stats::Alternative::kTwoSided;
}

stats::Correction to_stats(protocols::Correction correction) {
  switch (correction) {
    case protocols::Correction::kNone:
      return stats::Correction::kNone;
    case protocols::Correction::kBonferroni:
      return stats::Correction::kBonferroni;
    case protocols::Correction::kHolm:
      return stats::Correction::kHolm;
    case protocols::Correction::kHochberg:
      return stats::Correction::kHochberg;
    case protocols::Correction::kBenjaminiHochberg:
      return stats::Correction::kBenjaminiHochberg;
    case protocols::Correction::kBenjaminiYekutieli:
      return stats::Correction::kBenjaminiYekutieli;
  }
  return stats::Correction::kHolm;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// `worse(x, y)`: the worse of two values of a metric with the given direction.
double worse(double x, double y, Direction direction) {
  return direction == Direction::kHigher ? std::min(x, y) : std::max(x, y);
}

std::vector<double> values_of(const std::vector<Score>& scores) {
  std::vector<double> v;
  v.reserve(scores.size());
  for (const Score& s : scores) v.push_back(s.value);
  return v;
}

std::string randomized_sources(const protocols::Protocol& p) {
  std::string out;
  for (std::size_t i = 0; i < protocols::kNumVarianceSources; ++i) {
    if (!p.seeds.randomized[i]) continue;
    if (!out.empty()) out += ", ";
    out += protocols::to_string(protocols::kVarianceSources[i]);
  }
  return out;
}

// One cell of the plan: the stored record's essentials, or nothing (planned, never written).
struct Cell {
  std::string cell_id;
  RunStatus status = RunStatus::kPlanned;
  std::map<std::string, double> final_metrics;
};

// Everything analyze() reads from the store, keyed by arm then replicate.
struct Data {
  std::map<std::string, std::vector<Cell>> cells;  // arm -> replicate -> cell
  // metric -> worst final value over the complete runs of every arm (the diverged substitute).
  std::map<std::string, std::optional<double>> worst_complete;
};

Data read_data(const store::StoreReader& store, const protocols::Protocol& p,
               std::vector<Warning>& warnings) {
  Data data;
  for (const protocols::Arm& arm : p.arms) {
    auto& row = data.cells[arm.name];
    row.resize(static_cast<std::size_t>(p.seeds.replicates));
  }
  std::vector<std::string> foreign;
  for (const std::string& id : store.run_ids()) {
    store::RunRecord r;
    try {
      // Attributes, seeds and final metrics only: the analysis needs no series, examples or
      // checkpoint (a checkpoint can be MBs per run).
      r = store.run(id, store::RunParts::essentials());
    } catch (const store::StoreError& e) {
      throw ReportError(
          fmt::format("{}; the analysis needs every run: repair the store or rerun "
                      "the cell",
                      e.what()));
    }
    auto it = data.cells.find(r.arm);
    if (it == data.cells.end() || r.replicate < 0 || r.replicate >= p.seeds.replicates) {
      foreign.push_back(id);
      continue;
    }
    Cell& cell = it->second[static_cast<std::size_t>(r.replicate)];
    if (!cell.cell_id.empty()) {
      throw ReportError(fmt::format(
          "{}: runs {} and {} are both arm \"{}\" replicate {}; a store holds one run per cell: "
          "remove one of them (rigor export --csv lists the runs)",
          store.path().string(), cell.cell_id, id, r.arm, r.replicate));
    }
    cell.cell_id = id;
    cell.status = r.status;
    cell.final_metrics = std::move(r.final_metrics);
  }
  if (!foreign.empty()) {
    std::string list;
    for (std::size_t i = 0; i < foreign.size() && i < 5; ++i) {
      list += (i ? ", " : "") + foreign[i];
    }
    if (foreign.size() > 5) list += fmt::format(" and {} more", foreign.size() - 5);
    warnings.push_back({"foreign_runs", "", "",
                        fmt::format("{} run(s) belong to no arm x replicate of the protocol and "
                                    "were ignored: {}",
                                    foreign.size(), list),
                        "check that the store was written under this protocol"});
  }
  for (const protocols::Metric& m : p.metrics) {
    std::optional<double> worst;
    for (const auto& [arm, row] : data.cells) {
      for (const Cell& c : row) {
        if (c.status != RunStatus::kComplete) continue;
        auto v = c.final_metrics.find(m.name);
        if (v == c.final_metrics.end() || !std::isfinite(v->second)) continue;
        worst = worst ? worse(*worst, v->second, m.direction) : v->second;
      }
    }
    data.worst_complete[m.name] = worst;
  }
  return data;
}

// The usable score of one cell on one metric (docs/analysis.md, "Data policy"): complete runs
// with a finite value count as recorded; diverged runs count as the worse of their own finite
// value and the worst complete value of any arm; everything else has none.
std::optional<Score> score_of(const Cell& cell, std::int64_t replicate,
                              const protocols::Metric& metric, const Data& data) {
  auto v = cell.final_metrics.find(metric.name);
  std::optional<double> recorded;
  if (v != cell.final_metrics.end() && std::isfinite(v->second)) recorded = v->second;
  Score s;
  s.replicate = replicate;
  s.cell_id = cell.cell_id;
  s.status = cell.status;
  s.recorded = recorded;
  if (cell.status == RunStatus::kComplete) {
    if (!recorded) return std::nullopt;
    s.value = *recorded;
    return s;
  }
  if (cell.status != RunStatus::kDiverged) return std::nullopt;
  const std::optional<double>& worst = data.worst_complete.at(metric.name);
  if (!worst && !recorded) return std::nullopt;
  s.value =
      worst && recorded ? worse(*worst, *recorded, metric.direction) : (worst ? *worst : *recorded);
  s.substituted = !recorded || s.value != *recorded;
  return s;
}

StatusCounts count_status(const std::vector<Cell>& row) {
  StatusCounts n;
  for (const Cell& c : row) {
    switch (c.status) {
      case RunStatus::kPlanned:
        ++n.planned;
        break;
      case RunStatus::kRunning:
        ++n.running;
        break;
      case RunStatus::kComplete:
        ++n.complete;
        break;
      case RunStatus::kFailed:
        ++n.failed;
        break;
      case RunStatus::kDiverged:
        ++n.diverged;
        break;
    }
  }
  return n;
}

std::vector<Score> usable_scores(const std::vector<Cell>& row, const protocols::Metric& metric,
                                 const Data& data) {
  std::vector<Score> out;
  for (std::size_t r = 0; r < row.size(); ++r) {
    if (auto s = score_of(row[r], static_cast<std::int64_t>(r), metric, data)) {
      out.push_back(std::move(*s));
    }
  }
  return out;
}

MetricSummary summarize(const std::vector<Cell>& row, const protocols::Metric& metric,
                        const Data& data, std::uint64_t seed, const AnalyzeOptions& o) {
  MetricSummary m;
  m.metric = metric.name;
  m.scores = usable_scores(row, metric, data);
  m.n = m.scores.size();
  if (m.n == 0) return m;
  const std::vector<double> v = values_of(m.scores);
  m.mean = stats::mean(v);
  m.median = stats::median(v);
  m.min = *std::min_element(v.begin(), v.end());
  m.max = *std::max_element(v.begin(), v.end());
  m.iqm = stats::iqm(v);
  if (m.n >= 2) {
    m.sd = std::sqrt(stats::variance(v));
    stats::AggregateOptions ao;
    ao.method = stats::BootstrapMethod::kPercentile;
    ao.n_resamples = o.bootstrap_resamples;
    ao.conf_level = o.conf_level;
    ao.threads = o.threads;
    m.iqm_ci = stats::aggregate_ci(std::span<const double>(v), stats::Aggregate::kIqm, seed, ao).ci;
  }
  return m;
}

Estimate estimate_of(const stats::TestResult& r, std::string label) {
  Estimate e;
  e.label = std::move(label);
  e.value = r.estimate.value_or(r.statistic);
  e.ci = r.ci;
  e.conf_level = r.conf_level;
  return e;
}

ClaimTestResult from_test(const stats::TestResult& r, std::string name, bool paired,
                          std::string estimate_label) {
  ClaimTestResult t;
  t.name = std::move(name);
  t.method = r.method;
  t.paired = paired;
  t.statistic_name = r.statistic_name;
  t.statistic = r.statistic;
  t.df = r.df;
  t.p_value = r.p_value;
  if (r.estimate) t.estimate = estimate_of(r, std::move(estimate_label));
  t.exact = r.exact;
  t.degenerate = r.degenerate;
  t.note = r.note;
  return t;
}

// Whether the claim's test analyses replicate pairs.
bool claim_paired(const protocols::Claim& c, const protocols::Protocol& p) {
  switch (c.test) {
    case ClaimTest::kWilcoxon:
      return true;
    case ClaimTest::kPermutation:
    case ClaimTest::kPOutperform:
      return p.seeds.paired;
    case ClaimTest::kWelch:
    case ClaimTest::kMannWhitney:
    case ClaimTest::kAso:
      return false;
  }
  return false;
}

// Runs the declared test (everything but the verdict, which needs the corrected p-value).
ClaimTestResult run_test(const ClaimResult& c, std::span<const double> a, std::span<const double> b,
                         bool paired, double alpha_used, std::uint64_t seed,
                         const AnalyzeOptions& o) {
  switch (c.test_kind) {
    case ClaimTest::kWelch: {
      stats::TTestOptions t;
      t.alternative = c.alternative;
      t.conf_level = o.conf_level;
      return from_test(stats::welch_t_test(a, b, t), "welch", false, "difference of means");
    }
    case ClaimTest::kMannWhitney: {
      stats::MannWhitneyOptions m;
      m.alternative = c.alternative;
      m.conf_level = o.conf_level;
      return from_test(stats::mann_whitney(a, b, m), "mwu", false, "location shift (HL)");
    }
    case ClaimTest::kWilcoxon: {
      stats::WilcoxonOptions w;  // R's defaults: exact when possible, continuity correction
      w.alternative = c.alternative;
      w.conf_level = o.conf_level;
      return from_test(stats::wilcoxon_signed_rank(a, b, w), "wilcoxon", true,
                       "pseudomedian of a - b");
    }
    case ClaimTest::kPermutation: {
      stats::PermutationOptions po;
      po.alternative = c.alternative;
      po.n_resamples = o.permutation_resamples;
      po.threads = o.threads;
      const auto r = paired ? stats::paired_permutation_test(a, b, seed, po)
                            : stats::permutation_test(a, b, seed, po);
      ClaimTestResult t = from_test(r.test, "permutation", paired,
                                    paired ? "mean of a - b" : "difference of means");
      t.seed = seed;
      return t;
    }
    case ClaimTest::kAso: {
      // ASO is directional ("a almost stochastically larger than b"): `less` swaps the roles;
      // two-sided checks both directions at 1 - alpha/2 each and keeps the smaller eps_min.
      const bool two_sided = c.alternative == stats::Alternative::kTwoSided;
      stats::AsoOptions ao;
      ao.confidence_level = 1.0 - (two_sided ? alpha_used / 2 : alpha_used);
      ao.num_bootstrap = o.bootstrap_resamples;
      ao.threads = o.threads;
      const bool a_first = c.alternative != stats::Alternative::kLess;
      stats::AsoResult r = a_first ? stats::aso(a, b, seed, ao) : stats::aso(b, a, seed, ao);
      std::string direction = a_first ? "a over b" : "b over a";
      if (two_sided) {
        stats::AsoResult back = stats::aso(b, a, seed, ao);
        if (back.eps_min < r.eps_min) {
          r = std::move(back);
          direction = "b over a";
        }
      }
      ClaimTestResult t;
      t.name = "aso";
      t.method = r.method + " (" + direction + ")";
      t.statistic_name = "eps_min";
      t.statistic = r.eps_min;
      t.estimate =
          Estimate{"eps_min (" + direction + ")", r.eps_min, std::nullopt, ao.confidence_level};
      t.degenerate = r.degenerate;
      t.note = r.note;
      t.seed = seed;
      t.eps_min = r.eps_min;
      t.aso_threshold = o.aso_threshold;
      t.aso_direction = direction;
      return t;
    }
    case ClaimTest::kPOutperform: {
      // One-sided claims read one end of a two-sided interval at 1 - 2 alpha (a one-sided bound
      // at 1 - alpha); two-sided claims use the interval at 1 - alpha.
      stats::OutperformOptions oo;
      oo.paired = paired;
      oo.gamma = c.min_effect > 0 && c.min_effect < 0.5 ? 0.5 + c.min_effect : 0.75;
      oo.conf_level =
          c.alternative == stats::Alternative::kTwoSided ? 1.0 - alpha_used : 1.0 - 2 * alpha_used;
      oo.n_resamples = o.bootstrap_resamples;
      oo.threads = o.threads;
      const stats::OutperformResult r = stats::probability_of_outperforming(a, b, seed, oo);
      ClaimTestResult t;
      t.name = "p_outperform";
      t.method = r.method;
      t.paired = paired;
      t.statistic_name = "P(A>B)";
      t.statistic = r.estimate;
      t.estimate = Estimate{"P(a > b)", r.estimate, r.ci, r.conf_level};
      t.degenerate = r.degenerate;
      t.note = r.note;
      t.seed = seed;
      t.p_outperform = r.estimate;
      t.p_outperform_ci = r.ci;
      t.outperform_conclusion = std::string(stats::to_string(r.conclusion));
      return t;
    }
  }
  throw ReportError("unknown claim test");  // unreachable: the protocol parser validated it
}

ClaimEffects effects_of(std::span<const double> a, std::span<const double> b, bool paired,
                        const AnalyzeOptions& o) {
  ClaimEffects e;
  stats::TTestOptions t;
  t.conf_level = o.conf_level;
  if (paired) {
    e.mean_difference = estimate_of(stats::paired_t_test(a, b, t), "mean of a - b");
  } else {
    e.mean_difference = estimate_of(stats::welch_t_test(a, b, t), "difference of means");
  }
  stats::EffectSizeOptions eo;
  eo.conf_level = o.conf_level;
  e.standardized = paired ? stats::cohens_dz(a, b, eo) : stats::hedges_g(a, b, eo);
  e.cliffs_delta = stats::cliffs_delta(a, b, eo);
  e.a12 = stats::vargha_delaney_a12(a, b, eo);
  return e;
}

// Replicates usable in both arms, in replicate order.
void keep_pairs(std::vector<Score>& a, std::vector<Score>& b) {
  std::set<std::int64_t> in_b;
  for (const Score& s : b) in_b.insert(s.replicate);
  std::set<std::int64_t> both;
  for (const Score& s : a) {
    if (in_b.count(s.replicate)) both.insert(s.replicate);
  }
  auto drop = [&](std::vector<Score>& v) {
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const Score& s) { return !both.count(s.replicate); }),
            v.end());
  };
  drop(a);
  drop(b);
}

// Pooled ranks with rank 1 = best, averaged per group (Kruskal-Wallis ranks, direction-aware).
std::vector<double> pooled_average_ranks(const std::vector<std::vector<double>>& groups,
                                         Direction direction) {
  std::vector<double> pooled;
  for (const auto& g : groups) {
    for (double v : g) pooled.push_back(direction == Direction::kHigher ? -v : v);
  }
  const std::vector<double> ranks = stats::average_ranks(pooled);
  std::vector<double> out;
  std::size_t k = 0;
  for (const auto& g : groups) {
    double sum = 0;
    for (std::size_t i = 0; i < g.size(); ++i) sum += ranks[k++];
    out.push_back(sum / static_cast<double>(g.size()));
  }
  return out;
}

MultiArmResult multi_arm_block(const protocols::Protocol& p, const protocols::Metric& metric,
                               const Data& data, const std::vector<ClaimResult>& claims) {
  MultiArmResult m;
  m.metric = metric.name;
  m.direction = metric.direction;
  m.paired = p.seeds.paired;
  m.alpha = 1.0;
  for (const ClaimResult& c : claims) {
    if (c.metric != metric.name) continue;
    m.claims.push_back(c.id);
    m.alpha = std::min(m.alpha, c.alpha);
  }
  std::vector<std::vector<Score>> scores;
  for (const protocols::Arm& arm : p.arms) {
    m.arms.push_back(arm.name);
    scores.push_back(usable_scores(data.cells.at(arm.name), metric, data));
  }
  const std::size_t k = m.arms.size();
  std::vector<std::vector<double>> groups(k);
  if (m.paired) {
    // Blocks: replicates usable in every arm.
    std::map<std::int64_t, std::vector<double>> by_replicate;
    for (std::size_t j = 0; j < k; ++j) {
      for (const Score& s : scores[j]) {
        auto& row = by_replicate[s.replicate];
        row.resize(k, std::nan(""));
        row[j] = s.value;
      }
    }
    std::vector<std::vector<double>> rows;
    for (auto& [r, row] : by_replicate) {
      if (std::none_of(row.begin(), row.end(), [](double v) { return std::isnan(v); })) {
        rows.push_back(row);
      }
    }
    m.blocks = rows.size();
    if (rows.size() < 2) {
      m.skipped = fmt::format("Friedman needs at least 2 replicates usable in every arm, but {} {}",
                              rows.size(), rows.size() == 1 ? "is" : "are");
      return m;
    }
    stats::NemenyiOptions no;
    no.alpha = m.alpha;
    no.higher_is_better = metric.direction == Direction::kHigher;
    const stats::NemenyiResult nem = stats::nemenyi(rows, no);
    m.omnibus = nem.friedman;
    m.average_ranks = nem.average_ranks;
    m.critical_difference = nem.critical_difference;
    m.q_alpha = nem.q_alpha;
    stats::PairwiseWilcoxonOptions wo;
    wo.alpha = m.alpha;
    wo.correction = stats::Correction::kHolm;
    const stats::PairwiseResult pw = stats::pairwise_wilcoxon(rows, wo);
    for (std::size_t i = 0; i < pw.comparisons.size(); ++i) {
      const auto& cmp = pw.comparisons[i];
      PairwiseArms row;
      row.first = m.arms[cmp.first];
      row.second = m.arms[cmp.second];
      row.test = cmp.test;
      row.p_adjusted = cmp.p_adjusted;
      row.reject = cmp.reject;
      for (const auto& np : nem.pairs) {
        if (np.first == cmp.first && np.second == cmp.second)
          row.nemenyi_significant = np.significant;
      }
      m.pairwise.push_back(std::move(row));
    }
    return m;
  }
  for (std::size_t j = 0; j < k; ++j) {
    groups[j] = values_of(scores[j]);
    m.blocks += groups[j].size();
    if (groups[j].empty()) {
      m.skipped = fmt::format(
          "Kruskal-Wallis needs a usable run in every arm, but arm \"{}\" has "
          "none",
          m.arms[j]);
      return m;
    }
  }
  m.omnibus = stats::kruskal_wallis(groups);
  m.average_ranks = pooled_average_ranks(groups, metric.direction);
  std::vector<double> p_values;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = i + 1; j < k; ++j) {
      PairwiseArms row;
      row.first = m.arms[i];
      row.second = m.arms[j];
      row.test = stats::mann_whitney(groups[i], groups[j]);
      p_values.push_back(row.test.p_value);
      m.pairwise.push_back(std::move(row));
    }
  }
  const auto adj = stats::adjust_p_values(p_values, stats::Correction::kHolm, m.alpha);
  for (std::size_t i = 0; i < m.pairwise.size(); ++i) {
    m.pairwise[i].p_adjusted = adj.adjusted[i];
    m.pairwise[i].reject = adj.reject[i];
  }
  return m;
}

std::string missing_why(std::int64_t missing, const std::string& store_path) {
  return fmt::format(
      "{} run{} failed or missing; rerun `rigor run <protocol> --store {}` to complete them",
      missing, missing == 1 ? "" : "s", store_path);
}

}  // namespace

bool Analysis::all_supported() const {
  return !claims.empty() && std::all_of(claims.begin(), claims.end(), [](const ClaimResult& c) {
    return c.verdict == Verdict::kSupported;
  });
}

Analysis analyze(const store::StoreReader& store, const AnalyzeOptions& options) {
  stats::require_level(options.conf_level, "conf_level");
  Analysis out;
  out.rigor_version = options.rigor_version;
  out.created = options.created.empty() ? utc_now() : options.created;
  out.store_path = store.path().string();
  out.conf_level = options.conf_level;
  out.protocol_text = store.protocol().text;
  out.protocol_hash = store.protocol().hash;
  out.provenance = store.provenance();

  protocols::Protocol p;
  try {
    p = protocols::parse_protocol(out.protocol_text, out.store_path + ":/protocol");
  } catch (const protocols::ProtocolError& e) {
    throw ReportError(fmt::format(
        "{}; the stored protocol does not parse with this rigor version: analyse the store with "
        "the rigor version that wrote it",
        e.what()));
  }
  out.study_name = p.study.name;
  out.study_description = p.study.description;
  out.computed_hash = protocols::canonical_hash(p);
  out.pre_registered = lower(out.computed_hash) == lower(out.protocol_hash);
  out.seed = options.seed.value_or(p.study.master_seed);

  std::vector<Warning> study_warnings;
  std::vector<Warning> claim_warnings;
  if (!out.pre_registered) {
    study_warnings.push_back(
        {"exploratory", "", "",
         fmt::format("the stored protocol's canonical hash is {}, but the study registered {}; "
                     "every claim is reported as exploratory",
                     out.computed_hash, out.protocol_hash.empty() ? "none" : out.protocol_hash),
         "treat these results as exploratory, or register the protocol and run the study again"});
  }

  const Data data = read_data(store, p, study_warnings);

  // Arms: status counts, summaries per metric, diverged / missing warnings.
  for (const protocols::Arm& arm : p.arms) {
    const auto& row = data.cells.at(arm.name);
    ArmSummary s;
    s.name = arm.name;
    s.description = arm.description;
    s.planned_replicates = p.seeds.replicates;
    s.status = count_status(row);
    for (const protocols::Metric& m : p.metrics) {
      s.metrics.push_back(summarize(row, m, data, out.seed, options));
    }
    out.runs.planned += s.status.planned;
    out.runs.running += s.status.running;
    out.runs.complete += s.status.complete;
    out.runs.failed += s.status.failed;
    out.runs.diverged += s.status.diverged;
    if (s.status.diverged > 0) {
      study_warnings.push_back(
          {"diverged_runs", "", arm.name,
           fmt::format("arm \"{}\": {} of {} runs diverged; each counts as the worst outcome "
                       "(the worst value of any complete run, or its own value if worse)",
                       arm.name, s.status.diverged, s.planned_replicates),
           "report the divergence rate with the results; lower the learning rate or add gradient "
           "clipping in a new, registered protocol if it is a bug"});
    }
    if (s.status.missing() > 0) {
      study_warnings.push_back(
          {"missing_runs", "", arm.name,
           fmt::format("arm \"{}\": {} of {} runs have no result ({} failed, {} running, {} "
                       "planned); claims on this arm are inconclusive",
                       arm.name, s.status.missing(), s.planned_replicates, s.status.failed,
                       s.status.running, s.status.planned),
           fmt::format("rerun `rigor run <protocol> --store {}` to complete them",
                       out.store_path)});
    }
    out.arms.push_back(std::move(s));
  }

  // Claims: data and the declared test (p-values raw for now).
  std::vector<std::vector<double>> analysed_a, analysed_b;
  for (const protocols::Claim& decl : p.claims) {
    ClaimResult c;
    c.id = decl.id;
    c.statement = decl.statement;
    c.a = decl.a;
    c.b = decl.b;
    c.metric = decl.metric;
    const protocols::Metric& metric = *p.find_metric(decl.metric);
    c.direction = metric.direction;
    c.test_kind = decl.test;
    c.alternative = to_stats(decl.alternative);
    c.alpha = decl.alpha;
    c.min_effect = decl.min_effect;
    c.family = decl.family;
    c.correction = decl.correction;
    c.configurations = decl.configurations;
    c.family_size = protocols::family_size(p, decl.family);
    c.pre_registered = out.pre_registered;
    const auto& row_a = data.cells.at(decl.a);
    const auto& row_b = data.cells.at(decl.b);
    c.status_a = count_status(row_a);
    c.status_b = count_status(row_b);
    c.scores_a = usable_scores(row_a, metric, data);
    c.scores_b = usable_scores(row_b, metric, data);
    c.unusable_a = c.status_a.total() - static_cast<std::int64_t>(c.scores_a.size());
    c.unusable_b = c.status_b.total() - static_cast<std::int64_t>(c.scores_b.size());
    const bool paired = claim_paired(decl, p);
    if (c.scores_a.size() != c.scores_b.size()) {
      claim_warnings.push_back(
          {"unequal_seeds", c.id, "",
           fmt::format("claim \"{}\": arm \"{}\" has {} usable seeds, arm \"{}\" has {}{}", c.id,
                       c.a, c.scores_a.size(), c.b, c.scores_b.size(),
                       paired ? "; the paired test uses only the replicates both arms have" : ""),
           "complete the missing runs so both arms have seeds.replicates seeds"});
    }
    if (paired) keep_pairs(c.scores_a, c.scores_b);
    const std::vector<double> a = values_of(c.scores_a), b = values_of(c.scores_b);
    const double alpha_used =
        decl.correction == protocols::Correction::kNone
            ? decl.alpha
            : decl.alpha / static_cast<double>(std::max<std::int64_t>(c.family_size, 1));
    try {
      if (a.size() >= 2 && b.size() >= 2) {
        c.test = run_test(c, a, b, paired, alpha_used, out.seed, options);
        c.test->alpha_used = c.test->p_value ? decl.alpha : alpha_used;
        c.effects = effects_of(a, b, paired, options);
        if (decl.test == ClaimTest::kWelch) {
          if (a.size() >= 3 && a.size() <= 5000) c.normality_a = stats::shapiro_wilk(a);
          if (b.size() >= 3 && b.size() <= 5000) c.normality_b = stats::shapiro_wilk(b);
          const bool non_normal = (c.normality_a && c.normality_a->p_value < 0.05) ||
                                  (c.normality_b && c.normality_b->p_value < 0.05);
          if (non_normal) {
            stats::MannWhitneyOptions mo;
            mo.alternative = c.alternative;
            mo.conf_level = options.conf_level;
            c.rank_test_beside = stats::mann_whitney(a, b, mo);
            std::string arms;
            auto describe = [&](const std::string& name,
                                const std::optional<stats::TestResult>& r) {
              if (!r || !(r->p_value < 0.05)) return;
              arms += fmt::format("{}arm \"{}\" (W = {}, p = {})", arms.empty() ? "" : ", ", name,
                                  format_number(r->statistic), format_p(r->p_value));
            };
            describe(c.a, c.normality_a);
            describe(c.b, c.normality_b);
            claim_warnings.push_back(
                {"normality", c.id, "",
                 fmt::format("claim \"{}\" is tested with Welch's t-test, but Shapiro-Wilk rejects "
                             "normality for {}; Mann-Whitney U beside it: W = {}, p = {}",
                             c.id, arms, format_number(c.rank_test_beside->statistic),
                             format_p(c.rank_test_beside->p_value)),
                 "read the rank test beside the t-test; declare test = \"mwu\" in the next "
                 "registered protocol if the scores are skewed"});
          }
        }
      }
    } catch (const stats::StatsError& e) {
      throw ReportError(fmt::format("claim \"{}\": {}", c.id, e.what()));
    }
    for (const auto& [name, v] : {std::pair<std::string, const std::vector<double>*>{c.a, &a},
                                  std::pair<std::string, const std::vector<double>*>{c.b, &b}}) {
      if (v->size() >= 2 && stats::is_constant(*v)) {
        const std::string sources = randomized_sources(p);
        claim_warnings.push_back(
            {"zero_variance", c.id, name,
             fmt::format("claim \"{}\": every seed of arm \"{}\" gave {} = {}; no variance from "
                         "the randomized sources: {}",
                         c.id, name, c.metric, format_number(v->front()),
                         sources.empty() ? "(none: seeds.randomize is empty)" : sources),
             "check that the randomized sources reach the training (data order shuffled, "
             "dropout on, per-seed initialization), or randomize more sources"});
      }
    }
    analysed_a.push_back(a);
    analysed_b.push_back(b);
    out.claims.push_back(std::move(c));
  }

  // Families: raw p-values (aso, p_outperform and untested claims enter as 1), padded with p = 1
  // for configurations not represented by a claim, adjusted with the family's method.
  std::vector<std::string> family_order;
  for (const ClaimResult& c : out.claims) {
    if (std::find(family_order.begin(), family_order.end(), c.family) == family_order.end()) {
      family_order.push_back(c.family);
    }
  }
  for (const std::string& name : family_order) {
    FamilyResult f;
    f.name = name;
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < out.claims.size(); ++i) {
      const ClaimResult& c = out.claims[i];
      if (c.family != name) continue;
      members.push_back(i);
      f.correction = c.correction;
      f.size = c.family_size;
      f.claims.push_back(c.id);
      f.p_raw.push_back(c.test && c.test->p_value ? *c.test->p_value : 1.0);
    }
    f.padding = std::max<std::int64_t>(0, f.size - static_cast<std::int64_t>(members.size()));
    for (std::int64_t i = 0; i < f.padding; ++i) f.p_raw.push_back(1.0);
    f.p_adjusted = stats::adjust_p_values(f.p_raw, to_stats(f.correction)).adjusted;
    for (std::size_t k = 0; k < members.size(); ++k) {
      ClaimResult& c = out.claims[members[k]];
      if (c.test && c.test->p_value) c.test->p_corrected = f.p_adjusted[k];
    }
    if (f.padding > 0) {
      study_warnings.push_back(
          {"configurations", "", "",
           fmt::format("family \"{}\" counts {} configurations tried: {} claim(s) tested and {} "
                       "other configuration(s) that enter the {} correction with p = 1",
                       name, f.size, members.size(), f.padding,
                       stats::to_string(to_stats(f.correction))),
           "report every configuration tried; the correction already accounts for them"});
    }
    if (f.correction == protocols::Correction::kNone && f.size > 1) {
      study_warnings.push_back(
          {"no_correction", "", "",
           fmt::format("family \"{}\" has {} members but declares correction = \"none\"; the "
                       "family-wise error rate is up to {} alpha",
                       name, f.size, f.size),
           "declare correction = \"holm\" in the next registered protocol"});
    }
    out.families.push_back(std::move(f));
  }

  // Verdicts.
  for (std::size_t i = 0; i < out.claims.size(); ++i) {
    ClaimResult& c = out.claims[i];
    const std::vector<double>& a = analysed_a[i];
    const std::vector<double>& b = analysed_b[i];
    const std::int64_t unusable = c.unusable_a + c.unusable_b;
    if (unusable > 0) {
      c.verdict = Verdict::kRunsMissing;
      c.why = missing_why(unusable, out.store_path);
      continue;
    }
    if (!c.test) {
      c.verdict = Verdict::kInconclusive;
      c.why = fmt::format(
          "too few usable runs: {} in arm \"{}\" and {} in arm \"{}\" (at least 2 "
          "each)",
          a.size(), c.a, b.size(), c.b);
      continue;
    }
    const ClaimTestResult& t = *c.test;
    VerdictResult v;
    try {
      if (c.test_kind == ClaimTest::kAso) {
        v = judge_aso(*t.eps_min, *t.aso_threshold, t.degenerate, t.aso_direction);
      } else if (c.test_kind == ClaimTest::kPOutperform) {
        // Decided by the bootstrap interval of P(A > B) (Bouthillier et al. 2021): significant
        // when it excludes 1/2 on the claimed side; the minimum effect is on the P - 1/2 scale.
        const stats::Interval ci = *t.p_outperform_ci;
        const bool up = ci.lower > 0.5, down = ci.upper < 0.5;
        bool significant = false, opposite = false;
        switch (c.alternative) {
          case stats::Alternative::kGreater:
            significant = up;
            opposite = down;
            break;
          case stats::Alternative::kLess:
            significant = down;
            opposite = up;
            break;
          case stats::Alternative::kTwoSided:
            significant = up || down;
            break;
        }
        VerdictInput in;
        in.alternative = c.alternative;
        in.alpha = t.alpha_used;
        in.min_effect = c.min_effect;
        in.p_value = significant ? 0.0 : 1.0;  // judge() only compares p with alpha
        in.opposite_significant = opposite;
        in.estimate = *t.p_outperform - 0.5;
        in.degenerate = t.degenerate;
        in.paired = t.paired;
        in.probability_scale = true;
        v = judge(in, a, b);
      } else {
        VerdictInput in;
        in.alternative = c.alternative;
        in.alpha = c.alpha;
        in.min_effect = c.min_effect;
        in.p_value = *t.p_corrected;
        // The opposite alternative's p-value is about 1 - p (exact for continuous tests); it is
        // Bonferroni-corrected over the family (conservative for every method).
        if (c.alternative != stats::Alternative::kTwoSided) {
          const double m = c.correction == protocols::Correction::kNone
                               ? 1.0
                               : static_cast<double>(c.family_size);
          in.opposite_significant = std::min(1.0, m * (1.0 - *t.p_value)) <= c.alpha;
        }
        if (t.estimate) in.estimate = t.estimate->value;
        in.degenerate = t.degenerate;
        in.paired = t.paired;
        v = judge(in, a, b);
      }
    } catch (const stats::StatsError& e) {
      throw ReportError(fmt::format("claim \"{}\": {}", c.id, e.what()));
    }
    c.verdict = v.verdict;
    c.why = v.why;
    c.power = v.power;
  }

  // Multi-arm blocks: one per claimed metric, when the protocol has >= 3 arms.
  if (p.arms.size() >= 3) {
    for (const protocols::Metric& metric : p.metrics) {
      const bool claimed =
          std::any_of(out.claims.begin(), out.claims.end(),
                      [&](const ClaimResult& c) { return c.metric == metric.name; });
      if (!claimed) continue;
      try {
        out.multi_arm.push_back(multi_arm_block(p, metric, data, out.claims));
      } catch (const stats::StatsError& e) {
        throw ReportError(
            fmt::format("multi-arm test on metric \"{}\": {}", metric.name, e.what()));
      }
      const MultiArmResult& m = out.multi_arm.back();
      if (!m.skipped.empty()) {
        study_warnings.push_back({"multi_arm_skipped", "", "",
                                  fmt::format("metric \"{}\": {}", m.metric, m.skipped),
                                  "complete the missing runs"});
      }
    }
  }

  out.warnings = std::move(study_warnings);
  out.warnings.insert(out.warnings.end(), claim_warnings.begin(), claim_warnings.end());
  return out;
}

}  // namespace rigor::reports
