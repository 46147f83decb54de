// Seed tree and run plan.
#include "rigor/protocols/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "rigor/protocols/canonical.h"
#include "rigor/stats/power.h"
#include "rigor/stats/random.h"
#include "rigor/stats/sequential.h"
#include "rigor/stats/sim_power.h"

namespace rigor::protocols {
namespace {

std::uint64_t seed_of(const Protocol& p, std::uint64_t arm_stream, bool paired,
                      std::int64_t replicate, VarianceSource source) {
  const auto index = static_cast<std::size_t>(source);
  const std::uint64_t source_seed = stats::derive_seed(p.study.master_seed, index + 1);
  const std::uint64_t r = p.seeds.randomized[index] ? static_cast<std::uint64_t>(replicate) : 0;
  const std::uint64_t s = stats::derive_seed(source_seed, r);
  return paired ? s : stats::derive_seed(s, arm_stream);
}

// Stream of the master seed that seeds the plan's power simulations: "plan" in ASCII. The variance
// sources use streams 1 to 5 (seed_of), so the two never share a stream.
constexpr std::uint64_t kPlanSimulationStream = 0x706c616e;

// ASO supports a claim when eps_min < 0.2: reports::AnalyzeOptions::aso_threshold's default, the
// stricter threshold of the deep-significance documentation (docs/stats/aso.md).
constexpr double kAsoThreshold = 0.2;

// Pitman asymptotic relative efficiency of the Wilcoxon signed-rank and the Mann-Whitney test to
// the t-test for normal scores, 3 / pi = 0.955 (Hodges & Lehmann 1956, Ann. Math. Statist. 27:
// 324-335): for large n the rank test needs n_t / (3 / pi) seeds where the t-test needs n_t.
constexpr double kRankEfficiency = 3.0 / std::numbers::pi;

// How one claim is simulated (stats::simulate_sample_size) and where the simulation stops: the
// caps keep `rigor plan` interactive, under ~1 s per claim on the 2-core build VM. Measured there
// (RelWithDebInfo, the other core busy) per 1000 simulated studies: Wilcoxon signed rank 0.055 s
// at n = 200; Mann-Whitney 0.008 s at n = 20, 0.013 s at n = 49 (its exact null distribution,
// used below n = 50 as R does, is built once per n: stats::RankSumExact), 0.08 s at n = 200;
// ASO with 100 bootstrap replicates 3 us per study and seed. A search costs about 2 log2(n)
// evaluations, most of them near the answer. With these caps the slowest single-claim plan took
// 0.66 s (`rigor plan`, an ASO claim searched up to the cap, load average 2.2).
struct Simulation {
  stats::PowerTest test = stats::PowerTest::kWilcoxonSignedRank;
  std::string_view name;        // of the simulated test
  std::size_t studies = 1000;   // simulated studies per n
  std::size_t bootstrap = 0;    // ASO bootstrap replicates per simulated test
  std::size_t n_cap = 0;        // largest n the search simulates
  std::size_t planned_cap = 0;  // largest planned n whose power is simulated
  // Closed-form stand-in above the caps: n_t / (3/pi) seeds (asymptotic relative efficiency of
  // the rank test) for wilcoxon and mwu claims; n_t for a permutation test of means (efficiency 1
  // to the t-test) and, as an approximation, for ASO.
  bool rank_efficiency = false;
};

Simulation simulation_for(ClaimTest test, bool paired) {
  Simulation s;
  if (test == ClaimTest::kAso) {
    // 100 bootstrap replicates instead of the analysis' 1000: at n = 12, 20, 60, 96 (d = 1, 0.5;
    // 2000 studies, common random numbers) the power moved by at most 0.007 from B = 1000, within
    // the Monte-Carlo error of 400 studies (0.02); B = 50 moved it by 0.014.
    s.test = stats::PowerTest::kAso;
    s.name = "ASO";
    s.studies = 400;
    s.bootstrap = 100;
    s.n_cap = 48;
    s.planned_cap = 100;
  } else if (paired) {
    s.test = stats::PowerTest::kWilcoxonSignedRank;
    s.name = "Wilcoxon signed-rank test";
    s.n_cap = 200;
    s.planned_cap = 1000;
  } else {
    s.test = stats::PowerTest::kMannWhitney;
    s.name = "Mann-Whitney test";
    s.n_cap = 200;
    s.planned_cap = 1000;
  }
  s.rank_efficiency = test == ClaimTest::kWilcoxon || test == ClaimTest::kMannWhitney;
  return s;
}

// Smallest n per arm at which the exact rank test can reject at all: its smallest p-value is 2^-n
// for the signed rank (every difference positive) and 1 / C(2n, n) for the rank sum (the samples
// separate), doubled when two-sided; simulate_power rejects when p < alpha. Below it the exact test
// has power 0 whatever the effect. For ASO the same 1 / C(2n, n) bounds its rate of detections
// with no effect: separated samples always give eps_min = 0.
std::size_t exact_floor(bool paired, double alpha, bool two_sided) {
  double c = 1.0;  // C(2n, n) (in double: exact to n = 30, then within rounding)
  for (std::size_t n = 1; n < 1000; ++n) {
    c = c * static_cast<double>(2 * n - 1) * static_cast<double>(2 * n) /
        (static_cast<double>(n) * static_cast<double>(n));
    const double smallest =
        (paired ? std::ldexp(1.0, -static_cast<int>(n)) : 1.0 / c) * (two_sided ? 2.0 : 1.0);
    if (n >= 2 && smallest < alpha) return n;
  }
  return 1000;
}

// The closed form standing in for a simulation (too slow, or the target not reached by the cap):
// the power.t.test answer n_t, or n_t / (3/pi) for a rank test.
std::int64_t closed_seeds(const stats::PowerTTestResult& t, bool rank_efficiency) {
  if (!rank_efficiency) return std::max<std::int64_t>(t.n_ceil, 2);
  return std::max<std::int64_t>(static_cast<std::int64_t>(std::ceil(t.n / kRankEfficiency - 1e-9)),
                                2);
}

// Power of the closed form at `planned` seeds per arm (the rank tests at their efficiency).
double closed_power(const stats::PowerTTestSpec& spec, std::int64_t planned, bool rank_efficiency) {
  stats::PowerTTestSpec at = spec;
  at.n = static_cast<double>(planned) * (rank_efficiency ? kRankEfficiency : 1.0);
  at.power = std::nullopt;
  return stats::power_t_test(at).power;
}

std::string closed_method(const stats::PowerTTestSpec& spec, bool rank_efficiency,
                          std::string_view test_name, std::string_view sided) {
  const bool paired = spec.type == stats::TTestDesign::kPaired;
  if (!rank_efficiency) {
    return fmt::format("power.t.test {}, {}", paired ? "paired" : "two-sample", sided);
  }
  return fmt::format(
      "power.t.test {} x pi/3 (asymptotic efficiency 3/pi of the {} for normal {}, Hodges & "
      "Lehmann 1956), {}",
      paired ? "paired" : "two-sample", test_name, paired ? "differences" : "scores", sided);
}

void append(std::string& note, const std::string& part) {
  if (part.empty()) return;
  note += (note.empty() ? "" : "; ") + part;
}

// Seeds for a wilcoxon, permutation, aso or (pilot_sd) mwu claim by simulated power; `t` is the
// closed-form power.t.test answer for `spec`, the cross-check and the stand-in above the caps.
void simulated_power(const Protocol& p, const Claim& c, const stats::PowerTTestSpec& spec,
                     const stats::PowerTTestResult& t, std::string_view sided, ClaimPower& out) {
  const bool paired = spec.type == stats::TTestDesign::kPaired;
  const bool two_sided = c.alternative == ClaimAlternative::kTwoSided;
  const Simulation sim = simulation_for(c.test, paired);
  const bool aso = sim.test == stats::PowerTest::kAso;
  const double delta = *spec.delta;
  const double sd = spec.sd;

  // The claimed direction is simulated as "first arm better by delta" (the t and rank tests are
  // symmetric under swapping the arms and negating the scores). ASO tests one direction: a
  // two-sided claim runs each direction at alpha / 2 (reports' analysis), of which the claimed
  // one is simulated; detections in the wrong direction are not counted as power.
  stats::SimPowerOptions o;
  o.test = sim.test;
  o.alternative = two_sided && !aso ? stats::Alternative::kTwoSided : stats::Alternative::kGreater;
  o.alpha = aso && two_sided ? out.alpha_used / 2 : out.alpha_used;
  o.n_simulations = sim.studies;
  o.aso_threshold = kAsoThreshold;
  if (aso) o.aso_num_bootstrap = sim.bootstrap;
  // Paired: pilot_sd is the sd of the differences (docs/protocol.md), and the signed-rank test
  // sees only the differences, so arms of sd pilot_sd / sqrt(2) with correlation 0 give exactly
  // N(delta, pilot_sd^2) differences; no correlation needs to be assumed.
  stats::ScoreModel model =
      stats::ScoreModel::normal(delta, 0.0, paired ? sd / std::sqrt(2.0) : sd);
  const std::uint64_t seed = stats::derive_seed(
      stats::derive_seed(p.study.master_seed, kPlanSimulationStream), arm_key(c.id));

  const double se_bound = 0.5 / std::sqrt(static_cast<double>(sim.studies));
  const std::string simulated_method = fmt::format(
      "simulated {}{}, {}: normal {} with sd = pilot_sd; {} studies per n{}, SE <= {:.3f}",
      aso ? fmt::format("ASO (eps_min < {} at confidence {:.4g})", kAsoThreshold, 1.0 - o.alpha)
          : std::string(sim.name),
      c.test == ClaimTest::kPermutation ? " standing in for the permutation test" : "",
      aso && two_sided ? "claimed direction at alpha/2" : sided, paired ? "differences" : "scores",
      sim.studies, aso ? fmt::format(" x {} bootstrap replicates", sim.bootstrap) : std::string(),
      se_bound);
  const std::string closed = closed_method(spec, sim.rank_efficiency, sim.name, sided);
  const std::string t_name = paired ? "paired" : "two-sample";
  const std::size_t floor =
      exact_floor(paired, o.alpha, o.alternative == stats::Alternative::kTwoSided);
  // Closed-form guess of the simulated test's n (the rank tests: n_t / (3/pi); ASO: n_t): when it
  // is beyond the cap the search would be too slow and its answer past the cap anyway.
  const double guess = aso ? static_cast<double>(t.n_ceil) : t.n / kRankEfficiency;

  std::optional<stats::SimSampleSizeResult> found;
  if (guess <= static_cast<double>(sim.n_cap) && floor <= sim.n_cap) {
    stats::SampleSizeSearch search;
    search.target_power = c.power;
    search.n_min = floor;
    search.n_max = sim.n_cap;
    found = stats::simulate_sample_size(model, seed, o, search);
  }
  bool simulated = found.has_value();
  const std::string check =
      fmt::format("power.t.test {}: {}{}", t_name, t.n_ceil,
                  c.test == ClaimTest::kPermutation
                      ? " (for normal scores the permutation test of means lies between the two)"
                      : "");
  if (found && found->reached) {
    out.method = simulated_method;
    out.seeds_needed = static_cast<std::int64_t>(found->n);
    append(out.note, check);
  } else if (found) {
    // Not reached by the cap: more than the cap are needed, whatever the closed form says.
    const std::int64_t past = static_cast<std::int64_t>(sim.n_cap) + 1;
    const std::int64_t n_closed = closed_seeds(t, sim.rank_efficiency);
    out.method = n_closed >= past ? closed : simulated_method;
    out.seeds_needed = std::max(n_closed, past);
    append(out.note, fmt::format("simulated power at the cap of {} seeds per arm is {:.3f}, below "
                                 "{:.4g}: at least {} are needed",
                                 sim.n_cap, found->at_n.power, c.power, past));
    append(out.note, check);
  } else {
    out.method = closed;
    out.seeds_needed = closed_seeds(t, sim.rank_efficiency);
    append(out.note,
           fmt::format(
               "not simulated: the {} would need about {} seeds per arm, above its "
               "simulation cap of {} (cost)",
               sim.name,
               static_cast<std::int64_t>(std::ceil(std::max(guess, static_cast<double>(floor)))),
               sim.n_cap));
  }
  if (out.method == closed && !sim.rank_efficiency) {
    append(out.note, fmt::format("t-test approximation of the {} test", to_string(c.test)));
  }
  const auto planned = static_cast<std::size_t>(std::max<std::int64_t>(p.seeds.replicates, 0));
  if (!aso && floor > 2 && (floor > static_cast<std::size_t>(t.n_ceil) || planned < floor)) {
    append(out.note, fmt::format("the exact {} cannot reject with fewer than {} {} at alpha {:.4g}",
                                 sim.name, floor, paired ? "pairs" : "seeds per arm", o.alpha));
  }
  if (aso && found && found->reached) {
    // ASO is not a level-alpha test: how often does it detect with no effect at this n? Two-sided
    // claims test both directions, each at alpha / 2, so the rate doubles (the directions are
    // symmetric and all but exclusive).
    stats::ScoreModel null_model = model;
    null_model.mean_a = 0.0;
    const auto null = stats::simulate_power(null_model, found->n, seed, o);
    const double k = two_sided ? 2.0 : 1.0;
    append(out.note,
           fmt::format("with no effect ASO detects in {:.3f} (SE {:.3f}) of simulated studies at "
                       "{} seeds per arm{}{}",
                       k * null.power, k * null.standard_error, found->n,
                       two_sided ? " (both directions)" : "",
                       k * null.power > out.alpha_used
                           ? fmt::format(", above alpha {:.4g}", out.alpha_used)
                           : std::string()));
  }

  if (planned >= 2) {
    if (planned <= sim.planned_cap) {
      std::optional<double> power;
      if (found) {
        for (const auto& e : found->evaluated) {
          if (e.n_per_arm == planned) power = e.power;
        }
      }
      out.power_at_planned = power ? *power : stats::simulate_power(model, planned, seed, o).power;
      simulated = true;
    } else {
      out.power_at_planned =
          closed_power(spec, static_cast<std::int64_t>(planned), sim.rank_efficiency);
      append(out.note, fmt::format("power with the planned {} from the closed form (above the "
                                   "simulation cap of {})",
                                   planned, sim.planned_cap));
    }
  }
  if (simulated) {
    out.simulation_seed = seed;
    out.simulations = sim.studies;
  }
}

ClaimPower claim_power(const Protocol& p, const Claim& c, double inflation) {
  ClaimPower out;
  out.claim = c.id;
  const std::int64_t m = family_size(p, c.family);
  out.alpha_used = c.correction == Correction::kNone ? c.alpha : c.alpha / static_cast<double>(m);
  const auto alternative = c.alternative == ClaimAlternative::kTwoSided
                               ? stats::PowerAlternative::kTwoSided
                               : stats::PowerAlternative::kOneSided;
  const std::string sided =
      c.alternative == ClaimAlternative::kTwoSided ? "two-sided" : "one-sided";
  // mwu: Noether with an expected P(a > b); without one but with pilot_sd, simulated.
  const bool noether =
      c.test == ClaimTest::kPOutperform ||
      (c.test == ClaimTest::kMannWhitney && (c.expected_p_outperform || !c.pilot_sd));
  try {
    if (noether) {
      std::optional<double> p_out = c.expected_p_outperform;
      if (!p_out && c.test == ClaimTest::kPOutperform) p_out = 0.5 + c.min_effect;
      if (!p_out) {
        out.note =
            "no power analysis: give expected_p_outperform (the expected P(a > b)), or pilot_sd "
            "(and expected_effect, or rely on min_effect), for an mwu claim";
        return out;
      }
      const auto n = stats::noether_sample_size(
          *p_out,
          {.alpha = out.alpha_used, .power = c.power, .fraction = 0.5, .alternative = alternative});
      out.method = fmt::format("Noether (1987) sample size for the Mann-Whitney test, {}", sided);
      out.seeds_needed = std::max(n.n_x_ceil, n.n_y_ceil);
    } else {
      if (!c.pilot_sd) {
        out.note = "no power analysis: give pilot_sd (and expected_effect, or rely on min_effect)";
        return out;
      }
      const double delta = c.expected_effect.value_or(c.min_effect);
      if (!(delta > 0.0)) {
        out.note = "no power analysis: expected_effect and min_effect are 0";
        return out;
      }
      const bool paired =
          c.test == ClaimTest::kWilcoxon || (c.test == ClaimTest::kPermutation && p.seeds.paired);
      stats::PowerTTestSpec spec;
      spec.delta = delta;
      spec.sd = *c.pilot_sd;
      spec.alpha = out.alpha_used;
      spec.power = c.power;
      spec.type = paired ? stats::TTestDesign::kPaired : stats::TTestDesign::kTwoSample;
      spec.alternative = alternative;
      const auto r = stats::power_t_test(spec);
      if (c.test == ClaimTest::kWelch) {
        out.method = closed_method(spec, false, "", sided);
        out.seeds_needed = closed_seeds(r, false);
        if (p.seeds.replicates >= 2) {
          out.power_at_planned = closed_power(spec, p.seeds.replicates, false);
        }
      } else {
        simulated_power(p, c, spec, r, sided, out);
      }
    }
  } catch (const stats::StatsError& e) {
    out.note = fmt::format("no power analysis: {}", e.what());
    out.seeds_needed.reset();
    out.power_at_planned.reset();
    out.simulation_seed.reset();
    out.simulations = 0;
    return out;
  }
  if (p.budget.sequential && out.seeds_needed) {
    out.seeds_needed_sequential = static_cast<std::int64_t>(
        std::ceil(static_cast<double>(*out.seeds_needed) * inflation - 1e-9));
  }
  const std::int64_t needed = out.seeds_needed_sequential.value_or(out.seeds_needed.value_or(0));
  if (needed > p.seeds.replicates) {
    out.note += fmt::format("{}planned seeds.replicates = {} is below the {} needed",
                            out.note.empty() ? "" : "; ", p.seeds.replicates, needed);
  }
  return out;
}

}  // namespace

std::map<std::string, std::uint64_t> seed_map(const RunCell& cell) {
  std::map<std::string, std::uint64_t> seeds;
  for (std::size_t i = 0; i < kNumVarianceSources; ++i)
    seeds[std::string(to_string(kVarianceSources[i]))] = cell.seeds[i];
  return seeds;
}

std::uint64_t arm_key(std::string_view arm_name) {
  return std::stoull(sha256_hex(arm_name).substr(0, 16), nullptr, 16);
}

std::uint64_t cell_seed(const Protocol& protocol, std::string_view arm, std::int64_t replicate,
                        VarianceSource source) {
  if (!protocol.find_arm(arm)) {
    throw ProtocolError(fmt::format("{}: arm \"{}\" is not declared; use one of the [[arms]] names",
                                    protocol.source, arm));
  }
  if (replicate < 0 || replicate >= protocol.seeds.replicates) {
    throw ProtocolError(fmt::format("{}: replicate {} is outside [0, {}); seeds.replicates is {}",
                                    protocol.source, replicate, protocol.seeds.replicates,
                                    protocol.seeds.replicates));
  }
  return seed_of(protocol, arm_key(arm), protocol.seeds.paired, replicate, source);
}

Plan make_plan(const Protocol& p, const PlanOptions& options) {
  Plan plan;
  plan.protocol_hash = canonical_hash(p);
  plan.master_seed = p.study.master_seed;
  for (const Arm& a : p.arms) {
    const std::uint64_t key = arm_key(a.name);
    for (std::int64_t r = 0; r < p.seeds.replicates; ++r) {
      RunCell cell;
      cell.id = fmt::format("{}-r{}", a.name, r);
      cell.arm = a.name;
      cell.replicate = r;
      cell.epochs = a.epochs;
      for (VarianceSource v : kVarianceSources) {
        cell.seeds[static_cast<std::size_t>(v)] = seed_of(p, key, p.seeds.paired, r, v);
      }
      plan.cells.push_back(std::move(cell));
      plan.total_epochs += a.epochs;
    }
  }
  plan.total_runs = static_cast<std::int64_t>(plan.cells.size());
  for (const Claim& c : p.claims) {
    double inflation = 1.0;
    if (p.budget.sequential) {
      ClaimLooks cl;
      cl.claim = c.id;
      const std::int64_t m = family_size(p, c.family);
      cl.alpha = c.correction == Correction::kNone ? c.alpha : c.alpha / static_cast<double>(m);
      cl.sides = c.alternative == ClaimAlternative::kTwoSided ? 2 : 1;
      std::vector<double> t;
      std::vector<std::int64_t> reps;
      for (double f : p.budget.sequential->looks) {
        const auto n = static_cast<std::int64_t>(
            std::ceil(f * static_cast<double>(p.seeds.replicates) - 1e-9));
        reps.push_back(n);
        t.push_back(static_cast<double>(n) / static_cast<double>(p.seeds.replicates));
      }
      stats::GroupSequentialOptions o;
      o.spending = p.budget.sequential->spending == SpendingKind::kPocock
                       ? stats::Spending::kPocock
                       : stats::Spending::kOBrienFleming;
      o.alpha = cl.alpha;
      o.sides = cl.sides;
      try {
        const stats::GroupSequentialDesign d = stats::group_sequential_design(t, o);
        for (std::size_t k = 0; k < d.looks.size(); ++k) {
          cl.looks.push_back({reps[k], d.looks[k].information, d.looks[k].z_bound,
                              d.looks[k].nominal_p, d.looks[k].cumulative_alpha});
        }
        cl.inflation = stats::inflation_factor(d, c.power);
      } catch (const stats::StatsError& e) {
        throw ProtocolError(
            fmt::format("{}: budget.sequential: cannot build the design for claim \"{}\": {}; "
                        "move the first look later or use fewer looks",
                        p.source, c.id, e.what()));
      }
      inflation = cl.inflation;
      plan.sequential.push_back(std::move(cl));
    }
    if (options.power_analysis) plan.power.push_back(claim_power(p, c, inflation));
  }
  return plan;
}

}  // namespace rigor::protocols
