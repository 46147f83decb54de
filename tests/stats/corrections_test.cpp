// Tests for rigor::stats corrections: adjust_p_values and partial conjunction.
// Golden values: tests/stats/data/corrections.json, written by scripts/golden/corrections.py
// (R 4.2.2 p.adjust; statsmodels 0.13.5 multipletests for sidak and holm-sidak; partial
// conjunction from a direct implementation of Benjamini & Heller 2008, Fisher via mpmath).
// Regenerate: /usr/bin/python3 scripts/golden/corrections.py. Tolerance: 1e-13 relative (R's and
// rigor's formulas are the same floating-point expressions).
#include "rigor/stats/corrections.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "golden.h"
#include "rigor/stats/random.h"

namespace rigor::stats {
namespace {

using test::as_doubles;
using ::testing::HasSubstr;

constexpr double kTol = 1e-13;

// R's p.adjust(method = "hommel") loop, O(m^2), ported literally (R 4.2.2 stats::p.adjust).
std::vector<double> hommel_r_loop(const std::vector<double>& p_in) {
  const std::size_t n = p_in.size();
  if (n == 1) return p_in;
  std::vector<std::size_t> o(n);
  std::iota(o.begin(), o.end(), std::size_t{0});
  std::stable_sort(o.begin(), o.end(),
                   [&](std::size_t a, std::size_t b) { return p_in[a] < p_in[b]; });
  std::vector<double> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = p_in[o[i]];
  if (n == 2) {  // R switches to hochberg for n = 2
    std::vector<double> out(2);
    out[o[1]] = p[1];
    out[o[0]] = std::min(2.0 * p[0], p[1]);
    return out;
  }
  double init = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i)
    init = std::min(init, static_cast<double>(n) * p[i] / static_cast<double>(i + 1));
  std::vector<double> q(n, init), pa(n, init);
  for (std::size_t j = n - 1; j >= 2; --j) {
    double q1 = std::numeric_limits<double>::infinity();
    for (std::size_t k = 2; k <= j; ++k) {
      q1 = std::min(q1, static_cast<double>(j) * p[n - j + k - 1] / static_cast<double>(k));
    }
    for (std::size_t i = 0; i < n - j + 1; ++i) q[i] = std::min(static_cast<double>(j) * p[i], q1);
    for (std::size_t i = n - j + 1; i < n; ++i) q[i] = q[n - j];
    for (std::size_t i = 0; i < n; ++i) pa[i] = std::max(pa[i], q[i]);
  }
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) out[o[i]] = std::max(pa[i], p[i]);
  return out;
}

