#include "rigor/stats/corrections.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#ifdef __linux__
#include <sys/mman.h>
#endif
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "message.h"
#include "resampling_internal.h"

namespace rigor::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Throws for an empty family or one too large for 32-bit indices.
void require_family_size(std::span<const double> p, std::string_view name) {
  if (p.empty()) {
    throw StatsError(detail::cat(name, " is empty, but at least one p-value is required"));
  }
  if (p.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw StatsError(detail::cat(name, " has ", p.size(), " values, but at most ",
                                 std::numeric_limits<std::uint32_t>::max(), " are supported"));
  }
}

// Throws for an empty family or a value outside [0, 1] (NaN included), naming the index.
void require_p_values(std::span<const double> p, std::string_view name) {
  require_family_size(p, name);
  for (std::size_t i = 0; i < p.size(); ++i) {
    // Written so that NaN fails too.
    if (!(p[i] >= 0.0 && p[i] <= 1.0)) {
      throw StatsError(
          detail::cat(name, "[", i, "] is ", p[i],
                      ", but every p-value must be in [0, 1]; check how it was computed"));
    }
  }
}

// --- Sorting a family --------------------------------------------------------------------------
//
// Every step-up/step-down correction needs the family in ascending order with each value's input
// index, an argsort. For large families that sort is the whole cost (statsmodels spends most of
// its time in numpy's argsort), so it is done here with a cache-conscious two-level bucket sort,
// on several threads for large families. The result does not depend on the thread count: every
// step is deterministic and ties keep input order (like R's order()).

constexpr std::uint64_t kMantissa = (std::uint64_t{1} << 52) - 1;
// The bits of 1.0: every p-value's order_bits are at most this; NaN and negatives exceed it.
constexpr std::uint64_t kOneBits = 0x3FF0000000000000;

// Blocks of several MB get transparent huge pages requested (Linux, MADV_HUGEPAGE): the bucket
// scatter writes to about a thousand places at once, and with 4 KB pages every one of those writes
// was a TLB miss (with the first touch of every page a fault, ~40% of the time for 1e6 p-values).
constexpr std::size_t kHugePage = std::size_t{2} << 20;

void advise_huge_pages([[maybe_unused]] void* begin, [[maybe_unused]] std::size_t bytes) {
#ifdef __linux__
  const auto first = (reinterpret_cast<std::uintptr_t>(begin) + kHugePage - 1) & ~(kHugePage - 1);
  const auto last = (reinterpret_cast<std::uintptr_t>(begin) + bytes) & ~(kHugePage - 1);
  // Advice only: a kernel without transparent huge pages declines, which changes nothing else.
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#endif
}

// Uninitialised storage for `size` values of a trivially copyable T, with huge pages requested
// for large blocks. When released, the block is kept for the calling thread's next ScratchArray
// (two blocks per thread, the largest released, each up to kKeptScratch bytes): freshly allocated,
// every page of it is a fault and a cleared page on first touch (~1.5 ms per 8 MB), and whether
// malloc hands back the same pages on the next call depends on its trimming heuristics (for 1e6
// p-values it did with 12-byte sort records and did not with 8-byte ones). Repeated calls on large
// families thus reuse their blocks; one call costs the same as with a plain allocation.
constexpr std::size_t kKeptScratch = std::size_t{16} << 20;

struct KeptBlock {
  std::unique_ptr<std::byte[]> data;
  std::size_t bytes = 0;
};

// The blocks kept by this thread: two, as a large family's sort holds two arrays at once.
std::array<KeptBlock, 2>& kept_blocks() {
  thread_local std::array<KeptBlock, 2> blocks;
  return blocks;
}

template <class T>
class ScratchArray {
  static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= alignof(std::max_align_t));

 public:
  ScratchArray() = default;
  explicit ScratchArray(std::size_t size) : bytes_(size * sizeof(T)) {
    // The smallest kept block that is large enough.
    KeptBlock* fit = nullptr;
    for (KeptBlock& kept : kept_blocks()) {
      if (kept.data != nullptr && kept.bytes >= bytes_ &&
          (fit == nullptr || kept.bytes < fit->bytes))
        fit = &kept;
    }
    if (fit != nullptr) {
      block_ = std::move(fit->data);
      bytes_ = fit->bytes;
      fit->bytes = 0;
    } else {
      block_ = std::make_unique_for_overwrite<std::byte[]>(bytes_);
      if (bytes_ >= 2 * kHugePage) advise_huge_pages(block_.get(), bytes_);
    }
  }
  ScratchArray(ScratchArray&&) noexcept = default;
  ScratchArray& operator=(ScratchArray&& other) noexcept {
    release();
    block_ = std::move(other.block_);
    bytes_ = other.bytes_;
    return *this;
  }
  ScratchArray(const ScratchArray&) = delete;
  ScratchArray& operator=(const ScratchArray&) = delete;
  ~ScratchArray() { release(); }

  T* get() const { return reinterpret_cast<T*>(block_.get()); }
  T& operator[](std::size_t i) const { return get()[i]; }

 private:
  // Keeps the block for the next ScratchArray in place of the smaller kept one when it is larger
  // and within kKeptScratch, else frees it.
  void release() {
    if (block_ == nullptr) return;
    std::array<KeptBlock, 2>& kept = kept_blocks();
    KeptBlock& smallest = kept[0].bytes <= kept[1].bytes ? kept[0] : kept[1];
    if (bytes_ <= kKeptScratch && bytes_ > smallest.bytes) {
      smallest.data = std::move(block_);
      smallest.bytes = bytes_;
    }
    block_.reset();
  }

  std::unique_ptr<std::byte[]> block_;
  std::size_t bytes_ = 0;
};

// One p-value in the sort: its IEEE-754 bits and its input index, 12 bytes (packed: the sort is
// bound by memory traffic, and 16-byte records measured ~25% slower).
#pragma pack(push, 1)
struct SortRecord {
  std::uint64_t bits;
  std::uint32_t index;
};
#pragma pack(pop)

// The value of a record. SortRecord is packed, so its bits are read into a local first:
// std::bit_cast takes a reference, and binding one to a misaligned member is undefined (UBSan).
double value_of(const SortRecord& record) {
  const std::uint64_t bits = record.bits;
  return std::bit_cast<double>(bits);
}

// For p in [0, 1] the bit pattern, read as an unsigned integer, orders like the value (+0.0
// first; -0.0 is mapped to +0.0 by adding 0.0).
std::uint64_t order_bits(double v) { return std::bit_cast<std::uint64_t>(v + 0.0); }

// Runs body(t) for t = 0..threads-1, each once, on up to `threads` threads (detail::run_tasks:
// body(t) may run after body(t') on the same thread, so no body waits for work that a body not yet
// started would do); exceptions are rethrown after all have finished.
template <class Body>
void run_on_threads(unsigned threads, const Body& body) {
  detail::parallel_for(threads, threads, 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t t = begin; t < end; ++t) body(static_cast<unsigned>(t));
  });
}

// The threads used for a family of n values. Automatic (requested = 0): one per 2^18 values, at
// most the hardware's and 8 (handing a pass to the pool's threads costs a wake-up, which a small
// family is not worth).
unsigned sort_threads(std::size_t n, unsigned requested) {
  if (requested != 0) {
    // Asked for: honoured down to 4096 values per thread.
    return static_cast<unsigned>(std::clamp<std::size_t>(n >> 12, 1, std::min(requested, 8u)));
  }
  const unsigned hw = std::min(8u, std::max(1u, std::thread::hardware_concurrency()));
  return static_cast<unsigned>(std::clamp<std::size_t>(n >> 18, 1, hw));
}

