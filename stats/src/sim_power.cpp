#include "rigor/stats/sim_power.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "message.h"
#include "resampling_internal.h"
#include "rigor/stats/aso.h"
#include "rigor/stats/random.h"
#include "rigor/stats/rank_tests.h"
#include "rigor/stats/ttest.h"

namespace rigor::stats {
namespace {

bool is_paired(PowerTest test) { return test == PowerTest::kWilcoxonSignedRank; }

void require_finite_value(const char* name, double value) {
  if (!std::isfinite(value)) {
    throw StatsError(detail::cat(name, " is ", value, ", but must be finite"));
  }
}

void require_positive(const char* name, double value) {
  if (!(value > 0.0 && std::isfinite(value))) {
    throw StatsError(detail::cat(name, " is ", value, ", but must be positive and finite"));
  }
}

void validate(const ScoreModel& model, std::size_t n_per_arm, const SimPowerOptions& options) {
  if (n_per_arm < 2) {
    throw StatsError(detail::cat("n_per_arm is ", n_per_arm, ", but at least 2 are required"));
  }
  require_level(options.alpha, "alpha");
  if (options.n_simulations == 0) {
    throw StatsError("n_simulations is 0, but at least 1 is required (1000 or more recommended)");
  }
  if (options.test == PowerTest::kAso) {
    if (!(options.aso_threshold > 0.0 && options.aso_threshold <= 1.0)) {
      throw StatsError(detail::cat("aso_threshold is ", options.aso_threshold,
                                   ", but must be in (0, 1]; 0.2 is the strict choice"));
    }
    if (options.aso_num_bootstrap < 2) {
      throw StatsError(detail::cat("aso_num_bootstrap is ", options.aso_num_bootstrap,
                                   ", but at least 2 are required (1000 recommended)"));
    }
    if (options.alternative == Alternative::kLess) {
      throw StatsError(
          "alternative is \"less\", but ASO tests only that A is better than B; swap the arms");
    }
  }
  if (model.kind == ScoreModel::Kind::kNormal) {
    require_finite_value("mean_a", model.mean_a);
    require_finite_value("mean_b", model.mean_b);
    require_positive("sd_a", model.sd_a);
    require_positive("sd_b", model.sd_b);
    if (!(model.correlation > -1.0 && model.correlation < 1.0)) {
      throw StatsError(
          detail::cat("correlation is ", model.correlation, ", but must be in (-1, 1)"));
    }
    if (model.correlation != 0.0 && !is_paired(options.test)) {
      throw StatsError(detail::cat("correlation is ", model.correlation, ", but the ",
                                   to_string(options.test),
                                   " test compares independent arms; correlation applies to the "
                                   "paired wilcoxon test only"));
    }
  } else {
    require_finite(model.pilot_b, "pilot_b", 2);
    if (!model.pilot_a.empty()) require_finite(model.pilot_a, "pilot_a", 2);
    require_finite_value("shift", model.shift);
    if (model.pilot_paired) {
      if (model.pilot_a.empty()) {
        throw StatsError("pilot_paired needs pilot_a: give the paired pilot scores of A as well");
      }
      require_same_length(model.pilot_a, model.pilot_b, "pilot_a", "pilot_b");
    }
  }
}

// Scores of simulation stream `stream` (see simulate_power for the order of the draws).
void draw_scores(const ScoreModel& model, bool paired, std::size_t n, std::uint64_t seed,
                 std::uint64_t stream, std::vector<double>& a, std::vector<double>& b) {
  CounterRng rng(seed, stream);
  a.resize(n);
  b.resize(n);
  if (model.kind == ScoreModel::Kind::kNormal) {
    if (paired) {
      // b = mean_b + sd_b (rho z1 + sqrt(1 - rho^2) z2): corr(a, b) = rho.
      const double rho = model.correlation, rest = std::sqrt(1.0 - rho * rho);
      for (std::size_t k = 0; k < n; ++k) {
        const double z1 = rng.normal();
        const double z2 = rng.normal();
        a[k] = model.mean_a + model.sd_a * z1;
        b[k] = model.mean_b + model.sd_b * (rho * z1 + rest * z2);
      }
    } else {
      for (std::size_t k = 0; k < n; ++k) a[k] = model.mean_a + model.sd_a * rng.normal();
      for (std::size_t k = 0; k < n; ++k) b[k] = model.mean_b + model.sd_b * rng.normal();
    }
    return;
  }
  const std::vector<double>& pa = model.pilot_a.empty() ? model.pilot_b : model.pilot_a;
  const std::vector<double>& pb = model.pilot_b;
  if (model.pilot_paired) {
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = rng.below(pb.size());
      a[k] = pa[i] + model.shift;
      b[k] = pb[i];
    }
    return;
  }
  for (std::size_t k = 0; k < n; ++k) a[k] = pa[rng.below(pa.size())] + model.shift;
  for (std::size_t k = 0; k < n; ++k) b[k] = pb[rng.below(pb.size())];
}

// `exact`: the Mann-Whitney null for these sizes when the exact test applies (built once per
// simulate_power call instead of once per simulated study: same p-values, bit for bit).
bool rejects(const SimPowerOptions& options, std::span<const double> a, std::span<const double> b,
             std::uint64_t aso_seed, const RankSumExact* exact) {
  switch (options.test) {
    case PowerTest::kWelchT: {
      TTestOptions t;
      t.alternative = options.alternative;
      return welch_t_test(a, b, t).p_value < options.alpha;
    }
    case PowerTest::kMannWhitney: {
      if (exact != nullptr) {
        if (const std::optional<double> p = exact->p_value(a, b, options.alternative)) {
          return *p < options.alpha;
        }
      }
      MannWhitneyOptions w;
      w.alternative = options.alternative;
      w.conf_int = false;  // only the p-value is needed
      return mann_whitney(a, b, w).p_value < options.alpha;
    }
    case PowerTest::kWilcoxonSignedRank: {
      WilcoxonOptions w;
      w.alternative = options.alternative;
      w.conf_int = false;
      return wilcoxon_signed_rank(a, b, w).p_value < options.alpha;
    }
    case PowerTest::kAso: {
      AsoOptions o;
      o.confidence_level = 1.0 - options.alpha;
      o.num_bootstrap = options.aso_num_bootstrap;
      o.threads = 1;  // parallel over simulations instead
      return aso(a, b, aso_seed, o).eps_min < options.aso_threshold;
    }
  }
  return false;
}

SimPowerResult run_simulations(const ScoreModel& model, std::size_t n, std::uint64_t seed,
                               const SimPowerOptions& options) {
  const std::size_t sims = options.n_simulations;
  std::vector<unsigned char> rejected(sims, 0);
  const bool paired = is_paired(options.test);
  // One ASO simulation is ~B (2n) steps; a t or rank test ~n log n. Aim for >= 50 us per thread.
  const std::size_t cost =
      options.test == PowerTest::kAso ? options.aso_num_bootstrap * 2 * n : 20 * n;
  const std::size_t min_chunk = std::max<std::size_t>(1, 50000 / std::max<std::size_t>(1, cost));
  // mann_whitney's exact case (MannWhitneyOptions' defaults: kAuto, both arms below 50).
  std::optional<RankSumExact> exact;
  if (options.test == PowerTest::kMannWhitney && n < 50) {
    exact.emplace(static_cast<int>(n), static_cast<int>(n));
  }
  detail::parallel_for(sims, options.threads, min_chunk, [&](std::size_t begin, std::size_t end) {
    std::vector<double> a, b;
    for (std::size_t i = begin; i < end; ++i) {
      draw_scores(model, paired, n, seed, 2 * static_cast<std::uint64_t>(i), a, b);
      const std::uint64_t aso_seed = derive_seed(seed, 2 * static_cast<std::uint64_t>(i) + 1);
      rejected[i] = rejects(options, a, b, aso_seed, exact ? &*exact : nullptr) ? 1 : 0;
    }
  });
  SimPowerResult r;
  r.test = options.test;
  r.alternative = options.alternative;
  r.n_per_arm = n;
  r.n_simulations = sims;
  r.alpha = options.alpha;
  r.seed = seed;
  for (unsigned char x : rejected) r.rejections += x;
  r.power = static_cast<double>(r.rejections) / static_cast<double>(sims);
  // Binomial standard error of a proportion estimated from `sims` independent studies.
  r.standard_error = std::sqrt(r.power * (1.0 - r.power) / static_cast<double>(sims));
  return r;
}

}  // namespace