TEST(AdjustPValues, MatchesRAndStatsmodelsGolden) {
  const auto golden = test::load_golden("corrections.json");
  const std::vector<std::pair<std::string, Correction>> methods = {
      {"holm", Correction::kHolm},
      {"hochberg", Correction::kHochberg},
      {"hommel", Correction::kHommel},
      {"bonferroni", Correction::kBonferroni},
      {"BH", Correction::kBenjaminiHochberg},
      {"BY", Correction::kBenjaminiYekutieli},
      {"none", Correction::kNone},
      {"sidak", Correction::kSidak},
      {"holm-sidak", Correction::kHolmSidak},
  };
  int checked = 0;
  for (const auto& c : golden["adjust"]) {
    const std::vector<double> p = as_doubles(c["p"]);
    for (const auto& [key, method] : methods) {
      SCOPED_TRACE(c["name"].get<std::string>() + " / " + key);
      const std::vector<double> expected = as_doubles(c[key]);
      const AdjustResult r = adjust_p_values(p, method, 0.05);
      ASSERT_EQ(r.adjusted.size(), expected.size());
      ASSERT_EQ(r.reject.size(), expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_REL_NEAR(r.adjusted[i], expected[i], kTol) << "index " << i;
        EXPECT_EQ(r.reject[i], r.adjusted[i] <= 0.05) << "index " << i;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 18 * 9);
}

TEST(AdjustPValues, HommelMatchesRLoopOnLargeFamilies) {
  // The O(m log m) rearrangement against R's O(m^2) loop, on families the golden file cannot
  // hold: uniform, many ties, tiny values, and a mixture typical of benchmark suites.
  for (std::uint64_t variant = 0; variant < 4; ++variant) {
    CounterRng rng(7, variant);
    const std::size_t n = 1500 + 250 * variant;
    std::vector<double> p(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double u = rng.uniform();
      switch (variant) {
        case 0:
          p[i] = u;
          break;
        case 1:
          p[i] = std::round(u * 40.0) / 40.0;
          break;  // heavy ties, zeros and ones
        case 2:
          p[i] = std::pow(10.0, -300.0 * u);
          break;
        default:
          p[i] = i % 3 == 0 ? std::pow(u, 8.0) : u;
          break;
      }
    }
    SCOPED_TRACE("variant " + std::to_string(variant));
    const std::vector<double> expected = hommel_r_loop(p);
    const AdjustResult r = adjust_p_values(p, Correction::kHommel);
    for (std::size_t i = 0; i < n; ++i) EXPECT_REL_NEAR(r.adjusted[i], expected[i], kTol) << i;
  }
}

TEST(AdjustPValues, HommelMatchesRLoopOnSmallFamilies) {
  // Every size 1..40 with random ties: exercises the small-m paths (m = 1, 2, 3) and the hull.
  CounterRng rng(11, 0);
  for (std::size_t n = 1; n <= 40; ++n) {
    std::vector<double> p(n);
    for (double& v : p) v = std::round(rng.uniform() * 20.0) / 20.0 * 0.2;
    const std::vector<double> expected = hommel_r_loop(p);
    const AdjustResult r = adjust_p_values(p, Correction::kHommel);
    for (std::size_t i = 0; i < n; ++i) EXPECT_REL_NEAR(r.adjusted[i], expected[i], kTol) << n;
  }
}

TEST(AdjustPValues, BucketSortPathHandlesSignedZeroSubnormalsAndTies) {
  // n >= 512 takes the bucket sort; compare with a direct stable-sort implementation of Holm/BH.
  const std::size_t n = 3000;
  CounterRng rng(3, 1);
  std::vector<double> p(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = rng.uniform();
    if (i % 10 == 0)
      p[i] = -0.0;
    else if (i % 10 == 1)
      p[i] = 1.0;
    else if (i % 10 == 2)
      p[i] = 4.9406564584124654e-324 * static_cast<double>(i % 7 + 1);
    else if (i % 10 == 3)
      p[i] = 0.25;
    else if (i % 10 == 4)
      p[i] = std::pow(10.0, -300.0 * u);  // every exponent
    else if (i % 10 == 5)
      p[i] = 0.5 + 1e-15 * std::floor(u * 8.0);  // differ in the low bits only
    else
      p[i] = u;
  }
  std::vector<std::size_t> o(n);
  std::iota(o.begin(), o.end(), std::size_t{0});
  std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> holm(n), bh(n);
  double run = 0.0;
  for (std::size_t r = 0; r < n; ++r) {
    run = std::max(run, static_cast<double>(n - r) * p[o[r]]);
    holm[o[r]] = std::min(1.0, run);
  }
  run = std::numeric_limits<double>::infinity();
  for (std::size_t r = n; r-- > 0;) {
    run = std::min(run, static_cast<double>(n) / static_cast<double>(r + 1) * p[o[r]]);
    bh[o[r]] = std::min(1.0, run);
  }
  const AdjustResult rh = adjust_p_values(p, Correction::kHolm);
  const AdjustResult rb = adjust_p_values(p, Correction::kBenjaminiHochberg);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(rh.adjusted[i], holm[i]) << i;
    EXPECT_EQ(rb.adjusted[i], bh[i]) << i;
    EXPECT_FALSE(std::signbit(rh.adjusted[i])) << i;
  }
}

// The step methods computed directly from a stable argsort (R's order()), for comparison with the
// bucket sort path.
std::vector<double> direct_step(const std::vector<double>& p, Correction method) {
  const std::size_t n = p.size();
  std::vector<std::size_t> o(n);
  std::iota(o.begin(), o.end(), std::size_t{0});
  std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  double q = static_cast<double>(n);
  if (method == Correction::kBenjaminiYekutieli) {
    long double h = 0.0L;
    for (std::size_t k = 1; k <= n; ++k)
      h += static_cast<long double>(1.0 / static_cast<double>(k));
    q = static_cast<double>(h) * static_cast<double>(n);
  }
  std::vector<double> out(n);
  const bool ascending = method == Correction::kHolm || method == Correction::kHolmSidak;
  double run = ascending ? 0.0 : std::numeric_limits<double>::infinity();
  for (std::size_t step = 0; step < n; ++step) {
    const std::size_t r = ascending ? step : n - 1 - step;
    const double v = p[o[r]] + 0.0;
    const auto k = static_cast<double>(n - r);
    double term = 0.0;
    switch (method) {
      case Correction::kHolm:
      case Correction::kHochberg:
        term = k * v;
        break;
      case Correction::kHolmSidak:
        term = -std::expm1(k * std::log1p(-v));
        break;
      default:  // BH, BY
        term = q / static_cast<double>(r + 1) * v;
        break;
    }
    run = ascending ? std::max(run, term) : std::min(run, term);
    out[o[r]] = std::min(1.0, run);
  }
  return out;
}

// Whether r is the direct result `expected` bit for bit: every adjusted value's IEEE bits, and
// every reject bit (expected <= 0.05, the alpha these tests use), naming the first difference.
::testing::AssertionResult is_direct_result(const AdjustResult& r,
                                            const std::vector<double>& expected) {
  if (r.adjusted.size() != expected.size() || r.reject.size() != expected.size()) {
    return ::testing::AssertionFailure() << r.adjusted.size() << " adjusted and " << r.reject.size()
                                         << " reject values, expected " << expected.size();
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (std::bit_cast<std::uint64_t>(r.adjusted[i]) != std::bit_cast<std::uint64_t>(expected[i])) {
      return ::testing::AssertionFailure() << "index " << i << ": adjusted " << r.adjusted[i]
                                           << ", expected " << expected[i] << " (bits differ)";
    }
    if (r.reject[i] != (expected[i] <= 0.05)) {
      return ::testing::AssertionFailure() << "index " << i << ": reject " << r.reject[i]
                                           << " for expected adjusted " << expected[i];
    }
  }
  return ::testing::AssertionSuccess();
}

// Appends a family of n values, value i = draw(i, u) with u the next draw of rng.
using NamedFamilies = std::vector<std::pair<std::string, std::vector<double>>>;
template <class Draw>
void add_family(NamedFamilies& families, CounterRng& rng, std::size_t n, const std::string& name,
                Draw draw) {
  std::vector<double> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = draw(i, rng.uniform());
  families.emplace_back(name, std::move(p));
}

TEST(AdjustPValues, BucketSortGivesTheDirectResultOnAnyThreadCount) {
  // Families large enough for the bucket sort on several threads (corrections.cpp,
  // step_adjust): uniform, heavy ties, many exponents down to subnormals, a tight cluster
  // sharing its leading bits (the in-bucket fallback sort), all-small (no Holm shortcut). Every
  // thread count must give the direct stable-argsort result bit for bit.
  const std::size_t n = 40003;  // not a multiple of 64: the last word of `reject` is partial
  NamedFamilies families;
  CounterRng rng(11, 2);
  auto make = [&](const std::string& name, auto draw) { add_family(families, rng, n, name, draw); };
  make("uniform", [](std::size_t, double u) { return u; });
  make("ties", [](std::size_t i, double u) { return i % 3 == 0 ? 0.05 : std::round(u * 50) / 50; });
  make("exponents", [](std::size_t i, double u) {
    if (i % 97 == 0) return 4.9406564584124654e-324 * static_cast<double>(i % 5);
    if (i % 89 == 0) return -0.0;
    return std::pow(10.0, -320.0 * u);
  });
  make("cluster", [](std::size_t i, double u) {
    return i % 50 == 0 ? u : 0.5 + std::ldexp(std::floor(u * 4096.0), -52);
  });
  make("all-small", [](std::size_t, double u) { return u * 1e-9; });
  for (const auto& [name, p] : families) {
    for (Correction method : {Correction::kHolm, Correction::kHolmSidak, Correction::kHochberg,
                              Correction::kBenjaminiHochberg, Correction::kBenjaminiYekutieli}) {
      const std::vector<double> expected = direct_step(p, method);
      for (unsigned threads : {1u, 2u, 3u, 8u}) {
        const AdjustResult r = adjust_p_values(p, method, 0.05, threads);
        ASSERT_EQ(r.reject.size(), n);
        ASSERT_TRUE(is_direct_result(r, expected))
            << name << " " << to_string(method) << " threads " << threads;
      }
    }
    // Hommel shares the sort: it must not depend on the thread count either.
    const AdjustResult one = adjust_p_values(p, Correction::kHommel, 0.05, 1);
    const AdjustResult many = adjust_p_values(p, Correction::kHommel, 0.05, 4);
    ASSERT_EQ(one.adjusted, many.adjusted) << name;
    // Its reject bits come from the separate pass, on 4 threads' slices of whole words.
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(many.reject[i], many.adjusted[i] <= 0.05) << name << " Hommel index " << i;
    }
  }
}

