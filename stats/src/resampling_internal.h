// Internal: pieces shared by the resampling routines (bootstrap.cpp, permutation.cpp, ...):
// uniform indices drawn from the counter-based streams (WordStream: permutations; MixWordStream:
// the bootstrap), and parallel loops (static and dynamic partition). Resample or permutation b
// always reads stream b, so the split of the loop over threads never changes a result.
#ifndef RIGOR_STATS_SRC_RESAMPLING_INTERNAL_H_
#define RIGOR_STATS_SRC_RESAMPLING_INTERNAL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "rigor/stats/random.h"
#include "worker_pool.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define RIGOR_STATS_MIX_AVX2 1
#endif

namespace rigor::stats::detail {

// Philox4x32-10's multipliers and key schedule (Salmon et al. 2011; random.cpp holds the reference
// implementation).
constexpr std::uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr std::uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9u;  // golden ratio
constexpr std::uint32_t kPhiloxW1 = 0xBB67AE85u;  // sqrt(3) - 1

#ifdef RIGOR_STATS_MIX_AVX2
// Whether this CPU runs the AVX2 paths (asked once).
inline bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2") != 0;
  return yes;
}
#endif

// Philox4x32-10 (Salmon et al. 2011, SC'11) on K counters at once, in place: lane j is the block
// (c0[j], c1[j], c2[j], c3[j]) under key (k0, k1). K is a compile-time constant so that the K
// independent dependency chains stay in registers.
template <int K>
[[gnu::always_inline]] inline void philox_rounds(std::uint32_t (&c0)[K], std::uint32_t (&c1)[K],
                                                 std::uint32_t (&c2)[K], std::uint32_t (&c3)[K],
                                                 std::uint32_t k0, std::uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    for (int j = 0; j < K; ++j) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(kPhiloxM0) * c0[j];
      const std::uint64_t p1 = static_cast<std::uint64_t>(kPhiloxM1) * c2[j];
      const auto next0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1[j] ^ k0;
      const auto next2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3[j] ^ k1;
      c1[j] = static_cast<std::uint32_t>(p1);
      c3[j] = static_cast<std::uint32_t>(p0);
      c0[j] = next0;
      c2[j] = next2;
    }
    k0 += kPhiloxW0;
    k1 += kPhiloxW1;
  }
}

// The 32-bit words of CounterRng(seed, stream), in order: the low then the high half of each
// 64-bit value, i.e. words w0, w1, w2, w3 of Philox block 0, then of block 1, ... (random.h).
// Philox4x32-10 is inlined here (bit-exact with philox4x32_10; bootstrap_test checks the words
// against CounterRng) and, for long streams, computed four blocks at a time: four independent
// dependency chains of multiplies keep the core busy, which measured 1.6x faster per word than
// one block at a time (GCC 12 -O2, x86-64; explicit AVX2 vectorization was no faster).
class WordStream {
 public:
  // `expected_words`: how many words the caller will probably read (rejections add a few). While
  // at least 16 of them remain, refills compute 4 blocks; then single blocks, so that a short
  // stream (a sign flip of 50 pairs needs 2 words, a 50-of-100 shuffle 50) wastes none.
  WordStream(std::uint64_t seed, std::uint64_t stream, std::size_t expected_words)
      : key0_(static_cast<std::uint32_t>(seed)),
        key1_(static_cast<std::uint32_t>(seed >> 32)),
        stream0_(static_cast<std::uint32_t>(stream)),
        stream1_(static_cast<std::uint32_t>(stream >> 32)),
        expected_(expected_words) {}

  // next() and below() sit in the innermost loops: forced inline, with the rare refill kept out of
  // line (GCC 12 otherwise calls below() out of line, measured 1.4x slower).
  [[gnu::always_inline]] std::uint32_t next() {
    if (used_ == available_) refill();
    return words_[used_++];
  }