// The top-level bucket of a value: monotone in its bits (a larger value never gets a smaller
// bucket), adapted to the family: each binary exponent gets a power-of-two number of buckets in
// proportion to its share of a sample of the family, split by the leading mantissa bits. For
// uniform p-values every bucket then holds about the same number of values; for families with
// many tiny p-values the small exponents get the buckets. The table only decides speed, never
// the order: values sharing a bucket are ordered by the second level.
class BucketKey {
 public:
  BucketKey(std::span<const double> p, std::size_t target_buckets) {
    std::array<std::uint32_t, 1024> sampled{};
    const std::size_t stride = std::max<std::size_t>(1, p.size() / 16384);
    std::size_t samples = 0;
    for (std::size_t i = 0; i < p.size(); i += stride) {
      const std::uint64_t bits = order_bits(p[i]);
      if (bits > kOneBits) continue;  // not a p-value: reported by the sort's counting pass
      ++sampled[bits >> 52];          // p in [0, 1]: exponent field <= 1023
      ++samples;
    }
    samples = std::max<std::size_t>(samples, 1);
    std::uint64_t total = 0;
    for (std::size_t e = 0; e < 1024; ++e) {
      const std::uint64_t want = (sampled[e] * target_buckets + samples - 1) / samples;
      const int bits = want <= 1 ? 0 : std::min(40, static_cast<int>(std::bit_width(want - 1)));
      base_[e] = static_cast<std::uint32_t>(total);
      // No sample: the exponent shares the first bucket of the next one (shift 52: one key).
      shift_[e] = static_cast<std::uint8_t>(52 - bits);
      if (sampled[e] != 0) total += std::uint64_t{1} << bits;
    }
    // Exponents above the last sampled one map to `total`: one more bucket.
    buckets_ = static_cast<std::uint32_t>(total + 1);
  }
  std::uint32_t buckets() const { return buckets_; }
  std::uint32_t operator()(std::uint64_t bits) const {
    const auto e = static_cast<std::size_t>(bits >> 52);
    return base_[e] + static_cast<std::uint32_t>((bits & kMantissa) >> shift_[e]);
  }
  // lowest[b]: the smallest bits that fall in bucket b, for b = 0..buckets(); lowest[b + 1] - 1
  // is then the largest (a bucket no bits fall in gets its successor's lowest, an empty range).
  // Bucket b's values lie in [lowest[b], lowest[b + 1]) without looking at them.
  std::vector<std::uint64_t> lowest() const {
    std::vector<std::uint64_t> low(std::size_t{buckets_} + 1, kOneBits + 1);
    // Downwards, so that a bucket shared by several exponents keeps the smallest one's start.
    for (std::size_t e = 1024; e-- > 0;) {
      const std::uint64_t first = static_cast<std::uint64_t>(e) << 52;
      const std::size_t keys = std::size_t{1} << (52 - shift_[e]);
      for (std::size_t j = 0; j < keys && base_[e] + j < buckets_; ++j) {
        low[base_[e] + j] = first | (static_cast<std::uint64_t>(j) << shift_[e]);
      }
    }
    for (std::size_t b = buckets_; b-- > 0;) low[b] = std::min(low[b], low[b + 1]);
    return low;
  }

 private:
  std::array<std::uint32_t, 1024> base_{};
  std::array<std::uint8_t, 1024> shift_{};
  std::uint32_t buckets_ = 1;
};

// Insertion sort of [first, last) by bits, stable (equal bits keep their order).
void insertion_sort_by_bits(SortRecord* first, SortRecord* last) {
  for (SortRecord* i = first + 1; i < last; ++i) {
    const SortRecord rec = *i;
    SortRecord* j = i;
    while (j > first && (j - 1)->bits > rec.bits) {
      *j = *(j - 1);
      --j;
    }
    *j = rec;
  }
}

// Sorts the records of (bits, index) in place, unstably, which gives the stable order by bits
// when indices ascend within equal bits as they do in a bucket. Allocates nothing.
void sort_by_bits_then_index(SortRecord* first, SortRecord* last) {
  std::sort(first, last, [](const SortRecord& x, const SortRecord& y) {
    return x.bits != y.bits ? x.bits < y.bits : x.index < y.index;
  });
}

// counts[k] = counts[0] + ... + counts[k - 1], for k < size. With SSE2 (every x86-64), four at a
// time: the scalar loop is one long dependency chain, ~25% of a bucket's sort.
void exclusive_prefix_sum(std::uint32_t* counts, std::size_t size) {
  std::size_t k = 0;
  std::uint32_t sum = 0;
#ifdef __SSE2__
  __m128i carry = _mm_setzero_si128();  // the sum so far, in every lane
  for (; k + 4 <= size; k += 4) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(counts + k));
    __m128i inclusive = _mm_add_epi32(x, _mm_slli_si128(x, 4));
    inclusive = _mm_add_epi32(inclusive, _mm_slli_si128(inclusive, 8));
    inclusive = _mm_add_epi32(inclusive, carry);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(counts + k), _mm_sub_epi32(inclusive, x));
    carry = _mm_shuffle_epi32(inclusive, 0xFF);
  }
  sum = static_cast<std::uint32_t>(_mm_cvtsi128_si32(carry));
#endif
  for (; k < size; ++k) {
    const std::uint32_t c = counts[k];
    counts[k] = sum;
    sum += c;
  }
}

// Sorts one top-level bucket: the records src[0..size) (in input order), whose bits lie in
// [lo, hi], go to dst[0..size), ascending and stable. A counting sort on a key spreading [lo, hi]
// over 2-4 times `size` slots (the bucket is small enough to stay in cache), then values that
// shared a slot are put in order. `counts` needs room for slot_capacity(size) slots; nothing is
// allocated.
//
// [lo, hi] is the bucket's range from BucketKey::lowest (no pass over the values to find it).
// Values clustered in a small part of it would share few slots and make the insertion pass
// quadratic: past a budget of moves the sort starts again on the values' own range, and past the
// budget on that one the bucket is finished by a comparison sort on (bits, index), the same order.
//
// The source is either records (their indices are kept) or bare bits, whose records get the
// position in the source as index.
inline std::uint64_t bits_at(const SortRecord* src, std::size_t i) { return src[i].bits; }
inline SortRecord record_at(const SortRecord* src, std::size_t i) { return src[i]; }
inline std::uint64_t bits_at(const std::uint64_t* src, std::size_t i) { return src[i]; }
inline SortRecord record_at(const std::uint64_t* src, std::size_t i) {
  return SortRecord{src[i], static_cast<std::uint32_t>(i)};
}

template <class Source>
void sort_bucket(const Source* src, SortRecord* dst, std::size_t size, std::uint32_t* counts,
                 std::uint64_t lo, std::uint64_t hi) {
  auto copy_all = [&] {
    for (std::size_t i = 0; i < size; ++i) dst[i] = record_at(src, i);
  };
  if (size <= 32) {
    copy_all();
    if (size > 1) insertion_sort_by_bits(dst, dst + size);
    return;
  }
  for (bool own_range = false;; own_range = true) {
    if (own_range) {
      lo = bits_at(src, 0);
      hi = lo;
      for (std::size_t i = 1; i < size; ++i) {
        lo = std::min(lo, bits_at(src, i));
        hi = std::max(hi, bits_at(src, i));
      }
    }
    if (lo == hi) {  // all tied: input order is the order
      copy_all();
      return;
    }
    const int digits = std::min(16, static_cast<int>(std::bit_width(size)) + 1);
    const int shift = std::max(0, static_cast<int>(std::bit_width(hi - lo)) - digits);
    const std::size_t slots = ((hi - lo) >> shift) + 1;
    std::fill(counts, counts + slots, 0);
    for (std::size_t i = 0; i < size; ++i) ++counts[(bits_at(src, i) - lo) >> shift];
    exclusive_prefix_sum(counts, slots);
    for (std::size_t i = 0; i < size; ++i) {
      dst[counts[(bits_at(src, i) - lo) >> shift]++] = record_at(src, i);
    }
    if (shift == 0) return;  // the slot is the value: equal slots are ties, in input order
    // Values sharing a slot may be out of order: one insertion pass, which moves few records (the
    // slots are about as fine as the values are dense). Strict comparison keeps ties in order.
    std::size_t moves = 0;
    const std::size_t budget = 8 * size;
    bool finished = true;
    for (std::size_t i = 1; i < size; ++i) {
      if (dst[i - 1].bits <= dst[i].bits) continue;
      const SortRecord rec = dst[i];
      std::size_t j = i;
      while (j > 0 && dst[j - 1].bits > rec.bits) {
        dst[j] = dst[j - 1];
        --j;
      }
      dst[j] = rec;
      moves += i - j;
      if (moves > budget) {
        finished = false;
        break;
      }
    }
    if (finished) return;
    if (own_range) {
      sort_by_bits_then_index(dst, dst + size);
      return;
    }
  }
}

// Room for sort_bucket's counts on buckets of at most `largest` records: it uses at most
// 2^digits <= min(2^16, 4 size) slots.
std::size_t slot_capacity(std::size_t largest) {
  return std::min<std::size_t>(std::size_t{1} << 16, 4 * largest) + 1;
}

