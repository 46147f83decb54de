#include "rigor/stats/aso.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <numeric>

#include "message.h"
#include "resampling_internal.h"
#include "rigor/stats/random.h"

namespace rigor::stats {
namespace {

// A sample sorted once, scaled by an exact power of two so that squared differences neither
// overflow nor underflow for any finite input (the ratio is scale-free, and a power-of-two
// scale changes no rounding).
struct SortedSample {
  std::vector<double> values;       // sorted ascending, scaled
  std::vector<std::uint32_t> rank;  // rank[i]: position of input i in `values`
};

double power_of_two_scale(std::span<const double> a, std::span<const double> b) {
  double largest = 0.0;
  for (double v : a) largest = std::max(largest, std::abs(v));
  for (double v : b) largest = std::max(largest, std::abs(v));
  if (largest == 0.0) return 1.0;
  int exponent = 0;
  std::frexp(largest, &exponent);  // largest = f * 2^exponent, f in [0.5, 1)
  return std::ldexp(1.0, -exponent);
}

SortedSample sort_sample(std::span<const double> x, double scale) {
  const std::size_t n = x.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), std::uint32_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t i, std::uint32_t j) { return x[i] < x[j]; });
  SortedSample s;
  s.values.resize(n);
  s.rank.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    s.values[k] = x[order[k]] * scale;
    s.rank[order[k]] = static_cast<std::uint32_t>(k);
  }
  return s;
}

// Sums over the merged steps of the two empirical quantile functions. Sample a is x (sorted)
// with multiplicities cx (summing to n), b is y with cy (summing to m). On the unit interval
// scaled by n*m, step k of a ends at (cx_1 + ... + cx_k) * m and step l of b at
// (cy_1 + ... + cy_l) * n: integer breakpoints, compared exactly. Each merged piece of length
// w contributes w * (x_k - y_l)^2 to W2^2 (times n m) and, where x_k < y_l, to the violation
// integral (Dror et al. 2019; del Barrio et al. 2018). O(len(x) + len(y)).
struct StepSums {
  double violation = 0.0;
  double total = 0.0;
};

StepSums merged_step_sums(const double* x, const std::uint32_t* cx, std::size_t nx, std::uint64_t n,
                          const double* y, const std::uint32_t* cy, std::size_t ny,
                          std::uint64_t m) {
  StepSums sums;
  std::size_t i = 0, j = 0;
  while (i < nx && cx[i] == 0) ++i;
  while (j < ny && cy[j] == 0) ++j;
  if (i == nx || j == ny) return sums;
  std::uint64_t end_a = cx[i] * m;
  std::uint64_t end_b = cy[j] * n;
  std::uint64_t position = 0;
  while (true) {
    const std::uint64_t end = std::min(end_a, end_b);
    const double d = x[i] - y[j];
    const double piece = static_cast<double>(end - position) * d * d;
    sums.total += piece;
    if (d < 0.0) sums.violation += piece;
    position = end;
    if (end_a == end) {
      do {
        ++i;
      } while (i < nx && cx[i] == 0);
      if (i == nx) break;  // both reach n m together
      end_a += cx[i] * m;
    }
    if (end_b == end) {
      do {
        ++j;
      } while (j < ny && cy[j] == 0);
      if (j == ny) break;
      end_b += cy[j] * n;
    }
  }
  return sums;
}

void require_sample(std::span<const double> x, std::string_view name) {
  require_finite(x, name, 2);
  if (x.size() > 0xFFFFFFFFu) {
    throw StatsError(
        detail::cat(name, " has ", x.size(), " values, but at most 4294967295 are supported"));
  }
}

}  // namespace

ViolationRatio violation_ratio(std::span<const double> a, std::span<const double> b) {
  require_finite(a, "a");
  require_finite(b, "b");
  const double scale = power_of_two_scale(a, b);
  const SortedSample sa = sort_sample(a, scale);
  const SortedSample sb = sort_sample(b, scale);
  const std::vector<std::uint32_t> ones_a(a.size(), 1u), ones_b(b.size(), 1u);
  const StepSums sums = merged_step_sums(sa.values.data(), ones_a.data(), a.size(), a.size(),
                                         sb.values.data(), ones_b.data(), b.size(), b.size());
  ViolationRatio r;
  // Undo the n m length scale and the power-of-two value scale (both exact).
  const double unscale =
      1.0 / (static_cast<double>(a.size()) * static_cast<double>(b.size())) / (scale * scale);
  r.violation = sums.violation * unscale;
  r.w2_squared = sums.total * unscale;
  r.defined = sums.total > 0.0;
  r.ratio = r.defined ? sums.violation / sums.total : 0.5;
  return r;
}