  // Uniform in [0, n) for 0 < n < 2^32, unbiased: Lemire 2019 (ACM TOMACS 29(1), "Fast random
  // integer generation in an interval", Algorithm 5) on 32-bit words.
  [[gnu::always_inline]] std::uint32_t below(std::uint32_t n) {
    std::uint64_t m = static_cast<std::uint64_t>(next()) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(0u - n) % n;
      while (low < threshold) {
        m = static_cast<std::uint64_t>(next()) * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

 private:
  static constexpr int kMaxBlocks = 4;

  [[gnu::noinline]] void refill() {
    const std::size_t drawn = 4 * static_cast<std::size_t>(block_);
    if (drawn + 4 * kMaxBlocks <= expected_) {
#ifdef RIGOR_STATS_MIX_AVX2
      if (has_avx2()) {
        philox_four_blocks_avx2();
        return;
      }
#endif
      philox_blocks<kMaxBlocks>();
    } else {
      philox_blocks<1>();
    }
  }

#ifdef RIGOR_STATS_MIX_AVX2
  // philox_blocks<4> with the four blocks in the four 64-bit lanes of AVX2 registers (each word
  // in a lane's low half; vpmuludq multiplies exactly those): the same words, in a quarter of the
  // multiplies and xors (the permutation test spends most of its time drawing words).
  [[gnu::target("avx2")]] void philox_four_blocks_avx2() {
    static_assert(kMaxBlocks == 4);
    const __m256i low = _mm256_set1_epi64x(0xFFFFFFFFll);
    const __m256i blocks = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(block_)),
                                            _mm256_set_epi64x(3, 2, 1, 0));
    __m256i c0 = _mm256_and_si256(blocks, low);
    __m256i c1 = _mm256_srli_epi64(blocks, 32);
    __m256i c2 = _mm256_set1_epi64x(static_cast<long long>(stream0_));
    __m256i c3 = _mm256_set1_epi64x(static_cast<long long>(stream1_));
    const __m256i m0 = _mm256_set1_epi64x(kPhiloxM0);
    const __m256i m1 = _mm256_set1_epi64x(kPhiloxM1);
    // Every 32-bit half holds the key, so the schedule wraps mod 2^32 in the low halves.
    __m256i k0 = _mm256_set1_epi32(static_cast<int>(key0_));
    __m256i k1 = _mm256_set1_epi32(static_cast<int>(key1_));
    const __m256i step0 = _mm256_set1_epi32(static_cast<int>(kPhiloxW0));
    const __m256i step1 = _mm256_set1_epi32(static_cast<int>(kPhiloxW1));
    for (int round = 0; round < 10; ++round) {
      // Only the low halves matter: high halves of c1, c3 (and so of c0, c2) carry garbage that
      // vpmuludq ignores and the final pack drops.
      const __m256i p0 = _mm256_mul_epu32(m0, c0);
      const __m256i p1 = _mm256_mul_epu32(m1, c2);
      c0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1), k0);
      c2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3), k1);
      c1 = p1;
      c3 = p0;
      k0 = _mm256_add_epi32(k0, step0);
      k1 = _mm256_add_epi32(k1, step1);
    }
    // Lane j of c01 = (c1_j << 32) | c0_j: the words w0, w1 of block j; c23: w2, w3.
    const __m256i c01 = _mm256_blend_epi32(c0, _mm256_slli_epi64(c1, 32), 0xAA);
    const __m256i c23 = _mm256_blend_epi32(c2, _mm256_slli_epi64(c3, 32), 0xAA);
    const __m256i even = _mm256_unpacklo_epi64(c01, c23);  // blocks 0 | 2
    const __m256i odd = _mm256_unpackhi_epi64(c01, c23);   // blocks 1 | 3
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(words_),
                        _mm256_permute2x128_si256(even, odd, 0x20));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(words_ + 8),
                        _mm256_permute2x128_si256(even, odd, 0x31));
    block_ += 4;
    used_ = 0;
    available_ = 16;
  }
