// rigor/stats/random.h — counter-based random numbers (Philox4x32-10, Salmon et al. 2011, SC'11
// "Parallel random numbers: as easy as 1, 2, 3"). Every random routine in rigor takes an explicit
// seed and derives one independent stream per unit of work (bootstrap resample b, permutation i),
// so results do not depend on thread count or execution order.
//
//   rigor::stats::CounterRng rng(/*seed=*/42, /*stream=*/b);   // resample b of a bootstrap
//   std::size_t i = rng.below(n);                                // unbiased index in [0, n)
//   double u = rng.uniform();                                    // in [0, 1), 53 random bits
#ifndef RIGOR_STATS_RANDOM_H_
#define RIGOR_STATS_RANDOM_H_

#include <array>
#include <cstdint>
#include <limits>

namespace rigor::stats {

// The Philox4x32 block function with 10 rounds, bit-exact with Random123's philox4x32_R(10, ...)
// (checked against Random123's tests/kat_vectors).
std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> counter,
                                           std::array<std::uint32_t, 2> key);

// A stream of 64-bit values, a pure function of (seed, stream, position):
//   key     = (seed low 32 bits, seed high 32 bits)
//   block j = philox4x32_10((j low, j high, stream low, stream high), key)
//   values  = block 0 words (w0 | w1 << 32), (w2 | w3 << 32), block 1 words, ...
// Satisfies std::uniform_random_bit_generator, but prefer uniform()/below(): their outputs are
// specified here and identical on every platform, unlike std:: distributions.
class CounterRng {
 public:
  using result_type = std::uint64_t;

  CounterRng(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t next_u64();
  result_type operator()() { return next_u64(); }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  // Uniform double in [0, 1): (next_u64() >> 11) * 2^-53.
  double uniform();
  // Uniform integer in [0, n), unbiased (Lemire 2019, "Fast random integer generation in an
  // interval", with rejection). Precondition: n > 0.
  std::uint64_t below(std::uint64_t n);
  // Standard normal deviate (Marsaglia polar method on uniform()).
  double normal();

 private:
  void refill();

  std::array<std::uint32_t, 2> key_;
  std::uint64_t stream_;
  std::uint64_t block_ = 0;
  std::array<std::uint32_t, 4> buffer_{};
  int used_ = 4;  // 64-bit values consumed from buffer_ (0, 1 or 2); 2 or more means refill
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

// A 64-bit seed derived from (seed, stream): the first value of CounterRng(seed, stream).
// Used to build seed trees (e.g. master seed -> per-variance-source seed).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

}  // namespace rigor::stats

#endif  // RIGOR_STATS_RANDOM_H_
