#include "rigor/stats/ks.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "message.h"

namespace rigor::stats {
namespace {

// R ks.test: exact by default when n.x * n.y < 10000.
constexpr double kExactDefaultLimit = 10000.0;
// Forced exact p-values: the lattice has (n_x + 1)(n_y + 1) cells; 1e8 takes ~0.3 s.
constexpr double kExactForcedLimit = 1e8;

// Which boundary the lattice path must reach: two-sided |i n_y - j n_x| >= k, greater
// i n_y - j n_x >= k, less j n_x - i n_y >= k (i, j: how many x, y values so far).
bool on_boundary(std::int64_t diff, std::int64_t k, Alternative alternative) {
  switch (alternative) {
    case Alternative::kTwoSided:
      return (diff < 0 ? -diff : diff) >= k;
    case Alternative::kGreater:
      return diff >= k;
    case Alternative::kLess:
      return -diff >= k;
  }
  return false;
}

// P(D >= k / (n_x n_y)) under the permutation null, ties fixed (R 4.2.2 psmirnov(exact = TRUE,
// z = pooled data)): the probability that a uniformly random lattice path from (0, 0) to
// (n_x, n_y) touches the boundary at a checkpoint, a step i + j after which the pooled sorted
// value changes (or the last step). u[j] after row i is the probability for paths ending at
// (i, j); the last step into (i, j) is an x with probability i / (i + j) (Schroer & Trenkler
// 1995; the same recursion as R 4.3's psmirnov_exact_*_upper). Computing the upper tail directly
// avoids R 4.2.2's 1 - lower, which has no digits left below ~1e-15. `Real` is long double when
// the smallest possible p, 1 / C(n_x + n_y, n_x), would underflow a double.
template <class Real>
double smirnov_upper(std::int64_t nx, std::int64_t ny, std::int64_t k,
                     const std::vector<bool>& checkpoint, Alternative alternative) {
  std::vector<Real> u(static_cast<std::size_t>(ny) + 1);
  auto hit = [&](std::int64_t i, std::int64_t j) {
    return checkpoint[static_cast<std::size_t>(i + j)] &&
           on_boundary(i * ny - j * nx, k, alternative);
  };
  u[0] = 0;
  for (std::int64_t j = 1; j <= ny; ++j) {
    u[static_cast<std::size_t>(j)] = hit(0, j) ? Real(1) : u[static_cast<std::size_t>(j - 1)];
  }
  for (std::int64_t i = 1; i <= nx; ++i) {
    if (hit(i, 0)) u[0] = 1;
    for (std::int64_t j = 1; j <= ny; ++j) {
      const auto jj = static_cast<std::size_t>(j);
      if (hit(i, j)) {
        u[jj] = 1;
      } else {
        const Real total = static_cast<Real>(i + j);
        u[jj] = static_cast<Real>(i) / total * u[jj] + static_cast<Real>(j) / total * u[jj - 1];
      }
    }
  }
  return static_cast<double>(u[static_cast<std::size_t>(ny)]);
}

// Upper tail of the limiting distribution of sqrt(n) D, two-sided (Kolmogorov 1933), as R 4.2.2
// computes it: 1 - pkstwo(lambda, tol = 1e-6) (src/library/stats/src/ks.c).
double kolmogorov_upper(double lambda) {
  if (lambda < 1.0) {
    // R: the theta-function form sqrt(2 pi) / lambda sum_{k odd} exp(-k^2 pi^2 / (8 lambda^2)),
    // truncated by k < k_max = (int) sqrt(2 - log(tol)) = 3, i.e. the k = 1 term only. Kept
    // exactly (same operations) so the p-value matches R's, whose truncation error is <= 4e-5
    // here (p > 0.26, far from any rejection).
    constexpr double kPi2Pi4 = 1.57079632679489661923 * 0.785398163397448309616;  // M_PI_2 * M_PI_4
    constexpr double k1Sqrt2Pi = 0.398942280401432677939946059934;                // M_1_SQRT_2PI
    const double z = -kPi2Pi4 / (lambda * lambda);
    const double w = std::log(lambda);
    const double lower = std::exp(z - w) / k1Sqrt2Pi;
    return 1.0 - lower;
  }
  // lambda >= 1: 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 lambda^2), summed directly (R sums
  // 1 - 2 sum ... and subtracts from 1, losing the tail below ~1e-15). The terms fall faster than
  // geometrically; stop when one no longer changes the sum.
  const double z = -2.0 * lambda * lambda;
  double sum = 0.0;
  double sign = 1.0;
  for (int k = 1; k < 100; ++k) {
    const double term = 2.0 * sign * std::exp(z * k * k);
    const double next = sum + term;
    if (next == sum) break;
    sum = next;
    sign = -sign;
  }
  return sum;
}

}  // namespace

TestResult ks_2samp(std::span<const double> x, std::span<const double> y,
                    const KsOptions& options) {
  require_finite(x, "x");
  require_finite(y, "y");
  const auto nx = static_cast<std::int64_t>(x.size());
  const auto ny = static_cast<std::int64_t>(y.size());
  const double cells = static_cast<double>(nx) * static_cast<double>(ny);
  const bool exact = options.exact.value_or(cells < kExactDefaultLimit);
  if (exact && cells > kExactForcedLimit) {
    throw StatsError(
        detail::cat("exact is true, but n_x * n_y = ", cells,
                    " is above the limit of 1e8 for the exact Kolmogorov-Smirnov "
                    "p-value; pass exact = false (asymptotic) for samples this large"));
  }

  // Pooled values sorted, with the sample each came from.
  struct Labelled {
    double value;
    bool from_x;
  };
  std::vector<Labelled> pooled;
  pooled.reserve(x.size() + y.size());
  for (double v : x) pooled.push_back({v, true});
  for (double v : y) pooled.push_back({v, false});
  std::sort(pooled.begin(), pooled.end(),
            [](const Labelled& a, const Labelled& b) { return a.value < b.value; });
  const std::size_t total = pooled.size();

  // checkpoint[k]: after k pooled values the ECDFs are compared (R: z at the last index of each
  // run of equal values, which(diff(sort(w)) != 0) and n.x + n.y).
  std::vector<bool> checkpoint(total + 1, false);
  bool ties = false;
  // D scaled by n_x n_y: integers, so comparisons with the observed value are exact (R uses
  // floor(q n_x n_y - 1e-7) for the same purpose).
  std::int64_t k_two = 0;
  std::int64_t k_plus = 0;
  std::int64_t k_minus = 0;
  std::int64_t i = 0;
  std::int64_t j = 0;
  for (std::size_t k = 0; k < total; ++k) {
    (pooled[k].from_x ? i : j) += 1;
    const bool last_of_run = k + 1 == total || pooled[k + 1].value != pooled[k].value;
    if (!last_of_run) {
      ties = true;
      continue;
    }
    checkpoint[k + 1] = true;
    const std::int64_t diff = i * ny - j * nx;  // n_x n_y (F_x - F_y)
    k_plus = std::max(k_plus, diff);
    k_minus = std::max(k_minus, -diff);
    k_two = std::max(k_two, diff < 0 ? -diff : diff);
  }
  const std::int64_t k_obs = options.alternative == Alternative::kTwoSided  ? k_two
                             : options.alternative == Alternative::kGreater ? k_plus
                                                                            : k_minus;
  const double d = static_cast<double>(k_obs) / cells;

  TestResult r;
  r.alternative = options.alternative;
  r.statistic = d;
  r.statistic_name = options.alternative == Alternative::kTwoSided  ? "D"
                     : options.alternative == Alternative::kGreater ? "D^+"
                                                                    : "D^-";
  r.exact = exact;
  r.method = exact ? "Exact two-sample Kolmogorov-Smirnov test"
                   : "Asymptotic two-sample Kolmogorov-Smirnov test";

  if (pooled.front().value == pooled.back().value) {
    r.p_value = 1.0;
    r.degenerate = true;
    r.note =
        detail::cat("no variance: all ", total, " values of x and y equal ", pooled.front().value,
                    ", so the two ECDFs coincide (D = 0, p = 1); randomize a variance source "
                    "(init, data order, ...) to test this claim");
    return r;
  }

  double p;
  if (exact) {
    // The smallest non-zero p is 1 / C(n_x + n_y, n_x); use long double when a double would
    // underflow on the way (only when exact is forced for large samples).
    const double log_paths = std::lgamma(static_cast<double>(total) + 1.0) -
                             std::lgamma(static_cast<double>(nx) + 1.0) -
                             std::lgamma(static_cast<double>(ny) + 1.0);
    p = log_paths < 650.0
            ? smirnov_upper<double>(nx, ny, k_obs, checkpoint, options.alternative)
            : smirnov_upper<long double>(nx, ny, k_obs, checkpoint, options.alternative);
  } else {
    // R: n <- n.x * n.y / (n.x + n.y); two-sided 1 - pkstwo(sqrt(n) D), 0 for D < eps;
    // one-sided exp(-2 n D^2) (Smirnov 1939).
    const double n_eff = cells / static_cast<double>(nx + ny);
    if (options.alternative == Alternative::kTwoSided) {
      p = d < 2.220446049250313e-16 ? 1.0 : kolmogorov_upper(std::sqrt(n_eff) * d);
    } else {
      p = std::exp(-2.0 * n_eff * d * d);
    }
    if (ties) {
      r.note =
          "p-value is approximate in the presence of ties (asymptotic distribution for "
          "continuous data; R warns the same); pass exact = true for the exact conditional "
          "p-value";
    }
  }
  r.p_value = std::clamp(p, 0.0, 1.0);
  if (r.p_value == 0.0) {
    r.note = detail::cat(r.note, r.note.empty() ? "" : "; ",
                         "the p-value is below the smallest positive double (about 1e-308) and "
                         "underflows to 0");
  }

  if (is_constant(x) && is_constant(y)) {
    r.note = detail::cat(r.note, r.note.empty() ? "" : "; ", "x is constant at ", x[0],
                         " and y at ", y[0],
                         ": D = 1 is complete separation, and the p-value only counts labellings; "
                         "randomize a variance source (init, data order, ...) to test this claim");
  }
  return r;
}

}  // namespace rigor::stats
