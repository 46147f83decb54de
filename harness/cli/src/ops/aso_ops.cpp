// `rigor stats` ops for Almost Stochastic Order, the probability of outperforming and simulated
// power: aso, p_outperform, power_simulation. Schemas in docs/stats-batch/aso.md.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "ops.h"
#include "rigor/stats/aso.h"
#include "rigor/stats/outperform.h"
#include "rigor/stats/sim_power.h"

namespace rigor::cli {
namespace {

// {"op": "aso", "a": [...], "b": [...], "confidence_level": 0.95, "num_bootstrap": 1000,
//  "seed": 0, "threads": 0} -> eps_min, eps_hat, sigma_hat, ...
Json aso_op(Request& r) {
  const std::vector<double> a = r.doubles("a");
  const std::vector<double> b = r.doubles("b");
  stats::AsoOptions options;
  options.confidence_level = r.number("confidence_level", 0.95);
  options.num_bootstrap = r.count("num_bootstrap", 1000);
  const std::uint64_t seed = r.seed("seed", 0);
  options.threads = r.threads();
  r.finish();
  const stats::AsoResult res = stats::aso(a, b, seed, options);
  Json j;
  j["method"] = res.method;
  j["eps_min"] = res.eps_min;
  j["eps_hat"] = res.eps_hat;
  j["sigma_hat"] = res.sigma_hat;
  j["w2_squared"] = res.w2_squared;
  j["confidence_level"] = res.confidence_level;
  j["num_bootstrap"] = res.num_bootstrap;
  j["seed"] = res.seed;
  j["n_a"] = res.n_a;
  j["n_b"] = res.n_b;
  j["degenerate"] = res.degenerate;
  j["note"] = res.note;
  return j;
}

// {"op": "p_outperform", "a": [...], "b": [...], "paired": false, "gamma": 0.75,
//  "conf_level": 0.95, "n_resamples": 1000, "seed": 0, "threads": 0}.
Json p_outperform_op(Request& r) {
  const std::vector<double> a = r.doubles("a");
  const std::vector<double> b = r.doubles("b");
  stats::OutperformOptions options;
  options.paired = r.boolean("paired", false);
  options.gamma = r.number("gamma", 0.75);
  options.conf_level = r.number("conf_level", 0.95);
  options.n_resamples = r.count("n_resamples", 1000);
  const std::uint64_t seed = r.seed("seed", 0);
  options.threads = r.threads();
  r.finish();
  const stats::OutperformResult res = stats::probability_of_outperforming(a, b, seed, options);
  Json j;
  j["method"] = res.method;
  j["estimate"] = res.estimate;
  j["ci"] = to_json(res.ci);
  j["conf_level"] = res.conf_level;
  j["gamma"] = res.gamma;
  j["paired"] = res.paired;
  j["n_resamples"] = res.n_resamples;
  j["seed"] = res.seed;
  j["n_a"] = res.n_a;
  j["n_b"] = res.n_b;
  j["significant"] = res.significant;
  j["meaningful"] = res.meaningful;
  j["conclusion"] = std::string(stats::to_string(res.conclusion));
  j["degenerate"] = res.degenerate;
  j["note"] = res.note;
  return j;
}

Json power_json(const stats::SimPowerResult& p) {
  Json j;
  j["n"] = p.n_per_arm;
  j["power"] = p.power;
  j["standard_error"] = p.standard_error;
  j["rejections"] = p.rejections;
  return j;
}

// {"op": "power_simulation", "test": "welch_t", "n": 10 | "target_power": 0.8,
//  model: "effect" | "mean_a" + "mean_b", "sd", "sd_a", "sd_b", "correlation"
//      or "pilot_b", "pilot_a", "shift", "pilot_paired",
//  "alternative": "two-sided", "alpha": 0.05, "n_simulations": 1000, "seed": 0, "threads": 0,
//  "aso_threshold": 0.2, "aso_num_bootstrap": 1000, "n_min": 2, "n_max": 200}.
Json power_simulation_op(Request& r) {
  stats::SimPowerOptions options;
  options.test = stats::parse_power_test(
      r.choice("test", "welch_t", {"welch_t", "mann_whitney", "wilcoxon", "aso"}));
  const std::optional<std::int64_t> n = r.optional_integer("n");
  const std::optional<double> target = r.optional_number("target_power");
  const std::optional<double> effect = r.optional_number("effect");
  const std::optional<double> mean_a = r.optional_number("mean_a");
  const std::optional<double> mean_b = r.optional_number("mean_b");
  const double sd = r.number("sd", 1.0);
  const std::optional<double> sd_a = r.optional_number("sd_a");
  const std::optional<double> sd_b = r.optional_number("sd_b");
  const double correlation = r.number("correlation", 0.0);
  const std::optional<std::vector<double>> pilot_b = r.optional_doubles("pilot_b");
  const std::optional<std::vector<double>> pilot_a = r.optional_doubles("pilot_a");
  const double shift = r.number("shift", 0.0);
  const bool pilot_paired = r.boolean("pilot_paired", false);
  options.alternative = r.alternative();
  options.alpha = r.number("alpha", 0.05);
  options.n_simulations = r.count("n_simulations", 1000);
  const std::uint64_t seed = r.seed("seed", 0);
  options.threads = r.threads();
  options.aso_threshold = r.number("aso_threshold", 0.2);
  options.aso_num_bootstrap = r.count("aso_num_bootstrap", 1000);
  stats::SampleSizeSearch search;
  search.n_min = r.count("n_min", 2);
  search.n_max = r.count("n_max", 200);
  r.finish();

  if (n.has_value() == target.has_value()) {
    r.fail(
        "give exactly one of the fields \"n\" (power at n seeds per arm) and \"target_power\" "
        "(smallest n reaching it)");
  }
  if (n && *n < 2) {
    r.fail(fmt::format("field \"n\" is {}, but at least 2 seeds per arm are required", *n));
  }
  stats::ScoreModel model;
  if (pilot_b) {
    if (effect || mean_a || mean_b || sd_a || sd_b) {
      r.fail(
          "fields \"effect\", \"mean_a\", \"mean_b\", \"sd_a\", \"sd_b\" describe the normal "
          "model, but \"pilot_b\" selects resampling of pilot scores; use one model");
    }
    model = stats::ScoreModel::pilot(*pilot_b, shift);
    if (pilot_a) model.pilot_a = *pilot_a;
    model.pilot_paired = pilot_paired;
  } else {
    if (pilot_a || pilot_paired) {
      r.fail("fields \"pilot_a\" and \"pilot_paired\" need \"pilot_b\" (the pilot scores of B)");
    }
    if (effect && (mean_a || mean_b)) {
      r.fail(
          "give either \"effect\" (mean_a - mean_b, with mean_b = 0) or \"mean_a\" and "
          "\"mean_b\", not both");
    }
    if (!effect && !(mean_a && mean_b)) {
      r.fail(
          "the normal model needs \"effect\" (mean_a - mean_b) or both \"mean_a\" and "
          "\"mean_b\"; or give \"pilot_b\" to resample pilot scores");
    }
    model = effect ? stats::ScoreModel::normal(*effect, 0.0, sd)
                   : stats::ScoreModel::normal(*mean_a, *mean_b, sd);
    if (sd_a) model.sd_a = *sd_a;
    if (sd_b) model.sd_b = *sd_b;
    model.correlation = correlation;
  }

  Json j;
  j["test"] = std::string(stats::to_string(options.test));
  j["alternative"] = std::string(stats::to_string(options.alternative));
  j["alpha"] = options.alpha;
  j["n_simulations"] = options.n_simulations;
  j["seed"] = seed;
  if (n) {
    const stats::SimPowerResult p =
        stats::simulate_power(model, static_cast<std::size_t>(*n), seed, options);
    const Json at_n = power_json(p);
    for (auto it = at_n.begin(); it != at_n.end(); ++it) j[it.key()] = it.value();
    return j;
  }
  search.target_power = *target;
  const stats::SimSampleSizeResult s = stats::simulate_sample_size(model, seed, options, search);
  j["target_power"] = s.target_power;
  j["reached"] = s.reached;
  const Json at_n = power_json(s.at_n);
  for (auto it = at_n.begin(); it != at_n.end(); ++it) j[it.key()] = it.value();
  Json evaluated = Json::array();
  for (const auto& e : s.evaluated) evaluated.push_back(power_json(e));
  j["evaluated"] = evaluated;
  j["note"] = s.note;
  return j;
}

}  // namespace

void add_aso_ops(std::vector<Op>& ops) {
  ops.push_back({"aso", "Almost Stochastic Order eps_min of A over B (Dror et al. 2019)", &aso_op});
  ops.push_back({"p_outperform",
                 "P(A > B) with bootstrap CI and the significant/meaningful rule of Bouthillier "
                 "et al. 2021",
                 &p_outperform_op});
  ops.push_back({"power_simulation",
                 "simulated power (or smallest n) of welch_t, mann_whitney, wilcoxon or aso",
                 &power_simulation_op});
}

}  // namespace rigor::cli
