#include "rigor/stats/outperform.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "message.h"
#include "resampling_internal.h"
#include "rigor/stats/random.h"

namespace rigor::stats {
namespace {

// Quantile of sorted values, R's type 7 (Hyndman & Fan 1996, definition 7): linear
// interpolation between order statistics at h = (B - 1) p.
double quantile_type7(const std::vector<double>& sorted, double p) {
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// 2 * (number of wins + ties / 2) for the paired comparison i: 2, 1 or 0.
std::uint32_t paired_score(double x, double y) { return x > y ? 2u : (x == y ? 1u : 0u); }

}  // namespace

std::string_view to_string(OutperformConclusion conclusion) {
  switch (conclusion) {
    case OutperformConclusion::kABetter:
      return "a_better";
    case OutperformConclusion::kBBetter:
      return "b_better";
    case OutperformConclusion::kSignificantNotMeaningful:
      return "significant_not_meaningful";
    case OutperformConclusion::kNotSignificant:
      return "not_significant";
  }
  return "not_significant";
}

OutperformResult probability_of_outperforming(std::span<const double> a, std::span<const double> b,
                                              std::uint64_t seed,
                                              const OutperformOptions& options) {
  require_finite(a, "a", 2);
  require_finite(b, "b", 2);
  if (options.paired) require_same_length(a, b, "a", "b");
  if (!(options.gamma > 0.5 && options.gamma < 1.0)) {
    throw StatsError(detail::cat("gamma is ", options.gamma,
                                 ", but must be in (0.5, 1); Bouthillier et al. use 0.75"));
  }
  require_level(options.conf_level, "conf_level");
  require_resample_count(options.n_resamples, "n_resamples", 2, "1000 or more recommended");
  const std::size_t n = a.size(), m = b.size();
  const std::size_t big_b = options.n_resamples;

  OutperformResult result;
  result.conf_level = options.conf_level;
  result.gamma = options.gamma;
  result.paired = options.paired;
  result.n_resamples = big_b;
  result.seed = seed;
  result.n_a = n;
  result.n_b = m;

  std::vector<double> replicates(big_b);
  if (options.paired) {
    // Bouthillier et al. (2021): P(A > B) estimated by the share of paired runs that A wins.
    std::vector<std::uint32_t> score(n);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < n; ++i) total += score[i] = paired_score(a[i], b[i]);
    const double denominator = 2.0 * static_cast<double>(n);
    result.estimate = static_cast<double>(total) / denominator;
    const std::size_t min_chunk = std::max<std::size_t>(1, 50000 / n);
    auto resample = [&](std::size_t begin, std::size_t end) {
      for (std::size_t r = begin; r < end; ++r) {
        CounterRng rng(seed, r);
        std::uint64_t sum = 0;
        for (std::size_t k = 0; k < n; ++k) sum += score[rng.below(n)];
        replicates[r] = static_cast<double>(sum) / denominator;
      }
    };
    detail::parallel_for(big_b, options.threads, min_chunk, resample);
  } else {
    // Mann-Whitney U / (n m) with ties 1/2 (Mann & Whitney 1947). For each sorted a value x_(i),
    // b values below it occupy sorted positions [0, lower[i]) and ties [lower[i], upper[i]);
    // a resample only changes multiplicities, so 2U = sum_i ca_i (P[lower_i] + P[upper_i]) with
    // P the prefix sums of b's multiplicities: O(n + m) per resample, in exact integers.
    std::vector<std::uint32_t> order_a(n), order_b(m);
    std::iota(order_a.begin(), order_a.end(), std::uint32_t{0});
    std::iota(order_b.begin(), order_b.end(), std::uint32_t{0});
    std::stable_sort(order_a.begin(), order_a.end(),
                     [&](std::uint32_t i, std::uint32_t j) { return a[i] < a[j]; });
    std::stable_sort(order_b.begin(), order_b.end(),
                     [&](std::uint32_t i, std::uint32_t j) { return b[i] < b[j]; });
    std::vector<std::uint32_t> rank_a(n), rank_b(m), lower(n), upper(n);
    std::vector<double> sorted_b(m);
    for (std::size_t k = 0; k < n; ++k) rank_a[order_a[k]] = static_cast<std::uint32_t>(k);
    for (std::size_t k = 0; k < m; ++k) {
      rank_b[order_b[k]] = static_cast<std::uint32_t>(k);
      sorted_b[k] = b[order_b[k]];
    }
    for (std::size_t k = 0; k < n; ++k) {
      const double x = a[order_a[k]];
      lower[k] = static_cast<std::uint32_t>(std::lower_bound(sorted_b.begin(), sorted_b.end(), x) -
                                            sorted_b.begin());
      upper[k] = static_cast<std::uint32_t>(std::upper_bound(sorted_b.begin(), sorted_b.end(), x) -
                                            sorted_b.begin());
    }
    const double denominator = 2.0 * static_cast<double>(n) * static_cast<double>(m);
    std::uint64_t twice_u = 0;
    for (std::size_t k = 0; k < n; ++k) twice_u += std::uint64_t{lower[k]} + upper[k];
    result.estimate = static_cast<double>(twice_u) / denominator;

    const std::size_t min_chunk = std::max<std::size_t>(1, 50000 / (n + m));
    auto resample = [&](std::size_t begin, std::size_t end) {
      std::vector<std::uint32_t> count_a(n);
      std::vector<std::uint64_t> prefix_b(m + 1);
      for (std::size_t r = begin; r < end; ++r) {
        std::fill(count_a.begin(), count_a.end(), 0u);
        std::fill(prefix_b.begin(), prefix_b.end(), std::uint64_t{0});
        CounterRng rng(seed, r);
        for (std::size_t k = 0; k < n; ++k) ++count_a[rank_a[rng.below(n)]];
        for (std::size_t k = 0; k < m; ++k) ++prefix_b[rank_b[rng.below(m)] + 1];
        for (std::size_t k = 0; k < m; ++k) prefix_b[k + 1] += prefix_b[k];
        std::uint64_t sum = 0;
        for (std::size_t k = 0; k < n; ++k) {
          if (count_a[k] != 0) sum += count_a[k] * (prefix_b[lower[k]] + prefix_b[upper[k]]);
        }
        replicates[r] = static_cast<double>(sum) / denominator;
      }
    };
    detail::parallel_for(big_b, options.threads, min_chunk, resample);
  }