TEST(AdjustPValues, SkippedBucketsGiveTheDirectResultOnAnyThreadCount) {
  // Families where most fine buckets are skipped without sorting (corrections.cpp, step_adjust:
  // their terms cannot go below the running minimum reaching them, or above the running maximum
  // for step-down): null families for BH, BY and Hochberg, all-small ones for Holm, some with
  // sparse signals, ties on bucket boundaries (j / 4096 is a fine bucket's lowest value, so the
  // bound is an actual term) and many p = 1. Every thread count must give the direct result bit
  // for bit.
  const std::size_t n = 300007;
  NamedFamilies families;
  CounterRng rng(14, 5);
  auto make = [&](const std::string& name, auto draw) { add_family(families, rng, n, name, draw); };
  make("uniform", [](std::size_t, double u) { return u; });
  make("sparse signals",
       [](std::size_t i, double u) { return i % 1000 == 0 ? std::pow(u, 8) : u; });
  make("boundary ties", [](std::size_t, double u) { return std::round(u * 4096.0) / 4096.0; });
  make("many ones", [](std::size_t i, double u) { return i % 3 == 0 ? 1.0 : u; });
  make("all-small", [](std::size_t, double u) { return u * 1e-9; });
  make("all-small ties",
       [](std::size_t, double u) { return std::ldexp(std::round(u * 4096.0), -42); });
  for (const auto& [name, p] : families) {
    for (Correction method : {Correction::kBenjaminiHochberg, Correction::kBenjaminiYekutieli,
                              Correction::kHochberg, Correction::kHolm}) {
      const std::vector<double> expected = direct_step(p, method);
      for (unsigned threads : {1u, 2u, 3u, 8u}) {
        const AdjustResult r = adjust_p_values(p, method, 0.05, threads);
        ASSERT_TRUE(is_direct_result(r, expected))
            << name << " " << to_string(method) << " threads " << threads;
      }
    }
  }
}

