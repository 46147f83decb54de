#include "rigor/stats/power.h"

#include <algorithm>
#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <utility>

#include "message.h"

namespace rigor::stats {
namespace {

// R's power.t.test searches n in [2, 1e7] (extending below 2 when needed); beyond 1e7 seeds the
// design is not a design, and R's pnt switches to a normal approximation long before.
constexpr double kMaxN = 1e7;
// R: nu <- pmax(1e-07, n - 1) * tsample.
constexpr double kMinDfPerSample = 1e-7;

struct Design {
  double k = 2.0;  // tsample: 2 for two independent groups, 1 for paired and one-sample
  double s = 2.0;  // tside: 2 for two-sided, 1 for one-sided
  double sd = 1.0;
  double alpha = 0.05;
  bool strict = false;
};

Design design_of(const PowerTTestSpec& spec) {
  Design d;
  d.k = spec.type == TTestDesign::kTwoSample ? 2.0 : 1.0;
  d.s = spec.alternative == PowerAlternative::kTwoSided ? 2.0 : 1.0;
  d.sd = spec.sd;
  d.alpha = spec.alpha;
  d.strict = spec.strict && spec.alternative == PowerAlternative::kTwoSided;
  return d;
}

// Power of the t-test with n observations per sample: R's power.t.test p.body (R 4.2.2),
//   nu = pmax(1e-7, n - 1) * k; q = qt(alpha / s, nu, lower.tail = FALSE);
//   power = pt(q, nu, ncp = sqrt(n / k) * delta / sd, lower.tail = FALSE)
//           [+ pt(-q, nu, ncp, lower.tail = TRUE) when strict and two-sided].
double t_power(const Design& d, double n, double delta) {
  const double nu = std::max(kMinDfPerSample, n - 1.0) * d.k;
  try {
    const boost::math::students_t central(nu);
    const double q = boost::math::quantile(boost::math::complement(central, d.alpha / d.s));
    const double ncp = std::sqrt(n / d.k) * delta / d.sd;
    const boost::math::non_central_t shifted(nu, ncp);
    double power = boost::math::cdf(boost::math::complement(shifted, q));
    if (d.strict) power += boost::math::cdf(shifted, -q);
    return std::min(power, 1.0);
  } catch (const std::overflow_error&) {
    // The critical value overflows only for df -> 0 (n -> 1): nothing can reject, power 0.
    return 0.0;
  } catch (const std::exception& e) {
    throw StatsError(detail::cat("power of the t-test could not be evaluated at n = ", n,
                                 ", delta = ", delta, " (Boost.Math: ", e.what(), ")"));
  }
}

// Root of an increasing f on [lo, hi] with f(lo) < 0 <= f(hi), to full double precision
// (TOMS 748: Alefeld, Potra & Shi 1995; R's uniroot is Brent's method at a looser tolerance).
template <class F>
double solve_increasing(F f, double lo, double hi, double f_lo, double f_hi) {
  if (f_hi == 0.0) return hi;
  std::uintmax_t max_iter = 200;
  const auto bracket = boost::math::tools::toms748_solve(
      f, lo, hi, f_lo, f_hi, boost::math::tools::eps_tolerance<double>(50), max_iter);
  return bracket.first + (bracket.second - bracket.first) / 2.0;
}

void require_positive_finite(double value, std::string_view name, std::string_view what) {
  if (!(std::isfinite(value) && value > 0.0)) {
    throw StatsError(
        detail::cat(name, " is ", value, ", but must be a positive finite number (", what, ")"));
  }
}

std::string method_of(TTestDesign type) {
  switch (type) {
    case TTestDesign::kTwoSample:
      return "Two-sample t test power calculation";
    case TTestDesign::kPaired:
      return "Paired t test power calculation";
    case TTestDesign::kOneSample:
      return "One-sample t test power calculation";
  }
  return "";
}

std::string note_of(TTestDesign type) {
  switch (type) {
    case TTestDesign::kTwoSample:
      return "n is number in *each* group";
    case TTestDesign::kPaired:
      return "n is number of *pairs*, sd is std.dev. of *differences* within pairs";
    case TTestDesign::kOneSample:
      return "";
  }
  return "";
}

// Seeds to run: at least 2 per sample (a t-test needs a variance).
std::int64_t ceil_n(double n) {
  return std::max<std::int64_t>(2, static_cast<std::int64_t>(std::ceil(n)));
}

}  // namespace

std::string_view to_string(TTestDesign design) {
  switch (design) {
    case TTestDesign::kTwoSample:
      return "two_sample";
    case TTestDesign::kPaired:
      return "paired";
    case TTestDesign::kOneSample:
      return "one_sample";
  }
  return "two_sample";
}

TTestDesign parse_t_test_design(std::string_view text, std::string_view field) {
  if (text == "two_sample" || text == "two.sample") return TTestDesign::kTwoSample;
  if (text == "paired") return TTestDesign::kPaired;
  if (text == "one_sample" || text == "one.sample") return TTestDesign::kOneSample;
  throw StatsError(detail::cat(
      field, " is \"", text, "\", but must be one of \"two_sample\", \"paired\", \"one_sample\""));
}

std::string_view to_string(PowerAlternative alternative) {
  return alternative == PowerAlternative::kTwoSided ? "two-sided" : "one-sided";
}

PowerAlternative parse_power_alternative(std::string_view text, std::string_view field) {
  if (text == "two-sided" || text == "two.sided" || text == "two_sided") {
    return PowerAlternative::kTwoSided;
  }
  if (text == "one-sided" || text == "one.sided" || text == "one_sided") {
    return PowerAlternative::kOneSided;
  }
  throw StatsError(
      detail::cat(field, " is \"", text, "\", but must be one of \"two-sided\", \"one-sided\""));
}

PowerTTestResult power_t_test(const PowerTTestSpec& spec) {
  const int empty =
      static_cast<int>(!spec.n) + static_cast<int>(!spec.delta) + static_cast<int>(!spec.power);
  if (empty != 1) {
    throw StatsError(
        detail::cat("power_t_test needs exactly one of n, delta and power left empty "
                    "(the one to solve for), but ",
                    empty, " are empty"));
  }
  require_positive_finite(spec.sd, "sd", "the standard deviation of the scores");
  require_level(spec.alpha, "alpha");
  if (spec.n && !(std::isfinite(*spec.n) && *spec.n > 1.0 && *spec.n <= kMaxN)) {
    throw StatsError(detail::cat("n is ", *spec.n,
                                 ", but must be in (1, 1e7] (the t-test needs n - 1 > 0 degrees of "
                                 "freedom per sample)"));
  }
  if (spec.delta && !(std::isfinite(*spec.delta) && *spec.delta != 0.0)) {
    throw StatsError(detail::cat("delta is ", *spec.delta,
                                 ", but must be a nonzero finite difference of means (the effect "
                                 "to detect, in the units of the scores)"));
  }
  const Design d = design_of(spec);
  if (spec.power) {
    require_level(*spec.power, "power");
    // With delta != 0 every t-test rejects more often than under H0 (P = alpha / s on the side of
    // delta), so a smaller target is met by any n.
    if (!(*spec.power > spec.alpha / d.s)) {
      throw StatsError(detail::cat("power is ", *spec.power, ", but must exceed ",
                                   d.s == 2.0 ? "alpha / 2 = " : "alpha = ", spec.alpha / d.s,
                                   " (the rejection rate on the side of delta when there is no "
                                   "effect); ask for a larger power"));
    }
  }

  PowerTTestResult r;
  r.sd = spec.sd;
  r.alpha = spec.alpha;
  r.type = spec.type;
  r.alternative = spec.alternative;
  r.strict = spec.strict;
  r.method = method_of(spec.type);
  r.note = note_of(spec.type);
  // R: if (tside == 2 && !is.null(delta)) delta <- abs(delta).
  if (spec.delta) r.delta = d.s == 2.0 ? std::abs(*spec.delta) : *spec.delta;

  if (!spec.power) {
    r.solved_for = "power";
    r.n = *spec.n;
    r.power = t_power(d, r.n, r.delta);
    r.n_ceil = ceil_n(r.n);
    r.power_at_n_ceil = t_power(d, static_cast<double>(r.n_ceil), r.delta);
    return r;
  }
  const double target = *spec.power;

  if (!spec.n) {
    r.solved_for = "n";
    if (r.delta < 0.0) {
      throw StatsError(detail::cat("delta is ", r.delta,
                                   ", but a one-sided design needs delta > 0 (an effect in the "
                                   "direction of the alternative); flip the sign of delta and of "
                                   "the comparison"));
    }
    const auto f = [&](double n) { return t_power(d, n, r.delta) - target; };
    double lo = 2.0, hi = 2.0;
    double f_lo = f(2.0), f_hi = f_lo;
    if (f_hi < 0.0) {
      // R: uniroot(..., c(2, 1e7), extendInt = "upX"); we bracket from below by doubling.
      while (f_hi < 0.0) {
        if (hi >= kMaxN) {
          throw StatsError(detail::cat("power ", target, " for delta = ", r.delta, ", sd = ", r.sd,
                                       " needs more than 1e7 observations per sample; the effect "
                                       "delta / sd = ",
                                       r.delta / r.sd, " is too small to detect"));
        }
        lo = hi;
        f_lo = f_hi;
        hi = std::min(2.0 * hi, kMaxN);
        f_hi = f(hi);
      }
    } else {
      // Huge effects: n below 2 already reaches the target (R extends its interval down too).
      while (f_lo >= 0.0) {
        if (lo - 1.0 <= 2.0 * kMinDfPerSample) {
          throw StatsError(detail::cat("power ", target,
                                       " is reached with n arbitrarily close to "
                                       "1; delta / sd = ",
                                       r.delta / r.sd, " needs no power analysis"));
        }
        hi = lo;
        f_hi = f_lo;
        lo = 1.0 + (lo - 1.0) / 4.0;
        f_lo = f(lo);
      }
    }
    r.n = solve_increasing(f, lo, hi, f_lo, f_hi);
    r.power = target;
    r.n_ceil = ceil_n(r.n);
    // Guard against a solution a rounding error above an integer (n = 10.0000000000001 -> 10).
    if (r.n_ceil > 2 && t_power(d, static_cast<double>(r.n_ceil - 1), r.delta) >= target) {
      --r.n_ceil;
    }
    r.power_at_n_ceil = t_power(d, static_cast<double>(r.n_ceil), r.delta);
    return r;
  }

  // Solve for the smallest detectable |delta| (R: uniroot over sd * c(1e-7, 1e7), "upX").
  r.solved_for = "delta";
  r.n = *spec.n;
  const auto g = [&](double delta) { return t_power(d, r.n, delta) - target; };
  double lo = spec.sd, hi = spec.sd;
  double g_lo = g(lo), g_hi = g_lo;
  if (g_hi < 0.0) {
    while (g_hi < 0.0) {
      if (hi >= spec.sd * 1e7) {
        throw StatsError(detail::cat("power ", target, " is out of reach with n = ", r.n,
                                     " even for delta = 1e7 sd; increase n"));
      }
      lo = hi;
      g_lo = g_hi;
      hi *= 4.0;
      g_hi = g(hi);
    }
  } else {
    while (g_lo >= 0.0) {
      if (lo <= spec.sd * 1e-7) {
        throw StatsError(detail::cat("power ", target, " is reached with n = ", r.n,
                                     " for any delta above 1e-7 sd; ask for a larger power"));
      }
      hi = lo;
      g_hi = g_lo;
      lo /= 4.0;
      g_lo = g(lo);
    }
  }
  r.delta = solve_increasing(g, lo, hi, g_lo, g_hi);
  r.power = target;
  r.n_ceil = ceil_n(r.n);
  r.power_at_n_ceil = t_power(d, static_cast<double>(r.n_ceil), r.delta);
  return r;
}

NoetherSampleSize noether_sample_size(double p_outperform, const NoetherOptions& options) {
  if (!(p_outperform > 0.0 && p_outperform < 1.0 && p_outperform != 0.5)) {
    throw StatsError(detail::cat("p_outperform is ", p_outperform,
                                 ", but must be in (0, 1) and differ from 0.5 (P(X > Y) = 1/2 is "
                                 "no effect: no sample size detects it)"));
  }
  require_level(options.alpha, "alpha");
  require_level(options.power, "power");
  require_level(options.fraction, "fraction");
  const double s = options.alternative == PowerAlternative::kTwoSided ? 2.0 : 1.0;
  if (!(options.power > options.alpha / s)) {
    throw StatsError(detail::cat("power is ", options.power, ", but must exceed ",
                                 s == 2.0 ? "alpha / 2 = " : "alpha = ", options.alpha / s,
                                 " (the rejection rate with no effect); ask for a larger power"));
  }
  const boost::math::normal z;
  // Noether (1987), JASA 82:645-647, eq. 3:
  //   N = (z_{1-alpha/s} + z_{1-beta})^2 / (12 c (1 - c) (p - 1/2)^2).
  const double z_alpha = boost::math::quantile(boost::math::complement(z, options.alpha / s));
  const double z_beta = boost::math::quantile(z, options.power);
  const double c = options.fraction;
  const double shift = p_outperform - 0.5;
  NoetherSampleSize r;
  r.n_total = (z_alpha + z_beta) * (z_alpha + z_beta) / (12.0 * c * (1.0 - c) * shift * shift);
  if (!(r.n_total <= 1e15)) {
    throw StatsError(
        detail::cat("p_outperform is ", p_outperform,
                    ", so close to 0.5 that more than "
                    "1e15 observations would be needed; the effect is not detectable"));
  }
  r.n_x = c * r.n_total;
  r.n_y = (1.0 - c) * r.n_total;
  r.n_x_ceil = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(r.n_x)));
  r.n_y_ceil = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(r.n_y)));
  r.n_total_ceil = r.n_x_ceil + r.n_y_ceil;
  r.p_outperform = p_outperform;
  r.alpha = options.alpha;
  r.power = options.power;
  r.fraction = options.fraction;
  r.alternative = options.alternative;
  return r;
}

}  // namespace rigor::stats