  std::sort(replicates.begin(), replicates.end());
  const double tail = (1.0 - options.conf_level) / 2.0;
  result.ci = {quantile_type7(replicates, tail), quantile_type7(replicates, 1.0 - tail)};

  // Bouthillier et al. (2021, section 5 and their simulation code, PABTest.single_test:
  // `(0.5 < lower) and (gamma <= upper)`): significant when the CI excludes 0.5; meaningful when
  // the CI reaches gamma, i.e. an effect of at least gamma is not excluded (symmetrically, for
  // B, the CI reaches 1 - gamma). Both must hold.
  const bool a_significant = result.ci.lower > 0.5;
  const bool b_significant = result.ci.upper < 0.5;
  const bool a_meaningful = result.ci.upper >= options.gamma;
  const bool b_meaningful = result.ci.lower <= 1.0 - options.gamma;
  result.significant = a_significant || b_significant;
  result.meaningful = a_meaningful || b_meaningful;
  if (a_significant && a_meaningful) {
    result.conclusion = OutperformConclusion::kABetter;
  } else if (b_significant && b_meaningful) {
    result.conclusion = OutperformConclusion::kBBetter;
  } else if (result.significant) {
    result.conclusion = OutperformConclusion::kSignificantNotMeaningful;
  } else {
    result.conclusion = OutperformConclusion::kNotSignificant;
  }

  const bool a_constant = is_constant(a), b_constant = is_constant(b);
  if (a_constant && b_constant) {
    result.degenerate = true;
    if (a[0] == b[0]) {
      result.note = detail::cat("no variance: every score of a and b equals ", a[0],
                                ", so P(A > B) = 0.5 with CI [0.5, 0.5]; randomize a variance "
                                "source (init, data order, ...) to test this claim");
    } else {
      result.note = detail::cat("no variance: a is constant (", a[0], ") and b is constant (", b[0],
                                "), so P(A > B) = ", result.estimate,
                                " in every resample; randomize a variance source (init, data "
                                "order, ...) to test this claim");
    }
  } else if (options.paired && std::equal(a.begin(), a.end(), b.begin())) {
    result.degenerate = true;
    result.note =
        "all paired differences are zero: every pair ties, so P(A > B) = 0.5 with CI [0.5, 0.5]; "
        "randomize a variance source (init, data order, ...) that differs between A and B to test "
        "this claim";
  }
  return result;
}

}  // namespace rigor::stats