#endif

  // Philox4x32-10 (Salmon et al. 2011, SC'11) on counters (block + j lo, hi, stream lo, hi),
  // j = 0..K-1. K is a compile-time constant so that the K chains stay in registers.
  template <int K>
  void philox_blocks() {
    std::uint32_t c0[K], c1[K], c2[K], c3[K];
    for (int j = 0; j < K; ++j) {
      const std::uint64_t block = block_ + static_cast<std::uint64_t>(j);
      c0[j] = static_cast<std::uint32_t>(block);
      c1[j] = static_cast<std::uint32_t>(block >> 32);
      c2[j] = stream0_;
      c3[j] = stream1_;
    }
    philox_rounds<K>(c0, c1, c2, c3, key0_, key1_);
    for (int j = 0; j < K; ++j) {
      words_[4 * j] = c0[j];
      words_[4 * j + 1] = c1[j];
      words_[4 * j + 2] = c2[j];
      words_[4 * j + 3] = c3[j];
    }
    block_ += static_cast<std::uint64_t>(K);
    used_ = 0;
    available_ = 4 * K;
  }

  std::uint32_t key0_, key1_, stream0_, stream1_;
  std::size_t expected_;
  std::uint64_t block_ = 0;
  std::uint32_t words_[4 * kMaxBlocks] = {};
  int used_ = 0;
  int available_ = 0;
};

// Keys of the bootstrap's resamples: keys[j] = derive_seed(seed, first + j) for j < count, i.e.
// words 0 and 1 (low, high) of Philox block 0 of stream first + j (random.h), bit-exact. Four
// streams at a time: derive_seed is one latency-bound chain of 10 rounds (~30 ns a key, 3% of a
// 10^4-resample bootstrap of a mean of n = 1000); four independent chains cost about as much as
// one.
inline void derive_keys(std::uint64_t seed, std::uint64_t first, std::size_t count,
                        std::uint64_t* keys) {
  constexpr int kLanes = 4;
  std::size_t j = 0;
  for (; j + kLanes <= count; j += kLanes) {
    std::uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
    for (int k = 0; k < kLanes; ++k) {
      const std::uint64_t stream = first + j + static_cast<std::uint64_t>(k);
      c0[k] = 0;  // block 0
      c1[k] = 0;
      c2[k] = static_cast<std::uint32_t>(stream);
      c3[k] = static_cast<std::uint32_t>(stream >> 32);
    }
    philox_rounds<kLanes>(c0, c1, c2, c3, static_cast<std::uint32_t>(seed),
                          static_cast<std::uint32_t>(seed >> 32));
    for (int k = 0; k < kLanes; ++k) {
      keys[j + k] = static_cast<std::uint64_t>(c0[k]) | (static_cast<std::uint64_t>(c1[k]) << 32);
    }
  }
  for (; j < count; ++j) keys[j] = derive_seed(seed, first + j);
}

// The bootstrap's index words (bootstrap.h, docs/stats/resampling.md): one Philox call per
// resample gives a key, key = CounterRng(seed, stream)'s first value (derive_seed), and the 64-bit
// values are SplitMix64 from that key (Steele, Lea & Flood 2014, OOPSLA "Fast splittable
// pseudorandom number generators"; finalizer constants of Vigna's splitmix64.c, Stafford's Mix13):
//   value j = mix(key + (j + 1) * 0x9E3779B97F4A7C15), j = 0, 1, ...
// split into 32-bit words, low half first. Why not Philox for every word: 10 rounds of 2
// multiplies per 4 words made the 10^7 draws of a 10^4-resample bootstrap of n = 1000 cost
// ~30 ms; SplitMix64 costs 2 multiplies per 2 words (BigCrush-clean as a sequence) and the key
// keeps streams per resample, so results still do not depend on threads or order.
class MixWordStream {
 public:
  MixWordStream(std::uint64_t seed, std::uint64_t stream) : state_(derive_seed(seed, stream)) {}

