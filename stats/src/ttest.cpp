#include "rigor/stats/ttest.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "message.h"

namespace rigor::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::string_view kRandomizeHint =
    "randomize a variance source (init, data order, ...) to test this claim";

void require_options(const TTestOptions& options) {
  if (!std::isfinite(options.mu)) {
    throw StatsError(
        detail::cat("mu is ", options.mu,
                    ", but must be a finite number (the hypothesised mean or difference)"));
  }
  require_level(options.conf_level, "conf_level");
}

// Rejects a standard error that overflowed (values near 1e154 or beyond): the t statistic would be
// a silent 0.
void require_finite_se(double se) {
  if (!std::isfinite(se)) {
    throw StatsError(detail::cat("the standard error overflows double precision (", se,
                                 "); rescale the data (e.g. divide by a power of ten)"));
  }
}

// What the t statistic is built from: estimate (R's mx - my, or mx), its standard error and df.
struct TParts {
  std::string method;
  double estimate = 0.0;
  double se = 0.0;
  std::optional<double> df;  // empty only for the degenerate Welch test
};

// The defined answer for a zero standard error (docs/stats.md, "Degenerate data").
TestResult degenerate_result(const TParts& parts, const TTestOptions& options, std::string note) {
  TestResult r;
  r.method = parts.method;
  r.alternative = options.alternative;
  r.statistic_name = "t";
  r.df = parts.df;
  r.conf_level = options.conf_level;
  r.estimate = parts.estimate;
  r.ci = Interval{parts.estimate, parts.estimate};
  r.degenerate = true;
  r.note = std::move(note);
  const double d = parts.estimate - options.mu;
  if (d == 0.0) {
    r.statistic = 0.0;
    r.p_value = 1.0;
    return r;
  }
  r.statistic = d > 0.0 ? kInf : -kInf;
  const bool points_that_way = options.alternative == Alternative::kTwoSided ||
                               (options.alternative == Alternative::kGreater && d > 0.0) ||
                               (options.alternative == Alternative::kLess && d < 0.0);
  r.p_value = points_that_way ? 0.0 : 1.0;
  return r;
}

// t statistic, p-value and interval exactly as R's t.test computes them (R 4.2.2,
// stats:::t.test.default): tstat = (estimate - mu) / se; "less": p = pt(t, df),
// ci = mu + (-Inf, t + qt(conf, df)) * se; "greater": p = pt(t, df, lower = FALSE),
// ci = mu + (t - qt(conf, df), Inf) * se; two-sided: p = 2 pt(-|t|, df),
// ci = mu + (t -+ qt(1 - alpha/2, df)) * se with alpha = 1 - conf.
TestResult t_result(const TParts& parts, const TTestOptions& options) {
  TestResult r;
  r.method = parts.method;
  r.alternative = options.alternative;
  r.statistic_name = "t";
  r.df = parts.df;
  r.conf_level = options.conf_level;
  r.estimate = parts.estimate;
  const double t = (parts.estimate - options.mu) / parts.se;
  r.statistic = t;
  const boost::math::students_t dist(*parts.df);
  // Tail probabilities use the complement, never 1 - cdf, so p-values keep full relative
  // precision down to ~1e-300 (tested against R's pt).
  switch (options.alternative) {
    case Alternative::kLess: {
      r.p_value = boost::math::cdf(dist, t);
      const double q = boost::math::quantile(dist, options.conf_level);
      r.ci = Interval{-kInf, options.mu + (t + q) * parts.se};
      break;
    }
    case Alternative::kGreater: {
      r.p_value = boost::math::cdf(boost::math::complement(dist, t));
      const double q = boost::math::quantile(dist, options.conf_level);
      r.ci = Interval{options.mu + (t - q) * parts.se, kInf};
      break;
    }
    case Alternative::kTwoSided: {
      r.p_value = std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(dist, std::abs(t))));
      // Same probability argument as R (1 - alpha/2 with alpha = 1 - conf.level), bit for bit.
      const double alpha = 1.0 - options.conf_level;
      const double q = boost::math::quantile(dist, 1.0 - alpha / 2.0);
      r.ci = Interval{options.mu + (t - q) * parts.se, options.mu + (t + q) * parts.se};
      break;
    }
  }
  return r;
}

std::string two_sample_note(std::span<const double> x, std::span<const double> y) {
  const bool constant = is_constant(x) && is_constant(y);
  if (!constant) {
    return detail::cat(
        "no variance: the standard error of mean(x) - mean(y) is 0 (the values differ "
        "by less than double precision can square); ",
        kRandomizeHint);
  }
  if (x.front() == y.front()) {
    return detail::cat("no variance: every value of x and of y is ", x.front(),
                       ", so the samples cannot be told apart; ", kRandomizeHint);
  }
  return detail::cat("no variance: x is constant at ", x.front(), " and y at ", y.front(),
                     "; their difference ", x.front() - y.front(),
                     " is exact but has no error estimate; ", kRandomizeHint);
}

