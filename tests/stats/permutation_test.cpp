// Tests for stats/src/permutation.cpp: exact and Monte Carlo permutation tests, independent and
// paired (sign-flip).
//
// Golden values: tests/stats/data/permutation.json, written by `/usr/bin/python3
// scripts/golden/resampling.py` with scipy 1.10.1 (scipy.stats.permutation_test, n_resamples =
// np.inf: exact enumeration; cases with a sample of size 1, which scipy refuses, by brute-force
// enumeration with scipy's definitions, checked against scipy on every other case). Tolerance:
// 1e-12 relative for exact p-values and the statistic. Monte Carlo p-values are checked against
// exact ones within 5 binomial standard errors (see MonteCarloAgreesWithExact).
#include "rigor/stats/permutation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "golden.h"
#include "rigor/stats/random.h"

namespace rigor::stats {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using ::rigor::test::error_of;

::testing::AssertionResult Near(double actual, double expected, double rel, double floor = 0.0) {
  const double bound = rel * std::max(std::abs(expected), floor);
  if (std::abs(actual - expected) <= bound) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(17) << actual << " differs from " << expected << " by "
         << std::abs(actual - expected) << " > " << bound;
}

const Alternative kAlternatives[] = {Alternative::kTwoSided, Alternative::kGreater,
                                     Alternative::kLess};

std::vector<double> normal_sample(std::uint64_t seed, std::size_t n, double mu = 0.0) {
  CounterRng rng(seed, 0);
  std::vector<double> x(n);
  for (double& v : x) v = mu + rng.normal();
  return x;
}

double mean_difference(std::span<const double> a, std::span<const double> b) {
  return mean(a) - mean(b);
}

TEST(PermutationTest, ExactMatchesScipy) {
  const auto golden = test::load_golden("permutation.json");
  ASSERT_GE(golden["independent_cases"].size(), 12u);
  for (const auto& c : golden["independent_cases"]) {
    const std::vector<double> x = test::as_doubles(c["x"]), y = test::as_doubles(c["y"]);
    SCOPED_TRACE(testing::Message() << "n = " << x.size() << ", " << y.size());
    for (Alternative alt : kAlternatives) {
      PermutationOptions options;
      options.alternative = alt;
      const PermutationResult r = permutation_test(x, y, 1, options);
      EXPECT_TRUE(r.test.exact);
      EXPECT_EQ(r.n_permutations, c["count"].get<std::uint64_t>());
      EXPECT_TRUE(Near(r.test.statistic, test::as_double(c["statistic"]), 1e-12, 1e-300));
      EXPECT_TRUE(Near(r.test.p_value, test::as_double(c[std::string(to_string(alt))]), 1e-12))
          << to_string(alt);
      EXPECT_EQ(r.test.method, "Exact permutation test");
      EXPECT_EQ(r.test.alternative, alt);
      // A user statistic goes through the same splits.
      if (r.n_permutations <= 50'000) {
        const PermutationResult u = permutation_test(x, y, mean_difference, 1, options);
        EXPECT_TRUE(Near(u.test.p_value, r.test.p_value, 1e-12)) << "custom statistic";
      }
    }
  }
}

TEST(PairedPermutationTest, ExactMatchesScipy) {
  const auto golden = test::load_golden("permutation.json");
  ASSERT_GE(golden["paired_cases"].size(), 7u);
  for (const auto& c : golden["paired_cases"]) {
    const std::vector<double> x = test::as_doubles(c["x"]), y = test::as_doubles(c["y"]);
    SCOPED_TRACE(testing::Message() << "n = " << x.size());
    for (Alternative alt : kAlternatives) {
      PermutationOptions options;
      options.alternative = alt;
      const PermutationResult r = paired_permutation_test(x, y, 1, options);
      EXPECT_TRUE(r.test.exact);
      EXPECT_EQ(r.n_permutations, c["count"].get<std::uint64_t>());
      EXPECT_TRUE(Near(r.test.statistic, test::as_double(c["statistic"]), 1e-12, 1e-300));
      EXPECT_TRUE(Near(r.test.p_value, test::as_double(c[std::string(to_string(alt))]), 1e-12))
          << to_string(alt);
      EXPECT_EQ(r.test.method, "Exact permutation test (paired, sign-flip)");
      const PermutationResult u = paired_permutation_test(
          x, y, [](std::span<const double> d) { return mean(d); }, 1, options);
      EXPECT_TRUE(Near(u.test.p_value, r.test.p_value, 1e-12)) << "custom statistic";
    }
  }
}

// Monte Carlo p-values against exact ones. With m permutations, (b + 1) / (m + 1) has standard
// error sqrt(p (1 - p) / m) plus a bias below 1 / m; the two-sided p doubles the one-sided. A
// band of 5 standard errors + 2 / m fails by chance with probability < 1e-6 per check (and the
// seeds are fixed, so the test is deterministic).
::testing::AssertionResult WithinMonteCarloError(double p_mc, double p_exact, double m,
                                                 bool two_sided) {
  const double p_one = two_sided ? p_exact / 2.0 : p_exact;
  const double se = (two_sided ? 2.0 : 1.0) * std::sqrt(p_one * (1.0 - p_one) / m);
  const double band = 5.0 * se + 2.0 / m;
  if (std::abs(p_mc - p_exact) <= band) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(10) << "Monte Carlo p " << p_mc << " vs exact " << p_exact
         << ": off by " << std::abs(p_mc - p_exact) << " > " << band;
}

TEST(PermutationTest, MonteCarloAgreesWithExact) {
  const auto golden = test::load_golden("permutation.json");
  for (const auto& c : golden["independent_cases"]) {
    const std::vector<double> x = test::as_doubles(c["x"]), y = test::as_doubles(c["y"]);
    if (c["count"].get<double>() < 1000) continue;
    SCOPED_TRACE(testing::Message() << "n = " << x.size() << ", " << y.size());
    for (Alternative alt : kAlternatives) {
      PermutationOptions options;
      options.alternative = alt;
      options.exact_limit = 0;
      options.n_resamples = 20'000;
      const PermutationResult r = permutation_test(x, y, 99, options);
      EXPECT_FALSE(r.test.exact);
      EXPECT_EQ(r.n_permutations, 20'000u);
      EXPECT_EQ(r.test.method, "Monte Carlo permutation test");
      EXPECT_TRUE(WithinMonteCarloError(r.test.p_value,
                                        test::as_double(c[std::string(to_string(alt))]), 20'000.0,
                                        alt == Alternative::kTwoSided));
    }
  }
  for (const auto& c : golden["paired_cases"]) {
    const std::vector<double> x = test::as_doubles(c["x"]), y = test::as_doubles(c["y"]);
    if (c["count"].get<double>() < 1000) continue;
    PermutationOptions options;
    options.exact_limit = 0;
    options.n_resamples = 20'000;
    const PermutationResult r = paired_permutation_test(x, y, 5, options);
    EXPECT_FALSE(r.test.exact);
    EXPECT_TRUE(
        WithinMonteCarloError(r.test.p_value, test::as_double(c["two-sided"]), 20'000.0, true));
  }
  // Beyond scipy's reach: 12 vs 12 (C(24, 12) = 2,704,156 splits) enumerated by rigor itself.
  const std::vector<double> x = normal_sample(1, 12, 0.6), y = normal_sample(2, 12);
  PermutationOptions exact_options;
  exact_options.exact_limit = 3'000'000;
  const PermutationResult exact = permutation_test(x, y, 0, exact_options);
  ASSERT_TRUE(exact.test.exact);
  EXPECT_EQ(exact.n_permutations, 2'704'156u);
  const PermutationResult mc = permutation_test(x, y, 17);  // default: 1e5 Monte Carlo
  ASSERT_FALSE(mc.test.exact);
  EXPECT_TRUE(WithinMonteCarloError(mc.test.p_value, exact.test.p_value, 1e5, true));
}

TEST(PermutationTest, MonteCarloIsBitwiseIndependentOfTheThreadCount) {
  const std::vector<double> x = normal_sample(3, 40, 0.3), y = normal_sample(4, 25);
  PermutationOptions options;
  options.n_resamples = 30'000;
  options.threads = 1;
  const PermutationResult one = permutation_test(x, y, 8, options);
  for (unsigned threads : {2u, 3u, 8u, 0u}) {
    options.threads = threads;
    const PermutationResult many = permutation_test(x, y, 8, options);
    EXPECT_EQ(one.count_greater_equal, many.count_greater_equal);
    EXPECT_EQ(one.count_less_equal, many.count_less_equal);
    EXPECT_EQ(one.test.p_value, many.test.p_value);
    const PermutationResult custom = permutation_test(x, y, mean_difference, 8, options);
    EXPECT_EQ(custom.count_greater_equal, one.count_greater_equal);  // same shuffles
  }
  std::vector<double> xp = normal_sample(5, 30, 0.2), yp = normal_sample(6, 30);
  options.threads = 1;
  const PermutationResult p1 = paired_permutation_test(xp, yp, 4, options);
  options.threads = 5;
  const PermutationResult p5 = paired_permutation_test(xp, yp, 4, options);
  EXPECT_EQ(p1.count_greater_equal, p5.count_greater_equal);
  EXPECT_EQ(p1.count_less_equal, p5.count_less_equal);
  EXPECT_FALSE(p1.test.exact);
}

// The documented draw rules, reimplemented on CounterRng (32-bit halves, low first; Lemire).
std::uint32_t reference_below(CounterRng& rng, std::vector<std::uint32_t>& pending,
                              std::uint32_t n) {
  auto next32 = [&]() {
    if (pending.empty()) {
      const std::uint64_t v = rng.next_u64();
      pending = {static_cast<std::uint32_t>(v >> 32), static_cast<std::uint32_t>(v)};
    }
    const std::uint32_t w = pending.back();
    pending.pop_back();
    return w;
  };
  const std::uint32_t threshold = static_cast<std::uint32_t>((std::uint64_t{1} << 32) % n);
  std::uint64_t m = static_cast<std::uint64_t>(next32()) * n;
  while (static_cast<std::uint32_t>(m) < threshold) m = static_cast<std::uint64_t>(next32()) * n;
  return static_cast<std::uint32_t>(m >> 32);
}

TEST(PermutationTest, MonteCarloFollowsTheDocumentedShuffle) {
  // Pooled values 0..N-1 reveal the positions. One thread: permutations arrive in order. 50 vs
  // 50 draws words four Philox blocks at a time (the AVX2 path where the CPU has it).
  for (const auto& [nx, ny] : {std::pair<std::size_t, std::size_t>{3, 30}, {40, 12}, {50, 50}}) {
    std::vector<double> x(nx), y(ny);
    std::iota(x.begin(), x.end(), 0.0);
    std::iota(y.begin(), y.end(), static_cast<double>(nx));
    std::vector<std::vector<double>> seen;
    auto record = [&](std::span<const double> a, std::span<const double> b) {
      std::vector<double> both(a.begin(), a.end());
      both.insert(both.end(), b.begin(), b.end());
      seen.push_back(both);
      return mean(a) - mean(b);
    };
    PermutationOptions options;
    options.exact_limit = 0;
    options.n_resamples = 25;
    options.threads = 1;
    permutation_test(x, y, record, 11, options);
    ASSERT_EQ(seen.size(), 26u);
    const std::size_t n = nx + ny, k = std::min(nx, ny);
    for (std::uint64_t i = 0; i < 25; ++i) {
      std::vector<double> z(n);
      std::iota(z.begin(), z.end(), 0.0);
      CounterRng rng(11, i);
      std::vector<std::uint32_t> pending;
      for (std::size_t p = 0; p < k; ++p) {
        const std::size_t j = p + reference_below(rng, pending, static_cast<std::uint32_t>(n - p));
        std::swap(z[p], z[j]);
      }
      // The smaller group takes positions [0, k); x' comes first in `seen`.
      std::vector<double> expected;
      if (nx <= ny) {
        expected = z;
      } else {
        expected.assign(z.begin() + static_cast<std::ptrdiff_t>(k), z.end());
        expected.insert(expected.end(), z.begin(), z.begin() + static_cast<std::ptrdiff_t>(k));
      }
      EXPECT_EQ(seen[i + 1], expected) << nx << " vs " << ny << ", permutation " << i;
    }
  }
}

TEST(PairedPermutationTest, MonteCarloFlipsTheDocumentedSigns) {
  for (std::size_t n : {5u, 70u, 300u}) {
    std::vector<double> x(n), y(n, 0.0);
    std::iota(x.begin(), x.end(), 1.0);
    std::vector<std::vector<double>> seen;
    auto record = [&](std::span<const double> d) {
      seen.emplace_back(d.begin(), d.end());
      return mean(d);
    };
    PermutationOptions options;
    options.exact_limit = 0;
    options.n_resamples = 10;
    options.threads = 1;
    paired_permutation_test(x, y, record, 3, options);
    ASSERT_EQ(seen.size(), 11u);
    for (std::uint64_t i = 0; i < 10; ++i) {
      CounterRng rng(3, i);
      std::vector<double> expected(n);
      std::uint64_t bits = 0;
      for (std::size_t k = 0; k < n; ++k) {
        if (k % 64 == 0) bits = rng.next_u64();
        expected[k] = ((bits >> (k % 64)) & 1u) ? -x[k] : x[k];
      }
      EXPECT_EQ(seen[i + 1], expected) << "n " << n << ", flip " << i;
    }
  }
}

TEST(PermutationTest, MonteCarloPValueIsNeverZero) {
  // Phipson & Smyth (2010): with no permuted statistic as extreme, p = 1 / (m + 1), not 0.
  std::vector<double> x, y;
  for (int i = 0; i < 15; ++i) {
    x.push_back(100.0 + i);
    y.push_back(static_cast<double>(i));
  }
  PermutationOptions options;
  options.n_resamples = 999;
  options.alternative = Alternative::kGreater;
  const PermutationResult r = permutation_test(x, y, 1, options);
  ASSERT_FALSE(r.test.exact);  // C(30, 15) = 155,117,520
  EXPECT_EQ(r.count_greater_equal, 0u);
  EXPECT_EQ(r.test.p_value, 1.0 / 1000.0);
  options.alternative = Alternative::kTwoSided;
  EXPECT_EQ(permutation_test(x, y, 1, options).test.p_value, 2.0 / 1000.0);
}

TEST(PermutationTest, HeaderExampleHolds) {
  const std::vector<double> a = {0.91, 0.93, 0.92, 0.94}, b = {0.88, 0.90, 0.89, 0.87};
  const PermutationResult r = permutation_test(a, b, 7);
  EXPECT_TRUE(r.test.exact);
  EXPECT_EQ(r.n_permutations, 70u);
  EXPECT_TRUE(Near(r.test.statistic, 0.04, 1e-12));
  // Only the observed split reaches 0.04 (one-sided 1/70), doubled for two-sided.
  EXPECT_TRUE(Near(r.test.p_value, 2.0 / 70.0, 1e-12));
  // With a tie across the groups (0.90 in both) two splits reach the observed sum: p = 4/70.
  const std::vector<double> c = {0.91, 0.93, 0.90, 0.94};
  EXPECT_TRUE(Near(permutation_test(c, b, 7).test.p_value, 4.0 / 70.0, 1e-12));
}

TEST(PermutationTest, ConstantSamplesFollowTheDegeneratePolicy) {
  const std::vector<double> a(4, 0.5), b(6, 0.5), c(3, 0.25);
  const PermutationResult equal = permutation_test(a, b, 1);
  EXPECT_TRUE(equal.test.degenerate);
  EXPECT_EQ(equal.test.statistic, 0.0);
  EXPECT_EQ(equal.test.p_value, 1.0);
  EXPECT_EQ(
      equal.test.note,
      "no variance: x and y are constant and equal (0.5), so every reassignment gives the same "
      "statistic and p = 1; randomize a variance source (init, data order, ...) to test this "
      "claim");
  const PermutationResult differ = permutation_test(a, c, 1);
  EXPECT_TRUE(differ.test.degenerate);
  EXPECT_TRUE(Near(differ.test.p_value, 2.0 / 35.0, 1e-12));  // C(7, 3) = 35 splits
  EXPECT_THAT(differ.test.note,
              StartsWith("no variance: x and y are each constant (0.5 and 0.25)"));
  const PermutationResult zero = paired_permutation_test(a, a, 1);
  EXPECT_TRUE(zero.test.degenerate);
  EXPECT_EQ(zero.test.statistic, 0.0);
  EXPECT_EQ(zero.test.p_value, 1.0);
  EXPECT_EQ(
      zero.test.note,
      "all paired differences are zero: statistic 0, p = 1; randomize a variance source (init, "
      "data order, ...) to test this claim");
  const std::vector<double> shifted(4, 0.75);
  const PermutationResult constant_diff = paired_permutation_test(shifted, a, 1);
  EXPECT_TRUE(constant_diff.test.degenerate);
  EXPECT_EQ(constant_diff.test.p_value, 2.0 / 16.0);
  EXPECT_THAT(constant_diff.test.note,
              StartsWith("no variance: every paired difference equals 0.25"));
  EXPECT_FALSE(permutation_test(std::vector<double>{1, 2}, c, 1).test.degenerate);
}

TEST(PermutationTest, RejectsBadInputWithAMessage) {
  const std::vector<double> x = {1.0, 2.0, 3.0};
  PermutationOptions options;
  options.n_resamples = 0;
  EXPECT_EQ(
      error_of([&] { permutation_test(x, x, 1, options); }),
      "n_resamples is 0, but at least 1 Monte Carlo permutation is required (100000 is a good "
      "default)");
  EXPECT_EQ(error_of([&] { permutation_test(x, std::vector<double>{}, 1); }),
            "y has 0 values, but at least 1 is required");
  EXPECT_EQ(
      error_of([] { permutation_test(std::vector<double>{1.0}, std::vector<double>{2.0}, 1); }),
      "x and y have 2 values in total, but at least 3 are required");
  EXPECT_EQ(error_of([&] { permutation_test(std::vector<double>{INFINITY}, x, 1); }),
            "x[0] is inf, but every value must be finite; remove or impute it");
  EXPECT_EQ(
      error_of([&] { paired_permutation_test(x, std::vector<double>{1.0}, 1); }),
      "paired data need equal lengths, but x has 3 values and y has 1; pair them by replicate");
  EXPECT_EQ(error_of([&] {
              permutation_test(
                  x, x, [](std::span<const double>, std::span<const double>) { return NAN; }, 1);
            }),
            "the statistic returned nan on the data, but must return a finite value");
}

}  // namespace
}  // namespace rigor::stats
