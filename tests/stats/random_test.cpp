// Tests for stats/src/random.cpp: Philox4x32-10 known answers and stream properties.
#include "rigor/stats/random.h"

#include <gtest/gtest.h>

#include <set>

namespace rigor::stats {
namespace {

// Known-answer vectors: Random123 tests/kat_vectors, the three "philox4x32 10" lines
// (counter words, key words -> output words).
TEST(Philox4x32, MatchesRandom123KnownAnswers) {
  using W = std::array<std::uint32_t, 4>;
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (W{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(
      philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
      (W{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(
      philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
      (W{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(CounterRng, StreamIsAPureFunctionOfSeedStreamAndPosition) {
  CounterRng a(7, 3), b(7, 3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
  // The first two values are block 0 of Philox with counter (0, 0, stream lo, stream hi).
  const auto block = philox4x32_10({0, 0, 3, 0}, {7, 0});
  CounterRng c(7, 3);
  EXPECT_EQ(c.next_u64(), block[0] | (static_cast<std::uint64_t>(block[1]) << 32));
  EXPECT_EQ(c.next_u64(), block[2] | (static_cast<std::uint64_t>(block[3]) << 32));
}

TEST(CounterRng, DifferentStreamsAndSeedsDiffer) {
  std::set<std::uint64_t> firsts;
  for (std::uint64_t s = 0; s < 1000; ++s) firsts.insert(CounterRng(1, s).next_u64());
  for (std::uint64_t seed = 0; seed < 1000; ++seed) firsts.insert(CounterRng(seed, 0).next_u64());
  EXPECT_EQ(firsts.size(), 1999u);  // (1, 0) appears in both loops
}

TEST(CounterRng, UniformIsInUnitIntervalWithMeanOneHalf) {
  CounterRng rng(123, 0);
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  // sd of the mean is sqrt(1/12/n) ~ 6.5e-4; 5 sd.
  EXPECT_NEAR(sum / n, 0.5, 3.3e-3);
}

TEST(CounterRng, BelowIsUnbiasedOverSmallRange) {
  CounterRng rng(5, 9);
  std::array<int, 7> counts{};
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    const auto k = rng.below(7);
    ASSERT_LT(k, 7u);
    ++counts[k];
  }
  // Chi-squared with 6 df; 99.99th percentile is about 27.9.
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  EXPECT_LT(chi2, 27.9);
}

TEST(CounterRng, NormalHasUnitVariance) {
  CounterRng rng(11, 0);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    sum += z;
    sum2 += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.012);
  EXPECT_NEAR(sum2 / n, 1.0, 0.016);
}

TEST(DeriveSeed, IsTheFirstValueOfTheStream) {
  EXPECT_EQ(derive_seed(42, 5), CounterRng(42, 5).next_u64());
  EXPECT_NE(derive_seed(42, 5), derive_seed(42, 6));
}

}  // namespace
}  // namespace rigor::stats