  // The stream whose key is `key` (= derive_seed(seed, stream); derive_keys computes a batch).
  static MixWordStream from_key(std::uint64_t key) { return MixWordStream(key); }

  [[gnu::always_inline]] std::uint32_t next() {
    if (used_ == 2) {
      const std::uint64_t v = next_value();
      words_[0] = static_cast<std::uint32_t>(v);
      words_[1] = static_cast<std::uint32_t>(v >> 32);
      used_ = 0;
    }
    return words_[used_++];
  }

  // Uniform in [0, n) for 0 < n < 2^32, unbiased: Lemire 2019 (ACM TOMACS 29(1), Algorithm 5).
  [[gnu::always_inline]] std::uint32_t below(std::uint32_t n) {
    std::uint64_t m = static_cast<std::uint64_t>(next()) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) [[unlikely]] {
      const std::uint32_t threshold = static_cast<std::uint32_t>(0u - n) % n;
      while (low < threshold) {
        m = static_cast<std::uint64_t>(next()) * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

  // Whether the high word of a value is pending (the next word is not the start of a value).
  bool has_buffered_word() const { return used_ != 2; }

  // out[0..count) = count consecutive below(n) draws. Whenever no word is buffered, whole 64-bit
  // values are drawn with the state in a register (a member updated through memory would put a
  // store-to-load round trip on every value); a value with a word that might be rejected
  // (m mod 2^32 < n, probability 2n / 2^32) is buffered and replayed by below().
  void fill_indices(std::uint32_t n, std::uint32_t* out, std::size_t count) {
    std::size_t i = 0;
    while (i < count) {
      if (used_ != 2 || count - i < 2) {
        out[i++] = below(n);
        continue;
      }
      std::size_t stop = count;
#ifdef RIGOR_STATS_MIX_AVX2
      if (count - i >= 8 && has_avx2()) {
        i += fill_avx2(n, out + i, (count - i) / 8 * 8);
        if (count - i < 2) continue;
        // The next group of 4 values holds a possibly rejected word (or is the tail): scalar.
        stop = std::min(count, i + 8);
      }
#endif
      std::uint64_t state = state_;
      for (; i + 2 <= stop; i += 2) {
        const std::uint64_t v = mix(state += kGamma);
        const std::uint64_t m0 = (v & 0xFFFFFFFFu) * n;
        const std::uint64_t m1 = (v >> 32) * n;
        if (static_cast<std::uint32_t>(m0) < n || static_cast<std::uint32_t>(m1) < n) [[unlikely]] {
          words_[0] = static_cast<std::uint32_t>(v);
          words_[1] = static_cast<std::uint32_t>(v >> 32);
          used_ = 0;
          break;
        }
        out[i] = static_cast<std::uint32_t>(m0 >> 32);
        out[i + 1] = static_cast<std::uint32_t>(m1 >> 32);
      }
      state_ = state;
    }
  }

#ifdef RIGOR_STATS_MIX_AVX2
  // Gathers and sums the next `count` draws without storing them: draw i (0-based, from here)
  // adds data[below(n)] to sums[i % 4], in draw order. Precondition: has_avx2(), no buffered word,
  // count a multiple of 8. Stops before the first group of 4 values (8 draws) holding a word that
  // might be rejected, left to below(); returns the number of draws done (a multiple of 8).
  //
  // Why fused and software-pipelined: drawing a block of indices into a buffer and then summing
  // it runs two phases one after the other, the first bound by vector integer throughput, the
  // second by the latency of the 4 add chains (a fixed order; 4 adds per 3 cycles at most). Here
  // the indices of group g + 1 are computed while group g is summed, so the two overlap. The draw
  // and sum loop alone (10^4 resamples of n = 1000, best of 15) measured 7.3 ms instead of
  // 8.4 ms on one thread, 4.0 instead of 4.9 ms on two (AMD EPYC 7003, GCC 12 -O2); AVX2
  // gathers (vgatherdpd) instead of the store and scalar loads were slower (8.1 ms).
  [[gnu::target("avx2")]] std::size_t sum_gathered_avx2(std::uint32_t n, const double* data,
                                                        std::size_t count, double* sums) {
    if (count == 0) return 0;
    const __m256i n_wide = _mm256_set1_epi64x(static_cast<long long>(n));
    const __m256i n_minus_1 = _mm256_set1_epi32(static_cast<int>(n - 1));
    const __m256i step = _mm256_set1_epi64x(static_cast<long long>(4 * kGamma));
    __m256i state = first_states();
    __m256i p0, p1;
    products(state, n_wide, p0, p1);
    __m256i rejectable = rejectable_words(p0, p1, n_minus_1);
    if (!_mm256_testz_si256(rejectable, rejectable)) return 0;
    __m256i current = products_to_indices(p0, p1);
    double s0 = sums[0], s1 = sums[1], s2 = sums[2], s3 = sums[3];
    std::size_t i = 0;
    for (;;) {
      if (i + 8 >= count) {  // the last group
        add_group(current, data, s0, s1, s2, s3);
        i += 8;
        break;
      }
      // The next group first (independent of the sums below), then this group's gather.
      state = _mm256_add_epi64(state, step);
      products(state, n_wide, p0, p1);
      rejectable = rejectable_words(p0, p1, n_minus_1);
      const __m256i next = products_to_indices(p0, p1);
      add_group(current, data, s0, s1, s2, s3);
      i += 8;
      if (!_mm256_testz_si256(rejectable, rejectable)) break;
      current = next;
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
    state_ += (i / 2) * kGamma;
    return i;
  }
#endif

 private:
  static constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ull;

  explicit MixWordStream(std::uint64_t key) : state_(key) {}

  [[gnu::always_inline]] static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  [[gnu::always_inline]] std::uint64_t next_value() { return mix(state_ += kGamma); }

#ifdef RIGOR_STATS_MIX_AVX2
  // The states of the next 4 values, lane k = value k.
  [[gnu::target("avx2"), gnu::always_inline]] __m256i first_states() const {
    return _mm256_set_epi64x(
        static_cast<long long>(state_ + 4 * kGamma), static_cast<long long>(state_ + 3 * kGamma),
        static_cast<long long>(state_ + 2 * kGamma), static_cast<long long>(state_ + kGamma));
  }

  // Lane-wise a * c mod 2^64 for c = (c_hi << 32) + c_lo, AVX2 having no 64-bit multiply:
  //   a c = lo(a) c_lo + ((lo(a) c_hi + hi(a) c_lo) mod 2^32) 2^32  (mod 2^64).
  // One vpmulld gives both cross products (dword 0: lo(a) c_hi, dword 1: hi(a) c_lo against
  // `c_swapped` = (c_lo << 32) + c_hi); t + (t << 32) holds their sum in dword 1. 6 instructions,
  // 2 multiplies, against 7 and 3 with three vpmuludq (vpmulld is one 3-cycle uop on Zen 3; on
  // Intel two uops, the same count).
  [[gnu::target("avx2"), gnu::always_inline]] static __m256i mul64(__m256i a, std::uint64_t c) {
    const __m256i c_lo = _mm256_set1_epi64x(static_cast<long long>(c & 0xFFFFFFFFu));
    const __m256i c_swapped = _mm256_set1_epi64x(static_cast<long long>((c << 32) | (c >> 32)));
    const __m256i high_dword = _mm256_set1_epi64x(static_cast<long long>(0xFFFFFFFF00000000ull));
    const __m256i t = _mm256_mullo_epi32(a, c_swapped);
    const __m256i cross =
        _mm256_and_si256(_mm256_add_epi64(t, _mm256_slli_epi64(t, 32)), high_dword);
    return _mm256_add_epi64(_mm256_mul_epu32(a, c_lo), cross);
  }

  // SplitMix64's mix of the 4 states in `state`, then Lemire's products word * n of the low
  // (p0) and high (p1) word of each value: the draw is the product's high dword.
  [[gnu::target("avx2"), gnu::always_inline]] static void products(__m256i state, __m256i n_wide,
                                                                   __m256i& p0, __m256i& p1) {
    __m256i z = state;
    z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), 0xBF58476D1CE4E5B9ull);
    z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), 0x94D049BB133111EBull);
    z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
    p0 = _mm256_mul_epu32(z, n_wide);                         // low word * n
    p1 = _mm256_mul_epu32(_mm256_srli_epi64(z, 32), n_wide);  // high word * n
  }

  // Lanes of all ones where a word of the 4 values might be rejected: m mod 2^32 < n, i.e.
  // min(m mod 2^32, n - 1) == m mod 2^32, on the low dwords (gathered by one shufps).
  [[gnu::target("avx2"), gnu::always_inline]] static __m256i rejectable_words(__m256i p0,
                                                                              __m256i p1,
                                                                              __m256i n_minus_1) {
    const __m256i low = _mm256_castps_si256(
        _mm256_shuffle_ps(_mm256_castsi256_ps(p0), _mm256_castsi256_ps(p1), 0x88));
    return _mm256_cmpeq_epi32(_mm256_min_epu32(low, n_minus_1), low);
  }

  // The 8 draws' indices (the products' high dwords) in one shufps instead of a shift and a blend.
  // Half h (128 bits) holds the draws of value 2h's low word, value 2h + 1's low word, value 2h's
  // high word, value 2h + 1's high word: draws 4h, 4h + 2, 4h + 1, 4h + 3.
  [[gnu::target("avx2"), gnu::always_inline]] static __m256i products_to_indices(__m256i p0,
                                                                                 __m256i p1) {
    return _mm256_castps_si256(
        _mm256_shuffle_ps(_mm256_castsi256_ps(p0), _mm256_castsi256_ps(p1), 0xDD));
  }

  // Adds the 8 draws of `index` (products_to_indices' order) to s0..s3: s_k += data[draw k + 4j].
  [[gnu::target("avx2"), gnu::always_inline]] static void add_group(__m256i index,
                                                                    const double* data, double& s0,
                                                                    double& s1, double& s2,
                                                                    double& s3) {
    alignas(32) std::uint32_t d[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(d), index);
    // Keeps GCC from turning the reloads into vpextrd, which load the vector units this loop
    // is short of (GCC 12 then packs the adds into vaddpd: the same lanes, the same order).
    asm volatile("" : : "r"(d) : "memory");
    s0 += data[d[0]];
    s1 += data[d[2]];
    s2 += data[d[1]];
    s3 += data[d[3]];
    s0 += data[d[4]];
    s1 += data[d[6]];
    s2 += data[d[5]];
    s3 += data[d[7]];
  }

  // The scalar fast path of fill_indices, 4 values (8 indices) per step, bit-identical (integer
  // arithmetic only). Writes whole groups into out[0..count), count a multiple of 8, and stops
  // before the first group with a word that might be rejected (left to the scalar code).
  // Returns the number of indices written; state_ advances past the values used.
  [[gnu::target("avx2")]] std::size_t fill_avx2(std::uint32_t n, std::uint32_t* out,
                                                std::size_t count) {
    const __m256i n_wide = _mm256_set1_epi64x(static_cast<long long>(n));
    const __m256i n_minus_1 = _mm256_set1_epi32(static_cast<int>(n - 1));
    const __m256i step = _mm256_set1_epi64x(static_cast<long long>(4 * kGamma));
    __m256i state = first_states();
    std::size_t i = 0;
    for (; i < count; i += 8) {
      __m256i p0, p1;
      products(state, n_wide, p0, p1);
      const __m256i rejectable = rejectable_words(p0, p1, n_minus_1);
      if (!_mm256_testz_si256(rejectable, rejectable)) break;
      // Lane k: index 2k (high dword of p0) then 2k + 1 (high dword of p1), in draw order.
      const __m256i index = _mm256_blend_epi32(_mm256_srli_epi64(p0, 32), p1, 0xAA);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), index);
      state = _mm256_add_epi64(state, step);
    }
    state_ += (i / 2) * kGamma;
    return i;
  }