TEST(AdjustPValues, FamiliesOfMillionsGiveTheDirectResult) {
  // Above 2^20 values the step methods keep 1024 buckets, each holding more than the ~1024
  // values of smaller families (corrections.cpp, most_step_buckets); with sparse signals few
  // fine buckets are skipped, so nearly every value goes through those larger buckets.
  const std::size_t n = 3000017;
  CounterRng rng(15, 6);
  std::vector<double> p(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = rng.uniform();
    p[i] = i % 20 == 0 ? std::pow(u, 8) : u;
  }
  for (Correction method : {Correction::kBenjaminiHochberg, Correction::kHochberg}) {
    const std::vector<double> expected = direct_step(p, method);
    ASSERT_TRUE(is_direct_result(adjust_p_values(p, method, 0.05, 2), expected))
        << to_string(method);
  }
}

TEST(AdjustPValues, BucketsTooLargeForTheCacheBufferGiveTheDirectResult) {
  // A top-level bucket of more than 2^16 records is sorted by a comparison sort in a place of its
  // own, not in a thread's cache buffer (corrections.cpp, step_adjust); here the tied value and the
  // cluster (values differing in the last 20 bits) each fill one bucket with most of the family.
  const std::size_t n = 150001;
  CounterRng rng(12, 3);
  std::vector<double> tied(n), cluster(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = rng.uniform();
    tied[i] = i % 100 == 0 ? u : 0.3;
    cluster[i] = i % 100 == 0 ? u : 0.5 + std::ldexp(std::floor(u * 1048576.0), -52);
  }
  for (const auto* p : {&tied, &cluster}) {
    for (Correction method : {Correction::kHolmSidak, Correction::kBenjaminiHochberg}) {
      const std::vector<double> expected = direct_step(*p, method);
      for (unsigned threads : {1u, 2u, 3u}) {
        ASSERT_TRUE(is_direct_result(adjust_p_values(*p, method, 0.05, threads), expected))
            << (p == &tied ? "tied" : "cluster") << " " << to_string(method) << " threads "
            << threads;
      }
    }
  }
}

