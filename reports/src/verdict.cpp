// The verdict rules shared by `rigor compare` and `rigor analyze` (docs/analysis.md, "Verdicts").
#include "rigor/reports/verdict.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <vector>

#include "rigor/stats/power.h"

namespace rigor::reports {
namespace {

// Does the signed estimate (A - B) point the way the alternative claims?
bool points_claimed_way(double estimate, stats::Alternative alternative) {
  switch (alternative) {
    case stats::Alternative::kGreater:
      return estimate > 0;
    case stats::Alternative::kLess:
      return estimate < 0;
    case stats::Alternative::kTwoSided:
      return estimate != 0;
  }
  return false;
}

stats::PowerAlternative power_alternative(stats::Alternative alternative) {
  return alternative == stats::Alternative::kTwoSided ? stats::PowerAlternative::kTwoSided
                                                      : stats::PowerAlternative::kOneSided;
}

std::string seeds_text(std::int64_t seeds_needed) {
  return seeds_needed > 0 ? fmt::format("~{} seeds per arm", seeds_needed)
                          : std::string("more than 10^7 seeds per arm");
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSupported:
      return "supported";
    case Verdict::kBelowMinimum:
      return "below minimum";
    case Verdict::kNotSupported:
      return "not supported";
    case Verdict::kInconclusive:
      return "inconclusive";
    case Verdict::kRunsMissing:
      return "inconclusive: runs missing";
  }
  return "inconclusive";
}

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  const double a = std::abs(v);
  if (a >= 1e-3 && a < 1e5) return fmt::format("{:.4g}", v);
  return fmt::format("{:.3e}", v);
}

std::string format_p(double p) {
  if (p < 1e-4) return fmt::format("{:.2e}", p);
  return fmt::format("{:.4f}", p);
}

std::optional<PowerCheck> power_for_min_effect(std::span<const double> a, std::span<const double> b,
                                               bool paired, double min_effect, double alpha,
                                               stats::Alternative alternative) {
  if (!(min_effect > 0)) return std::nullopt;
  stats::require_finite(a, "a", 2);
  stats::require_finite(b, "b", 2);
  stats::PowerTTestSpec spec;
  double sd = 0;
  if (paired) {
    stats::require_same_length(a, b, "a", "b");
    std::vector<double> d(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
    sd = std::sqrt(stats::variance(d));
    spec.type = stats::TTestDesign::kPaired;
    spec.n = static_cast<double>(a.size());
  } else {
    // Pooled SD, the `sd` of R's power.t.test for two groups.
    const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
    sd = std::sqrt(((na - 1) * stats::variance(a) + (nb - 1) * stats::variance(b)) / (na + nb - 2));
    spec.type = stats::TTestDesign::kTwoSample;
    spec.n = std::min(na, nb);
  }
  if (!(sd > 0) || !std::isfinite(sd)) return std::nullopt;
  spec.delta = min_effect;
  spec.sd = sd;
  spec.alpha = alpha;
  spec.alternative = power_alternative(alternative);
  PowerCheck check;
  check.sd = sd;
  check.n = static_cast<std::int64_t>(*spec.n);
  check.method = "t-test (power.t.test)";
  check.power = stats::power_t_test(spec).power;
  spec.n.reset();
  spec.power = 0.8;
  try {
    check.seeds_needed = stats::power_t_test(spec).n_ceil;
  } catch (const stats::StatsError&) {
    check.seeds_needed = 0;  // the minimum effect is too small for any practical number of seeds
  }
  return check;
}

std::optional<PowerCheck> noether_power_for_min_effect(std::size_t n_a, std::size_t n_b,
                                                       double min_effect, double alpha,
                                                       stats::Alternative alternative) {
  if (!(min_effect > 0) || !(min_effect < 0.5)) return std::nullopt;
  stats::require_level(alpha, "alpha");
  const bool two_sided = alternative == stats::Alternative::kTwoSided;
  const boost::math::normal z;
  // Noether (1987), eq. 3 solved for the power: N 12 c (1 - c) (p - 1/2)^2 = (z_{1-alpha/s} +
  // z_power)^2 with c = 1/2.
  const double n_total = static_cast<double>(n_a + n_b);
  const double z_alpha = boost::math::quantile(z, 1.0 - alpha / (two_sided ? 2.0 : 1.0));
  const double z_power = std::sqrt(12.0 * 0.25 * n_total) * min_effect - z_alpha;
  PowerCheck check;
  check.power = boost::math::cdf(z, z_power);
  check.n = static_cast<std::int64_t>(std::min(n_a, n_b));
  check.method = "Noether (1987)";
  stats::NoetherOptions no;
  no.alpha = alpha;
  no.power = 0.8;
  no.alternative = power_alternative(alternative);
  const auto size = stats::noether_sample_size(0.5 + min_effect, no);
  check.seeds_needed = std::max(size.n_x_ceil, size.n_y_ceil);
  return check;
}

VerdictResult judge(const VerdictInput& in, std::span<const double> a, std::span<const double> b) {
  VerdictResult out;
  if (in.degenerate) {
    out.verdict = Verdict::kInconclusive;
    out.why = "no variance across seeds";
    return out;
  }
  const bool significant = in.p_value <= in.alpha;
  // One-sided tests: 1 - p is (up to discreteness) the p-value of the opposite alternative.
  const bool opposite = in.alternative != stats::Alternative::kTwoSided &&
                        in.opposite_significant.value_or(1.0 - in.p_value <= in.alpha);
  const bool right_way = in.estimate && points_claimed_way(*in.estimate, in.alternative);
  const std::optional<double> effect = in.effect_for_min ? in.effect_for_min : in.estimate;
  if (significant && right_way) {
    if (effect && std::abs(*effect) < in.min_effect) {
      out.verdict = Verdict::kBelowMinimum;
      out.why = fmt::format("|effect| {} < min effect {}", format_number(std::abs(*effect)),
                            format_number(in.min_effect));
    } else {
      out.verdict = Verdict::kSupported;
    }
    return out;
  }
  if (opposite && !right_way) {
    out.verdict = Verdict::kNotSupported;
    out.why = "significant in the other direction";
    return out;
  }
  out.power = in.probability_scale
                  ? noether_power_for_min_effect(a.size(), b.size(), in.min_effect, in.alpha,
                                                 in.alternative)
                  : power_for_min_effect(a, b, in.paired, in.min_effect, in.alpha, in.alternative);
  if (out.power && out.power->power < 0.8) {
    out.verdict = Verdict::kInconclusive;
    out.why = fmt::format("power {:.0f}% for min effect {}; {} for 80%", 100 * out.power->power,
                          format_number(in.min_effect), seeds_text(out.power->seeds_needed));
    return out;
  }
  out.verdict = Verdict::kNotSupported;
  return out;
}

VerdictResult judge_aso(double eps_min, double threshold, bool degenerate,
                        std::string_view direction) {
  VerdictResult out;
  if (degenerate) {
    out.verdict = Verdict::kInconclusive;
    out.why = "no variance across seeds";
  } else if (eps_min < threshold) {
    out.verdict = Verdict::kSupported;
    out.why = fmt::format("{} almost stochastically dominant: eps_min < {}", direction,
                          format_number(threshold));
  } else {
    out.verdict = Verdict::kNotSupported;
    out.why = fmt::format("eps_min >= {}", format_number(threshold));
  }
  return out;
}

}  // namespace rigor::reports
