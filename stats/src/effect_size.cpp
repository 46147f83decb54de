#include "rigor/stats/effect_size.h"

#include <algorithm>
#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "message.h"

namespace rigor::stats {
namespace {

constexpr std::string_view kRandomizeHint =
    "randomize a variance source (init, data order, ...) to test this claim";
constexpr double kInf = std::numeric_limits<double>::infinity();

void check_inputs(std::span<const double> x, std::span<const double> y,
                  const EffectSizeOptions& options) {
  require_finite(x, "x", 2);
  require_finite(y, "y", 2);
  require_level(options.conf_level, "conf_level");
}

// The noncentrality ncp with P(T <= t | df, ncp) = p, T noncentral t. The cdf falls as ncp
// grows, so the root is bracketed by walking out from t in steps of a few standard deviations
// of T, then refined by TOMS 748 (Alefeld, Potra & Shi 1995) to full double precision.
double noncentrality_for(double t, double df, double p) {
  auto f = [&](double ncp) {
    return boost::math::cdf(boost::math::non_central_t_distribution<double>(df, ncp), t) - p;
  };
  double step = 2.0 * std::sqrt(1.0 + t * t / (2.0 * df));
  double lo = t - step, hi = t + step;
  double f_lo = f(lo), f_hi = f(hi);
  for (int i = 0; f_lo < 0.0 && i < 200; ++i) {
    hi = lo;
    f_hi = f_lo;
    lo -= step;
    step *= 2.0;
    f_lo = f(lo);
  }
  for (int i = 0; f_hi > 0.0 && i < 200; ++i) {
    lo = hi;
    f_lo = f_hi;
    hi += step;
    step *= 2.0;
    f_hi = f(hi);
  }
  if (f_lo == 0.0) return lo;
  if (f_hi == 0.0) return hi;
  std::uintmax_t max_iter = 200;
  const auto [a, b] = boost::math::tools::toms748_solve(
      f, lo, hi, f_lo, f_hi, boost::math::tools::eps_tolerance<double>(52), max_iter);
  return a + (b - a) / 2.0;
}

struct Pooled {
  double difference = 0.0;  // mean(x) - mean(y)
  double sd = 0.0;          // pooled standard deviation
};

Pooled pooled(std::span<const double> x, std::span<const double> y) {
  const auto nx = static_cast<double>(x.size()), ny = static_cast<double>(y.size());
  const double vx = variance(x), vy = variance(y);
  const double pooled_variance = ((nx - 1.0) * vx + (ny - 1.0) * vy) / (nx + ny - 2.0);
  if (!std::isfinite(pooled_variance)) {
    throw StatsError(
        "the pooled variance of x and y overflows; rescale the data (e.g. divide by "
        "a power of 10)");
  }
  return {mean(x) - mean(y), std::sqrt(pooled_variance)};
}

EffectSize degenerate_standardized(EffectSize r, double difference, std::string_view what) {
  r.degenerate = true;
  r.estimate = difference == 0.0 ? 0.0 : (difference > 0.0 ? kInf : -kInf);
  r.ci = {r.estimate, r.estimate};
  r.note = difference == 0.0
               ? detail::cat("no variance: x and y are both constant and equal (pooled SD 0), so ",
                             what, " is 0 with CI [0, 0]; ", kRandomizeHint)
               : detail::cat("no variance: x and y are both constant (pooled SD 0) and differ by ",
                             difference, ", so ", what, " is ", difference > 0.0 ? "+inf" : "-inf",
                             "; ", kRandomizeHint);
  return r;
}

// Cohen's d with its noncentral-t CI, before any small-sample correction.
EffectSize standardized(std::span<const double> x, std::span<const double> y,
                        const EffectSizeOptions& options, EffectSizeKind kind) {
  check_inputs(x, y, options);
  EffectSize r;
  r.kind = kind;
  r.method = kind == EffectSizeKind::kHedgesG ? "Hedges' g" : "Cohen's d";
  r.conf_level = options.conf_level;
  const Pooled p = pooled(x, y);
  if (p.sd == 0.0) return degenerate_standardized(r, p.difference, r.method);
  const auto nx = static_cast<double>(x.size()), ny = static_cast<double>(y.size());
  const double df = nx + ny - 2.0;
  const double d = p.difference / p.sd;
  // t = d / sqrt(1/n_x + 1/n_y); the CI for d is the CI for ncp scaled back the same way.
  const double scale = std::sqrt(nx * ny / (nx + ny));
  const double t = d * scale;
  const double alpha = 1.0 - options.conf_level;
  const double ncp_lo = noncentrality_for(t, df, 1.0 - alpha / 2.0);
  const double ncp_hi = noncentrality_for(t, df, alpha / 2.0);
  double lower = ncp_lo / scale, upper = ncp_hi / scale, estimate = d;
  if (kind == EffectSizeKind::kHedgesG) {
    // Hedges 1981: J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)); tgamma_ratio keeps it
    // accurate for large df, where J = 1 - 3 / (4 df - 1) + O(df^-3).
    const double j = boost::math::tgamma_ratio(df / 2.0, (df - 1.0) / 2.0) / std::sqrt(df / 2.0);
    estimate *= j;
    lower *= j;
    upper *= j;
  }
  r.estimate = estimate;
  r.ci = {lower, upper};
  return r;
}

struct Dominance {
  double delta = 0.0;  // Cliff's delta
  double a12 = 0.0;    // P(X > Y) + 0.5 P(X = Y)
  Interval delta_ci;
  bool degenerate = false;
  std::string note;
};

// R effsize::cliff.delta.default (use.unbiased = TRUE, use.normal = FALSE), its "row
// partitioning" algorithm: counts from binary searches in the sorted samples instead of the
// n_x x n_y dominance matrix.
Dominance dominance(std::span<const double> x, std::span<const double> y,
                    const EffectSizeOptions& options) {
  check_inputs(x, y, options);
  std::vector<double> sx(x.begin(), x.end()), sy(y.begin(), y.end());
  std::sort(sx.begin(), sx.end());
  std::sort(sy.begin(), sy.end());
  const std::size_t n1 = sx.size(), n2 = sy.size();
  const auto n1d = static_cast<double>(n1), n2d = static_cast<double>(n2);
  const double pairs = n1d * n2d;
  // Row i (x_i): #(y < x_i) - #(y > x_i); column j (y_j): #(x > y_j) - #(x < y_j).
  std::vector<double> row(n1), col(n2);
  std::uint64_t greater = 0, less = 0;  // pairs with x > y, x < y
  for (std::size_t i = 0; i < n1; ++i) {
    const auto below =
        static_cast<std::uint64_t>(std::lower_bound(sy.begin(), sy.end(), sx[i]) - sy.begin());
    const auto above =
        static_cast<std::uint64_t>(sy.end() - std::upper_bound(sy.begin(), sy.end(), sx[i]));
    greater += below;
    less += above;
    row[i] = (static_cast<double>(below) - static_cast<double>(above)) / n2d;
  }
  for (std::size_t j = 0; j < n2; ++j) {
    const auto below =
        static_cast<double>(std::lower_bound(sx.begin(), sx.end(), sy[j]) - sx.begin());
    const auto above =
        static_cast<double>(sx.end() - std::upper_bound(sx.begin(), sx.end(), sy[j]));
    col[j] = (above - below) / n1d;
  }
  const auto g = static_cast<double>(greater), l = static_cast<double>(less);
  Dominance r;
  r.delta = (g - l) / pairs;
  r.a12 = (g + 0.5 * (pairs - g - l)) / pairs;
  if (is_constant(x) && is_constant(y)) {
    r.degenerate = true;
    r.delta_ci = {r.delta, r.delta};
    r.note =
        detail::cat("no variance: x and y are both constant", r.delta == 0.0 ? " and equal" : "",
                    ", so the CI is the point; ", kRandomizeHint);
    return r;
  }
  // effsize: d. = d (n1 n2 - 1) / (n1 n2) when |d| = 1, so that the variance is not 0.
  const double d = std::abs(r.delta) == 1.0 ? r.delta * (pairs - 1.0) / pairs : r.delta;
  double ss_row = 0.0, ss_col = 0.0;
  for (double v : row) ss_row += (v - d) * (v - d);
  for (double v : col) ss_col += (v - d) * (v - d);
  // Sum over all pairs of (sign(x_i - y_j) - d.)^2, from the counts of +1, 0 and -1.
  const double ssr =
      g * (1.0 - d) * (1.0 - d) + (pairs - g - l) * d * d + l * (1.0 + d) * (1.0 + d);
  // Unbiased variance (effsize: S_d, use.unbiased = TRUE; Cliff 1996, ch. 3).
  double var =
      (n2d * n2d * ss_row + n1d * n1d * ss_col - ssr) / (pairs * (n1d - 1.0) * (n2d - 1.0));
  if (!(var > 0.0)) {
    // effsize returns NaN here (sqrt of a negative); Cliff (1993) bounds var(d) below by
    // (1 - d^2) / (n1 n2 - 1).
    const double floor = (1.0 - d * d) / (pairs - 1.0);
    r.note = detail::cat("the unbiased variance estimate is ", var,
                         " (not positive; effsize returns NaN), so rigor uses its minimum possible "
                         "value (1 - delta^2) / (n_x n_y - 1) = ",
                         floor, " (Cliff 1993)");
    var = floor;
  }
  // Feng & Cliff (2004) asymmetric interval with a Student t quantile, df = n1 + n2 - 2.
  const double z = boost::math::quantile(
      boost::math::complement(boost::math::students_t_distribution<double>(n1d + n2d - 2.0),
                              (1.0 - options.conf_level) / 2.0));
  const double root = z * std::sqrt(var) * std::sqrt((1.0 - d * d) * (1.0 - d * d) + z * z * var);
  const double denom = 1.0 - d * d + z * z * var;
  r.delta_ci = {(d - d * d * d - root) / denom, (d - d * d * d + root) / denom};
  if (r.delta == 1.0) r.delta_ci.upper = 1.0;
  if (r.delta == -1.0) r.delta_ci.lower = -1.0;
  return r;
}

}  // namespace

std::string_view to_string(EffectSizeKind kind) {
  switch (kind) {
    case EffectSizeKind::kCohensD:
      return "cohens_d";
    case EffectSizeKind::kHedgesG:
      return "hedges_g";
    case EffectSizeKind::kCliffsDelta:
      return "cliffs_delta";
    case EffectSizeKind::kA12:
      return "a12";
    case EffectSizeKind::kCohensDz:
      return "cohens_dz";
  }
  return "cohens_d";
}

EffectSizeKind parse_effect_size_kind(std::string_view text, std::string_view field) {
  if (text == "cohens_d") return EffectSizeKind::kCohensD;
  if (text == "hedges_g") return EffectSizeKind::kHedgesG;
  if (text == "cliffs_delta") return EffectSizeKind::kCliffsDelta;
  if (text == "a12") return EffectSizeKind::kA12;
  if (text == "cohens_dz") return EffectSizeKind::kCohensDz;
  throw StatsError(detail::cat(field, " is \"", text,
                               "\", but must be one of \"cohens_d\", \"hedges_g\", "
                               "\"cliffs_delta\", \"a12\", \"cohens_dz\""));
}

EffectSize cohens_d(std::span<const double> x, std::span<const double> y,
                    const EffectSizeOptions& options) {
  return standardized(x, y, options, EffectSizeKind::kCohensD);
}

EffectSize hedges_g(std::span<const double> x, std::span<const double> y,
                    const EffectSizeOptions& options) {
  return standardized(x, y, options, EffectSizeKind::kHedgesG);
}

EffectSize cliffs_delta(std::span<const double> x, std::span<const double> y,
                        const EffectSizeOptions& options) {
  const Dominance dom = dominance(x, y, options);
  EffectSize r;
  r.method = "Cliff's delta";
  r.kind = EffectSizeKind::kCliffsDelta;
  r.estimate = dom.delta;
  r.ci = dom.delta_ci;
  r.conf_level = options.conf_level;
  r.degenerate = dom.degenerate;
  r.note = dom.note;
  return r;
}

EffectSize vargha_delaney_a12(std::span<const double> x, std::span<const double> y,
                              const EffectSizeOptions& options) {
  const Dominance dom = dominance(x, y, options);
  EffectSize r;
  r.method = "Vargha-Delaney A12";
  r.kind = EffectSizeKind::kA12;
  r.estimate = dom.a12;
  // A = (1 + delta) / 2 is increasing in delta, so it maps the delta interval to one for A.
  r.ci = dom.degenerate
             ? Interval{dom.a12, dom.a12}
             : Interval{(1.0 + dom.delta_ci.lower) / 2.0, (1.0 + dom.delta_ci.upper) / 2.0};
  r.conf_level = options.conf_level;
  r.degenerate = dom.degenerate;
  r.note = dom.note;
  return r;
}

EffectSize cohens_dz(std::span<const double> x, std::span<const double> y,
                     const EffectSizeOptions& options) {
  check_inputs(x, y, options);
  require_same_length(x, y);
  EffectSize r;
  r.kind = EffectSizeKind::kCohensDz;
  r.method = "Cohen's d_z";
  r.conf_level = options.conf_level;
  std::vector<double> d(x.size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = x[i] - y[i];
  const double m = mean(d);
  const double sd = std::sqrt(variance(d));
  if (!std::isfinite(sd)) {
    throw StatsError(
        "the variance of x - y overflows; rescale the data (e.g. divide by a power of 10)");
  }
  if (sd == 0.0) {
    r.degenerate = true;
    r.estimate = m == 0.0 ? 0.0 : (m > 0.0 ? kInf : -kInf);
    r.ci = {r.estimate, r.estimate};
    r.note = m == 0.0 ? detail::cat("all paired differences are zero: d_z is 0 with CI [0, 0]; ",
                                    kRandomizeHint)
                      : detail::cat("no variance: every paired difference is ", m, ", so d_z is ",
                                    m > 0.0 ? "+inf" : "-inf", "; ", kRandomizeHint);
    return r;
  }
  const double n = static_cast<double>(d.size());
  const double dz = m / sd;
  const double t = dz * std::sqrt(n);
  const double alpha = 1.0 - options.conf_level;
  r.estimate = dz;
  r.ci = {noncentrality_for(t, n - 1.0, 1.0 - alpha / 2.0) / std::sqrt(n),
          noncentrality_for(t, n - 1.0, alpha / 2.0) / std::sqrt(n)};
  return r;
}

EffectSize effect_size(EffectSizeKind kind, std::span<const double> x, std::span<const double> y,
                       const EffectSizeOptions& options) {
  switch (kind) {
    case EffectSizeKind::kCohensD:
      return cohens_d(x, y, options);
    case EffectSizeKind::kHedgesG:
      return hedges_g(x, y, options);
    case EffectSizeKind::kCliffsDelta:
      return cliffs_delta(x, y, options);
    case EffectSizeKind::kA12:
      return vargha_delaney_a12(x, y, options);
    case EffectSizeKind::kCohensDz:
      return cohens_dz(x, y, options);
  }
  return cohens_d(x, y, options);
}

}  // namespace rigor::stats
