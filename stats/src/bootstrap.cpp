#include "rigor/stats/bootstrap.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "message.h"
#include "resampling_internal.h"

namespace rigor::stats {
namespace {

constexpr std::string_view kRandomizeHint =
    "randomize a variance source (init, data order, ...) to test this claim";

// Resamples per thread below which extra threads cost more than they save (thread start and
// join 40-90 us).
constexpr std::size_t kMinChunk = 64;

// Resample keys are derived kKeyBatch at a time (for_each_resample).
constexpr std::size_t kKeyBatch = 16;

// The threads take resamples in chunks of about 2^15 draws (25 us for the mean), a multiple of
// kKeyBatch: the last chunk delays the call little, and the shared counter costs nothing
// (parallel_for_dynamic).
std::size_t resample_chunk(std::size_t draws_per_resample) {
  constexpr std::size_t kChunkDraws = std::size_t{1} << 15;
  return kKeyBatch * std::max<std::size_t>(1, kChunkDraws / (kKeyBatch * draws_per_resample));
}

double normal_cdf(double z) {
  if (z == std::numeric_limits<double>::infinity()) return 1.0;
  if (z == -std::numeric_limits<double>::infinity()) return 0.0;
  return boost::math::cdf(boost::math::normal_distribution<double>(), z);
}

double normal_quantile(double p) {
  if (p <= 0.0) return -std::numeric_limits<double>::infinity();
  if (p >= 1.0) return std::numeric_limits<double>::infinity();
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

void require_resamples(std::size_t n_resamples) {
  require_resample_count(n_resamples, "n_resamples", 2, "9999 is a good default");
}

void require_trim(double trim, std::string_view name) {
  if (!(trim >= 0.0 && trim < 0.5)) {
    throw StatsError(detail::cat(name, " is ", trim,
                                 ", but must be in [0, 0.5) (0.25 gives the interquartile mean)"));
  }
}

void require_index_range(std::size_t n, std::string_view name) {
  if (n >= (std::size_t{1} << 32)) {
    throw StatsError(
        detail::cat(name, " has ", n, " values, but at most 2^32 - 1 can be resampled"));
  }
}

// ---- statistics on a scratch buffer (may reorder it) ----------------------------------------

double plain_mean(std::span<const double> v) {
  double s = 0.0;
  for (double d : v) s += d;
  return s / static_cast<double>(v.size());
}

double median_inplace(std::span<double> v) {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2.0;
}

// scipy.stats.trim_mean: lowercut = int(proportion * n), mean of sorted[lowercut:n - lowercut].
double trimmed_mean_inplace(std::span<double> v, double proportion) {
  const std::size_t n = v.size();
  const auto cut = static_cast<std::size_t>(proportion * static_cast<double>(n));
  if (cut > 0) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(cut), v.end());
    std::nth_element(v.begin() + static_cast<std::ptrdiff_t>(cut),
                     v.begin() + static_cast<std::ptrdiff_t>(n - cut), v.end());
  }
  double s = 0.0;
  for (std::size_t i = cut; i < n - cut; ++i) s += v[i];
  return s / static_cast<double>(n - 2 * cut);
}

double std_of(std::span<const double> v) {
  const double m = plain_mean(v);
  double ss = 0.0;
  for (double d : v) ss += (d - m) * (d - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

double statistic_inplace(Statistic statistic, std::span<double> v, double trim) {
  switch (statistic) {
    case Statistic::kMean:
      return plain_mean(v);
    case Statistic::kMedian:
      return median_inplace(v);
    case Statistic::kIqm:
      return trimmed_mean_inplace(v, 0.25);
    case Statistic::kTrimmedMean:
      return trimmed_mean_inplace(v, trim);
    case Statistic::kStd:
      return std_of(v);
  }
  return 0.0;
}

std::string statistic_label(Statistic statistic, double trim) {
  switch (statistic) {
    case Statistic::kMean:
      return "mean";
    case Statistic::kMedian:
      return "median";
    case Statistic::kIqm:
      return "IQM";
    case Statistic::kTrimmedMean:
      return detail::cat("trimmed mean (", trim, ")");
    case Statistic::kStd:
      return "standard deviation";
  }
  return "";
}

std::string difference_label(Statistic statistic, double trim) {
  switch (statistic) {
    case Statistic::kMean:
      return "difference of means";
    case Statistic::kMedian:
      return "difference of medians";
    case Statistic::kIqm:
      return "difference of IQMs";
    case Statistic::kTrimmedMean:
      return detail::cat("difference of trimmed means (", trim, ")");
    case Statistic::kStd:
      return "difference of standard deviations";
  }
  return "";
}

std::size_t min_size(Statistic statistic) { return statistic == Statistic::kStd ? 2 : 1; }

// ---- percentiles and the interval ------------------------------------------------------------

// Order statistics v_(k) and v_(k+1) (0-based; the second clipped to the last) of a vector that
// may be reordered: nth_element, then the minimum of the part above.
std::pair<double, double> order_pair(std::vector<double>& v, std::size_t k) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  const double a = v[k];
  if (k + 1 >= v.size()) return {a, a};
  const double b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(k) + 1, v.end());
  return {a, b};
}

// numpy's default percentile (method "linear", R type 7) at fraction q in [0, 1], including its
// two-sided lerp (numpy 1.24 lib/function_base.py _lerp: a + (b - a) t for t < 0.5, else
// b - (b - a)(1 - t)).
double np_percentile(std::vector<double>& v, double q) {
  const double last = static_cast<double>(v.size() - 1);
  const double virtual_index = last * q;
  if (!(virtual_index < last)) return order_pair(v, v.size() - 1).first;
  if (!(virtual_index > 0.0)) return order_pair(v, 0).first;
  const double previous = std::floor(virtual_index);
  const double t = virtual_index - previous;
  const auto [a, b] = order_pair(v, static_cast<std::size_t>(previous));
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

double sample_sd(std::span<const double> v) {
  double m = 0.0;
  for (double d : v) m += d;
  m /= static_cast<double>(v.size());
  double ss = 0.0;
  for (double d : v) ss += (d - m) * (d - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

// Smallest and largest of finite values. Out of line: inlined into interval_from (or as
// std::minmax_element) GCC 12 keeps the running minimum in memory, as a double live across the
// calls that follow must be (every xmm register is caller-saved); bootstrap_interval on 10^4
// replicates took 80 us with that, 70 us with this.
[[gnu::noinline]] std::pair<double, double> min_max(std::span<const double> v) {
  double lowest = v[0], highest = v[0];
  for (double d : v) {
    lowest = std::min(lowest, d);
    highest = std::max(highest, d);
  }
  return {lowest, highest};
}

// The interval from the replicates (reordered in place). See bootstrap_interval.
BootstrapResult interval_from(double estimate, std::vector<double>& replicates,
                              std::span<const std::vector<double>> jackknife,
                              BootstrapMethod method, double conf_level) {
  BootstrapResult r;
  r.interval = method;
  r.method = detail::cat(to_string(method), " bootstrap CI");
  r.estimate = estimate;
  r.conf_level = conf_level;
  r.n_resamples = replicates.size();
  r.standard_error = sample_sd(replicates);
  const auto [lowest, highest] = min_max(replicates);
  if (lowest == highest) {
    // docs/stats.md: a bootstrap distribution with a single value gives [theta-hat, theta-hat]
    // for every method (scipy's BCa returns NaN here, its percentile [v, v]).
    r.degenerate = true;
    r.standard_error = 0.0;
    r.ci = {estimate, estimate};
    r.note =
        detail::cat("no variance: all ", replicates.size(), " bootstrap replicates equal ", lowest,
                    " (constant data?), so the CI is [estimate, estimate]; ", kRandomizeHint);
    return r;  // BCa's z0 and a stay empty: they are undefined here (never NaN)
  }
  // scipy.stats.bootstrap: alpha = (1 - confidence_level) / 2.
  const double alpha = (1.0 - conf_level) / 2.0;
  double level_lo = alpha, level_hi = 1.0 - alpha;
  if (method == BootstrapMethod::kBca) {
    // z0 = Phi^-1 of the "mean" percentile of score of theta-hat (scipy _percentile_of_score;
    // Efron & Tibshirani 1993, eq. 14.14 with ties counted half).
    std::size_t below = 0, at_or_below = 0;
    for (double v : replicates) {
      below += v < estimate ? 1 : 0;
      at_or_below += v <= estimate ? 1 : 0;
    }
    const double percentile =
        static_cast<double>(below + at_or_below) / (2.0 * static_cast<double>(replicates.size()));
    if (percentile <= 0.0 || percentile >= 1.0) {
      r.interval = BootstrapMethod::kPercentile;
      r.method = "percentile bootstrap CI (BCa undefined)";
      r.note = detail::cat("BCa is undefined: the estimate ", estimate, " lies ",
                           percentile <= 0.0 ? "below" : "above",
                           " every bootstrap replicate (z0 = ", percentile <= 0.0 ? "-inf" : "+inf",
                           "; scipy returns NaN), so this is the percentile interval");
    } else {
      const double z0 = normal_quantile(percentile);
      // Jackknife acceleration (Efron & Tibshirani 1993, eq. 14.15; scipy _bca_interval sums the
      // numerator and denominator over samples, eq. 15.36).
      double num = 0.0, den = 0.0;
      for (const std::vector<double>& theta_i : jackknife) {
        const auto n = static_cast<double>(theta_i.size());
        double dot = 0.0;
        for (double t : theta_i) dot += t;
        dot /= n;
        double s3 = 0.0, s2 = 0.0;
        for (double t : theta_i) {
          const double u = (n - 1.0) * (dot - t);
          s2 += u * u;
          s3 += u * u * u;
        }
        num += s3 / (n * n * n);
        den += s2 / (n * n);
      }
      double a = 0.0;
      if (den > 0.0) {
        a = num / (6.0 * std::pow(den, 1.5));
      } else {
        r.note =
            "all jackknife values are equal, so the BCa acceleration is 0/0; rigor uses a = 0 "
            "(the bias-corrected percentile interval; scipy returns NaN)";
      }
      r.bias_correction = z0;
      r.acceleration = a;
      const double z_lo = normal_quantile(alpha);
      const double z_hi = -z_lo;
      const double num1 = z0 + z_lo;
      const double num2 = z0 + z_hi;
      level_lo = normal_cdf(z0 + num1 / (1.0 - a * num1));
      level_hi = normal_cdf(z0 + num2 / (1.0 - a * num2));
    }
  }
  const double q_lo = np_percentile(replicates, level_lo);
  const double q_hi = np_percentile(replicates, level_hi);
  if (r.interval == BootstrapMethod::kBasic) {
    // Davison & Hinkley 1997, eq. 5.6; scipy: ci_l, ci_u = 2 theta_hat - ci_u, 2 theta_hat - ci_l.
    r.ci = {2.0 * estimate - q_hi, 2.0 * estimate - q_lo};
  } else {
    r.ci = {q_lo, q_hi};
  }
  return r;
}

void check_replicates(const std::vector<double>& replicates) {
  for (std::size_t b = 0; b < replicates.size(); ++b) {
    if (!std::isfinite(replicates[b])) {
      throw StatsError(detail::cat("the statistic returned ", replicates[b],
                                   " for bootstrap resample ", b,
                                   ", but must return a finite value for every resample (guard "
                                   "against constant or tiny resamples)"));
    }
  }
}

void check_estimate(double estimate) {
  if (!std::isfinite(estimate)) {
    throw StatsError(detail::cat("the statistic returned ", estimate,
                                 " on the data, but must return a finite value"));
  }
}

void check_options(const BootstrapOptions& options) {
  require_resamples(options.n_resamples);
  require_level(options.conf_level, "conf_level");
  require_trim(options.trim, "trim");
}

BootstrapResult finish(double estimate, std::vector<double> replicates,
                       std::span<const std::vector<double>> jackknife,
                       const BootstrapOptions& options, std::string statistic, std::uint64_t seed) {
  check_replicates(replicates);
  std::vector<double> kept;
  if (options.keep_replicates) kept = replicates;
  BootstrapResult r =
      interval_from(estimate, replicates, jackknife, options.method, options.conf_level);
  r.statistic = std::move(statistic);
  r.seed = seed;
  r.replicates = std::move(kept);
  return r;
}

// Leave-one-out values stat(v without i), i = 0..n-1, computed in parallel on scratch buffers.
template <class Stat>
std::vector<double> jackknife_of(std::span<const double> v, unsigned threads, const Stat& stat) {
  const std::size_t n = v.size();
  std::vector<double> out(n);
  detail::parallel_for(
      n, threads, std::max<std::size_t>(1, 4096 / n), [&](std::size_t begin, std::size_t end) {
        std::vector<double> buffer(n - 1);
        for (std::size_t i = begin; i < end; ++i) {
          std::copy(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), buffer.begin());
          std::copy(v.begin() + static_cast<std::ptrdiff_t>(i) + 1, v.end(),
                    buffer.begin() + static_cast<std::ptrdiff_t>(i));
          out[i] = stat(std::span<double>(buffer));
        }
      });
  return out;
}

// Jackknife of the mean in O(n): (sum - x_i) / (n - 1).
std::vector<double> jackknife_mean(std::span<const double> v) {
  double sum = 0.0;
  for (double d : v) sum += d;
  std::vector<double> out(v.size());
  const auto m = static_cast<double>(v.size() - 1);
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = (sum - v[i]) / m;
  return out;
}

// Indices are drawn in blocks of kIndexBlock into a stack buffer, then gathered: the generator
// loop and the gather loop each stay tight (MixWordStream::fill_indices).
constexpr std::size_t kIndexBlock = 256;  // a multiple of 4 (resample_sum's partial sums)

#ifdef RIGOR_STATS_MIX_AVX2
// resample_sum with the draws summed as they are made (MixWordStream::sum_gathered_avx2; 1.15x
// faster than drawing blocks of indices, then summing them): the same partial sums in the same
// order. A group of 8 draws at positions i..i+7 adds to the sums rotated by i mod 4; draws made
// one at a time (after a buffered word, in a group that may hold a rejected word, in the tail)
// add to sum i mod 4, or to the first sum in the last n mod 4 positions.
double resample_sum_fused(std::span<const double> x, detail::MixWordStream& words) {
  const std::size_t n = x.size();
  const auto n32 = static_cast<std::uint32_t>(n);
  const double* data = x.data();
  const std::size_t full = n - n % 4;  // positions [full, n) go to the first sum
  double s[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t i = 0;
  while (i < n) {
    std::size_t scalar_end = i + 1;
    if (!words.has_buffered_word() && i + 8 <= full) {
      const std::size_t want = (full - i) / 8 * 8;
      const std::size_t r = i % 4;
      double rotated[4] = {s[r], s[(r + 1) % 4], s[(r + 2) % 4], s[(r + 3) % 4]};
      const std::size_t done = words.sum_gathered_avx2(n32, data, want, rotated);
      for (std::size_t k = 0; k < 4; ++k) s[(r + k) % 4] = rotated[k];
      i += done;
      if (done == want) continue;
      scalar_end = i + 8;  // the group that may hold a rejected word, one word at a time
    }
    for (const std::size_t stop = std::min(n, scalar_end); i < stop; ++i) {
      s[i < full ? i % 4 : 0] += data[words.below(n32)];
    }
  }
  return (s[0] + s[1]) + (s[2] + s[3]);
}
#endif

// Sum of x[index] over n uniform indices, in four interleaved partial sums (one running sum
// would serialize on the 4-cycle add latency; index i goes to sum i mod 4, the last n mod 4 to
// the first: a fixed order, so results stay bitwise reproducible).
double resample_sum(std::span<const double> x, detail::MixWordStream& words) {
#ifdef RIGOR_STATS_MIX_AVX2
  if (detail::has_avx2()) return resample_sum_fused(x, words);
#endif
  const std::size_t n = x.size();
  const auto n32 = static_cast<std::uint32_t>(n);
  const double* data = x.data();
  std::uint32_t index[kIndexBlock];
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  for (std::size_t done = 0; done < n; done += kIndexBlock) {
    const std::size_t len = std::min(kIndexBlock, n - done);
    words.fill_indices(n32, index, len);
    std::size_t j = 0;
    for (; j + 4 <= len; j += 4) {
      s0 += data[index[j]];
      s1 += data[index[j + 1]];
      s2 += data[index[j + 2]];
      s3 += data[index[j + 3]];
    }
    for (; j < len; ++j) s0 += data[index[j]];
  }
  return (s0 + s1) + (s2 + s3);
}

// Calls visit(b, words) for b in [begin, end) in order, words = MixWordStream(seed, b); the keys
// come kKeyBatch at a time from derive_keys (4 Philox chains at once).
template <class Visit>
void for_each_resample(std::uint64_t seed, std::size_t begin, std::size_t end, const Visit& visit) {
  std::uint64_t keys[kKeyBatch];
  for (std::size_t b = begin; b < end; b += kKeyBatch) {
    const std::size_t len = std::min(kKeyBatch, end - b);
    detail::derive_keys(seed, b, len, keys);
    for (std::size_t j = 0; j < len; ++j) {
      detail::MixWordStream words = detail::MixWordStream::from_key(keys[j]);
      visit(b + j, words);
    }
  }
}

void fill_resample(std::span<const double> x, detail::MixWordStream& words, std::span<double> out) {
  const std::size_t n = out.size();
  const auto n32 = static_cast<std::uint32_t>(x.size());
  std::uint32_t index[kIndexBlock];
  for (std::size_t done = 0; done < n; done += kIndexBlock) {
    const std::size_t len = std::min(kIndexBlock, n - done);
    words.fill_indices(n32, index, len);
    for (std::size_t j = 0; j < len; ++j) out[done + j] = x[index[j]];
  }
}

BootstrapResult one_sample(std::span<const double> x, const Statistic* builtin,
                           const StatisticFn* custom, std::uint64_t seed,
                           const BootstrapOptions& options) {
  check_options(options);
  require_finite(x, "x", 2);
  require_index_range(x.size(), "x");
  const std::size_t n = x.size(), n_resamples = options.n_resamples;
  const double trim = options.trim;
  std::vector<double> replicates(n_resamples);
  double estimate = 0.0;
  std::string label = "custom";
  if (builtin) {
    estimate = compute_statistic(*builtin, x, trim);
    label = statistic_label(*builtin, trim);
  } else {
    estimate = (*custom)(x);
    check_estimate(estimate);
  }
  if (builtin && *builtin == Statistic::kMean) {
    const double inv_n = 1.0 / static_cast<double>(n);
    detail::parallel_for_dynamic(
        n_resamples, options.threads, kMinChunk, resample_chunk(n),
        [&](std::size_t begin, std::size_t end) {
          for_each_resample(seed, begin, end, [&](std::size_t b, detail::MixWordStream& words) {
            replicates[b] = resample_sum(x, words) * inv_n;
          });
        });
  } else {
    detail::parallel_for_dynamic(
        n_resamples, options.threads, kMinChunk, resample_chunk(n),
        [&](std::size_t begin, std::size_t end) {
          std::vector<double> buffer(n);
          for_each_resample(seed, begin, end, [&](std::size_t b, detail::MixWordStream& words) {
            fill_resample(x, words, buffer);
            replicates[b] = builtin ? statistic_inplace(*builtin, buffer, trim) : (*custom)(buffer);
          });
        });
  }
  std::vector<std::vector<double>> jackknife;
  if (options.method == BootstrapMethod::kBca) {
    if (builtin && *builtin == Statistic::kMean) {
      jackknife.push_back(jackknife_mean(x));
    } else if (builtin) {
      jackknife.push_back(jackknife_of(x, options.threads, [&](std::span<double> v) {
        return statistic_inplace(*builtin, v, trim);
      }));
    } else {
      jackknife.push_back(
          jackknife_of(x, options.threads, [&](std::span<double> v) { return (*custom)(v); }));
    }
    check_replicates(jackknife.back());
  }
  return finish(estimate, std::move(replicates), jackknife, options, std::move(label), seed);
}

BootstrapResult two_sample(std::span<const double> x, std::span<const double> y,
                           const Statistic* builtin, const TwoSampleStatisticFn* custom,
                           std::uint64_t seed, const BootstrapOptions& options) {
  check_options(options);
  require_finite(x, "x", 2);
  require_finite(y, "y", 2);
  require_index_range(x.size(), "x");
  require_index_range(y.size(), "y");
  const std::size_t nx = x.size(), ny = y.size(), n_resamples = options.n_resamples;
  const double trim = options.trim;
  std::vector<double> replicates(n_resamples);
  double estimate = 0.0;
  std::string label = "custom";
  double stat_x = 0.0, stat_y = 0.0;
  if (builtin) {
    stat_x = compute_statistic(*builtin, x, trim);
    stat_y = compute_statistic(*builtin, y, trim);
    estimate = stat_x - stat_y;
    label = difference_label(*builtin, trim);
  } else {
    estimate = (*custom)(x, y);
    check_estimate(estimate);
  }
  if (builtin && *builtin == Statistic::kMean) {
    const double inv_x = 1.0 / static_cast<double>(nx), inv_y = 1.0 / static_cast<double>(ny);
    detail::parallel_for_dynamic(
        n_resamples, options.threads, kMinChunk, resample_chunk(nx + ny),
        [&](std::size_t begin, std::size_t end) {
          for_each_resample(seed, begin, end, [&](std::size_t b, detail::MixWordStream& words) {
            const double sx = resample_sum(x, words);
            const double sy = resample_sum(y, words);
            replicates[b] = sx * inv_x - sy * inv_y;
          });
        });
  } else {
    detail::parallel_for_dynamic(
        n_resamples, options.threads, kMinChunk, resample_chunk(nx + ny),
        [&](std::size_t begin, std::size_t end) {
          std::vector<double> bx(nx), by(ny);
          for_each_resample(seed, begin, end, [&](std::size_t b, detail::MixWordStream& words) {
            fill_resample(x, words, bx);
            fill_resample(y, words, by);
            replicates[b] = builtin ? statistic_inplace(*builtin, bx, trim) -
                                          statistic_inplace(*builtin, by, trim)
                                    : (*custom)(bx, by);
          });
        });
  }
  std::vector<std::vector<double>> jackknife;
  if (options.method == BootstrapMethod::kBca) {
    if (builtin) {
      auto stat = [&](std::span<double> v) { return statistic_inplace(*builtin, v, trim); };
      std::vector<double> jx =
          *builtin == Statistic::kMean ? jackknife_mean(x) : jackknife_of(x, options.threads, stat);
      std::vector<double> jy =
          *builtin == Statistic::kMean ? jackknife_mean(y) : jackknife_of(y, options.threads, stat);
      for (double& v : jx) v -= stat_y;
      for (double& v : jy) v = stat_x - v;
      jackknife.push_back(std::move(jx));
      jackknife.push_back(std::move(jy));
    } else {
      jackknife.push_back(
          jackknife_of(x, options.threads, [&](std::span<double> v) { return (*custom)(v, y); }));
      jackknife.push_back(
          jackknife_of(y, options.threads, [&](std::span<double> v) { return (*custom)(x, v); }));
    }
    check_replicates(jackknife[0]);
    check_replicates(jackknife[1]);
  }
  return finish(estimate, std::move(replicates), jackknife, options, std::move(label), seed);
}

// ---- aggregates --------------------------------------------------------------------------

void check_aggregate_options(const AggregateOptions& options) {
  require_resamples(options.n_resamples);
  require_level(options.conf_level, "conf_level");
  if (options.method == BootstrapMethod::kBca) {
    throw StatsError(
        "method is BCa, but stratified aggregates support percentile (rliable's "
        "default) and basic only; pass method percentile");
  }
}

}  // namespace

std::string_view to_string(BootstrapMethod method) {
  switch (method) {
    case BootstrapMethod::kPercentile:
      return "percentile";
    case BootstrapMethod::kBasic:
      return "basic";
    case BootstrapMethod::kBca:
      return "BCa";
  }
  return "BCa";
}

BootstrapMethod parse_bootstrap_method(std::string_view text, std::string_view field) {
  if (text == "percentile") return BootstrapMethod::kPercentile;
  if (text == "basic") return BootstrapMethod::kBasic;
  if (text == "bca" || text == "BCa" || text == "BCA") return BootstrapMethod::kBca;
  throw StatsError(detail::cat(field, " is \"", text,
                               "\", but must be one of \"percentile\", \"basic\", \"bca\""));
}

std::string_view to_string(Statistic statistic) {
  switch (statistic) {
    case Statistic::kMean:
      return "mean";
    case Statistic::kMedian:
      return "median";
    case Statistic::kIqm:
      return "iqm";
    case Statistic::kTrimmedMean:
      return "trimmed_mean";
    case Statistic::kStd:
      return "std";
  }
  return "mean";
}

Statistic parse_statistic(std::string_view text, std::string_view field) {
  if (text == "mean") return Statistic::kMean;
  if (text == "median") return Statistic::kMedian;
  if (text == "iqm") return Statistic::kIqm;
  if (text == "trimmed_mean") return Statistic::kTrimmedMean;
  if (text == "std") return Statistic::kStd;
  throw StatsError(detail::cat(field, " is \"", text,
                               "\", but must be one of \"mean\", \"median\", \"iqm\", "
                               "\"trimmed_mean\", \"std\""));
}

double trimmed_mean(std::span<const double> x, double proportion) {
  require_trim(proportion, "proportion");
  require_finite(x, "x", 1);
  std::vector<double> v(x.begin(), x.end());
  return trimmed_mean_inplace(v, proportion);
}

double iqm(std::span<const double> x) { return trimmed_mean(x, 0.25); }

double compute_statistic(Statistic statistic, std::span<const double> x, double trim) {
  require_finite(x, "x", min_size(statistic));
  switch (statistic) {
    case Statistic::kMean:
      return mean(x);
    case Statistic::kMedian:
      return median(x);
    case Statistic::kIqm:
      return trimmed_mean(x, 0.25);
    case Statistic::kTrimmedMean:
      return trimmed_mean(x, trim);
    case Statistic::kStd:
      return std::sqrt(variance(x));
  }
  return 0.0;
}

BootstrapResult bootstrap_ci(std::span<const double> x, Statistic statistic, std::uint64_t seed,
                             const BootstrapOptions& options) {
  return one_sample(x, &statistic, nullptr, seed, options);
}

BootstrapResult bootstrap_ci(std::span<const double> x, const StatisticFn& statistic,
                             std::uint64_t seed, const BootstrapOptions& options) {
  if (!statistic) throw StatsError("statistic is an empty function; pass a callable");
  return one_sample(x, nullptr, &statistic, seed, options);
}

BootstrapResult bootstrap_ci(std::span<const double> x, std::span<const double> y,
                             Statistic statistic, std::uint64_t seed,
                             const BootstrapOptions& options) {
  return two_sample(x, y, &statistic, nullptr, seed, options);
}

BootstrapResult bootstrap_ci(std::span<const double> x, std::span<const double> y,
                             const TwoSampleStatisticFn& statistic, std::uint64_t seed,
                             const BootstrapOptions& options) {
  if (!statistic) throw StatsError("statistic is an empty function; pass a callable");
  return two_sample(x, y, nullptr, &statistic, seed, options);
}

BootstrapResult bootstrap_interval(double estimate, std::span<const double> replicates,
                                   std::span<const std::vector<double>> jackknife,
                                   BootstrapMethod method, double conf_level) {
  require_resamples(replicates.size());
  require_level(conf_level, "conf_level");
  if (!std::isfinite(estimate)) {
    throw StatsError(detail::cat("estimate is ", estimate, ", but must be finite"));
  }
  require_finite(replicates, "replicates", 2);
  if (method == BootstrapMethod::kBca) {
    if (jackknife.empty()) {
      throw StatsError(
          "jackknife is empty, but BCa needs the leave-one-out values of each sample; "
          "pass them or use method percentile");
    }
    for (std::size_t j = 0; j < jackknife.size(); ++j) {
      require_finite(jackknife[j], detail::cat("jackknife[", j, "]"), 2);
    }
  }
  std::vector<double> copy(replicates.begin(), replicates.end());
  return interval_from(estimate, copy, jackknife, method, conf_level);
}

std::string_view to_string(Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::kMean:
      return "mean";
    case Aggregate::kMedian:
      return "median";
    case Aggregate::kIqm:
      return "iqm";
  }
  return "mean";
}

Aggregate parse_aggregate(std::string_view text, std::string_view field) {
  if (text == "mean") return Aggregate::kMean;
  if (text == "median") return Aggregate::kMedian;
  if (text == "iqm") return Aggregate::kIqm;
  throw StatsError(
      detail::cat(field, " is \"", text, "\", but must be one of \"mean\", \"median\", \"iqm\""));
}

BootstrapResult aggregate_ci(const std::vector<std::vector<double>>& scores, Aggregate aggregate,
                             std::uint64_t seed, const AggregateOptions& options) {
  check_aggregate_options(options);
  const std::size_t runs = scores.size();
  if (runs < 2) {
    throw StatsError(detail::cat("scores has ", runs, runs == 1 ? " run" : " runs",
                                 ", but at least 2 are required (rows are runs, columns tasks)"));
  }
  const std::size_t tasks = scores[0].size();
  if (tasks == 0) throw StatsError("scores[0] has no tasks, but at least 1 is required");
  for (std::size_t r = 0; r < runs; ++r) {
    if (scores[r].size() != tasks) {
      throw StatsError(detail::cat("scores[", r, "] has ", scores[r].size(),
                                   " tasks, but scores[0] has ", tasks,
                                   "; every run (row) needs a score for every task"));
    }
    for (std::size_t t = 0; t < tasks; ++t) {
      if (!std::isfinite(scores[r][t])) {
        throw StatsError(detail::cat("scores[", r, "][", t, "] (run ", r, ", task ", t, ") is ",
                                     scores[r][t],
                                     ", but every score must be finite; remove or impute it"));
      }
    }
  }
  require_index_range(runs, "scores");
  // Column-major copy: task t's runs are contiguous, as they are resampled together.
  std::vector<double> by_task(runs * tasks);
  for (std::size_t t = 0; t < tasks; ++t) {
    for (std::size_t r = 0; r < runs; ++r) by_task[t * runs + r] = scores[r][t];
  }
  // Evaluates the aggregate on a runs x tasks buffer (column-major, reordered in place).
  auto evaluate = [&](std::span<double> cells, std::span<double> task_means) {
    switch (aggregate) {
      case Aggregate::kMean: {
        double s = 0.0;
        for (std::size_t t = 0; t < tasks; ++t) s += plain_mean(cells.subspan(t * runs, runs));
        return s / static_cast<double>(tasks);
      }
      case Aggregate::kMedian:
        for (std::size_t t = 0; t < tasks; ++t)
          task_means[t] = plain_mean(cells.subspan(t * runs, runs));
        return median_inplace(task_means);
      case Aggregate::kIqm:
        return trimmed_mean_inplace(cells, 0.25);
    }
    return 0.0;
  };
  std::vector<double> scratch(by_task), means(tasks);
  const double estimate = evaluate(scratch, means);
  std::vector<double> replicates(options.n_resamples);
  const auto runs32 = static_cast<std::uint32_t>(runs);
  detail::parallel_for_dynamic(
      options.n_resamples, options.threads, kMinChunk, resample_chunk(runs * tasks),
      [&](std::size_t begin, std::size_t end) {
        std::vector<double> cells(runs * tasks), task_means(tasks);
        for_each_resample(seed, begin, end, [&](std::size_t b, detail::MixWordStream& words) {
          for (std::size_t t = 0; t < tasks; ++t) {
            const double* column = by_task.data() + t * runs;
            double* out = cells.data() + t * runs;
            for (std::size_t r = 0; r < runs; ++r) out[r] = column[words.below(runs32)];
          }
          replicates[b] = evaluate(cells, task_means);
        });
      });
  BootstrapOptions bo;
  bo.method = options.method;
  bo.n_resamples = options.n_resamples;
  bo.conf_level = options.conf_level;
  bo.keep_replicates = options.keep_replicates;
  std::string label = aggregate == Aggregate::kIqm ? "IQM" : std::string(to_string(aggregate));
  if (tasks > 1) label += detail::cat(" over ", tasks, " tasks");
  BootstrapResult r = finish(estimate, std::move(replicates), {}, bo, std::move(label), seed);
  r.method = detail::cat("stratified ", r.method);
  return r;
}

BootstrapResult aggregate_ci(std::span<const double> runs, Aggregate aggregate, std::uint64_t seed,
                             const AggregateOptions& options) {
  check_aggregate_options(options);
  require_finite(runs, "scores", 2);
  BootstrapOptions bo;
  bo.method = options.method;
  bo.n_resamples = options.n_resamples;
  bo.conf_level = options.conf_level;
  bo.threads = options.threads;
  bo.keep_replicates = options.keep_replicates;
  const Statistic statistic = aggregate == Aggregate::kMean     ? Statistic::kMean
                              : aggregate == Aggregate::kMedian ? Statistic::kMedian
                                                                : Statistic::kIqm;
  return bootstrap_ci(runs, statistic, seed, bo);
}

}  // namespace rigor::stats
