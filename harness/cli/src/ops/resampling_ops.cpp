// `rigor stats` ops for resampling: bootstrap_ci, effect_size, aggregate, permutation_test.
// Schemas in docs/stats-batch/resampling.md.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ops.h"
#include "rigor/stats/bootstrap.h"
#include "rigor/stats/effect_size.h"
#include "rigor/stats/permutation.h"

namespace rigor::cli {
namespace {

Json optional_number(const std::optional<double>& v) { return v ? json_number(*v) : Json(nullptr); }

Json to_json(const stats::BootstrapResult& b) {
  Json j;
  j["method"] = b.method;
  j["interval"] = std::string(stats::to_string(b.interval));
  j["statistic"] = b.statistic;
  j["estimate"] = json_number(b.estimate);
  j["ci"] = cli::to_json(b.ci);
  j["conf_level"] = b.conf_level;
  j["n_resamples"] = b.n_resamples;
  j["standard_error"] = json_number(b.standard_error);
  j["bias_correction"] = optional_number(b.bias_correction);
  j["acceleration"] = optional_number(b.acceleration);
  j["seed"] = b.seed;
  j["degenerate"] = b.degenerate;
  j["note"] = b.note;
  if (!b.replicates.empty()) {
    Json reps = Json::array();
    for (double v : b.replicates) reps.push_back(json_number(v));
    j["replicates"] = std::move(reps);
  }
  return j;
}

// {"op": "bootstrap_ci", "x": [...], "y": [...]?, "statistic": "mean", "trim": 0.1,
//  "method": "bca", "n_resamples": 9999, "conf_level": 0.95, "seed": 0, "threads": 0,
//  "keep_replicates": false}. With y: the CI of statistic(x) - statistic(y).
Json bootstrap_ci_op(Request& r) {
  const std::vector<double> x = r.doubles("x");
  const std::optional<std::vector<double>> y = r.optional_doubles("y");
  const stats::Statistic statistic = stats::parse_statistic(
      r.choice("statistic", "mean", {"mean", "median", "iqm", "trimmed_mean", "std"}));
  stats::BootstrapOptions options;
  options.trim = r.number("trim", 0.1);
  options.method =
      stats::parse_bootstrap_method(r.choice("method", "bca", {"percentile", "basic", "bca"}));
  options.n_resamples = r.count("n_resamples", 9999);
  options.conf_level = r.number("conf_level", 0.95);
  const std::uint64_t seed = r.seed("seed", 0);
  options.threads = r.threads();
  options.keep_replicates = r.boolean("keep_replicates", false);
  r.finish();
  if (y) return to_json(stats::bootstrap_ci(x, *y, statistic, seed, options));
  return to_json(stats::bootstrap_ci(x, statistic, seed, options));
}

// {"op": "effect_size", "x": [...], "y": [...], "kind": "cohens_d", "conf_level": 0.95}.
Json effect_size_op(Request& r) {
  const std::vector<double> x = r.doubles("x");
  const std::vector<double> y = r.doubles("y");
  const stats::EffectSizeKind kind = stats::parse_effect_size_kind(
      r.choice("kind", "cohens_d", {"cohens_d", "hedges_g", "cliffs_delta", "a12", "cohens_dz"}));
  stats::EffectSizeOptions options;
  options.conf_level = r.number("conf_level", 0.95);
  r.finish();
  const stats::EffectSize e = stats::effect_size(kind, x, y, options);
  Json j;
  j["method"] = e.method;
  j["kind"] = std::string(stats::to_string(e.kind));
  j["estimate"] = json_number(e.estimate);
  j["ci"] = cli::to_json(e.ci);
  j["conf_level"] = e.conf_level;
  j["degenerate"] = e.degenerate;
  j["note"] = e.note;
  return j;
}

// `scores` is either an array of numbers (runs of one task) or an array of arrays (runs x tasks).
std::variant<std::vector<double>, std::vector<std::vector<double>>> read_scores(Request& r) {
  try {
    return r.doubles("scores");
  } catch (const RequestError& e) {
    // Not a plain vector: a matrix if its first element is an array, else report as it is.
    if (std::string(e.what()).find("field \"scores\"[0] is an array,") == std::string::npos) throw;
  }
  return r.matrix("scores");
}

// {"op": "aggregate", "scores": [[...], ...] | [...], "statistic": "iqm", "method": "percentile",
//  "n_resamples": 9999, "conf_level": 0.95, "seed": 0, "threads": 0}.
Json aggregate_op(Request& r) {
  const auto scores = read_scores(r);
  const stats::Aggregate aggregate =
      stats::parse_aggregate(r.choice("statistic", "iqm", {"mean", "median", "iqm"}));
  stats::AggregateOptions options;
  options.method =
      stats::parse_bootstrap_method(r.choice("method", "percentile", {"percentile", "basic"}));
  options.n_resamples = r.count("n_resamples", 9999);
  options.conf_level = r.number("conf_level", 0.95);
  const std::uint64_t seed = r.seed("seed", 0);
  options.threads = r.threads();
  r.finish();
  if (const auto* runs = std::get_if<std::vector<double>>(&scores)) {
    return to_json(stats::aggregate_ci(*runs, aggregate, seed, options));
  }
  return to_json(stats::aggregate_ci(std::get<std::vector<std::vector<double>>>(scores), aggregate,
                                     seed, options));
}

// {"op": "permutation_test", "x": [...], "y": [...], "paired": false, "alternative": "two-sided",
//  "n_resamples": 100000, "exact_limit": 1000000, "seed": 0, "threads": 0}.
Json permutation_test_op(Request& r) {
  const std::vector<double> x = r.doubles("x");
  const std::vector<double> y = r.doubles("y");
  const bool paired = r.boolean("paired", false);
  stats::PermutationOptions options;
  options.alternative = r.alternative();
  options.n_resamples = r.count("n_resamples", 100'000);
  options.exact_limit = r.count("exact_limit", 1'000'000);
  const std::uint64_t seed = r.seed("seed", 0);
  options.threads = r.threads();
  r.finish();
  const stats::PermutationResult p = paired ? stats::paired_permutation_test(x, y, seed, options)
                                            : stats::permutation_test(x, y, seed, options);
  Json j = cli::to_json(p.test);
  j["n_permutations"] = p.n_permutations;
  j["count_greater_equal"] = p.count_greater_equal;
  j["count_less_equal"] = p.count_less_equal;
  j["seed"] = p.seed;
  return j;
}

}  // namespace

void add_resampling_ops(std::vector<Op>& ops) {
  ops.push_back({"bootstrap_ci",
                 "seeded bootstrap CI (percentile, basic, BCa) of a statistic or a difference",
                 &bootstrap_ci_op});
  ops.push_back({"effect_size", "Cohen's d, Hedges' g, Cliff's delta or Vargha-Delaney A12 with CI",
                 &effect_size_op});
  ops.push_back(
      {"aggregate", "rliable mean / median / IQM with a stratified bootstrap CI", &aggregate_op});
  ops.push_back({"permutation_test",
                 "exact or Monte Carlo permutation test of a mean difference (paired: sign flips)",
                 &permutation_test_op});
}

}  // namespace rigor::cli