// A family split into top-level buckets (the first level of a two-level bucket sort, an MSD radix
// sort on an adaptive key, Knuth TAOCP vol. 3, 5.2.5): records[start[b] .. start[b + 1]) hold
// the values of bucket b in input order, and every value of bucket b is below every value of
// bucket b + 1. (1) BucketKey, from a sample, maps values to fine buckets; (2) each thread counts
// the fine buckets of its slice of the input and checks the values; (3) the caller may mark fine
// buckets as skipped (step_adjust: their values' results are known without sorting them); (4)
// each thread scatters its slice's values of the other fine buckets, stably, into the buckets,
// which are runs of 2^shift consecutive fine buckets (thread t's records of a bucket follow those
// of threads < t). The second level (sort_bucket) sorts each bucket (~1000 values) in cache.
//
// Record is SortRecord (bits and input index) or std::uint64_t (bits only: step_adjust finds
// each value's place again from its bucket and its slice of the input).
template <class Record>
struct Buckets {
  explicit Buckets(const BucketKey& bucket_key) : key(bucket_key) {}
  BucketKey key;                          // the fine buckets
  unsigned shift = 0;                     // bucket b = fine buckets b << shift ...
  ScratchArray<Record> records;           // the values of the fine buckets not skipped
  ScratchArray<std::uint16_t> keys;       // keys[i]: the fine bucket of input value i
  std::vector<std::uint32_t> fine_start;  // fine buckets + 1: rank of each one's first value
  std::vector<std::uint8_t> skipped;      // per fine bucket, or empty when none is
  std::vector<std::uint32_t> start;       // buckets + 1 entries, places in `records`
  std::vector<std::uint64_t> lowest;      // BucketKey::lowest, per fine bucket
  std::size_t largest = 0;                // records in the largest bucket
  // slice_end[t][b]: one past the last record of bucket b from slice t (thread t's part of the
  // input, slice_of(n, t, slices)); slice t's records of bucket b start at
  // slice_end[t - 1][b] (start[b] for t = 0).
  std::vector<std::vector<std::uint32_t>> slice_end;
  std::size_t count() const { return start.size() - 1; }
  std::size_t fine_count() const { return fine_start.size() - 1; }
  unsigned slices() const { return static_cast<unsigned>(slice_end.size()); }
  // The fine buckets of bucket b: [first_fine(b), end_fine(b)).
  std::size_t first_fine(std::size_t b) const { return b << shift; }
  std::size_t end_fine(std::size_t b) const { return std::min((b + 1) << shift, fine_count()); }
  // Bucket b's values lie in [low(b), high(b)], without looking at them.
  std::uint64_t low(std::size_t b) const { return lowest[first_fine(b)]; }
  std::uint64_t high(std::size_t b) const { return lowest[end_fine(b)] - 1; }
};

// The slice of n values that thread t of `slices` handles (split_into_buckets, the reject bits):
// about n / slices values, starting at a multiple of 64 (so that slices own whole words of a bit
// vector).
std::pair<std::size_t, std::size_t> slice_of(std::size_t n, unsigned t, unsigned slices) {
  auto boundary = [&](unsigned k) { return k == slices ? n : (n * k / slices) & ~std::size_t{63}; };
  return {boundary(t), boundary(t + 1)};
}

// The most buckets split_into_buckets asks BucketKey for. BucketKey rounds each exponent's share
// up to a power of two (less than twice the share plus one) and adds one: fewer than 2 (target +
// 1024) + 1 buckets, so a bucket number fits the 16 bits of Buckets::keys.
constexpr std::size_t kMostTargetBuckets = 16384;
static_assert(2 * (kMostTargetBuckets + 1024) + 1 <= std::size_t{1} << 16);

// The buckets (second level) get ~1024 values each, up to `most` buckets.
std::size_t bucket_target(std::size_t n, std::size_t most) {
  return std::clamp<std::size_t>(n / 1024, 64, std::max<std::size_t>(64, most));
}

// Returns std::nullopt when a value is outside [0, 1] or NaN (the caller reports it). With
// `fine_buckets`, the fine buckets get ~32 values each (at most kMostTargetBuckets are asked for)
// and choose_skipped(fine_start, lowest, skipped) may fill `skipped` (one flag per fine bucket,
// given each one's first rank and lowest bits; left empty, every value is kept); without, the fine
// buckets are the buckets and choose_skipped is not called. There are at most about
// `most_buckets` buckets (and never more than kMostTargetBuckets are asked for).
template <class Record, class ChooseSkipped>
std::optional<Buckets<Record>> split_into_buckets(std::span<const double> p, unsigned threads,
                                                  bool fine_buckets, std::size_t most_buckets,
                                                  const ChooseSkipped& choose_skipped) {
  const std::size_t n = p.size();
  const std::size_t target = bucket_target(n, std::min(most_buckets, kMostTargetBuckets));
  Buckets<Record> out(BucketKey(
      p, fine_buckets ? std::clamp<std::size_t>(n / 32, target, kMostTargetBuckets) : target));
  const BucketKey& key = out.key;
  const std::size_t fine = key.buckets();
  // Whole powers of two of fine buckets per bucket, at most about `target` buckets (BucketKey's
  // rounding may give up to twice as many fine buckets as asked for; see most_step_buckets).
  while (fine_buckets && (fine >> out.shift) > target + target / 8) ++out.shift;
  const std::size_t buckets = ((fine - 1) >> out.shift) + 1;
  // counts[t][f]: values of fine bucket f in thread t's slice.
  std::vector<std::vector<std::uint32_t>> counts(threads, std::vector<std::uint32_t>(fine, 0));
  std::vector<char> invalid(threads, 0);
  out.keys = ScratchArray<std::uint16_t>(n);
  run_on_threads(threads, [&](unsigned t) {
    const auto [begin, end] = slice_of(n, t, threads);
    std::uint32_t* count = counts[t].data();
    std::uint16_t* keys = out.keys.get();
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint64_t bits = order_bits(p[i]);
      if (bits > kOneBits) [[unlikely]] {
        invalid[t] = 1;
        return;
      }
      const std::uint32_t f = key(bits);
      keys[i] = static_cast<std::uint16_t>(f);
      ++count[f];
    }
  });
  if (std::find(invalid.begin(), invalid.end(), 1) != invalid.end()) return std::nullopt;
  out.lowest = key.lowest();
  out.fine_start.assign(fine + 1, 0);
  std::uint32_t rank = 0;
  for (std::size_t f = 0; f < fine; ++f) {
    out.fine_start[f] = rank;
    for (unsigned t = 0; t < threads; ++t) rank += counts[t][f];
  }
  out.fine_start[fine] = rank;
  if (fine_buckets) choose_skipped(out.fine_start, out.lowest, out.skipped);
  const bool skipping = !out.skipped.empty();
  // places[t][b]: where thread t writes its next record of bucket b.
  std::vector<std::vector<std::uint32_t>> places(threads, std::vector<std::uint32_t>(buckets));
  out.start.assign(buckets + 1, 0);
  std::uint32_t sum = 0;
  for (std::size_t b = 0; b < buckets; ++b) {
    out.start[b] = sum;
    for (unsigned t = 0; t < threads; ++t) {
      places[t][b] = sum;
      for (std::size_t f = out.first_fine(b); f < out.end_fine(b); ++f) {
        if (!skipping || out.skipped[f] == 0) sum += counts[t][f];
      }
    }
    out.largest = std::max<std::size_t>(out.largest, sum - out.start[b]);
  }
  out.start[buckets] = sum;
  out.records = ScratchArray<Record>(sum);
  run_on_threads(threads, [&](unsigned t) {
    const auto [begin, end] = slice_of(n, t, threads);
    std::uint32_t* next = places[t].data();
    Record* rec = out.records.get();
    const std::uint16_t* keys = out.keys.get();
    const unsigned shift = out.shift;
    auto record = [&](std::size_t i) {
      const std::uint64_t bits = order_bits(p[i]);
      if constexpr (std::is_same_v<Record, SortRecord>) {
        return SortRecord{bits, static_cast<std::uint32_t>(i)};
      } else {
        return bits;
      }
    };
    if (!skipping) {
      for (std::size_t i = begin; i < end; ++i) rec[next[keys[i] >> shift]++] = record(i);
      return;
    }
    // Which values are skipped follows no pattern (a branch per value mispredicts): 64 values at
    // a time, a mask of the kept ones, then only those are read and written.
    const std::uint8_t* skipped = out.skipped.data();
    for (std::size_t base = begin; base < end; base += 64) {
      const std::size_t size = std::min<std::size_t>(64, end - base);
      std::uint64_t kept = 0;
      for (std::size_t j = 0; j < size; ++j) {
        kept |= static_cast<std::uint64_t>(skipped[keys[base + j]] ^ 1u) << j;
      }
      for (; kept != 0; kept &= kept - 1) {
        const std::size_t i = base + static_cast<std::size_t>(std::countr_zero(kept));
        rec[next[keys[i] >> shift]++] = record(i);
      }
    }
  });
  // After the scatter, places[t][b] is one past slice t's last record of bucket b.
  out.slice_end = std::move(places);
  return out;
}

