// Portable random streams (models/src/rng.cpp). Known answers come from an independent Python
// implementation of the reference algorithms: /usr/bin/python3 scripts/golden/models_rng.py
// (Python 3.11; integer results are exact, normal() is compared to 4 ulps because it calls log).
#include "rigor/models/rng.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "rigor/error.h"

namespace rigor::models {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// Pearson's chi-square statistic of observed counts against equal expected counts.
double chi_square(const std::vector<std::int64_t>& counts) {
  const double total = static_cast<double>(std::accumulate(counts.begin(), counts.end(), 0LL));
  const double expected = total / static_cast<double>(counts.size());
  double chi2 = 0.0;
  for (std::int64_t c : counts) {
    chi2 += (static_cast<double>(c) - expected) * (static_cast<double>(c) - expected) / expected;
  }
  return chi2;
}

TEST(Rng, MatchesTheXoshiroReferenceFromAGivenState) {
  // xoshiro256starstar.c from state {1, 2, 3, 4}; the first values are also the published test
  // vector of rand_xoshiro's Xoshiro256StarStar (11520, 0, 1509978240, 1215971899390074240).
  Rng rng = Rng::from_state({1, 2, 3, 4});
  std::vector<std::uint64_t> got;
  for (int i = 0; i < 6; ++i) got.push_back(rng.next());
  EXPECT_THAT(got, ElementsAre(11520u, 0u, 1509978240u, 1215971899390074240u, 1216172134540287360u,
                               607988272756665600u));
}

TEST(Rng, SeedsTheStateWithSplitMix64) {
  // Rng(0)'s state is SplitMix64's first four outputs for seed 0 (0xe220a8397b1dcdaf, ...).
  Rng a(0);
  Rng b = Rng::from_state(
      {16294208416658607535u, 7960286522194355700u, 487617019471545679u, 17909611376780542444u});
  for (int i = 0; i < 8; ++i) EXPECT_EQ(a.next(), b.next()) << i;
  Rng c(0);
  EXPECT_EQ(c.next(), 11091344671253066420u);
  EXPECT_EQ(c.next(), 13793997310169335082u);
  EXPECT_EQ(c.next(), 1900383378846508768u);
  EXPECT_EQ(c.next(), 7684712102626143532u);
  Rng d(20261123);
  EXPECT_EQ(d.next(), 17056526052458411807u);
  EXPECT_EQ(d.next(), 18130665712989965958u);
  EXPECT_EQ(d.next(), 3101308246832418213u);
}

TEST(Rng, RejectsTheAllZeroState) {
  try {
    Rng::from_state({0, 0, 0, 0});
    FAIL() << "no error";
  } catch (const rigor::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the state is all zero, but xoshiro256** needs a nonzero"));
  }
}

TEST(Rng, BelowMatchesThePythonTwin) {
  Rng rng(42);
  std::vector<std::uint64_t> got;
  for (int i = 0; i < 10; ++i) got.push_back(rng.below(10));
  EXPECT_THAT(got, ElementsAre(0u, 3u, 6u, 9u, 9u, 7u, 7u, 8u, 7u, 5u));
  Rng big(42);
  EXPECT_EQ(big.below(3ULL << 62), 1160249073301919056u);
  EXPECT_EQ(big.below(3ULL << 62), 5243213769723407326u);
  EXPECT_EQ(big.below(3ULL << 62), 9408440071686419256u);
}

TEST(Rng, BelowIsUniformForASmallRange) {
  Rng rng(1);
  std::vector<std::int64_t> counts(10, 0);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t k = rng.below(10);
    ASSERT_LT(k, 10u);
    ++counts[k];
  }
  EXPECT_LT(chi_square(counts), 27.88);  // chi-square(9) 0.999 quantile (R: qchisq(0.999, 9))
  Rng one(2);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(one.below(1), 0u);
}

TEST(Rng, BelowIsUnbiasedForALargeRange) {
  // n = 3 * 2^62: x mod n (the biased shortcut) would put half of the draws in [0, 2^62) instead
  // of a third; the three thirds must be equally likely.
  Rng rng(3);
  std::vector<std::int64_t> thirds(3, 0);
  for (int i = 0; i < 300000; ++i) ++thirds[rng.below(3ULL << 62) >> 62];
  EXPECT_LT(chi_square(thirds), 13.82);  // qchisq(0.999, 2)
}

TEST(Rng, BelowRejectsAnEmptyRange) {
  Rng rng(1);
  try {
    rng.below(0);
    FAIL() << "no error";
  } catch (const rigor::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("Rng::below(n): n is 0, but must be >= 1"));
  }
}