double aso_eps_min(double eps_hat, std::span<const double> replicates, std::size_t n, std::size_t m,
                   double confidence_level, double* sigma_hat_out) {
  require_level(confidence_level, "confidence_level");
  if (replicates.size() < 2) {
    throw StatsError(detail::cat("replicates has ", replicates.size(),
                                 " values, but at least 2 are required for a standard deviation"));
  }
  if (n == 0 || m == 0) {
    throw StatsError(
        detail::cat("sample sizes are n = ", n, " and m = ", m, ", but both must be positive"));
  }
  require_finite(replicates, "replicates");
  // Dror et al. (2019): sigma_hat^2 is the bootstrap variance of
  // sqrt(n m / (n + m)) * (eps_W2(F*_n, G*_m) - eps_W2(F_n, G_m)); the Monte-Carlo estimate uses
  // denominator B - 1 (Efron & Tibshirani 1993, Eq. 6.6).
  const double nd = static_cast<double>(n), md = static_cast<double>(m);
  const double c = std::sqrt(nd * md / (nd + md));
  std::vector<double> scaled(replicates.size());
  for (std::size_t k = 0; k < replicates.size(); ++k) scaled[k] = c * (replicates[k] - eps_hat);
  const double sigma_hat = std::sqrt(variance(scaled));
  if (sigma_hat_out) *sigma_hat_out = sigma_hat;
  // eps_min(F_n, G_m, alpha) = eps_W2(F_n, G_m) - sqrt((n + m)/(n m)) sigma_hat Phi^-1(alpha).
  const double alpha = 1.0 - confidence_level;
  const double z = boost::math::quantile(boost::math::normal_distribution<double>(), alpha);
  const double eps_min = eps_hat - (1.0 / c) * sigma_hat * z;
  // eps is a proportion: an upper bound above 1 (or, for levels below 0.5, a bound below 0) says
  // no more than the boundary does.
  return std::clamp(eps_min, 0.0, 1.0);
}

AsoResult aso(std::span<const double> a, std::span<const double> b, std::uint64_t seed,
              const AsoOptions& options) {
  require_sample(a, "a");
  require_sample(b, "b");
  require_level(options.confidence_level, "confidence_level");
  require_resample_count(options.num_bootstrap, "num_bootstrap", 2, "1000 recommended");
  const std::size_t n = a.size(), m = b.size();
  const std::size_t big_b = options.num_bootstrap;

  const double scale = power_of_two_scale(a, b);
  const SortedSample sa = sort_sample(a, scale);
  const SortedSample sb = sort_sample(b, scale);

  AsoResult result;
  result.confidence_level = options.confidence_level;
  result.num_bootstrap = big_b;
  result.seed = seed;
  result.n_a = n;
  result.n_b = m;
  const ViolationRatio point = violation_ratio(a, b);
  result.eps_hat = point.ratio;
  result.w2_squared = point.w2_squared;

  std::vector<double> replicates(big_b);
  // A thread starts in ~50 us; give each at least ~50000 merge steps of work.
  const std::size_t min_chunk = std::max<std::size_t>(1, 50000 / (n + m));
  detail::parallel_for(big_b, options.threads, min_chunk, [&](std::size_t begin, std::size_t end) {
    // Multiplicities of each sorted value in the resample (counting replaces sorting the
    // resample: O(n + m) per replicate instead of O(n log n)).
    std::vector<std::uint32_t> count_a(n), count_b(m);
    for (std::size_t r = begin; r < end; ++r) {
      std::fill(count_a.begin(), count_a.end(), 0u);
      std::fill(count_b.begin(), count_b.end(), 0u);
      CounterRng rng(seed, r);
      for (std::size_t k = 0; k < n; ++k) ++count_a[sa.rank[rng.below(n)]];
      for (std::size_t k = 0; k < m; ++k) ++count_b[sb.rank[rng.below(m)]];
      const StepSums sums = merged_step_sums(sa.values.data(), count_a.data(), n, n,
                                             sb.values.data(), count_b.data(), m, m);
      replicates[r] = sums.total > 0.0 ? sums.violation / sums.total : 0.5;
    }
  });

  result.eps_min =
      aso_eps_min(result.eps_hat, replicates, n, m, options.confidence_level, &result.sigma_hat);
  if (options.keep_replicates) result.replicates = std::move(replicates);

  const bool a_constant = is_constant(a), b_constant = is_constant(b);
  if (a_constant && b_constant) {
    result.degenerate = true;
    if (a[0] == b[0]) {
      result.note = detail::cat(
          "no variance: every score of a and b equals ", a[0],
          ", so the violation ratio is 0/0; eps_hat and eps_min are set to 0.5 (neither is "
          "stochastically larger); randomize a variance source (init, data order, ...) to test "
          "this claim");
    } else {
      result.note = detail::cat(
          "no variance: a is constant (", a[0], ") and b is constant (", b[0],
          "), so every bootstrap resample gives the same ratio and eps_min = eps_hat = ",
          result.eps_hat,
          " with no uncertainty; randomize a variance source (init, data order, "
          "...) to test this claim");
    }
  } else if (!point.defined) {
    result.degenerate = true;
    result.note =
        "identical distributions: a and b have the same empirical distribution (W2 = 0), so the "
        "violation ratio is 0/0 and eps_hat is set to 0.5; eps_min comes from the bootstrap as "
        "usual";
  }
  return result;
}

}  // namespace rigor::stats