TEST(AdjustPValues, RepeatedCallsOfChangingSizesGiveTheDirectResult) {
  // The sort's scratch blocks are kept by the calling thread for its next call (corrections.cpp,
  // ScratchArray): larger and smaller families in turn, through both record layouts (BH: 8-byte
  // values; Hommel: 12-byte records), must each get their own correct result.
  CounterRng rng(13, 4);
  for (const std::size_t n : {70001u, 513u, 200003u, 4097u, 70001u, 150000u}) {
    std::vector<double> p(n);
    for (double& v : p) v = rng.uniform() * rng.uniform();
    const std::vector<double> expected = direct_step(p, Correction::kBenjaminiHochberg);
    ASSERT_TRUE(
        is_direct_result(adjust_p_values(p, Correction::kBenjaminiHochberg, 0.05, 2), expected))
        << "n " << n;
    if (n < 10000) {
      const std::vector<double> hommel = hommel_r_loop(p);
      const AdjustResult h = adjust_p_values(p, Correction::kHommel, 0.05, 2);
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_NEAR(h.adjusted[i], hommel[i], 1e-13 * hommel[i]) << "n " << n << " index " << i;
      }
    } else {
      // Large: the bucket sort's 12-byte records in the blocks the BH call above released,
      // against the same call on a new thread (which has no kept blocks).
      const AdjustResult here = adjust_p_values(p, Correction::kHommel, 0.05, 2);
      AdjustResult fresh;
      std::thread([&] { fresh = adjust_p_values(p, Correction::kHommel, 0.05, 2); }).join();
      ASSERT_EQ(here.adjusted, fresh.adjusted) << "n " << n;
    }
  }
}