TEST(Rng, UniformMatchesThePythonTwinAndIsUniform) {
  Rng rng(7);
  EXPECT_EQ(rng.uniform(), 0.7005764821796896);
  EXPECT_EQ(rng.uniform(), 0.2787512294737843);
  EXPECT_EQ(rng.uniform(), 0.8396274618764198);
  Rng many(8);
  std::vector<std::int64_t> counts(20, 0);
  for (int i = 0; i < 100000; ++i) {
    const double u = many.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ++counts[static_cast<std::size_t>(u * 20.0)];
  }
  EXPECT_LT(chi_square(counts), 43.82);  // qchisq(0.999, 19)
}

TEST(Rng, NormalMatchesThePythonTwin) {
  Rng rng(7);
  EXPECT_DOUBLE_EQ(rng.normal(), 0.9643618527255184);
  EXPECT_DOUBLE_EQ(rng.normal(), -1.0637531974798475);  // the cached second value of the pair
  EXPECT_DOUBLE_EQ(rng.normal(), -0.3039301238656567);
  EXPECT_DOUBLE_EQ(rng.normal(), -1.0989693210013467);
}

TEST(Rng, NormalHasStandardNormalMoments) {
  Rng rng(11);
  const int n = 200000;
  double sum = 0.0, sum2 = 0.0, sum4 = 0.0;
  int inside = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    sum += z;
    sum2 += z * z;
    sum4 += z * z * z * z;
    inside += std::abs(z) < 1.959963984540054 ? 1 : 0;
  }
  // Standard errors at n = 2e5: mean 0.0022, variance 0.0032, fourth moment 0.022, coverage 0.0005.
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.015);
  EXPECT_NEAR(sum4 / n, 3.0, 0.1);
  EXPECT_NEAR(static_cast<double>(inside) / n, 0.95, 0.0025);
}

TEST(Permutation, IsAPermutation) {
  Rng rng(5);
  for (std::int64_t n : {0, 1, 2, 10, 1000}) {
    std::vector<std::int64_t> p = permutation(n, rng);
    std::sort(p.begin(), p.end());
    std::vector<std::int64_t> iota(static_cast<std::size_t>(n));
    std::iota(iota.begin(), iota.end(), 0);
    EXPECT_EQ(p, iota) << n;
  }
}

TEST(Permutation, MatchesThePythonTwin) {
  Rng rng(5);
  EXPECT_THAT(permutation(10, rng), ElementsAre(1, 0, 4, 9, 6, 3, 7, 8, 5, 2));
}

TEST(Permutation, IsUniformOverAllOrders) {
  // All 24 orders of 4 items equally likely (a Fisher-Yates drawing j from [0, n) instead of
  // [0, i] fails this: 256 equally likely paths cannot cover 24 orders evenly).
  Rng rng(6);
  std::map<std::vector<std::int64_t>, std::int64_t> seen;
  for (int i = 0; i < 48000; ++i) ++seen[permutation(4, rng)];
  ASSERT_EQ(seen.size(), 24u);
  std::vector<std::int64_t> counts;
  for (const auto& [order, count] : seen) counts.push_back(count);
  EXPECT_LT(chi_square(counts), 49.73);  // qchisq(0.999, 23)
}

TEST(Permutation, RejectsANegativeSize) {
  Rng rng(1);
  try {
    permutation(-1, rng);
    FAIL() << "no error";
  } catch (const rigor::Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("permutation(n): n is -1, but must be >= 0"));
  }
}

TEST(Substream, MatchesTheDocumentedFormula) {
  // substream(seed, stream) = mix64(mix64(seed + g) ^ (g * (stream + 1))), scripts/golden.
  EXPECT_EQ(substream(0, 0), 258863698125685209u);
  EXPECT_EQ(substream(0, 1), 13867563454281172139u);
  EXPECT_EQ(substream(42, 3), 17743631068172202815u);
  EXPECT_EQ(substream(3, 42), 12555624170168404519u);  // not symmetric in its arguments
}

TEST(Substream, DifferentStreamsGiveDifferentSequences) {
  std::set<std::uint64_t> seeds, firsts;
  for (std::uint64_t k = 0; k < 10000; ++k) {
    seeds.insert(substream(99, k));
    firsts.insert(Rng(substream(99, k)).next());
  }
  EXPECT_EQ(seeds.size(), 10000u);
  EXPECT_EQ(firsts.size(), 10000u);
  // Neighbouring streams are not shifted copies of each other.
  Rng a(substream(99, 0)), b(substream(99, 1));
  std::vector<std::uint64_t> sa, sb;
  for (int i = 0; i < 64; ++i) {
    sa.push_back(a.next());
    sb.push_back(b.next());
  }
  for (std::uint64_t v : sb) EXPECT_EQ(std::count(sa.begin(), sa.end(), v), 0);
}

}  // namespace
}  // namespace rigor::models
