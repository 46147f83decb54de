// Portable random streams: xoshiro256** seeded by SplitMix64, Lemire's bounded integers, the polar
// normal method, substreams and Fisher-Yates permutations. Python twin:
// scripts/golden/models_rng.py.
#include "rigor/models/rng.h"

#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "rigor/error.h"

namespace rigor::models {
namespace {

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio, odd

// SplitMix64 finaliser (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
// generators"; Stafford's Mix13 constants), a bijection of the 64-bit integers.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// SplitMix64: the state advances by kGolden, the output is its finaliser (Vigna's splitmix64.c).
std::uint64_t splitmix64(std::uint64_t& x) {
  x += kGolden;
  return mix64(x);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// The 128-bit product a * b as (high, low) words, from 32-bit halves (portable: no __int128).
struct U128 {
  std::uint64_t hi;
  std::uint64_t lo;
};
U128 mul_64x64(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t a_lo = a & 0xffffffffULL, a_hi = a >> 32;
  const std::uint64_t b_lo = b & 0xffffffffULL, b_hi = b >> 32;
  const std::uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
  const std::uint64_t mid = (ll >> 32) + (lh & 0xffffffffULL) + (hl & 0xffffffffULL);
  return U128{hh + (lh >> 32) + (hl >> 32) + (mid >> 32), (mid << 32) | (ll & 0xffffffffULL)};
}

}  // namespace

Rng::Rng(std::uint64_t seed) {
  // Vigna's recommended seeding: the first four SplitMix64 outputs. They cannot all be zero (mix64
  // is a bijection, so only one state maps to 0, and the four states are distinct).
  std::uint64_t x = seed;
  for (std::uint64_t& word : s_) word = splitmix64(x);
}

Rng Rng::from_state(const std::array<std::uint64_t, 4>& state) {
  if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0) {
    throw rigor::Error(
        "Rng::from_state: the state is all zero, but xoshiro256** needs a nonzero state; set any "
        "word to a nonzero value (or seed with Rng(seed))");
  }
  Rng rng;
  for (std::size_t i = 0; i < 4; ++i) rng.s_[i] = state[i];
  return rng;
}

// xoshiro256** 1.0 (Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators";
// reference code xoshiro256starstar.c).
std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

// Lemire 2019 (ACM TOMACS 29(1)), Algorithm 5: the high word of x * n is uniform in [0, n) once
// the low words below 2^64 mod n are rejected.
std::uint64_t Rng::below(std::uint64_t n) {
  if (n == 0) {
    throw rigor::Error("Rng::below(n): n is 0, but must be >= 1 (the range [0, n) is empty)");
  }
  U128 m = mul_64x64(next(), n);
  if (m.lo < n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (m.lo < threshold) m = mul_64x64(next(), n);
  }
  return m.hi;
}

// Vigna's recommended conversion: the top 53 bits times 2^-53, exact in a double.
double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

// Marsaglia & Bray 1964, "A convenient method for generating normal variables" (SIAM Review 6(3)):
// (u, v) uniform in the unit disc (s = u^2 + v^2 in (0, 1)), then u * m and v * m with
// m = sqrt(-2 ln s / s) are two independent standard normals. u is returned, v cached.
double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u = 0.0, v = 0.0, s = 0.0;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double m = std::sqrt(-2.0 * std::log(s) / s);
  spare_ = v * m;
  has_spare_ = true;
  return u * m;
}

std::uint64_t substream(std::uint64_t seed, std::uint64_t stream) {
  return mix64(mix64(seed + kGolden) ^ (kGolden * (stream + 1)));
}

std::vector<std::int64_t> permutation(std::int64_t n, Rng& rng) {
  if (n < 0) {
    throw rigor::Error("permutation(n): n is " + std::to_string(n) + ", but must be >= 0");
  }
  std::vector<std::int64_t> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), std::int64_t{0});
  // Durstenfeld's in-place Fisher-Yates (Knuth TAOCP vol. 2, 3.4.2, Algorithm P).
  for (std::int64_t i = n - 1; i >= 1; --i) {
    const auto j = rng.below(static_cast<std::uint64_t>(i) + 1);
    std::swap(p[static_cast<std::size_t>(i)], p[static_cast<std::size_t>(j)]);
  }
  return p;
}

}  // namespace rigor::models