// Families below this size are sorted by std::stable_sort on one thread.
constexpr std::size_t kSmallFamily = 512;

// A family sorted ascending, stably (ties keep input order, like R's order()): record r holds the
// r-th smallest value's bits and its input index.
class SortedFamily {
 public:
  explicit SortedFamily(ScratchArray<SortRecord> records) : records_(std::move(records)) {}
  double value(std::size_t r) const { return value_of(records_[r]); }
  std::uint32_t index(std::size_t r) const { return records_[r].index; }
  SortRecord* records() { return records_.get(); }

 private:
  ScratchArray<SortRecord> records_;
};

// Sorts p (values in [0, 1]) ascending, stably, on `threads` threads (the result does not depend
// on it): a comparison sort for small families, else split_into_buckets and the threads sort
// disjoint runs of buckets in place. Returns std::nullopt when a value is outside [0, 1] or NaN.
std::optional<SortedFamily> sort_ascending(std::span<const double> p, unsigned threads) {
  const std::size_t n = p.size();
  if (n < kSmallFamily) {
    ScratchArray<SortRecord> sorted(n);
    for (std::size_t i = 0; i < n; ++i) {
      sorted[i] = SortRecord{order_bits(p[i]), static_cast<std::uint32_t>(i)};
      if (sorted[i].bits > kOneBits) return std::nullopt;
    }
    std::stable_sort(sorted.get(), sorted.get() + n,
                     [](const SortRecord& a, const SortRecord& b) { return a.bits < b.bits; });
    return SortedFamily(std::move(sorted));
  }
  threads = std::max(1u, threads);
  std::optional<Buckets<SortRecord>> buckets =
      split_into_buckets<SortRecord>(p, threads, false, kMostTargetBuckets, [](const auto&...) {});
  if (!buckets) return std::nullopt;
  const std::vector<std::uint32_t>& start = buckets->start;
  const std::size_t count = buckets->count();
  // Runs of whole buckets of about n / threads records each.
  std::vector<std::size_t> first_bucket(threads + 1, count);
  for (unsigned t = 0, b = 0; t < threads; ++t) {
    while (b < count && start[b] < n * t / threads) ++b;
    first_bucket[t] = b;
  }
  run_on_threads(threads, [&](unsigned t) {
    // Each bucket is copied to a small buffer (it stays in cache) and sorted back into place.
    const auto slot_counts =
        std::make_unique_for_overwrite<std::uint32_t[]>(slot_capacity(buckets->largest));
    std::vector<SortRecord> bucket;
    for (std::size_t b = first_bucket[t]; b < first_bucket[t + 1]; ++b) {
      SortRecord* place = buckets->records.get() + start[b];
      const std::size_t size = start[b + 1] - start[b];
      if (size > 1) {
        bucket.assign(place, place + size);
        sort_bucket(bucket.data(), place, size, slot_counts.get(), buckets->low(b),
                    buckets->high(b));
      }
    }
  });
  return SortedFamily(std::move(buckets->records));
}

// The term of BH and BY: c / (r + 1) * v for rank r (0-based) and value v, c = q m (R's
// q * n / i * p with i = r + 1). As computed it is non-decreasing in v and non-increasing in r
// (IEEE division and multiplication round monotonically), which lets step_adjust skip buckets.
struct ScaledByRank {
  static constexpr bool kMonotone = true;
  double c;
  double operator()(std::size_t r, double v) const { return c / static_cast<double>(r + 1) * v; }
};

// The term of Holm and Hochberg: (m - r) v (R's (n + 1 - i) * p); monotone like ScaledByRank.
struct ComplementRankTimes {
  static constexpr bool kMonotone = true;
  std::size_t m;
  double operator()(std::size_t r, double v) const { return static_cast<double>(m - r) * v; }
};

// The term of Holm-Sidak: 1 - (1 - v)^(m - r), as -expm1((m - r) log1p(-v)) (statsmodels). It is
// monotone in exact arithmetic, but libm's expm1 and log1p are not guaranteed to round
// monotonically, so it does not declare kMonotone.
struct SidakComplementRank {
  std::size_t m;
  double operator()(std::size_t r, double v) const {
    return -std::expm1(static_cast<double>(m - r) * std::log1p(-v));
  }
};

// Whether a term declares itself monotone (non-decreasing in the value, non-increasing in the
// rank, as computed).
template <class Term>
constexpr bool monotone_term() {
  if constexpr (requires { Term::kMonotone; }) {
    return Term::kMonotone;
  } else {
    return false;
  }
}

// The words of a vector<bool> to write whole, element i = bit i % 64 of word i / 64, where the
// standard library is libstdc++ on LP64 (its layout); nullptr elsewhere (written per element).
std::uint64_t* reject_words([[maybe_unused]] std::vector<bool>& bits) {
#if defined(__GLIBCXX__)
  if constexpr (sizeof(std::_Bit_type) == sizeof(std::uint64_t)) {
    return reinterpret_cast<std::uint64_t*>(bits.begin()._M_p);
  }
#endif
  return nullptr;
}

// Sets words[w] for the words of [begin, end) (begin a multiple of 64; end a multiple of 64 or the
// family's size) to the bits adjusted(i) <= alpha, bit i % 64 of word i / 64. Whole words: the
// vector<bool> proxy's read-modify-write of the same word for every element is a store-to-load
// chain (~1.7 ms for 1e6 values against ~0.2 ms).
template <class Adjusted>
void write_reject_words(std::uint64_t* words, std::size_t begin, std::size_t end, double alpha,
                        const Adjusted& adjusted) {
  for (std::size_t w = begin / 64; w * 64 < end; ++w) {
    const std::size_t last = std::min(end, w * 64 + 64);
    std::uint64_t bits = 0;
    for (std::size_t i = w * 64; i < last; ++i) {
      bits |= static_cast<std::uint64_t>(adjusted(i) <= alpha) << (i - w * 64);
    }
    words[w] = bits;
  }
}

// Where step_adjust may also write reject[i] = adj[i] <= alpha: `words` holds bit i % 64 of word
// i / 64 (libstdc++'s vector<bool> layout, see reject_words); `written` tells whether it did.
struct RejectBits {
  std::uint64_t* words = nullptr;
  double alpha = 0.0;
  bool written = false;
};

// The most buckets step_adjust splits a family of n values into. Its last pass reads one run per
// bucket in step, and with more runs than the first-level cache holds lines it slows down (1e6
// values, one thread, nothing skipped: 1037 buckets 11 ms, 1421: 17 ms, 2841: 19 ms); a bucket
// of more than ~32K values no longer fits the second-level cache with its sort's slot counts
// (1e7 values in 256 buckets: 4.5x slower than in 512 or 1024). So 1024 buckets, more only when
// they would exceed 32K values (two threads, 5% signals: 1e7 values 110-120 -> 81-85 ms against
// the former n/1024 buckets; 3e7 346 -> 225 ms; 6e7 in 1831 buckets 500 ms, 1024: 2 s, 4096:
// 0.62 s).
std::size_t most_step_buckets(std::size_t n) { return std::max<std::size_t>(1024, n / 32768); }

