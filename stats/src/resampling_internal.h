// Internal: pieces shared by the resampling routines (bootstrap.cpp, permutation.cpp): uniform
// indices drawn from the counter-based streams (WordStream: permutations; MixWordStream: the
// bootstrap), and a static-partition parallel loop. Resample or permutation b always reads
// stream b, so the split of the loop over threads never changes a result.
#ifndef RIGOR_STATS_SRC_RESAMPLING_INTERNAL_H_
#define RIGOR_STATS_SRC_RESAMPLING_INTERNAL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "rigor/stats/random.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define RIGOR_STATS_MIX_AVX2 1
#endif

namespace rigor::stats::detail {

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
      philox_blocks<kMaxBlocks>();
    } else {
      philox_blocks<1>();
    }
  }

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
    std::uint32_t k0 = key0_, k1 = key1_;
    for (int round = 0; round < 10; ++round) {
      for (int j = 0; j < K; ++j) {
        const std::uint64_t p0 = static_cast<std::uint64_t>(0xD2511F53u) * c0[j];
        const std::uint64_t p1 = static_cast<std::uint64_t>(0xCD9E8D57u) * c2[j];
        const auto next0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1[j] ^ k0;
        const auto next2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3[j] ^ k1;
        c1[j] = static_cast<std::uint32_t>(p1);
        c3[j] = static_cast<std::uint32_t>(p0);
        c0[j] = next0;
        c2[j] = next2;
      }
      k0 += 0x9E3779B9u;  // golden ratio
      k1 += 0xBB67AE85u;  // sqrt(3) - 1
    }
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

 private:
  static constexpr std::uint64_t kGamma = 0x9E3779B97F4A7C15ull;

  [[gnu::always_inline]] static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  [[gnu::always_inline]] std::uint64_t next_value() { return mix(state_ += kGamma); }

#ifdef RIGOR_STATS_MIX_AVX2
  static bool has_avx2() {
    static const bool yes = __builtin_cpu_supports("avx2") != 0;
    return yes;
  }

  // Lane-wise a * c mod 2^64 from 32 x 32 -> 64-bit products (AVX2 has no 64-bit multiply):
  // lo(a) lo(c) + ((hi(a) lo(c) + lo(a) hi(c)) << 32).
  [[gnu::target("avx2")]] static __m256i mul64(__m256i a, __m256i c_lo, __m256i c_hi) {
    const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), c_lo),
                                           _mm256_mul_epu32(a, c_hi));
    return _mm256_add_epi64(_mm256_mul_epu32(a, c_lo), _mm256_slli_epi64(cross, 32));
  }

  // The scalar fast path of fill_indices, 4 values (8 indices) per step, bit-identical (integer
  // arithmetic only). Writes whole groups into out[0..count), count a multiple of 8, and stops
  // before the first group with a word that might be rejected (left to the scalar code).
  // Returns the number of indices written; state_ advances past the values used.
  [[gnu::target("avx2")]] std::size_t fill_avx2(std::uint32_t n, std::uint32_t* out,
                                                std::size_t count) {
    // (set1 in a lambda would not inherit the avx2 target.)
    const __m256i m1_lo = _mm256_set1_epi64x(static_cast<long long>(0x1CE4E5B9u)),
                  m1_hi = _mm256_set1_epi64x(static_cast<long long>(0xBF58476Du));
    const __m256i m2_lo = _mm256_set1_epi64x(static_cast<long long>(0x133111EBu)),
                  m2_hi = _mm256_set1_epi64x(static_cast<long long>(0x94D049BBu));
    const __m256i n_wide = _mm256_set1_epi64x(static_cast<long long>(n));
    const __m256i n_minus_1 = _mm256_set1_epi32(static_cast<int>(n - 1));
    const __m256i step = _mm256_set1_epi64x(static_cast<long long>(4 * kGamma));
    __m256i state = _mm256_set_epi64x(
        static_cast<long long>(state_ + 4 * kGamma), static_cast<long long>(state_ + 3 * kGamma),
        static_cast<long long>(state_ + 2 * kGamma), static_cast<long long>(state_ + kGamma));
    std::size_t i = 0;
    for (; i < count; i += 8) {
      __m256i z = state;
      z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), m1_lo, m1_hi);
      z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), m2_lo, m2_hi);
      z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
      const __m256i p0 = _mm256_mul_epu32(z, n_wide);                         // low word * n
      const __m256i p1 = _mm256_mul_epu32(_mm256_srli_epi64(z, 32), n_wide);  // high word * n
      // m mod 2^32 < n, i.e. min(m mod 2^32, n - 1) == m mod 2^32, on the low dwords.
      const __m256i r0 = _mm256_cmpeq_epi32(_mm256_min_epu32(p0, n_minus_1), p0);
      const __m256i r1 = _mm256_cmpeq_epi32(_mm256_min_epu32(p1, n_minus_1), p1);
      if ((_mm256_movemask_epi8(_mm256_or_si256(r0, r1)) & 0x0F0F0F0F) != 0) break;
      // Lane k: index 2k (high dword of p0) then 2k + 1 (high dword of p1).
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

// Calls body(begin, end) on contiguous chunks covering [0, count), one chunk per thread (at most
// `threads`, none smaller than `min_chunk`). Rethrows the first exception (by chunk order) on
// the calling thread after all chunks finished.
template <class Body>
void parallel_for(std::size_t count, unsigned threads, std::size_t min_chunk, const Body& body) {
  if (count == 0) return;
  std::size_t workers = resolve_threads(threads);
  workers =
      std::min(workers, std::max<std::size_t>(1, count / std::max<std::size_t>(1, min_chunk)));
  if (workers <= 1) {
    body(std::size_t{0}, count);
    return;
  }
  std::vector<std::exception_ptr> errors(workers);
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  auto run_chunk = [&](std::size_t k) {
    try {
      body(count * k / workers, count * (k + 1) / workers);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  for (std::size_t k = 1; k < workers; ++k) {
    try {
      pool.emplace_back(run_chunk, k);
    } catch (...) {
      run_chunk(k);  // could not start a thread: do the chunk here (same result)
    }
  }
  run_chunk(0);
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace rigor::stats::detail

#endif  // RIGOR_STATS_SRC_RESAMPLING_INTERNAL_H_