// One-sample core, shared by the paired test (on the differences) and the one-sample test.
TParts one_sample_parts(std::span<const double> x, std::string method) {
  const auto n = static_cast<double>(x.size());
  TParts parts;
  parts.method = std::move(method);
  parts.estimate = mean(x);
  parts.se = std::sqrt(variance(x) / n);  // R: stderr <- sqrt(vx/nx)
  parts.df = n - 1.0;
  require_finite_se(parts.se);
  return parts;
}

}  // namespace

TestResult welch_t_test(std::span<const double> x, std::span<const double> y,
                        const TTestOptions& options) {
  require_finite(x, "x", 2);
  require_finite(y, "y", 2);
  require_options(options);
  const auto nx = static_cast<double>(x.size());
  const auto ny = static_cast<double>(y.size());
  TParts parts;
  parts.method = "Welch Two Sample t-test";
  parts.estimate = mean(x) - mean(y);
  // Welch (1947); R: stderrx <- sqrt(vx/nx), stderr <- sqrt(stderrx^2 + stderry^2).
  const double vx_n = variance(x) / nx;
  const double vy_n = variance(y) / ny;
  parts.se = std::sqrt(vx_n + vy_n);
  require_finite_se(parts.se);
  if (parts.se == 0.0) return degenerate_result(parts, options, two_sample_note(x, y));
  // Welch-Satterthwaite df = se^4 / (sx^4/(nx-1) + sy^4/(ny-1)) (R's formula), written with the
  // shares of the variance so that se^4 cannot overflow or underflow.
  const double share_x = vx_n / (vx_n + vy_n);
  const double share_y = vy_n / (vx_n + vy_n);
  parts.df = 1.0 / (share_x * share_x / (nx - 1.0) + share_y * share_y / (ny - 1.0));
  return t_result(parts, options);
}

TestResult student_t_test(std::span<const double> x, std::span<const double> y,
                          const TTestOptions& options) {
  require_finite(x, "x", 1);
  require_finite(y, "y", 1);
  if (x.size() + y.size() < 3) {
    throw StatsError(detail::cat("x and y have ", x.size() + y.size(),
                                 " values in total, but the Student t-test needs at least 3 "
                                 "(df = n_x + n_y - 2 > 0); add replicates"));
  }
  require_options(options);
  const auto nx = static_cast<double>(x.size());
  const auto ny = static_cast<double>(y.size());
  TParts parts;
  parts.method = " Two Sample t-test";  // R: paste(NULL, "Two Sample t-test"), leading space kept
  parts.estimate = mean(x) - mean(y);
  const double df = nx + ny - 2.0;
  // Pooled variance (R): v = ((nx-1) vx + (ny-1) vy) / df, stderr = sqrt(v (1/nx + 1/ny)).
  const double pooled = ((nx - 1.0) * variance(x) + (ny - 1.0) * variance(y)) / df;
  parts.se = std::sqrt(pooled * (1.0 / nx + 1.0 / ny));
  parts.df = df;
  require_finite_se(parts.se);
  if (parts.se == 0.0) return degenerate_result(parts, options, two_sample_note(x, y));
  return t_result(parts, options);
}

TestResult paired_t_test(std::span<const double> x, std::span<const double> y,
                         const TTestOptions& options) {
  require_same_length(x, y);
  require_finite(x, "x", 2);
  require_finite(y, "y", 2);
  require_options(options);
  std::vector<double> d(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = x[i] - y[i];  // R: x <- x - y
  require_finite(d, "x - y");  // differences of finite values near the double limit overflow
  const TParts parts = one_sample_parts(d, "Paired t-test");
  if (parts.se == 0.0) {
    std::string note;
    if (is_constant(d) && d.front() == 0.0) {
      note = detail::cat(
          "all paired differences are zero: x and y are identical pair by pair, so "
          "there is no evidence of a difference; ",
          kRandomizeHint);
    } else if (is_constant(d)) {
      note =
          detail::cat("no variance: every paired difference x - y equals ", d.front(),
                      "; the mean difference is exact but has no error estimate; ", kRandomizeHint);
    } else {
      note = detail::cat(
          "no variance: the standard error of the paired differences is 0 (they "
          "differ by less than double precision can square); ",
          kRandomizeHint);
    }
    return degenerate_result(parts, options, std::move(note));
  }
  return t_result(parts, options);
}

TestResult one_sample_t_test(std::span<const double> x, const TTestOptions& options) {
  require_finite(x, "x", 2);
  require_options(options);
  const TParts parts = one_sample_parts(x, "One Sample t-test");
  if (parts.se == 0.0) {
    std::string note =
        is_constant(x)
            ? detail::cat("no variance: every value of x is ", x.front(),
                          "; the mean is exact but has no error estimate; ", kRandomizeHint)
            : detail::cat(
                  "no variance: the standard error of x is 0 (the values differ by less "
                  "than double precision can square); ",
                  kRandomizeHint);
    return degenerate_result(parts, options, std::move(note));
  }
  return t_result(parts, options);
}

}  // namespace rigor::stats
