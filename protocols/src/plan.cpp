// Seed tree and run plan.
#include "rigor/protocols/plan.h"

#include <fmt/format.h>

#include <cmath>

#include "rigor/protocols/canonical.h"
#include "rigor/stats/power.h"
#include "rigor/stats/random.h"
#include "rigor/stats/sequential.h"

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
  try {
    if (c.test == ClaimTest::kMannWhitney || c.test == ClaimTest::kPOutperform) {
      std::optional<double> p_out = c.expected_p_outperform;
      if (!p_out && c.test == ClaimTest::kPOutperform) p_out = 0.5 + c.min_effect;
      if (!p_out) {
        out.note =
            "no power analysis: give expected_p_outperform (the expected P(a > b)) for an mwu "
            "claim";
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
      out.method = fmt::format("power.t.test {}, {}", paired ? "paired" : "two-sample", sided);
      out.seeds_needed = std::max<std::int64_t>(r.n_ceil, 2);
      if (p.seeds.replicates >= 2) {
        stats::PowerTTestSpec at = spec;
        at.n = static_cast<double>(p.seeds.replicates);
        at.power = std::nullopt;
        out.power_at_planned = stats::power_t_test(at).power;
      }
      if (c.test != ClaimTest::kWelch) {
        out.note = fmt::format("t-test approximation for a {} claim", to_string(c.test));
      }
    }
  } catch (const stats::StatsError& e) {
    out.note = fmt::format("no power analysis: {}", e.what());
    out.seeds_needed.reset();
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

Plan make_plan(const Protocol& p) {
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
    plan.power.push_back(claim_power(p, c, inflation));
  }
  return plan;
}

}  // namespace rigor::protocols