// A step-up or step-down adjustment: adj[index of rank r] = min(1, extreme of term(s, value of
// rank s) over s <= r (step-down, kAscending: Holm, Holm-Sidak; a running maximum) or s >= r
// (step-up: Hochberg, BH, BY; a running minimum)), ranks 0-based. Returns false, writing nothing
// useful, when a value is outside [0, 1] or NaN (the caller reports it). For large families it
// also fills `reject` when that has words (the pass that writes adj in input order has each
// value at hand).
//
// Large families are not sorted as a whole: after split_into_buckets, the threads take buckets
// from a shared counter and, for each one, in cache: sort it into a buffer (sort_bucket), replace
// each value by its term and then by the running extreme of the terms within the bucket (in scan
// order: ascending ranks for step-down, descending for step-up), write those back into the
// values' places in the bucket and note the bucket's extreme. No thread waits for another: the
// carry of each bucket (the extreme of the buckets before it in scan order) is found from the
// noted extremes afterwards, and the last pass, in input order, combines each value's running
// extreme with its bucket's carry into adj. Every bucket is read from memory once. min and max
// are exact, so the result is bit for bit the same for any thread count (and equal to a plain
// sort-then-scan: corrections_test).
//
// Skipped buckets. With a monotone term (monotone_term) the values of a fine bucket (~32 values;
// a bucket is 2^shift of them) are not sorted at all when their terms cannot change the result:
// from the counts alone, the bucket's ranks are [first, last] and its values lie in [lo, hi], so
// for step-up every term in it is >= term(last, lo), and the running minimum reaching it from
// above is <= `sure`, the smallest term(last', hi') of the fine buckets above (each at least one
// of their terms). If term(last, lo) >= min(1, sure), every value of the bucket gets min(1, the
// running minimum reaching the bucket) and, as none of its terms is below that, leaving them out
// changes no other value's running minimum either. Step-down mirrors it (terms <= term(first, hi),
// the running maximum >= term(first', lo') of the buckets below; or already >= 1). For null
// families (uniform p-values, where BH's terms hover about 1 and Hochberg's exceed 1) most fine
// buckets are skipped (1e6 uniform: 79-87% of the values for BH); where terms climb with the rank
// (a family with a few percent of signals) hardly any are: skipping is used only when at least half
// the family goes, and otherwise the finer counting pass is the only extra cost (measured: none
// visible). docs/stats/corrections.md has the measurements.
template <bool kAscending, class Term>
bool step_adjust(std::span<const double> p, unsigned threads, const Term& term,
                 std::vector<double>& adj, RejectBits& reject) {
  const std::size_t n = p.size();
  constexpr double identity = kAscending ? 0.0 : kInf;
  auto fold = [](double a, double b) { return kAscending ? std::max(a, b) : std::min(a, b); };
  // Replaces the values of sorted records rec[0..size), ranks first_rank.., by the running extreme
  // of their terms in scan order, starting from `run`; returns the extreme of all of them and run.
  auto running_terms = [&](SortRecord* rec, std::size_t first_rank, std::size_t size, double run) {
    auto step = [&](std::size_t i) {
      run = fold(run, term(first_rank + i, value_of(rec[i])));
      rec[i].bits = std::bit_cast<std::uint64_t>(run);
    };
    if constexpr (kAscending) {
      for (std::size_t i = 0; i < size; ++i) step(i);
    } else {
      std::size_t i = size;
#ifdef __SSE2__
      if constexpr (std::is_same_v<Term, ScaledByRank>) {
        // Two ranks per division instruction (the loop is bound by the divider's throughput:
        // ~1.3 ns per value against ~0.8); each lane is the same IEEE operations as term().
        const __m128d c = _mm_set1_pd(term.c);
        for (; i >= 2; i -= 2) {
          // Lane 0: record i - 2, rank first_rank + i - 2 (divisor first_rank + i - 1); lane 1:
          // record i - 1.
          const __m128d divisor = _mm_set_pd(static_cast<double>(first_rank + i),
                                             static_cast<double>(first_rank + i - 1));
          const __m128d value = _mm_set_pd(value_of(rec[i - 1]), value_of(rec[i - 2]));
          const __m128d terms = _mm_mul_pd(_mm_div_pd(c, divisor), value);
          run = fold(run, _mm_cvtsd_f64(_mm_unpackhi_pd(terms, terms)));
          rec[i - 1].bits = std::bit_cast<std::uint64_t>(run);
          run = fold(run, _mm_cvtsd_f64(terms));
          rec[i - 2].bits = std::bit_cast<std::uint64_t>(run);
        }
      }
#endif
      while (i-- > 0) step(i);
    }
    return run;
  };
  if (n < kSmallFamily) {
    std::optional<SortedFamily> sorted = sort_ascending(p, 1);
    if (!sorted) return false;
    const SortRecord* rec = sorted->records();
    running_terms(sorted->records(), 0, n, identity);
    adj.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
      adj[rec[r].index] = std::min(1.0, fold(identity, value_of(rec[r])));
    }
    return true;
  }
  threads = std::max(1u, threads);
  // Marks the fine buckets to skip (see above), walking them in scan order.
  auto choose_skipped = [&](const std::vector<std::uint32_t>& fine_start,
                            const std::vector<std::uint64_t>& lowest,
                            std::vector<std::uint8_t>& skipped) {
    const std::size_t fine = fine_start.size() - 1;
    std::vector<std::uint8_t> flags(fine, 0);
    std::size_t skipped_values = 0;
    double sure = identity;
    for (std::size_t k = 0; k < fine; ++k) {
      const std::size_t f = kAscending ? k : fine - 1 - k;
      const std::size_t first = fine_start[f];
      const std::size_t end = fine_start[f + 1];
      if (first == end) continue;  // empty
      const std::size_t last = end - 1;
      const double lo = std::bit_cast<double>(lowest[f]);
      const double hi = std::bit_cast<double>(lowest[f + 1] - 1);
      bool skip = false;
      if constexpr (kAscending) {
        skip = sure >= 1.0 || term(first, hi) <= sure;
        sure = std::max(sure, term(first, lo));
      } else {
        skip = term(last, lo) >= std::min(1.0, sure);
        sure = std::min(sure, term(last, hi));
      }
      flags[f] = skip ? 1 : 0;
      skipped_values += skip ? end - first : 0;
    }
    // Below half the family, skipping costs more than it saves (the finer passes with fewer
    // values left out: 1e6 values with 34% skipped took 11.4 ms on one thread, against 10.8 ms
    // sorting all; 52% skipped 9.3 against 10.6).
    if (2 * skipped_values >= n) skipped = std::move(flags);
  };
  std::optional<Buckets<std::uint64_t>> split = split_into_buckets<std::uint64_t>(
      p, threads, monotone_term<Term>(), most_step_buckets(n), choose_skipped);
  if (!split) return false;
  Buckets<std::uint64_t>& buckets = *split;
  const std::size_t count = buckets.count();
  const bool skipping = !buckets.skipped.empty();
  // More threads than cores would only take turns: the buckets get at most one per core.
  threads = std::min(threads, std::max(1u, std::thread::hardware_concurrency()));
  // Everything the threads need is allocated here (the loop below allocates nothing). Buckets
  // larger than a buffer (heavily tied or clustered families) get a place of their own in
  // `large`, sorted there by sort_by_bits_then_index.
  const std::size_t buffer = std::min<std::size_t>(buckets.largest, std::size_t{1} << 16);
  std::vector<std::vector<SortRecord>> buffers(threads, std::vector<SortRecord>(buffer));
  std::vector<std::unique_ptr<std::uint32_t[]>> slot_counts;
  for (unsigned t = 0; t < threads; ++t) {
    slot_counts.push_back(std::make_unique_for_overwrite<std::uint32_t[]>(slot_capacity(buffer)));
  }
  std::vector<std::size_t> large_at;  // per bucket, its place in `large` (large buckets only)
  std::size_t large_size = 0;
  if (buckets.largest > buffer) {
    large_at.assign(count, 0);
    for (std::size_t b = 0; b < count; ++b) {
      const std::size_t size = buckets.start[b + 1] - buckets.start[b];
      if (size > buffer) {
        large_at[b] = large_size;
        large_size += size;
      }
    }
  }
  const auto large = std::make_unique_for_overwrite<SortRecord[]>(large_size);
  // extreme[b]: the extreme of bucket b's terms; then the carry for bucket b, the extreme of the
  // terms of every bucket before it in scan order.
  std::vector<double> extreme(count);
  // For a skipped fine bucket: the running extreme of its bucket's terms before it in scan order.
  std::vector<double> skipped_run(skipping ? buckets.fine_count() : 0);
  std::atomic<std::size_t> next_ticket{0};
  run_on_threads(threads, [&](unsigned t) {
    // Sizing adj (std::vector clears it: memory-bound) overlaps the other threads' sorting (bound
    // by the core) instead of running alone; nothing touches adj before the pass below.
    if (t == 0) adj.resize(n);
    for (;;) {
      const std::size_t k = next_ticket.fetch_add(1, std::memory_order_relaxed);
      if (k >= count) return;
      const std::size_t b = kAscending ? k : count - 1 - k;
      const std::size_t first = buckets.start[b];
      const std::size_t size = buckets.start[b + 1] - first;
      std::uint64_t* values = buckets.records.get() + first;
      if (k + threads < count) {
        // The bucket this thread probably takes next, on its way to the cache while this one is
        // sorted (the first pass over a bucket otherwise waits on memory: -10% sort time).
        const std::size_t next = kAscending ? k + threads : count - 1 - k - threads;
        const auto* from =
            reinterpret_cast<const char*>(buckets.records.get() + buckets.start[next]);
        const auto* to =
            reinterpret_cast<const char*>(buckets.records.get() + buckets.start[next + 1]);
        for (const char* line = from; line < to; line += 64) __builtin_prefetch(line);
      }
      // rec[r]: the bucket's r-th smallest value and its position in the bucket.
      SortRecord* rec = nullptr;
      if (size <= buffer) {
        rec = buffers[t].data();
        sort_bucket(values, rec, size, slot_counts[t].get(), buckets.low(b), buckets.high(b));
      } else {
        rec = large.get() + large_at[b];
        for (std::size_t i = 0; i < size; ++i) rec[i] = record_at(values, i);
        sort_by_bits_then_index(rec, rec + size);
      }
      // The sorted records are the bucket's fine buckets in turn, less the skipped ones; each
      // fine bucket's first rank counts every value below it.
      double run = identity;
      std::size_t done = 0;  // records taken, in scan order
      const std::size_t f0 = buckets.first_fine(b);
      const std::size_t f1 = buckets.end_fine(b);
      for (std::size_t j = 0; j < f1 - f0; ++j) {
        const std::size_t f = kAscending ? f0 + j : f1 - 1 - j;
        if (skipping && buckets.skipped[f] != 0) {
          skipped_run[f] = run;
          continue;
        }
        const std::size_t size_f = buckets.fine_start[f + 1] - buckets.fine_start[f];
        SortRecord* segment = kAscending ? rec + done : rec + (size - done - size_f);
        run = running_terms(segment, buckets.fine_start[f], size_f, run);
        done += size_f;
      }
      extreme[b] = run;
      // Each value's running extreme within the bucket goes back to the value's own place in the
      // bucket (in cache).
      for (std::size_t r = 0; r < size; ++r) values[rec[r].index] = rec[r].bits;
    }
  });
  // The carries, in scan order.
  double carry = identity;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t b = kAscending ? k : count - 1 - k;
    const double bucket_extreme = extreme[b];
    extreme[b] = carry;
    carry = fold(carry, bucket_extreme);
  }
  // known[f]: the result of every value of skipped fine bucket f (the running extreme reaching
  // it); NaN for the others.
  std::vector<double> known;
  if (skipping) {
    known.assign(buckets.fine_count(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t f = 0; f < known.size(); ++f) {
      if (buckets.skipped[f] != 0) {
        known[f] = std::min(1.0, fold(extreme[f >> buckets.shift], skipped_run[f]));
      }
    }
  }
  // adj in input order: slice t's values of bucket b went, in input order, to consecutive places
  // from slice_end[t - 1][b] (start[b] for t = 0), so walking the slice again with each value's
  // bucket (keys) finds each one's running extreme, which the bucket's carry completes. This reads
  // about a thousand runs in step and writes adj in order, where storing to adj[index] per record
  // was a cache miss for each (~20% of the time for 1e6 values).
  run_on_threads(buckets.slices(), [&](unsigned t) {
    const auto [begin, end] = slice_of(n, t, buckets.slices());
    const std::vector<std::uint32_t>& from = t == 0 ? buckets.start : buckets.slice_end[t - 1];
    std::vector<std::uint32_t> next(from.begin(),
                                    from.begin() + static_cast<std::ptrdiff_t>(count));
    const std::uint64_t* running = buckets.records.get();
    double* out = adj.data();
    const double* carry_of = extreme.data();
    const std::uint16_t* keys = buckets.keys.get();
    const unsigned shift = buckets.shift;
    auto kept_value = [&](std::size_t i) {
      const std::size_t b = keys[i] >> shift;
      const std::uint32_t at = next[b]++;
      const double value = std::min(1.0, fold(carry_of[b], std::bit_cast<double>(running[at])));
      out[i] = value;
      return value;
    };
    if (!skipping) {
      if (reject.words == nullptr) {
        for (std::size_t i = begin; i < end; ++i) kept_value(i);
      } else {
        // Slices start at multiples of 64: each writes whole words.
        write_reject_words(reject.words, begin, end, reject.alpha, kept_value);
      }
      return;
    }
    // With skipped fine buckets, 64 values at a time (which ones are skipped follows no pattern:
    // a branch per value mispredicts): every value gets its fine bucket's known result, NaN for
    // the kept ones, which then get theirs from their bucket, in input order. Slices start at
    // multiples of 64: each writes whole words of reject.
    const double* known_of = known.data();
    for (std::size_t base = begin; base < end; base += 64) {
      const std::size_t size = std::min<std::size_t>(64, end - base);
      std::uint64_t kept = 0;
      for (std::size_t j = 0; j < size; ++j) {
        const double result = known_of[keys[base + j]];
        out[base + j] = result;
        kept |= static_cast<std::uint64_t>(std::isnan(result)) << j;
      }
      for (; kept != 0; kept &= kept - 1) kept_value(base + std::countr_zero(kept));
      if (reject.words != nullptr) {
        write_reject_words(reject.words, base, base + size, reject.alpha,
                           [&](std::size_t i) { return out[i]; });
      }
    }
  });
  reject.written = reject.words != nullptr;
  return true;
}

