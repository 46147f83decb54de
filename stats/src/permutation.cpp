#include "rigor/stats/permutation.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>
#include <vector>

#include "message.h"
#include "resampling_internal.h"

namespace rigor::stats {
namespace {

constexpr std::string_view kRandomizeHint =
    "randomize a variance source (init, data order, ...) to test this claim";

// Permutations per thread below which another thread does not pay for its start.
constexpr std::size_t kMinChunk = 1024;

// Relative tolerance for sums of the same values added in different orders (rounding is below
// N eps sum|z| ~ 1e-14 sum|z| for N ~ 100; distinct real subset sums are far further apart).
constexpr double kSumTolerance = 1e-12;
// scipy.stats.permutation_test's tolerance for a user statistic: max(eps, eps |observed|).
constexpr double kScipyEps = 1e-14;

__extension__ using Uint128 = unsigned __int128;  // GCC/Clang extension, as in random.cpp

// C(n, k) if it is at most `limit`, else limit + 1 (no overflow: each step is exact and checked).
std::uint64_t binomial_up_to(std::uint64_t n, std::uint64_t k, std::uint64_t limit) {
  k = std::min(k, n - k);
  Uint128 c = 1;
  for (std::uint64_t i = 1; i <= k; ++i) {
    c = c * (n - k + i) / i;  // C(n - k + i, i), an integer at every step
    if (c > limit) return limit == UINT64_MAX ? limit : limit + 1;
  }
  return static_cast<std::uint64_t>(c);
}

// Counts of permuted statistics at or beyond the observed one, on a scale where larger means
// "x greater" (key), with ties within `tolerance`.
struct Counter {
  double observed = 0.0;
  double tolerance = 0.0;
  std::uint64_t greater_equal = 0;
  std::uint64_t less_equal = 0;

