// Training-time augmentation on plain float buffers; every example draws from its own substream.
#include "rigor/models/augment.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "rigor/models/data.h"
#include "rigor/models/rng.h"

namespace rigor::models {
namespace {

struct Kinds {
  bool crop = false;
  bool flip = false;
  bool rotation = false;
  bool noise = false;
  bool any_image() const { return crop || flip || rotation; }
};

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string out = "{";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "}";
}

bool is_image(const std::vector<std::int64_t>& shape) {
  return shape.size() == 3 && shape[0] >= 1 && shape[1] >= 1 && shape[2] >= 1;
}

Kinds parse_kinds(const std::vector<std::string>& kinds, const std::vector<std::int64_t>& shape) {
  Kinds k;
  for (const std::string& name : kinds) {
    if (name == "random_crop") {
      k.crop = true;
    } else if (name == "horizontal_flip") {
      k.flip = true;
    } else if (name == "rotation") {
      k.rotation = true;
    } else if (name == "gaussian_noise") {
      k.noise = true;
      continue;
    } else {
      throw DataError(fmt::format(
          "augmentation \"{}\" is unknown; use \"gaussian_noise\", \"horizontal_flip\", "
          "\"random_crop\" or \"rotation\"",
          name));
    }
    if (!is_image(shape)) {
      throw DataError(fmt::format(
          "augmentation \"{}\" needs image examples of shape {{channels, height, width}}, but the "
          "data's examples have shape {}; remove it from the arm's augmentation (gaussian_noise "
          "fits any data)",
          name, shape_text(shape)));
    }
  }
  return k;
}

constexpr std::int64_t kPad = 2;      // random_crop: zero padding on each side (pixels)
constexpr double kMaxDegrees = 15.0;  // rotation: angle uniform in [-15, 15] degrees
constexpr double kNoiseSd = 0.1;      // gaussian_noise: sd in standardised units

// random_crop: pad with kPad zeros, crop h x w back at offset (dx, dy) in [0, 2 kPad]^2:
// out(y, x) = in(y + dy - kPad, x + dx - kPad), 0 outside (torchvision RandomCrop(padding=2)).
void crop(const float* in, float* out, std::int64_t channels, std::int64_t h, std::int64_t w,
          std::int64_t dx, std::int64_t dy) {
  for (std::int64_t c = 0; c < channels; ++c) {
    for (std::int64_t y = 0; y < h; ++y) {
      const std::int64_t sy = y + dy - kPad;
      for (std::int64_t x = 0; x < w; ++x) {
        const std::int64_t sx = x + dx - kPad;
        out[(c * h + y) * w + x] =
            sy >= 0 && sy < h && sx >= 0 && sx < w ? in[(c * h + sy) * w + sx] : 0.0f;
      }
    }
  }
}

void flip(float* x, std::int64_t channels, std::int64_t h, std::int64_t w) {
  for (std::int64_t row = 0; row < channels * h; ++row) {
    std::reverse(x + row * w, x + (row + 1) * w);
  }
}

}  // namespace

void check_augmentation(const std::vector<std::string>& kinds,
                        const std::vector<std::int64_t>& shape) {
  parse_kinds(kinds, shape);
}

void rotate_image(const float* in, float* out, std::int64_t channels, std::int64_t height,
                  std::int64_t width, double degrees) {
  const double theta = degrees * std::numbers::pi / 180.0;
  const double cs = std::cos(theta), sn = std::sin(theta);
  const double cx = 0.5 * static_cast<double>(width - 1),
               cy = 0.5 * static_cast<double>(height - 1);
  for (std::int64_t y = 0; y < height; ++y) {
    for (std::int64_t x = 0; x < width; ++x) {
      // Inverse mapping: output (x, y) reads the input at its position rotated by -theta. With y
      // pointing down, a counter-clockwise turn as displayed is
      //   sx = cx + cos * (x - cx) - sin * (y - cy),  sy = cy + sin * (x - cx) + cos * (y - cy).
      const double ux = static_cast<double>(x) - cx, uy = static_cast<double>(y) - cy;
      const double sx = cx + cs * ux - sn * uy, sy = cy + sn * ux + cs * uy;
      const double fx0 = std::floor(sx), fy0 = std::floor(sy);
      const double ax = sx - fx0, ay = sy - fy0;
      const auto x0 = static_cast<std::int64_t>(fx0), y0 = static_cast<std::int64_t>(fy0);
      // Bilinear weights of the four neighbours; a neighbour outside the image counts as 0.
      const double wts[4] = {(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay};
      const std::int64_t nx[4] = {x0, x0 + 1, x0, x0 + 1}, ny[4] = {y0, y0, y0 + 1, y0 + 1};
      for (std::int64_t c = 0; c < channels; ++c) {
        const float* plane = in + c * height * width;
        double v = 0.0;
        for (int k = 0; k < 4; ++k) {
          if (wts[k] != 0.0 && nx[k] >= 0 && nx[k] < width && ny[k] >= 0 && ny[k] < height) {
            v += wts[k] * static_cast<double>(plane[ny[k] * width + nx[k]]);
          }
        }
        out[(c * height + y) * width + x] = static_cast<float>(v);
      }
    }
  }
}

void augment_batch(float* x, std::int64_t count, const std::vector<std::int64_t>& shape,
                   const std::vector<std::string>& kinds, std::uint64_t seed, std::int64_t epoch,
                   const std::int64_t* example_ids) {
  const Kinds k = parse_kinds(kinds, shape);
  if (count < 0 || epoch < 0) {
    throw DataError(fmt::format("augment_batch: count is {} and epoch is {}, but both must be >= 0",
                                count, epoch));
  }
  if (count == 0 || !(k.any_image() || k.noise)) return;
  std::int64_t es = 1;
  for (std::int64_t d : shape) es *= d;
  const std::int64_t channels = k.any_image() ? shape[0] : 0;
  const std::int64_t h = k.any_image() ? shape[1] : 0, w = k.any_image() ? shape[2] : 0;
  std::vector<float> tmp(static_cast<std::size_t>(es));
  const std::uint64_t epoch_seed = substream(seed, static_cast<std::uint64_t>(epoch));
  for (std::int64_t i = 0; i < count; ++i) {
    if (example_ids[i] < 0) {
      throw DataError(fmt::format(
          "augment_batch: example_ids[{}] is {}, but ids are training-set indices (>= 0)", i,
          example_ids[i]));
    }
    Rng rng(substream(epoch_seed, static_cast<std::uint64_t>(example_ids[i])));
    // Fixed draw order (augment.h): dx, dy, flip bit, angle, then the noise.
    const auto dx = static_cast<std::int64_t>(rng.below(2 * kPad + 1));
    const auto dy = static_cast<std::int64_t>(rng.below(2 * kPad + 1));
    const bool mirror = rng.below(2) == 1;
    const double angle = -kMaxDegrees + 2.0 * kMaxDegrees * rng.uniform();
    float* ex = x + i * es;
    if (k.crop) {
      crop(ex, tmp.data(), channels, h, w, dx, dy);
      std::copy(tmp.begin(), tmp.end(), ex);
    }
    if (k.flip && mirror) flip(ex, channels, h, w);
    if (k.rotation) {
      rotate_image(ex, tmp.data(), channels, h, w, angle);
      std::copy(tmp.begin(), tmp.end(), ex);
    }
    if (k.noise) {
      for (std::int64_t p = 0; p < es; ++p) {
        ex[p] = static_cast<float>(static_cast<double>(ex[p]) + kNoiseSd * rng.normal());
      }
    }
  }
}

}  // namespace rigor::models