// Lower convex hull of points (t, y), y >= 0, added in decreasing t; answers: which point
// minimises the slope y / (t - s) seen from (s, 0), for s left of every point. Used for the
// Simes-type minima min_t p_(t) / (t - s) of Hommel's procedure and the Simes partial
// conjunction test: the minimising point lies on the lower hull, where the slope from (s, 0) is
// unimodal, so a binary search finds it in O(log m) instead of R's O(m) scan per s.
class MinSlopeHull {
 public:
  explicit MinSlopeHull(std::size_t capacity) {
    t_.reserve(capacity);
    y_.reserve(capacity);
  }

  // Adds (t, y) with t smaller than every point added so far.
  void add(std::size_t t, double y) {
    const auto ta = static_cast<double>(t);
    // Left to right the hull reads a = (t, y), b = back, c = the one before: drop b unless it
    // lies strictly below the segment a-c (a counter-clockwise turn a -> b -> c).
    while (t_.size() >= 2) {
      const std::size_t b = t_.size() - 1;
      const std::size_t c = b - 1;
      const double cross = (static_cast<double>(t_[b]) - ta) * (y_[c] - y) -
                           (y_[b] - y) * (static_cast<double>(t_[c]) - ta);
      if (cross > 0.0) break;
      t_.pop_back();
      y_.pop_back();
    }
    t_.push_back(t);
    y_.push_back(y);
  }

  // The t of the point minimising y / (t - s), s < every t.
  std::size_t argmin(std::size_t s) const {
    // Hull vertices left to right are back(), ..., front(); index v counts from the left.
    const std::size_t h = t_.size();
    auto at = [&](std::size_t v) { return h - 1 - v; };
    // Smallest v whose right neighbour does not improve: y_{v+1} (t_v - s) >= y_v (t_{v+1} - s).
    std::size_t lo = 0;
    std::size_t hi = h - 1;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      const std::size_t a = at(mid);
      const std::size_t b = at(mid + 1);
      const double lhs = y_[b] * static_cast<double>(t_[a] - s);
      const double rhs = y_[a] * static_cast<double>(t_[b] - s);
      if (lhs >= rhs) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return t_[at(lo)];
  }

 private:
  std::vector<std::size_t> t_;
  std::vector<double> y_;
};