TEST(AdjustPValues, BucketSortPathNamesABadValue) {
  std::vector<double> p(100000, 0.5);
  p[77777] = std::nan("");
  EXPECT_THAT([&] { adjust_p_values(p, Correction::kBenjaminiHochberg, 0.05, 2); },
              ::testing::ThrowsMessage<StatsError>(
                  HasSubstr("p[77777] is nan, but every p-value must be in [0, 1]")));
  p[77777] = 0.5;
  p[5] = -1e-300;
  EXPECT_THAT([&] { adjust_p_values(p, Correction::kHommel); },
              ::testing::ThrowsMessage<StatsError>(HasSubstr("p[5] is -1e-300")));
  p[5] = 0.5;
  p[99999] = 1.0000000000000002;
  EXPECT_THAT([&] { adjust_p_values(p, Correction::kHochberg, 0.05, 8); },
              ::testing::ThrowsMessage<StatsError>(HasSubstr("p[99999] is 1")));
}

TEST(AdjustPValues, StepDownShortcutMatchesFullComputation) {
  // Families of >= 4096 where Holm / Holm-Sidak only sort the p-values below a cutoff
  // (corrections.cpp, capped_step_down); compared with the full running maximum.
  for (const double small_fraction : {0.0, 0.01, 0.2, 0.3, 0.9}) {
    const std::size_t n = 20000;
    CounterRng rng(5, static_cast<std::uint64_t>(small_fraction * 100));
    std::vector<double> p(n);
    for (double& v : p) {
      const double u = rng.uniform();
      v = rng.uniform() < small_fraction ? u * 1e-6 : u;
    }
    std::vector<std::size_t> o(n);
    std::iota(o.begin(), o.end(), std::size_t{0});
    std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
    std::vector<double> holm(n), holm_sidak(n);
    double run = 0.0, run_s = 0.0;
    for (std::size_t r = 0; r < n; ++r) {
      const auto k = static_cast<double>(n - r);
      run = std::max(run, k * p[o[r]]);
      holm[o[r]] = std::min(1.0, run);
      run_s = std::max(run_s, -std::expm1(k * std::log1p(-p[o[r]])));
      holm_sidak[o[r]] = std::min(1.0, run_s);
    }
    const AdjustResult rh = adjust_p_values(p, Correction::kHolm);
    const AdjustResult rs = adjust_p_values(p, Correction::kHolmSidak);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(rh.adjusted[i], holm[i]) << "fraction " << small_fraction << " index " << i;
      ASSERT_EQ(rs.adjusted[i], holm_sidak[i]) << "fraction " << small_fraction << " index " << i;
    }
  }
}

TEST(AdjustPValues, SidakKeepsTinyPValues) {
  // 1 - (1 - p)^m is 0 in double precision for p = 1e-300; -expm1(m log1p(-p)) is m p.
  const std::vector<double> p = {1e-300, 1e-20, 0.0, 1.0, 0.5};
  const AdjustResult r = adjust_p_values(p, Correction::kSidak);
  EXPECT_REL_NEAR(r.adjusted[0], 5e-300, 1e-15);
  EXPECT_REL_NEAR(r.adjusted[1], 5e-20, 1e-15);
  EXPECT_EQ(r.adjusted[2], 0.0);
  EXPECT_FALSE(std::signbit(r.adjusted[2]));  // not -0.0
  EXPECT_EQ(r.adjusted[3], 1.0);
  EXPECT_REL_NEAR(r.adjusted[4], 1.0 - std::pow(0.5, 5.0), 1e-15);
  const AdjustResult hs = adjust_p_values(p, Correction::kHolmSidak);
  EXPECT_REL_NEAR(hs.adjusted[0], 4e-300, 1e-15);  // smallest but one (0 is first): 4 p
}

TEST(AdjustPValues, SingleValueIsUnchanged) {
  for (Correction m :
       {Correction::kBonferroni, Correction::kHolm, Correction::kHochberg, Correction::kHommel,
        Correction::kBenjaminiHochberg, Correction::kBenjaminiYekutieli, Correction::kHolmSidak,
        Correction::kSidak}) {
    const std::vector<double> p = {0.03};
    EXPECT_REL_NEAR(adjust_p_values(p, m).adjusted[0], 0.03, 1e-15) << to_string(m);
  }
}

