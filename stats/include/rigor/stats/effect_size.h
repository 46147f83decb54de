// rigor/stats/effect_size.h — standardized and ordinal effect sizes for two independent samples,
// each with a confidence interval: Cohen's d and Hedges' g (noncentral-t CI, as R's
// effectsize::cohens_d / MBESS::ci.smd), Cliff's delta (Feng & Cliff CI, as R's
// effsize::cliff.delta) and the Vargha-Delaney A12 probability of superiority.
//
//   std::vector<double> a = {0.91, 0.93, 0.90, 0.94}, b = {0.88, 0.90, 0.89, 0.87};
//   rigor::stats::EffectSize g = rigor::stats::hedges_g(a, b);
//   std::cout << g.estimate << " [" << g.ci.lower << ", " << g.ci.upper << "]\n";
#ifndef RIGOR_STATS_EFFECT_SIZE_H_
#define RIGOR_STATS_EFFECT_SIZE_H_

#include <span>
#include <string>
#include <string_view>

#include "rigor/stats/common.h"

namespace rigor::stats {

enum class EffectSizeKind { kCohensD, kHedgesG, kCliffsDelta, kA12, kCohensDz };

// "cohens_d", "hedges_g", "cliffs_delta", "a12", "cohens_dz".
std::string_view to_string(EffectSizeKind kind);
// Accepts the names above; throws StatsError naming `field` otherwise.
EffectSizeKind parse_effect_size_kind(std::string_view text, std::string_view field = "kind");

struct EffectSizeOptions {
  double conf_level = 0.95;  // two-sided interval, in (0, 1)
};

struct EffectSize {
  std::string method;  // "Cohen's d", "Hedges' g", "Cliff's delta", "Vargha-Delaney A12"
  EffectSizeKind kind = EffectSizeKind::kCohensD;
  double estimate = 0.0;  // positive when x tends to be larger than y (A12: above 0.5)
  Interval ci;
  double conf_level = 0.95;
  // Both samples constant (docs/stats.md): the answer below, ci equal to the point, a note
  // starting "no variance:".
  bool degenerate = false;
  std::string note;
};

// Cohen's d = (mean(x) - mean(y)) / s_p, s_p^2 = ((n_x - 1) s_x^2 + (n_y - 1) s_y^2) / (n_x + n_y
// - 2) (Cohen 1988, "Statistical Power Analysis", ch. 2). CI by inverting the noncentral t
// distribution of t = d sqrt(n_x n_y / (n_x + n_y)) with df = n_x + n_y - 2 (Steiger & Fouladi
// 1997; R's effectsize::cohens_d and MBESS::ci.smd): ncp_lo solves P(T <= t | ncp) = 1 - a/2,
// ncp_hi solves it = a/2, and ci = ncp * sqrt((n_x + n_y) / (n_x n_y)). Needs >= 2 values per
// sample. Degenerate (s_p = 0, both samples constant): d = 0 if the means are equal, +-inf (sign of
// mean(x) - mean(y)) otherwise; ci = [d, d]. Throws StatsError for NaN/Inf, fewer than 2 values,
// a bad conf_level, or a variance that overflows.
EffectSize cohens_d(std::span<const double> x, std::span<const double> y,
                    const EffectSizeOptions& options = {});

// Hedges' g = J d with the exact small-sample correction J = Gamma(df/2) / (sqrt(df/2)
// Gamma((df - 1)/2)), df = n_x + n_y - 2 (Hedges 1981, J. Educ. Stat. 6:107-128;
// effectsize::hedges_g); the CI is J times Cohen's d CI (as effectsize). Degenerate and errors as
// cohens_d.
EffectSize hedges_g(std::span<const double> x, std::span<const double> y,
                    const EffectSizeOptions& options = {});

// Cliff's delta = P(X > Y) - P(X < Y) over all n_x n_y pairs (Cliff 1993, Psychol. Bull. 114:494)
// with R's effsize::cliff.delta defaults (cliff.delta.default: use.unbiased = TRUE, use.normal =
// FALSE): the unbiased variance of Cliff (1996, "Ordinal Methods for Behavioral Data Analysis",
// ch. 3) and the asymmetric CI of Feng & Cliff (2004) with a Student t quantile, df = n_x + n_y
// - 2; for |delta| = 1 the variance uses delta (n_x n_y - 1) / (n_x n_y) and the CI end at +-1 is
// set to +-1 (effsize does both). Where that variance is not positive (effsize returns NaN)
// rigor uses its minimum possible value (1 - delta^2) / (n_x n_y - 1) (Cliff 1993) and says so
// in `note`. O((n_x + n_y) log(n_x + n_y)). Needs >= 2 values per sample.
// Degenerate (both samples constant): delta = 0, 1 or -1, ci = [delta, delta].
EffectSize cliffs_delta(std::span<const double> x, std::span<const double> y,
                        const EffectSizeOptions& options = {});

// Vargha & Delaney (2000) A12 = P(X > Y) + 0.5 P(X = Y) = (1 + delta) / 2, the probability of
// superiority (R's effsize::VD.A estimate). Its CI is the Cliff's delta CI mapped by
// A = (1 + delta) / 2 (a monotone map, so coverage is the same). Degenerate: A = 0.5, 1 or 0.
EffectSize vargha_delaney_a12(std::span<const double> x, std::span<const double> y,
                              const EffectSizeOptions& options = {});

// Cohen's d_z for paired data (seeds paired by replicate): d_z = mean(x - y) / sd(x - y) (Cohen
// 1988, eq. 2.3.5; the standardizer of the paired t-test). CI by inverting the noncentral t
// distribution of t = d_z sqrt(n), df = n - 1, as for cohens_d. Needs equal lengths, >= 2 pairs.
// Degenerate (every difference equal): 0 if they are all zero, +-inf otherwise; ci = [d, d].
EffectSize cohens_dz(std::span<const double> x, std::span<const double> y,
                     const EffectSizeOptions& options = {});

// Dispatches on `kind`.
EffectSize effect_size(EffectSizeKind kind, std::span<const double> x, std::span<const double> y,
                       const EffectSizeOptions& options = {});

}  // namespace rigor::stats

#endif  // RIGOR_STATS_EFFECT_SIZE_H_