// Hommel's adjusted p-values (R p.adjust "hommel", Hommel 1988, Biometrika 75:383-386) on sorted
// p (1-based p_1 <= ... <= p_m), written to `out` in sorted order.
//
// R's loop (O(m^2)) sets, for every family size k = m..2, q_i = min(k p_i, c_k) for
// i <= m - k + 1 and q_i = S_k otherwise, and takes the maximum over k, then with p_i, where
//   c_k = min_{j=2..k} k p_{m-k+j} / j        (Simes over the top k - 1, ranks 2..k)
//   S_k = min(k p_{m-k+1}, c_k)                (Simes p-value of the k largest p-values).
// Rearranged per i (K = m - i + 1): adjusted_i = max(p_i, A_i, B_i) with
//   B_i = max_{k > K} S_k                       a suffix maximum, and
//   A_i = max_{2 <= k <= K} min(k p_i, c_k).
// g_k = c_k / k is non-increasing in k (each divisor grows with k), so the k with k p_i <= c_k
// form a prefix 1..k*(p_i): A_i = max(min(kk p_i, c_kk) with kk = min(K, k*), max_{k* < k <= K}
// c_k). Going from i = m down to 1, p_i falls and both k* and K only grow: a sliding-window
// maximum. c_k for all k comes from MinSlopeHull. Total O(m log m): m = 1e6 takes ~0.15 s,
// where R's loop takes 12 s for m = 2e4 (measured, R 4.2.2) and would take hours for 1e6. Every
// quantity is the same floating-point expression as in R, so results agree with R to rounding
// (tests: 1e-13 relative).
void hommel_sorted(const std::vector<double>& s, std::vector<double>& out) {
  const std::size_t m = s.size();
  auto p = [&](std::size_t i) { return s[i - 1]; };  // 1-based view
  out.resize(m);
  if (m == 1) {
    out[0] = s[0];
    return;
  }
  // c[k], k = 2..m (c[1] = +inf: the k = 1 term is p_i itself).
  std::vector<double> c(m + 1, kInf);
  MinSlopeHull hull(m);
  for (std::size_t k = 2; k <= m; ++k) {
    hull.add(m - k + 2, p(m - k + 2));
    const std::size_t shift = m - k;  // p_t has rank t - shift in the top-k family
    const std::size_t t = hull.argmin(shift);
    c[k] = static_cast<double>(k) * p(t) / static_cast<double>(t - shift);
  }
  // suffix_s[K] = max_{k = K+1..m} S_k (0 when empty: every value is >= 0).
  std::vector<double> suffix_s(m + 1, 0.0);
  for (std::size_t k = m; k >= 2; --k) {
    const double s_k = std::min(static_cast<double>(k) * p(m - k + 1), c[k]);
    suffix_s[k - 1] = std::max(suffix_s[k], s_k);
  }
  // S_1 = p_m belongs to no i's B (K >= 1 always includes k = 1), so suffix_s[0] is unused.

  // Sliding-window maximum of c over k in (k_star, K]: a deque of k, c decreasing, in a vector.
  std::vector<std::size_t> window(m);
  std::size_t head = 0;
  std::size_t tail = 0;
  std::size_t k_star = 1;
  for (std::size_t i = m; i >= 1; --i) {
    const std::size_t big_k = m - i + 1;
    const double pi = p(i);
    if (big_k >= 2) {
      while (tail > head && c[window[tail - 1]] <= c[big_k]) --tail;
      window[tail++] = big_k;
    }
    while (k_star < m && static_cast<double>(k_star + 1) * pi <= c[k_star + 1]) ++k_star;
    while (tail > head && window[head] <= k_star) ++head;
    const std::size_t kk = std::min(big_k, k_star);
    double value = kk == 1 ? pi : std::min(static_cast<double>(kk) * pi, c[kk]);
    if (tail > head) value = std::max(value, c[window[head]]);
    value = std::max(value, suffix_s[big_k]);
    out[i - 1] = std::max(value, pi);
  }
}

// Holm and Holm-Sidak without sorting the whole family. Their adjusted values are a running
// maximum over ranks, capped at 1, so once the term at some rank reaches 1 every later rank is 1.
// With a cutoff c, the k p-values below c are exactly ranks 0..k-1; if the term of rank k is
// >= 1 for any value >= c, the others are all 1 and only the k small ones need sorting. For
// typical families (most p-values null, roughly uniform) k is a handful, so the work is two
// streaming passes instead of a sort (1e6 uniform p-values: ~5 ms instead of ~20 ms). The result is
// identical to the full computation: IEEE multiplication is monotone, so (m - k) * p >= (m - k)
// * c >= 1; for Holm-Sidak the cutoff leaves a margin (exponent <= -40, where -expm1 rounds to
// exactly 1). Returns false, leaving `adj` untouched, when the shortcut does not apply (small
// families, or so many small p-values that a full sort is as cheap).
bool capped_step_down(std::span<const double> p, Correction method, std::vector<double>& adj) {
  const std::size_t n = p.size();
  if (n < 4096) return false;
  const auto m = static_cast<double>(n);
  const double cutoff = method == Correction::kHolm ? 2.0 / m : 64.0 / m;
  std::size_t k = 0;
  for (double v : p) k += v < cutoff ? 1 : 0;
  if (k > n / 4) return false;
  const auto rest = static_cast<double>(n - k);
  const bool capped =
      method == Correction::kHolm ? rest * cutoff >= 1.0 : rest * std::log1p(-cutoff) <= -40.0;
  if (!capped) return false;
  std::vector<double> small;
  std::vector<std::uint32_t> small_index;
  small.reserve(k);
  small_index.reserve(k);
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] < cutoff) {
      small.push_back(p[i]);
      small_index.push_back(static_cast<std::uint32_t>(i));
      adj[i] = 0.0;  // set below
    } else {
      adj[i] = 1.0;
    }
  }
  const SortedFamily sorted = *sort_ascending(small, 1);  // values checked by the caller
  double run = 0.0;
  for (std::size_t r = 0; r < k; ++r) {
    // The same terms as the full computation in adjust_p_values.
    const double v = sorted.value(r);
    const double term =
        method == Correction::kHolm ? ComplementRankTimes{n}(r, v) : SidakComplementRank{n}(r, v);
    run = std::max(run, term);
    adj[small_index[sorted.index(r)]] = std::min(1.0, run);
  }
  return true;
}

}  // namespace

std::string_view to_string(Correction method) {
  switch (method) {
    case Correction::kNone:
      return "none";
    case Correction::kBonferroni:
      return "bonferroni";
    case Correction::kSidak:
      return "sidak";
    case Correction::kHolm:
      return "holm";
    case Correction::kHolmSidak:
      return "holm-sidak";
    case Correction::kHochberg:
      return "hochberg";
    case Correction::kHommel:
      return "hommel";
    case Correction::kBenjaminiHochberg:
      return "BH";
    case Correction::kBenjaminiYekutieli:
      return "BY";
  }
  return "none";
}

Correction parse_correction(std::string_view text, std::string_view field) {
  const std::string t = lower(text);
  if (t == "none") return Correction::kNone;
  if (t == "bonferroni" || t == "bonf") return Correction::kBonferroni;
  if (t == "sidak") return Correction::kSidak;
  if (t == "holm") return Correction::kHolm;
  if (t == "holm-sidak" || t == "holm_sidak" || t == "hs") return Correction::kHolmSidak;
  if (t == "hochberg" || t == "simes-hochberg") return Correction::kHochberg;
  if (t == "hommel") return Correction::kHommel;
  if (t == "bh" || t == "fdr" || t == "fdr_bh") return Correction::kBenjaminiHochberg;
  if (t == "by" || t == "fdr_by") return Correction::kBenjaminiYekutieli;
  throw StatsError(detail::cat(
      field, " is \"", text,
      "\", but must be one of \"none\", \"bonferroni\", \"sidak\", \"holm\", \"holm-sidak\", "
      "\"hochberg\", \"hommel\", \"BH\", \"BY\" (R's \"fdr\" and statsmodels' \"fdr_bh\", "
      "\"fdr_by\", \"bonf\", \"hs\", \"simes-hochberg\" are accepted too; case does not matter)"));
}

