// rigor/models/rng.h — the portable random streams of the data pipeline (split, data order,
// augmentation, synthetic data). Exact integer algorithms only, so the same seed gives the same
// split, order and augmentation on every machine, compiler and LibTorch version (the standard
// library's distributions are implementation-defined; LibTorch's generators change with versions).
//
//   rigor::models::Rng rng(rigor::models::substream(seed, 3));
//   std::uint64_t k = rng.below(10);   // uniform in [0, 10), unbiased
//   double z = rng.normal();           // standard normal
#ifndef RIGOR_MODELS_RNG_H_
#define RIGOR_MODELS_RNG_H_

#include <array>
#include <cstdint>
#include <vector>

namespace rigor::models {

// xoshiro256** (Blackman & Vigna 2018), state filled from the seed with SplitMix64 (its first
// four outputs). Not thread-safe: give each thread or purpose its own Rng (see substream). The
// exact definitions, and a Python twin, are in docs/data.md and scripts/golden/models_rng.py.
class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  // An Rng in a given xoshiro256** state (known-answer tests). Throws rigor::Error for the
  // all-zero state, which xoshiro256** never leaves.
  static Rng from_state(const std::array<std::uint64_t, 4>& state);

  std::uint64_t next();  // 64 random bits
  // Uniform in [0, n), unbiased (Lemire 2019, "Fast random integer generation in an interval",
  // nearly-divisionless rejection). Throws rigor::Error when n is 0.
  std::uint64_t below(std::uint64_t n);
  double uniform();  // uniform in [0, 1): (next() >> 11) * 2^-53, 53-bit resolution
  // Standard normal (Marsaglia & Bray 1964 polar method; the second value of each pair is cached
  // and returned by the next call). Uses std::sqrt (exact) and std::log (glibc's is within about
  // half an ulp; another libm may differ in the last bit, so normal draws, unlike integer ones,
  // are reproducible to the last bit only on the same libm).
  double normal();

 private:
  Rng() = default;
  std::uint64_t s_[4] = {0, 0, 0, 0};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// A child seed for stream `stream` of `seed`, used to give each epoch, example or purpose its own
// independent stream. With mix64 the SplitMix64 finaliser (Steele, Lea & Flood 2014) and
// g = 0x9e3779b97f4a7c15 (all arithmetic mod 2^64):
//   substream(seed, stream) = mix64(mix64(seed + g) ^ (g * (stream + 1)))
// For a fixed seed, distinct streams give distinct child seeds (every step is a bijection).
std::uint64_t substream(std::uint64_t seed, std::uint64_t stream);

// A uniformly random permutation of 0..n-1: Fisher-Yates (Knuth's Algorithm P), for i = n-1 down
// to 1 swap p[i] with p[rng.below(i + 1)]. Throws rigor::Error when n < 0.
std::vector<std::int64_t> permutation(std::int64_t n, Rng& rng);

}  // namespace rigor::models

#endif  // RIGOR_MODELS_RNG_H_
