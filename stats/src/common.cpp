#include "rigor/stats/common.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "message.h"

namespace rigor::stats {

std::string_view to_string(Alternative alternative) {
  switch (alternative) {
    case Alternative::kTwoSided:
      return "two-sided";
    case Alternative::kGreater:
      return "greater";
    case Alternative::kLess:
      return "less";
  }
  return "two-sided";
}

Alternative parse_alternative(std::string_view text, std::string_view field) {
  if (text == "two-sided" || text == "two.sided" || text == "two_sided")
    return Alternative::kTwoSided;
  if (text == "greater") return Alternative::kGreater;
  if (text == "less") return Alternative::kLess;
  throw StatsError(detail::cat(field, " is \"", text,
                               "\", but must be one of \"two-sided\", \"greater\", \"less\""));
}

void require_finite(std::span<const double> x, std::string_view name, std::size_t min_size) {
  if (x.size() < min_size) {
    throw StatsError(detail::cat(name, " has ", x.size(), x.size() == 1 ? " value" : " values",
                                 ", but at least ", min_size, min_size == 1 ? " is" : " are",
                                 " required"));
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) {
      throw StatsError(detail::cat(name, "[", i, "] is ", x[i],
                                   ", but every value must be finite; remove or impute it"));
    }
  }
}

void require_same_length(std::span<const double> x, std::span<const double> y,
                         std::string_view x_name, std::string_view y_name) {
  if (x.size() != y.size()) {
    throw StatsError(detail::cat("paired data need equal lengths, but ", x_name, " has ", x.size(),
                                 " values and ", y_name, " has ", y.size(),
                                 "; pair them by replicate"));
  }
}

void require_resample_count(std::size_t count, std::string_view name, std::size_t min_count,
                            std::string_view advice) {
  if (count < min_count) {
    throw StatsError(detail::cat(name, " is ", count, ", but at least ", min_count,
                                 " are required (", advice, ")"));
  }
  if (count > kMaxResamples) {
    throw StatsError(
        detail::cat(name, " is ", count, ", but at most ", kMaxResamples,
                    " are supported (the replicates are kept in memory, 8 bytes each)"));
  }
}

void require_level(double level, std::string_view name) {
  if (!(level > 0.0 && level < 1.0)) {
    throw StatsError(detail::cat(name, " is ", level, ", but must be in (0, 1)"));
  }
}

std::vector<double> average_ranks(std::span<const double> x) {
  const std::size_t n = x.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(n);
  std::size_t i = 0;
  while (i < n) {
    std::size_t j = i + 1;
    while (j < n && x[order[j]] == x[order[i]]) ++j;
    // Positions i..j-1 (0-based) share the average of ranks i+1..j.
    const double rank = 0.5 * static_cast<double>(i + 1 + j);
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

double tie_correction_sum(std::span<const double> x) {
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  double sum = 0.0;
  std::size_t i = 0;
  while (i < sorted.size()) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    const auto t = static_cast<double>(j - i);
    sum += t * t * t - t;
    i = j;
  }
  return sum;
}

double mean(std::span<const double> x) {
  if (x.empty()) throw StatsError("mean of an empty sample is undefined; pass at least one value");
  // Two-pass: the correction term makes the mean exact for constant input (deterministic runs).
  double sum = 0.0;
  for (double v : x) sum += v;
  const double m = sum / static_cast<double>(x.size());
  double correction = 0.0;
  for (double v : x) correction += v - m;
  return m + correction / static_cast<double>(x.size());
}

double variance(std::span<const double> x) {
  if (x.size() < 2) return 0.0;
  const double m = mean(x);
  double ss = 0.0;
  double comp = 0.0;
  for (double v : x) {
    const double d = v - m;
    ss += d * d;
    comp += d;
  }
  const auto n = static_cast<double>(x.size());
  return (ss - comp * comp / n) / (n - 1.0);
}

double median(std::span<const double> x) {
  if (x.empty())
    throw StatsError("median of an empty sample is undefined; pass at least one value");
  std::vector<double> v(x.begin(), x.end());
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2.0;
}

bool is_constant(std::span<const double> x) {
  return std::all_of(x.begin(), x.end(), [&](double v) { return v == x.front(); });
}

}  // namespace rigor::stats