  void add(double key) {
    greater_equal += key >= observed - tolerance ? 1 : 0;
    less_equal += key <= observed + tolerance ? 1 : 0;
  }
};

void validate(const PermutationOptions& options) {
  if (options.n_resamples == 0) {
    throw StatsError(
        "n_resamples is 0, but at least 1 Monte Carlo permutation is required "
        "(100000 is a good default)");
  }
}

void fill_p_value(PermutationResult& r, bool exact, std::uint64_t n, Alternative alternative) {
  // Exact: b / C (the observed split is among the C). Monte Carlo: (b + 1) / (m + 1) (Phipson &
  // Smyth 2010, eq. 2), so p is never 0 and the test keeps its level.
  const double add = exact ? 0.0 : 1.0;
  const double denom = static_cast<double>(n) + add;
  const double p_ge = (static_cast<double>(r.count_greater_equal) + add) / denom;
  const double p_le = (static_cast<double>(r.count_less_equal) + add) / denom;
  double p = 1.0;
  switch (alternative) {
    case Alternative::kGreater:
      p = p_ge;
      break;
    case Alternative::kLess:
      p = p_le;
      break;
    case Alternative::kTwoSided:
      p = 2.0 * std::min(p_ge, p_le);
      break;  // scipy's definition
  }
  r.test.p_value = std::min(1.0, p);
  r.test.exact = exact;
  r.test.alternative = alternative;
  r.n_permutations = n;
}

struct Setup {
  std::vector<double> pooled;  // x then y
  std::size_t small = 0;       // size of the smaller group (x on ties)
  bool small_is_x = true;
  bool exact = false;
  std::uint64_t total = 0;  // C(N, small) when exact
};

Setup setup(std::span<const double> x, std::span<const double> y,
            const PermutationOptions& options) {
  validate(options);
  require_finite(x, "x", 1);
  require_finite(y, "y", 1);
  if (x.size() + y.size() < 3) {
    throw StatsError(detail::cat("x and y have ", x.size() + y.size(),
                                 " values in total, but at least 3 are required"));
  }
  if (x.size() + y.size() >= (std::size_t{1} << 32)) {
    throw StatsError("x and y have 2^32 or more values together; that is too many to permute");
  }
  Setup s;
  s.pooled.assign(x.begin(), x.end());
  s.pooled.insert(s.pooled.end(), y.begin(), y.end());
  s.small_is_x = x.size() <= y.size();
  s.small = std::min(x.size(), y.size());
  const std::uint64_t count = binomial_up_to(s.pooled.size(), s.small, options.exact_limit);
  s.exact = options.exact_limit > 0 && count <= options.exact_limit;
  s.total = count;
  return s;
}

void mark_degenerate_independent(PermutationResult& r, std::span<const double> x,
                                 std::span<const double> y) {
  if (!is_constant(x) || !is_constant(y)) return;
  r.test.degenerate = true;
  if (x.front() == y.front()) {
    r.test.note = detail::cat("no variance: x and y are constant and equal (", x.front(),
                              "), so every reassignment gives the same statistic and p = 1; ",
                              kRandomizeHint);
  } else {
    r.test.note =
        detail::cat("no variance: x and y are each constant (", x.front(), " and ", y.front(),
                    "); the p-value reflects only the group sizes; ", kRandomizeHint);
  }
}

void mark_degenerate_paired(PermutationResult& r, std::span<const double> d) {
  if (!is_constant(d)) return;
  r.test.degenerate = true;
  if (d.front() == 0.0) {
    r.test.note =
        detail::cat("all paired differences are zero: statistic 0, p = 1; ", kRandomizeHint);
  } else {
    r.test.note = detail::cat("no variance: every paired difference equals ", d.front(),
                              "; the p-value reflects only the number of pairs; ", kRandomizeHint);
  }
}

// Runs body(begin, end, counter) on per-chunk counters and adds them up (integer counts: the
// totals do not depend on how the loop was split).
template <class Body>
Counter count_parallel(std::uint64_t n, unsigned threads, const Counter& proto, const Body& body) {
  Counter total = proto;
  std::mutex mutex;
  detail::parallel_for(n, threads, kMinChunk, [&](std::size_t begin, std::size_t end) {
    Counter local = proto;
    body(begin, end, local);
    const std::lock_guard<std::mutex> lock(mutex);
    total.greater_equal += local.greater_equal;
    total.less_equal += local.less_equal;
  });
  return total;
}

// Monte Carlo reassignments of the independent test: permutation i chooses the first k pooled
// positions by a partial Fisher-Yates shuffle from stream (seed, i) (position j takes
// j + below(N - j)) of a fresh copy of the pooled values (cheaper than logging and undoing k
// swaps), and calls visit(shuffled, sum, counter) with the sum of the k chosen values in order
// (taken while shuffling: later swaps never touch a chosen position).
template <class Visit>
Counter count_shuffles(const Setup& s, std::size_t k, std::uint64_t seed,
                       const PermutationOptions& options, const Counter& proto,
                       const Visit& visit) {
  const auto n = static_cast<std::uint32_t>(s.pooled.size());
  return count_parallel(options.n_resamples, options.threads, proto,
                        [&](std::size_t begin, std::size_t end, Counter& c) {
                          std::vector<double> a(n);
                          for (std::size_t i = begin; i < end; ++i) {
                            detail::WordStream words(seed, i, k);
                            std::copy(s.pooled.begin(), s.pooled.end(), a.begin());
                            double sum = 0.0;
                            for (std::uint32_t j = 0; j < k; ++j) {
                              std::swap(a[j], a[j + words.below(n - j)]);
                              sum += a[j];
                            }
                            visit(a, sum, c);
                          }
                        });
}

std::vector<double> differences(std::span<const double> x, std::span<const double> y) {
  std::vector<double> d(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = x[i] - y[i];
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (!std::isfinite(d[i])) {
      throw StatsError(detail::cat("x[", i, "] - y[", i, "] overflows; rescale the data"));
    }
  }
  return d;
}

}  // namespace

PermutationResult permutation_test(std::span<const double> x, std::span<const double> y,
                                   std::uint64_t seed, const PermutationOptions& options) {
  Setup s = setup(x, y, options);
  PermutationResult r;
  r.seed = seed;
  r.test.statistic_name = "mean difference";
  r.test.statistic = mean(x) - mean(y);
  r.test.estimate = r.test.statistic;
  r.test.method = s.exact ? "Exact permutation test" : "Monte Carlo permutation test";
  // The statistic is increasing in sign * (sum of the smaller group).
  const double sign = s.small_is_x ? 1.0 : -1.0;
  const std::span<const double> small_group = s.small_is_x ? x : y;
  double observed_sum = 0.0, scale = 0.0;
  for (double v : small_group) observed_sum += v;
  for (double v : s.pooled) scale += std::abs(v);
  Counter proto;
  proto.observed = sign * observed_sum;
  proto.tolerance = kSumTolerance * scale;
  const std::size_t n = s.pooled.size(), k = s.small;
  Counter total = proto;
  if (s.exact) {
    // Every k-subset of the pooled values, depth first; each leaf's sum is the in-order sum of
    // its k values.
    const std::vector<double>& z = s.pooled;
    auto visit = [&](auto&& self, std::size_t start, std::size_t depth, double partial) -> void {
      if (depth == k) {
        total.add(sign * partial);
        return;
      }
      for (std::size_t i = start; i + (k - depth) <= n; ++i)
        self(self, i + 1, depth + 1, partial + z[i]);
    };
    visit(visit, 0, 0, 0.0);
    r.count_greater_equal = total.greater_equal;
    r.count_less_equal = total.less_equal;
    fill_p_value(r, true, s.total, options.alternative);
  } else {
    total = count_shuffles(
        s, k, seed, options, proto,
        [&](const std::vector<double>&, double sum, Counter& c) { c.add(sign * sum); });
    r.count_greater_equal = total.greater_equal;
    r.count_less_equal = total.less_equal;
    fill_p_value(r, false, options.n_resamples, options.alternative);
  }
  mark_degenerate_independent(r, x, y);
  return r;
}

PermutationResult permutation_test(std::span<const double> x, std::span<const double> y,
                                   const PermutationStatisticFn& statistic, std::uint64_t seed,
                                   const PermutationOptions& options) {
  if (!statistic) throw StatsError("statistic is an empty function; pass a callable");
  Setup s = setup(x, y, options);
  PermutationResult r;
  r.seed = seed;
  r.test.statistic_name = "custom";
  const double observed = statistic(x, y);
  if (!std::isfinite(observed)) {
    throw StatsError(detail::cat("the statistic returned ", observed,
                                 " on the data, but must return a finite value"));
  }
  r.test.statistic = observed;
  r.test.estimate = observed;
  r.test.method = s.exact ? "Exact permutation test" : "Monte Carlo permutation test";
  Counter proto;
  proto.observed = observed;
  proto.tolerance = std::max(kScipyEps, kScipyEps * std::abs(observed));
  const std::size_t n = s.pooled.size(), k = s.small, nx = x.size();
  // Splits a pooled arrangement whose first k positions are the smaller group into (x', y').
  auto evaluate = [&](const std::vector<double>& a) {
    const std::span<const double> all(a);
    return s.small_is_x ? statistic(all.first(nx), all.subspan(nx))
                        : statistic(all.subspan(k), all.first(k));
  };
  auto add_checked = [&](Counter& c, double value) {
    if (!std::isfinite(value)) {
      throw StatsError(detail::cat("the statistic returned ", value,
                                   " for a permutation, but must return a finite value for every "
                                   "reassignment of the data"));
    }
    c.add(value);
  };
  if (s.exact) {
    // Lexicographic k-subsets; the chosen values first (in index order), then the rest.
    std::vector<std::size_t> chosen(k);
    for (std::size_t i = 0; i < k; ++i) chosen[i] = i;
    std::vector<double> a(n);
    std::vector<char> in(n);
    Counter total = proto;
    while (true) {
      std::fill(in.begin(), in.end(), 0);
      std::size_t pos = 0;
      for (std::size_t i : chosen) {
        a[pos++] = s.pooled[i];
        in[i] = 1;
      }
      for (std::size_t i = 0; i < n; ++i) {
        if (!in[i]) a[pos++] = s.pooled[i];
      }
      add_checked(total, evaluate(a));
      std::size_t i = k;
      while (i > 0 && chosen[i - 1] == n - k + (i - 1)) --i;
      if (i == 0) break;
      ++chosen[i - 1];
      for (std::size_t j = i; j < k; ++j) chosen[j] = chosen[j - 1] + 1;
    }
    r.count_greater_equal = total.greater_equal;
    r.count_less_equal = total.less_equal;
    fill_p_value(r, true, s.total, options.alternative);
  } else {
    const Counter total = count_shuffles(
        s, k, seed, options, proto,
        [&](const std::vector<double>& a, double, Counter& c) { add_checked(c, evaluate(a)); });
    r.count_greater_equal = total.greater_equal;
    r.count_less_equal = total.less_equal;
    fill_p_value(r, false, options.n_resamples, options.alternative);
  }
  mark_degenerate_independent(r, x, y);
  return r;
}

namespace {

// What both paired tests share: the differences and whether to enumerate.
struct PairedSetup {
  std::vector<double> d;
  bool exact = false;
  std::uint64_t total = 0;
};

PairedSetup paired_setup(std::span<const double> x, std::span<const double> y,
                         const PermutationOptions& options) {
  validate(options);
  require_same_length(x, y);
  require_finite(x, "x", 1);
  require_finite(y, "y", 1);
  PairedSetup s;
  s.d = differences(x, y);
  const std::size_t n = s.d.size();
  s.exact = options.exact_limit > 0 && n < 64 && (std::uint64_t{1} << n) <= options.exact_limit;
  s.total = s.exact ? (std::uint64_t{1} << n) : 0;
  return s;
}

// Signs of flip i: bit k of 32-bit word k / 32 (= bit k of the k / 64-th 64-bit value of
// CounterRng(seed, i)); set = flipped.
inline void draw_flips(detail::WordStream& words, std::size_t n, std::vector<std::uint32_t>& bits) {
  for (std::size_t w = 0; w < (n + 31) / 32; ++w) bits[w] = words.next();
}

inline bool flipped(const std::vector<std::uint32_t>& bits, std::size_t k) {
  return ((bits[k / 32] >> (k % 32)) & 1u) != 0;
}

}  // namespace

PermutationResult paired_permutation_test(std::span<const double> x, std::span<const double> y,
                                          std::uint64_t seed, const PermutationOptions& options) {
  PairedSetup s = paired_setup(x, y, options);
  const std::vector<double>& d = s.d;
  const std::size_t n = d.size();
  PermutationResult r;
  r.seed = seed;
  r.test.statistic_name = "mean difference";
  r.test.statistic = mean(d);
  r.test.estimate = r.test.statistic;
  r.test.method = s.exact ? "Exact permutation test (paired, sign-flip)"
                          : "Monte Carlo permutation test (paired, sign-flip)";
  // The mean of the flipped differences is increasing in their sum.
  double observed_sum = 0.0, scale = 0.0;
  for (double v : d) {
    observed_sum += v;
    scale += std::abs(v);
  }
  Counter proto;
  proto.observed = observed_sum;
  proto.tolerance = kSumTolerance * scale;
  Counter total = proto;
  if (s.exact) {
    // Meet in the middle: every sign vector's sum is (sum over the first h) + (sum over the rest),
    // each half an in-order sum, so 2^n sums cost one addition each.
    const std::size_t h = n / 2;
    auto half_sums = [&](std::size_t from, std::size_t count) {
      std::vector<double> sums(std::size_t{1} << count);
      for (std::size_t m = 0; m < sums.size(); ++m) {
        double s_m = 0.0;
        for (std::size_t k = 0; k < count; ++k) s_m += ((m >> k) & 1u) ? -d[from + k] : d[from + k];
        sums[m] = s_m;
      }
      return sums;
    };
    const std::vector<double> first = half_sums(0, h), second = half_sums(h, n - h);
    for (double b : second) {
      for (double a : first) total.add(a + b);
    }
    r.count_greater_equal = total.greater_equal;
    r.count_less_equal = total.less_equal;
    fill_p_value(r, true, s.total, options.alternative);
  } else {
    total = count_parallel(options.n_resamples, options.threads, proto,
                           [&](std::size_t begin, std::size_t end, Counter& c) {
                             std::vector<std::uint32_t> bits((n + 31) / 32);
                             for (std::size_t i = begin; i < end; ++i) {
                               detail::WordStream words(seed, i, (n + 31) / 32);
                               draw_flips(words, n, bits);
                               double sum = 0.0;
                               for (std::size_t k = 0; k < n; ++k)
                                 sum += flipped(bits, k) ? -d[k] : d[k];
                               c.add(sum);
                             }
                           });
    r.count_greater_equal = total.greater_equal;
    r.count_less_equal = total.less_equal;
    fill_p_value(r, false, options.n_resamples, options.alternative);
  }
  mark_degenerate_paired(r, d);
  return r;
}

PermutationResult paired_permutation_test(std::span<const double> x, std::span<const double> y,
                                          const PairedStatisticFn& statistic, std::uint64_t seed,
                                          const PermutationOptions& options) {
  if (!statistic) throw StatsError("statistic is an empty function; pass a callable");
  PairedSetup s = paired_setup(x, y, options);
  const std::vector<double>& d = s.d;
  const std::size_t n = d.size();
  PermutationResult r;
  r.seed = seed;
  r.test.statistic_name = "custom";
  const double observed = statistic(d);
  if (!std::isfinite(observed)) {
    throw StatsError(detail::cat("the statistic returned ", observed,
                                 " on the differences, but must return a finite value"));
  }
  r.test.statistic = observed;
  r.test.estimate = observed;
  r.test.method = s.exact ? "Exact permutation test (paired, sign-flip)"
                          : "Monte Carlo permutation test (paired, sign-flip)";
  Counter proto;
  proto.observed = observed;
  proto.tolerance = std::max(kScipyEps, kScipyEps * std::abs(observed));
  auto add_checked = [&](Counter& c, double value) {
    if (!std::isfinite(value)) {
      throw StatsError(detail::cat("the statistic returned ", value,
                                   " for a sign flip, but must return a finite value for every "
                                   "flip of the differences"));
    }
    c.add(value);
  };
  if (s.exact) {
    std::vector<double> flipped_d(n);
    Counter total = proto;
    for (std::uint64_t m = 0; m < s.total; ++m) {
      for (std::size_t k = 0; k < n; ++k) flipped_d[k] = ((m >> k) & 1u) ? -d[k] : d[k];
      add_checked(total, statistic(flipped_d));
    }
    r.count_greater_equal = total.greater_equal;
    r.count_less_equal = total.less_equal;
    fill_p_value(r, true, s.total, options.alternative);
  } else {
    const Counter total = count_parallel(options.n_resamples, options.threads, proto,
                                         [&](std::size_t begin, std::size_t end, Counter& c) {
                                           std::vector<std::uint32_t> bits((n + 31) / 32);
                                           std::vector<double> flipped_d(n);
                                           for (std::size_t i = begin; i < end; ++i) {
                                             detail::WordStream words(seed, i, (n + 31) / 32);
                                             draw_flips(words, n, bits);
                                             for (std::size_t k = 0; k < n; ++k) {
                                               flipped_d[k] = flipped(bits, k) ? -d[k] : d[k];
                                             }
                                             add_checked(c, statistic(flipped_d));
                                           }
                                         });
    r.count_greater_equal = total.greater_equal;
    r.count_less_equal = total.less_equal;
    fill_p_value(r, false, options.n_resamples, options.alternative);
  }
  mark_degenerate_paired(r, d);
  return r;
}

}  // namespace rigor::stats
