// rigor/models/augment.h — training-time augmentation on plain float buffers, drawn from its own
// seed: each example's draws depend only on (augmentation seed, epoch, example index), never on
// the batch composition, the thread count or another generator.
//
//   rigor::models::check_augmentation(arm.augmentation, data.train.shape);    // throws DataError
//   rigor::models::augment_batch(batch, 128, data.train.shape, arm.augmentation, seed, epoch, ids);
#ifndef RIGOR_MODELS_AUGMENT_H_
#define RIGOR_MODELS_AUGMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "rigor/models/data.h"  // DataError

namespace rigor::models {

// Throws DataError (rigor/models/data.h) when an augmentation does not fit the data:
// horizontal_flip, random_crop and rotation need image examples (shape {channels, height, width});
// gaussian_noise fits any shape. Unknown names are errors too (the protocol parser already
// restricts them).
void check_augmentation(const std::vector<std::string>& kinds,
                        const std::vector<std::int64_t>& shape);

// Augments `count` examples stored contiguously in `x` (count * prod(shape) floats) in place, in
// this fixed order whatever the order of `kinds`: random_crop (zero-pad 2 pixels, crop back at a
// random offset), horizontal_flip (probability 1/2), rotation (uniform angle in [-15, 15] degrees,
// bilinear, zero fill), gaussian_noise (sd 0.1 in standardised units). `example_ids[i]` is example
// i's index in the training set; its draws come from Rng(substream(substream(seed, epoch), id)), in
// this order: crop offsets dx = below(5) then dy = below(5), flip bit below(2), angle
// -15 + 30 * uniform() degrees (these four always, so that dropping one augmentation leaves the
// others' draws unchanged), then, with gaussian_noise, one normal() per value in row-major order.
// Throws DataError as check_augmentation does, or for count < 0, epoch < 0 or a negative id.
void augment_batch(float* x, std::int64_t count, const std::vector<std::int64_t>& shape,
                   const std::vector<std::string>& kinds, std::uint64_t seed, std::int64_t epoch,
                   const std::int64_t* example_ids);

// Rotates each channel of a channels x height x width image by `degrees` counter-clockwise (as
// displayed, rows top to bottom) about its centre ((width - 1) / 2, (height - 1) / 2): output pixel
// (r, c) takes the bilinear interpolation of `in` at the rotated position, with zeros outside the
// image (the model of torchvision's rotate, bilinear, fill 0). `in` and `out` must not
// overlap. 0 degrees copies exactly.
void rotate_image(const float* in, float* out, std::int64_t channels, std::int64_t height,
                  std::int64_t width, double degrees);

}  // namespace rigor::models

#endif  // RIGOR_MODELS_AUGMENT_H_