AdjustResult adjust_p_values(std::span<const double> p, Correction method, double alpha,
                             unsigned requested_threads) {
  // The step-up methods and Hommel check the values while sorting (one pass less).
  const bool checked_by_sort = method == Correction::kHochberg || method == Correction::kHommel ||
                               method == Correction::kBenjaminiHochberg ||
                               method == Correction::kBenjaminiYekutieli;
  if (checked_by_sort) {
    require_family_size(p, "p");
  } else {
    require_p_values(p, "p");
  }
  require_level(alpha, "alpha");
  const std::size_t n = p.size();
  const auto m = static_cast<double>(n);
  const unsigned threads = sort_threads(n, requested_threads);
  AdjustResult result;
  result.alpha = alpha;
  result.method = method;
  // Reserved first so that a large result gets huge pages before its first touch.
  result.adjusted.reserve(n);
  if (n * sizeof(double) >= 2 * kHugePage)
    advise_huge_pages(result.adjusted.data(), n * sizeof(double));
  // The step-up methods size it themselves, alongside their sort (step_adjust).
  if (!checked_by_sort || method == Correction::kHommel) result.adjusted.resize(n);
  std::vector<double>& adj = result.adjusted;
  result.reject.resize(n);
  RejectBits reject{reject_words(result.reject), alpha};

  switch (method) {
    case Correction::kNone:
      for (std::size_t i = 0; i < n; ++i) adj[i] = p[i] + 0.0;
      break;
    case Correction::kBonferroni:
      // R: pmin(1, n * p).
      for (std::size_t i = 0; i < n; ++i) adj[i] = std::min(1.0, m * p[i]) + 0.0;
      break;
    case Correction::kSidak:
      // statsmodels: -expm1(n * log1p(-p)); exact for tiny p (1e-300 -> m * 1e-300, where
      // 1 - (1 - p)^m gives 0). + 0.0: p = 0 gives -0.0.
      for (std::size_t i = 0; i < n; ++i) adj[i] = -std::expm1(m * std::log1p(-p[i])) + 0.0;
      break;
    case Correction::kHolm:
    case Correction::kHolmSidak:
      if (capped_step_down(p, method, adj)) break;
      [[fallthrough]];
    default: {
      // The r-th smallest (0-based r; R's 1-based i = r + 1) has value v.
      auto step = [&](auto term, bool ascending) {
        // On failure: throws, naming the bad value.
        const bool ok = ascending ? step_adjust<true>(p, threads, term, adj, reject)
                                  : step_adjust<false>(p, threads, term, adj, reject);
        if (!ok) require_p_values(p, "p");
      };
      switch (method) {
        case Correction::kHolm:
          // R: pmin(1, cummax((n + 1 - i) * p[o])).
          step(ComplementRankTimes{n}, true);
          break;
        case Correction::kHolmSidak:
          // statsmodels: maximum.accumulate(-expm1(arange(n, 0, -1) * log1p(-p))), capped at 1.
          step(SidakComplementRank{n}, true);
          break;
        case Correction::kHochberg:
          // R: pmin(1, cummin((n + 1 - i) * p[o])) over decreasing p.
          step(ComplementRankTimes{n}, false);
          break;
        case Correction::kBenjaminiHochberg:
        case Correction::kBenjaminiYekutieli: {
          // R: pmin(1, cummin(q * n / i * p[o])) over decreasing p; q = 1 for BH and
          // q = sum(1 / (1:n)) for BY, summed in long double like R's sum().
          double q_times_n = m;
          if (method == Correction::kBenjaminiYekutieli) {
            long double h = 0.0L;
            for (std::size_t k = 1; k <= n; ++k) {
              h += static_cast<long double>(1.0 / static_cast<double>(k));
            }
            q_times_n = static_cast<double>(h) * m;
          }
          step(ScaledByRank{q_times_n}, false);
          break;
        }
        case Correction::kHommel: {
          std::optional<SortedFamily> sorted = sort_ascending(p, threads);
          if (!sorted) require_p_values(p, "p");
          std::vector<double> values(n);
          for (std::size_t r = 0; r < n; ++r) values[r] = sorted->value(r);
          std::vector<double> v;
          hommel_sorted(values, v);
          for (std::size_t r = 0; r < n; ++r) adj[sorted->index(r)] = v[r];
          break;
        }
        default:
          break;
      }
      break;
    }
  }
  if (reject.written) return result;
  run_on_threads(threads, [&](unsigned t) {
    // Slices start at multiples of 64: threads write disjoint runs of whole words.
    const auto [begin, end] = slice_of(n, t, threads);
    if (reject.words != nullptr) {
      write_reject_words(reject.words, begin, end, alpha, [&](std::size_t i) { return adj[i]; });
    } else {
      for (std::size_t i = begin; i < end; ++i) result.reject[i] = adj[i] <= alpha;
    }
  });
  return result;
}

// --- Partial conjunction ------------------------------------------------------------------------

std::string_view to_string(CombiningMethod method) {
  switch (method) {
    case CombiningMethod::kBonferroni:
      return "bonferroni";
    case CombiningMethod::kSimes:
      return "simes";
    case CombiningMethod::kFisher:
      return "fisher";
  }
  return "simes";
}

CombiningMethod parse_combining_method(std::string_view text, std::string_view field) {
  const std::string t = lower(text);
  if (t == "bonferroni") return CombiningMethod::kBonferroni;
  if (t == "simes") return CombiningMethod::kSimes;
  if (t == "fisher") return CombiningMethod::kFisher;
  throw StatsError(detail::cat(field, " is \"", text,
                               "\", but must be one of \"bonferroni\", \"simes\", \"fisher\""));
}

namespace {

// Fisher's combination of the k largest p-values, given their sum of logs (Benjamini & Heller
// 2008, section 2.1): P(chi^2_{2k} >= -2 sum log p) = Q(k, -sum log p), the regularised upper
// incomplete gamma function. A zero p-value gives sum = -inf and p = 0.
double fisher_tail(std::size_t k, double sum_log) {
  if (std::isinf(sum_log)) return 0.0;
  const double half_statistic = -sum_log;
  if (half_statistic <= 0.0) return 1.0;
  return boost::math::gamma_q(static_cast<double>(k), half_statistic);
}

void require_u(std::size_t u, std::size_t n) {
  if (u < 1 || u > n) {
    throw StatsError(detail::cat("u is ", u, ", but must be in [1, ", n,
                                 "] (the number of datasets on which the effect is claimed)"));
  }
}

}  // namespace

double partial_conjunction_p_value(std::span<const double> p, std::size_t u,
                                   CombiningMethod method) {
  require_p_values(p, "p");
  const std::size_t n = p.size();
  require_u(u, n);
  std::vector<double> s(p.begin(), p.end());
  std::sort(s.begin(), s.end());
  const std::size_t k = n - u + 1;  // how many p-values are combined: p_(u), ..., p_(N)
  switch (method) {
    case CombiningMethod::kBonferroni:
      return std::min(1.0, static_cast<double>(k) * s[u - 1]) + 0.0;
    case CombiningMethod::kSimes: {
      double best = kInf;
      for (std::size_t i = u; i <= n; ++i) {
        best = std::min(best, static_cast<double>(k) / static_cast<double>(i - u + 1) * s[i - 1]);
      }
      return std::min(1.0, best) + 0.0;
    }
    case CombiningMethod::kFisher: {
      double sum_log = 0.0;
      for (std::size_t i = u; i <= n; ++i) sum_log += std::log(s[i - 1]);
      return fisher_tail(k, sum_log);
    }
  }
  return 1.0;
}

PartialConjunctionResult partial_conjunction(std::span<const double> p, CombiningMethod method,
                                             double alpha) {
  require_p_values(p, "p");
  require_level(alpha, "alpha");
  const std::size_t n = p.size();
  std::vector<double> s(p.begin(), p.end());
  std::sort(s.begin(), s.end());
  for (double& v : s) v += 0.0;
  PartialConjunctionResult r;
  r.n = n;
  r.alpha = alpha;
  r.method = method;
  r.p_values.resize(n);
  switch (method) {
    case CombiningMethod::kBonferroni:
      for (std::size_t u = 1; u <= n; ++u) {
        r.p_values[u - 1] = std::min(1.0, static_cast<double>(n - u + 1) * s[u - 1]);
      }
      break;
    case CombiningMethod::kSimes: {
      // min over i >= u of p_(i) / (i - u + 1): the minimal slope from (u - 1, 0) to the points
      // (i, p_(i)), i >= u (MinSlopeHull), so all N values cost O(N log N), not O(N^2).
      MinSlopeHull hull(n);
      for (std::size_t u = n; u >= 1; --u) {
        hull.add(u, s[u - 1]);
        const std::size_t i = hull.argmin(u - 1);
        const double value =
            static_cast<double>(n - u + 1) / static_cast<double>(i - u + 1) * s[i - 1];
        r.p_values[u - 1] = std::min(1.0, value);
      }
      break;
    }
    case CombiningMethod::kFisher: {
      double sum_log = 0.0;
      for (std::size_t u = n; u >= 1; --u) {
        sum_log += std::log(s[u - 1]);
        r.p_values[u - 1] = fisher_tail(n - u + 1, sum_log);
      }
      break;
    }
  }
  r.monotone_p_values.resize(n);
  double run = 0.0;
  for (std::size_t u = 1; u <= n; ++u) {
    run = std::max(run, r.p_values[u - 1]);
    r.monotone_p_values[u - 1] = run;
    if (run <= alpha) r.u_rejected = u;
  }
  return r;
}

}  // namespace rigor::stats
