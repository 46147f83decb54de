// rigor/reports/verdict.h — the verdict on one claim from one test: supported, below minimum
// effect, not supported, inconclusive (too little power for the declared minimum effect, with the
// seeds that would reach 80%), or inconclusive because runs are missing. The one place these rules
// live: `rigor compare` and `rigor analyze` both call it (docs/analysis.md, "Verdicts").
//
//   rigor::reports::VerdictInput in{.alternative = rigor::stats::Alternative::kGreater,
//                                   .alpha = 0.05, .min_effect = 0.01, .p_value = 0.003,
//                                   .estimate = 0.02, .effect_for_min = 0.02};
//   rigor::reports::VerdictResult v = rigor::reports::judge(in, a, b);  // v.verdict, v.why
#ifndef RIGOR_REPORTS_VERDICT_H_
#define RIGOR_REPORTS_VERDICT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rigor/stats/common.h"

namespace rigor::reports {

// The verdict on a claim.
enum class Verdict {
  kSupported,     // significant, in the claimed direction, at least the minimum effect
  kBelowMinimum,  // significant in the claimed direction, but the effect is below min_effect
  kNotSupported,  // significant the other way, or not significant with enough power
  kInconclusive,  // not significant and under 80% power for min_effect, or no variance at all
  kRunsMissing,   // some runs of the claim's arms failed or never ran: no verdict yet
};

// "supported", "below minimum", "not supported", "inconclusive", "inconclusive: runs missing".
std::string_view to_string(Verdict verdict);

// Power of the t-test design for the minimum effect with the observed standard deviation.
struct PowerCheck {
  double power = 0.0;  // in [0, 1], at the seeds the study has
  double sd = 0.0;     // the SD used: pooled SD (unpaired) or SD of the differences (paired)
  std::int64_t n = 0;  // seeds per arm (pairs when paired) the power is computed for
  // Seeds per arm (pairs) that reach 80% power; 0 when more than 10^7 would be needed
  // (stats::power_t_test gives up there).
  std::int64_t seeds_needed = 0;
  std::string method;  // "t-test (power.t.test)" or "Noether (1987)"
};

// The power check of compare and analyze: R's power.t.test (stats::power_t_test) for a difference
// of `min_effect` (units of the data) at level `alpha`, with the observed SD: the SD of a - b
// when `paired` (type "paired", n pairs), else the pooled SD sqrt(((n_a - 1) s_a^2 + (n_b - 1)
// s_b^2) / (n_a + n_b - 2)) (type "two.sample", n = min(n_a, n_b)). One-sided alternatives use a
// one-sided design. Returns nullopt when min_effect <= 0 or the SD is 0 (power is undefined).
// Preconditions: a and b finite with >= 2 values each, equal lengths when paired (throws
// stats::StatsError otherwise).
std::optional<PowerCheck> power_for_min_effect(std::span<const double> a, std::span<const double> b,
                                               bool paired, double min_effect, double alpha,
                                               stats::Alternative alternative);

// The power check for a claim on P(A > B) (test p_outperform, min_effect in P - 1/2 units):
// Noether's (1987, JASA 82:645-647, eq. 3) normal approximation for the rank-sum test with equal
// groups, solved for power at N = n_a + n_b: power = Phi(sqrt(12 c (1 - c) N) |p - 1/2| -
// z_{1 - alpha/s}), c = 1/2, s = 2 two-sided or 1, p = 1/2 + min_effect; seeds_needed from
// stats::noether_sample_size. nullopt when min_effect <= 0 or >= 1/2.
std::optional<PowerCheck> noether_power_for_min_effect(std::size_t n_a, std::size_t n_b,
                                                       double min_effect, double alpha,
                                                       stats::Alternative alternative);

// What judge() needs from a test.
struct VerdictInput {
  stats::Alternative alternative = stats::Alternative::kTwoSided;
  double alpha = 0.05;      // level the p-value is compared with, in (0, 1)
  double min_effect = 0.0;  // smallest effect of interest, units of effect_for_min; >= 0
  double p_value = 1.0;     // the (corrected) p-value of the claimed alternative
  // One-sided claims only: whether the opposite alternative is significant. Empty: use 1 - p <=
  // alpha (exact for continuous tests, conservative for discrete ones).
  std::optional<bool> opposite_significant;
  std::optional<double> estimate;        // signed estimate of a - b (its sign gives the direction)
  std::optional<double> effect_for_min;  // the effect compared with min_effect (default estimate)
  bool degenerate = false;               // the test saw no variance (stats' degenerate flag)
  bool paired = false;                   // for the power check
  // Power check on the P(A > B) scale (Noether) instead of the t-test (p_outperform claims).
  bool probability_scale = false;
};

struct VerdictResult {
  Verdict verdict = Verdict::kInconclusive;
  std::string why;  // empty for a plain "supported"; e.g. "power 41% for min effect 0.01; ..."
  std::optional<PowerCheck> power;  // when the power check ran
};

// The verdict rules (docs/analysis.md):
//   degenerate                                     -> inconclusive ("no variance across seeds")
//   p <= alpha, estimate points the claimed way    -> supported, or below minimum if
//                                                     |effect_for_min| < min_effect
//   opposite significant, estimate the other way   -> not supported ("significant in the other
//                                                     direction")
//   power for min_effect below 80%                 -> inconclusive (with the seeds needed)
//   otherwise                                      -> not supported
// `a` and `b` are the analysed scores (for the power check). Throws stats::StatsError when the
// power check's preconditions fail.
VerdictResult judge(const VerdictInput& input, std::span<const double> a,
                    std::span<const double> b);

// ASO (Dror et al. 2019): supported when eps_min < threshold (the claimed direction almost
// stochastically dominates), not supported otherwise, inconclusive when degenerate. `direction`
// names the dominance tested, e.g. "A over B", for `why`.
VerdictResult judge_aso(double eps_min, double threshold, bool degenerate,
                        std::string_view direction);

// Formats a number as compare and the reports print it: 4 significant digits between 1e-3 and
// 1e5, scientific otherwise, "0", "inf", "-inf".
std::string format_number(double v);
// Formats a p-value: 4 decimals, scientific below 1e-4.
std::string format_p(double p);

}  // namespace rigor::reports

#endif  // RIGOR_REPORTS_VERDICT_H_