std::string_view to_string(PowerTest test) {
  switch (test) {
    case PowerTest::kWelchT:
      return "welch_t";
    case PowerTest::kMannWhitney:
      return "mann_whitney";
    case PowerTest::kWilcoxonSignedRank:
      return "wilcoxon";
    case PowerTest::kAso:
      return "aso";
  }
  return "welch_t";
}

PowerTest parse_power_test(std::string_view text, std::string_view field) {
  if (text == "welch_t" || text == "welch") return PowerTest::kWelchT;
  if (text == "mann_whitney") return PowerTest::kMannWhitney;
  if (text == "wilcoxon" || text == "wilcoxon_signed_rank") return PowerTest::kWilcoxonSignedRank;
  if (text == "aso") return PowerTest::kAso;
  throw StatsError(
      detail::cat(field, " is \"", text,
                  "\", but must be one of \"welch_t\", \"mann_whitney\", \"wilcoxon\", "
                  "\"aso\""));
}

ScoreModel ScoreModel::normal(double mean_a, double mean_b, double sd) {
  ScoreModel m;
  m.kind = Kind::kNormal;
  m.mean_a = mean_a;
  m.mean_b = mean_b;
  m.sd_a = sd;
  m.sd_b = sd;
  return m;
}

ScoreModel ScoreModel::pilot(std::vector<double> pilot_b, double shift) {
  ScoreModel m;
  m.kind = Kind::kPilot;
  m.pilot_b = std::move(pilot_b);
  m.shift = shift;
  return m;
}