#endif

  std::uint64_t state_;
  std::uint32_t words_[2] = {};
  int used_ = 2;
};

// 0 -> std::thread::hardware_concurrency() (at least 1).
inline unsigned resolve_threads(unsigned threads) {
  if (threads != 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : hw;
}

// Threads for `count` items: at most `threads` (0 = the hardware's), none with fewer than
// `min_chunk` items, at least 1.
inline std::size_t worker_count(std::size_t count, unsigned threads, std::size_t min_chunk) {
  return std::min<std::size_t>(
      resolve_threads(threads),
      std::max<std::size_t>(1, count / std::max<std::size_t>(1, min_chunk)));
}

// Calls body(begin, end) on contiguous chunks covering [0, count), as many chunks as threads (at
// most `threads`, none smaller than `min_chunk`), run by run_tasks (worker_pool.h: on the calling
// thread and pooled threads; a chunk must not wait for another). Rethrows the first exception (by
// chunk order) on the calling thread after all chunks finished.
template <class Body>
void parallel_for(std::size_t count, unsigned threads, std::size_t min_chunk, const Body& body) {
  if (count == 0) return;
  const std::size_t workers = worker_count(count, threads, min_chunk);
  if (workers <= 1) {
    body(std::size_t{0}, count);
    return;
  }
  std::vector<std::exception_ptr> errors(workers);
  run_tasks(workers, [&](std::size_t k) {
    try {
      body(count * k / workers, count * (k + 1) / workers);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  });
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// parallel_for with dynamic scheduling, for loops whose items do not depend on which thread runs
// them (the bootstrap: resample b reads stream b and writes replicates[b] only). Threads join as
// in parallel_for (at most `threads`, none with fewer than `min_chunk` items), then take chunks of
// `chunk` items in turn from a shared counter, so a thread slowed down by other work on a shared
// machine takes fewer chunks instead of holding up the call. (With one fixed chunk per thread,
// BM_BootstrapBCaMean_n1000_r10000 on 2 threads measured 9.9-11.4 ms, slower than on one thread,
// 9.4-10.9 ms, while other jobs ran on the 2-vCPU development machine.) body(begin, end) runs on
// any thread, in any order. Rethrows the exception of the lowest chunk that threw, after all
// chunks finished.
template <class Body>
void parallel_for_dynamic(std::size_t count, unsigned threads, std::size_t min_chunk,
                          std::size_t chunk, const Body& body) {
  if (count == 0) return;
  const std::size_t workers = worker_count(count, threads, min_chunk);
  if (workers <= 1) {
    body(std::size_t{0}, count);
    return;
  }
  chunk = std::max<std::size_t>(1, chunk);
  const std::size_t chunks = (count + chunk - 1) / chunk;
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::size_t error_chunk = chunks;
  std::exception_ptr error;
  auto work = [&] {
    for (;;) {
      const std::size_t k = next.fetch_add(1, std::memory_order_relaxed);
      if (k >= chunks) return;
      try {
        body(k * chunk, std::min(count, (k + 1) * chunk));
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (k < error_chunk) {
          error_chunk = k;
          error = std::current_exception();
        }
      }
    }
  };
  run_tasks(workers, [&](std::size_t) { work(); });
  if (error) std::rethrow_exception(error);
}

}  // namespace rigor::stats::detail

#endif  // RIGOR_STATS_SRC_RESAMPLING_INTERNAL_H_