TEST(AdjustPValues, RejectsBadInputNamingTheIndex) {
  const std::vector<double> nan = {0.1, std::nan(""), 0.2};
  EXPECT_THAT([&] { adjust_p_values(nan, Correction::kHolm); },
              ::testing::ThrowsMessage<StatsError>(
                  HasSubstr("p[1] is nan, but every p-value must be in [0, 1]")));
  const std::vector<double> big = {0.1, 0.2, 1.5};
  EXPECT_THAT([&] { adjust_p_values(big, Correction::kBenjaminiHochberg); },
              ::testing::ThrowsMessage<StatsError>(
                  HasSubstr("p[2] is 1.5, but every p-value must be in [0, 1]")));
  const std::vector<double> negative = {-0.01};
  EXPECT_THAT([&] { adjust_p_values(negative, Correction::kSidak); },
              ::testing::ThrowsMessage<StatsError>(HasSubstr("p[0] is -0.01")));
  EXPECT_THAT([&] { adjust_p_values(std::vector<double>{}, Correction::kHolm); },
              ::testing::ThrowsMessage<StatsError>(
                  HasSubstr("p is empty, but at least one p-value is required")));
  const std::vector<double> ok = {0.1};
  EXPECT_THAT(
      [&] { adjust_p_values(ok, Correction::kHolm, 1.5); },
      ::testing::ThrowsMessage<StatsError>(HasSubstr("alpha is 1.5, but must be in (0, 1)")));
}

TEST(AdjustPValues, ParsesRAndStatsmodelsNames) {
  EXPECT_EQ(parse_correction("fdr"), Correction::kBenjaminiHochberg);
  EXPECT_EQ(parse_correction("fdr_bh"), Correction::kBenjaminiHochberg);
  EXPECT_EQ(parse_correction("BH"), Correction::kBenjaminiHochberg);
  EXPECT_EQ(parse_correction("FDR_BY"), Correction::kBenjaminiYekutieli);
  EXPECT_EQ(parse_correction("Holm-Sidak"), Correction::kHolmSidak);
  EXPECT_EQ(parse_correction("simes-hochberg"), Correction::kHochberg);
  EXPECT_EQ(parse_correction("bonf"), Correction::kBonferroni);
  for (Correction m :
       {Correction::kNone, Correction::kBonferroni, Correction::kSidak, Correction::kHolm,
        Correction::kHolmSidak, Correction::kHochberg, Correction::kHommel,
        Correction::kBenjaminiHochberg, Correction::kBenjaminiYekutieli}) {
    EXPECT_EQ(parse_correction(to_string(m)), m);
  }
  EXPECT_THAT(
      [] { parse_correction("tukey", "claims[0].correction"); },
      ::testing::ThrowsMessage<StatsError>(HasSubstr(
          "claims[0].correction is \"tukey\", but must be one of \"none\", \"bonferroni\"")));
}

// --- Partial conjunction ------------------------------------------------------------------------