SimPowerResult simulate_power(const ScoreModel& model, std::size_t n_per_arm, std::uint64_t seed,
                              const SimPowerOptions& options) {
  validate(model, n_per_arm, options);
  return run_simulations(model, n_per_arm, seed, options);
}

SimSampleSizeResult simulate_sample_size(const ScoreModel& model, std::uint64_t seed,
                                         const SimPowerOptions& options,
                                         const SampleSizeSearch& search) {
  if (!(search.target_power > 0.0 && search.target_power < 1.0)) {
    throw StatsError(
        detail::cat("target_power is ", search.target_power, ", but must be in (0, 1)"));
  }
  if (search.n_min < 2) {
    throw StatsError(detail::cat("n_min is ", search.n_min, ", but at least 2 are required"));
  }
  if (search.n_max < search.n_min) {
    throw StatsError(
        detail::cat("n_max is ", search.n_max, ", but must be at least n_min = ", search.n_min));
  }
  validate(model, search.n_min, options);

  std::map<std::size_t, SimPowerResult> evaluated;
  auto power_at = [&](std::size_t n) -> const SimPowerResult& {
    auto it = evaluated.find(n);
    if (it == evaluated.end()) {
      it = evaluated.emplace(n, run_simulations(model, n, seed, options)).first;
    }
    return it->second;
  };
  auto passes = [&](std::size_t n) { return power_at(n).power >= search.target_power; };

  SimSampleSizeResult result;
  result.target_power = search.target_power;
  // Doubling: lo fails (or is below n_min), hi passes.
  std::size_t lo = search.n_min - 1, hi = search.n_min;
  bool found = passes(hi);
  while (!found && hi < search.n_max) {
    lo = hi;
    hi = std::min(search.n_max, 2 * hi);
    found = passes(hi);
  }
  if (found) {
    while (hi - lo > 1) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (passes(mid)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
  } else {
    result.note =
        detail::cat("target power ", search.target_power,
                    " not reached with n_max = ", search.n_max, " per arm (estimated power ",
                    power_at(hi).power, "); raise n_max or reconsider the effect size");
  }
  result.reached = found;
  result.n = hi;
  result.at_n = power_at(hi);
  for (const auto& [n, r] : evaluated) result.evaluated.push_back(r);
  return result;
}

}  // namespace rigor::stats
