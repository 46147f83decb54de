// Seeded synthetic classification data: Gaussian blobs, two moons and spirals (docs/data.md gives
// the definitions; every draw comes from one Rng(seed) in a documented order).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>

#include "data_internal.h"
#include "rigor/models/rng.h"

namespace rigor::models::detail {
namespace {

using rigor::protocols::SyntheticGenerator;

// Shortest round-trip decimal form, for the canonical text of the digest.
std::string num(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

}  // namespace

RawDataset make_synthetic(const rigor::protocols::Data& data, std::uint64_t seed) {
  const SyntheticGenerator gen = data.generator;
  if (gen == SyntheticGenerator::kNone) {
    throw DataError(
        "data.generator is not set, but dataset \"synthetic\" needs one; use \"blobs\", \"moons\" "
        "or \"spirals\"");
  }
  const std::int64_t n = data.samples;
  const std::int64_t d = gen == SyntheticGenerator::kBlobs ? data.features : 2;
  const std::int64_t k = gen == SyntheticGenerator::kMoons ? 2 : data.classes;
  const double noise = data.noise;
  if (n < 1) {
    throw DataError(fmt::format("data.samples is {}, but must be >= 1", n));
  }
  if (d < 1) throw DataError(fmt::format("data.features is {}, but must be >= 1", d));
  if (k < 2) throw DataError(fmt::format("data.classes is {}, but must be >= 2", k));
  if (n < k) {
    throw DataError(fmt::format(
        "data.samples is {}, but must be at least data.classes ({}) so that every class has a "
        "point; draw more samples",
        n, k));
  }
  constexpr std::int64_t kMaxValues = 1'000'000'000;  // 4 GB of floats
  if (n > kMaxValues / d) {
    throw DataError(fmt::format(
        "data.samples x data.features is {} x {}, more than {} values (4 GB); draw fewer samples "
        "or features",
        n, d, kMaxValues));
  }
  if (!(noise >= 0.0) || !std::isfinite(noise)) {
    throw DataError(fmt::format("data.noise is {}, but must be a finite number >= 0", noise));
  }

  Rng rng(seed);
  const auto nd = static_cast<std::size_t>(d);
  std::vector<float> x(static_cast<std::size_t>(n) * nd);
  std::vector<std::int64_t> y(static_cast<std::size_t>(n));
  // Class sizes: n / k each, the first n % k classes one more (moons: class 0 gets the odd point).
  std::size_t row = 0;
  auto class_size = [&](std::int64_t c) { return n / k + (c < n % k ? 1 : 0); };
  constexpr double kPi = std::numbers::pi;

  std::vector<double> centres;
  if (gen == SyntheticGenerator::kBlobs) {
    // Centres uniform in [-1, 1]^d (class-major), so noise is on the scale of moons and spirals.
    centres.resize(static_cast<std::size_t>(k) * nd);
    for (double& c : centres) c = -1.0 + 2.0 * rng.uniform();
  }
  for (std::int64_t c = 0; c < k; ++c) {
    for (std::int64_t i = 0; i < class_size(c); ++i, ++row) {
      float* p = &x[row * nd];
      y[row] = c;
      if (gen == SyntheticGenerator::kBlobs) {
        // Isotropic Gaussian around the class centre, sd = noise (sklearn make_blobs' model).
        for (std::size_t j = 0; j < nd; ++j) {
          p[j] = static_cast<float>(centres[static_cast<std::size_t>(c) * nd + j] +
                                    noise * rng.normal());
        }
      } else if (gen == SyntheticGenerator::kMoons) {
        // sklearn.datasets.make_moons: class 0 the upper half circle (cos t, sin t), class 1 the
        // lower one (1 - cos t, 1 - sin t - 0.5); here t ~ U[0, pi) instead of a linspace.
        const double t = kPi * rng.uniform();
        const double px = c == 0 ? std::cos(t) : 1.0 - std::cos(t);
        const double py = c == 0 ? std::sin(t) : 1.0 - std::sin(t) - 0.5;
        const double nx = rng.normal(), ny = rng.normal();
        p[0] = static_cast<float>(px + noise * nx);
        p[1] = static_cast<float>(py + noise * ny);
      } else {
        // Spirals (CS231n's k-arm spiral with a random position along the arm): t ~ U[0, 1),
        // radius t, angle 2 pi c / k + 3 pi t (one and a half turns from the centre).
        const double t = rng.uniform();
        const double angle =
            2.0 * kPi * static_cast<double>(c) / static_cast<double>(k) + 3.0 * kPi * t;
        const double nx = rng.normal(), ny = rng.normal();
        p[0] = static_cast<float>(t * std::cos(angle) + noise * nx);
        p[1] = static_cast<float>(t * std::sin(angle) + noise * ny);
      }
    }
  }

  // Shuffle with the same generator, so that the classes are interleaved in pool order.
  const std::vector<std::int64_t> order = permutation(n, rng);
  RawDataset raw;
  raw.name = std::string("synthetic:") + std::string(rigor::protocols::to_string(gen));
  raw.classes = k;
  for (std::int64_t c = 0; c < k; ++c) raw.class_names.push_back(std::to_string(c));
  raw.pool.shape = {d};
  raw.pool.x.resize(x.size());
  raw.pool.y.resize(y.size());
  raw.pool.index.resize(y.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto from = static_cast<std::size_t>(order[i]);
    std::copy_n(&x[from * nd], nd, &raw.pool.x[i * nd]);
    raw.pool.y[i] = y[from];
    raw.pool.index[i] = static_cast<std::int64_t>(i);
  }
  raw.official_test.shape = raw.pool.shape;

  // The digest covers what determines the data: generator version, parameters and seed.
  const std::string canonical = fmt::format(
      "rigor synthetic v1\ngenerator={}\nsamples={}\nfeatures={}\nclasses={}\nnoise={}\nseed={}\n",
      rigor::protocols::to_string(gen), n, d, k, num(noise), seed);
  Sha256 hash;
  hash.update(canonical.data(), canonical.size());
  raw.digest = hash.hex_digest();
  return raw;
}

}  // namespace rigor::models::detail
