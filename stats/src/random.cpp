#include "rigor/stats/random.h"

#include <cmath>

namespace rigor::stats {
namespace {

// Philox4x32 constants (Salmon et al. 2011, Table 2; Random123 philox.h).
__extension__ using Uint128 = unsigned __int128;  // GCC/Clang extension

constexpr std::uint32_t kM0 = 0xD2511F53u;
constexpr std::uint32_t kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u;  // golden ratio
constexpr std::uint32_t kW1 = 0xBB67AE85u;  // sqrt(3) - 1

inline void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t product = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(product >> 32);
  lo = static_cast<std::uint32_t>(product);
}

}  // namespace

std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> c,
                                           std::array<std::uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k[0] += kW0;
      k[1] += kW1;
    }
    std::uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kM0, c[0], hi0, lo0);
    mulhilo(kM1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
  }
  return c;
}

CounterRng::CounterRng(std::uint64_t seed, std::uint64_t stream)
    : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
      stream_(stream) {}

void CounterRng::refill() {
  buffer_ = philox4x32_10(
      {static_cast<std::uint32_t>(block_), static_cast<std::uint32_t>(block_ >> 32),
       static_cast<std::uint32_t>(stream_), static_cast<std::uint32_t>(stream_ >> 32)},
      key_);
  ++block_;
  used_ = 0;
}

std::uint64_t CounterRng::next_u64() {
  if (used_ >= 2) refill();
  const std::size_t i = static_cast<std::size_t>(used_) * 2;
  ++used_;
  return static_cast<std::uint64_t>(buffer_[i]) |
         (static_cast<std::uint64_t>(buffer_[i + 1]) << 32);
}

double CounterRng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

std::uint64_t CounterRng::below(std::uint64_t n) {
  // Lemire's nearly divisionless method: multiply, reject the biased low range.
  Uint128 m = static_cast<Uint128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<Uint128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double CounterRng::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * factor;
  has_spare_normal_ = true;
  return u * factor;
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  return CounterRng(seed, stream).next_u64();
}

}  // namespace rigor::stats