TEST(PartialConjunction, MatchesDirectImplementationGolden) {
  const auto golden = test::load_golden("corrections.json");
  int checked = 0;
  for (const auto& c : golden["partial_conjunction"]) {
    const std::vector<double> p = as_doubles(c["p"]);
    const double alpha = c["alpha"].get<double>();
    for (const std::string key : {"bonferroni", "simes", "fisher"}) {
      SCOPED_TRACE(c["name"].get<std::string>() + " / " + key);
      const CombiningMethod method = parse_combining_method(key);
      const auto& e = c[key];
      const PartialConjunctionResult r = partial_conjunction(p, method, alpha);
      const std::vector<double> values = as_doubles(e["p_values"]);
      const std::vector<double> mono = as_doubles(e["monotone_p_values"]);
      ASSERT_EQ(r.p_values.size(), values.size());
      EXPECT_EQ(r.n, p.size());
      // Fisher: boost gamma_q against mpmath at 40 digits.
      const double tol = method == CombiningMethod::kFisher ? 1e-12 : kTol;
      for (std::size_t u = 1; u <= p.size(); ++u) {
        EXPECT_REL_NEAR(r.p_values[u - 1], values[u - 1], tol) << "u = " << u;
        EXPECT_REL_NEAR(r.monotone_p_values[u - 1], mono[u - 1], tol) << "u = " << u;
        EXPECT_REL_NEAR(partial_conjunction_p_value(p, u, method), values[u - 1], tol)
            << "u = " << u;
      }
      EXPECT_EQ(r.u_rejected, e["u_rejected"].get<std::size_t>());
      ++checked;
    }
  }
  EXPECT_GE(checked, 11 * 3);
}

TEST(PartialConjunction, ConjunctionAndGlobalNullSpecialCases) {
  // u = N: only the largest p counts (all N datasets must show the effect); u = 1 with Simes is
  // the Simes global test and with Bonferroni N * min p.
  const std::vector<double> p = {0.001, 0.02, 0.04, 0.3, 0.008};
  EXPECT_DOUBLE_EQ(partial_conjunction_p_value(p, 5, CombiningMethod::kSimes), 0.3);
  EXPECT_DOUBLE_EQ(partial_conjunction_p_value(p, 5, CombiningMethod::kBonferroni), 0.3);
  EXPECT_DOUBLE_EQ(partial_conjunction_p_value(p, 1, CombiningMethod::kBonferroni), 0.005);
  EXPECT_DOUBLE_EQ(partial_conjunction_p_value(p, 1, CombiningMethod::kSimes), 0.005);
  // u = 3 by Bonferroni: (5 - 3 + 1) * p_(3) = 3 * 0.02.
  EXPECT_DOUBLE_EQ(partial_conjunction_p_value(p, 3, CombiningMethod::kBonferroni), 3 * 0.02);
  const PartialConjunctionResult r = partial_conjunction(p, CombiningMethod::kBonferroni, 0.05);
  // p^{u/5}: 0.005, 0.032, 0.06, 0.08, 0.3 -> "at least 2 of 5" at alpha 0.05.
  EXPECT_EQ(r.u_rejected, 2u);
  // A zero p-value makes Fisher's statistic infinite: p = 0 for every u that includes it.
  const std::vector<double> z = {0.0, 0.5, 0.2};
  EXPECT_EQ(partial_conjunction_p_value(z, 1, CombiningMethod::kFisher), 0.0);
  EXPECT_GT(partial_conjunction_p_value(z, 2, CombiningMethod::kFisher), 0.0);
}

TEST(PartialConjunction, RejectsBadInput) {
  const std::vector<double> p = {0.01, 0.02};
  EXPECT_THAT([&] { partial_conjunction_p_value(p, 0, CombiningMethod::kSimes); },
              ::testing::ThrowsMessage<StatsError>(HasSubstr("u is 0, but must be in [1, 2]")));
  EXPECT_THAT([&] { partial_conjunction_p_value(p, 3, CombiningMethod::kSimes); },
              ::testing::ThrowsMessage<StatsError>(HasSubstr("u is 3, but must be in [1, 2]")));
  const std::vector<double> bad = {0.01, 2.0};
  EXPECT_THAT([&] { partial_conjunction(bad, CombiningMethod::kFisher); },
              ::testing::ThrowsMessage<StatsError>(
                  HasSubstr("p[1] is 2, but every p-value must be in [0, 1]")));
  EXPECT_THAT(
      [] { parse_combining_method("stouffer"); },
      ::testing::ThrowsMessage<StatsError>(HasSubstr(
          "method is \"stouffer\", but must be one of \"bonferroni\", \"simes\", \"fisher\"")));
}

}  // namespace
}  // namespace rigor::stats
