// Training-time augmentation (models/src/augment.cpp).
#include "rigor/models/augment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numeric>

#include "rigor/models/rng.h"

namespace rigor::models {
namespace {

using ::testing::HasSubstr;

const std::vector<std::int64_t> kImage = {1, 6, 5};  // channels, height, width
constexpr std::int64_t kSize = 30;

// count examples of kImage with distinct, recognisable values: example e, pixel p -> e + p / 100.
std::vector<float> batch(std::int64_t count) {
  std::vector<float> x(static_cast<std::size_t>(count * kSize));
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<float>(i / kSize) + static_cast<float>(i % kSize) / 100.0f;
  }
  return x;
}

// The documented draws of example `id` (augment.h): dx, dy, flip bit, angle.
struct Draws {
  std::int64_t dx, dy;
  bool flip;
  double angle;
};
Draws draws(std::uint64_t seed, std::int64_t epoch, std::int64_t id) {
  Rng rng(substream(substream(seed, static_cast<std::uint64_t>(epoch)),
                    static_cast<std::uint64_t>(id)));
  Draws d{};
  d.dx = static_cast<std::int64_t>(rng.below(5));
  d.dy = static_cast<std::int64_t>(rng.below(5));
  d.flip = rng.below(2) == 1;
  d.angle = -15.0 + 30.0 * rng.uniform();
  return d;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

const std::vector<std::string> kAll = {"gaussian_noise", "horizontal_flip", "random_crop",
                                       "rotation"};

TEST(Augment, IsDeterministicPerSeedEpochAndExample) {
  const std::vector<std::int64_t> ids = {0, 1, 2, 3};
  std::vector<float> a = batch(4), b = batch(4), c = batch(4), d = batch(4);
  augment_batch(a.data(), 4, kImage, kAll, 17, 3, ids.data());
  augment_batch(b.data(), 4, kImage, kAll, 17, 3, ids.data());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
  augment_batch(c.data(), 4, kImage, kAll, 17, 4, ids.data());  // another epoch
  augment_batch(d.data(), 4, kImage, kAll, 18, 3, ids.data());  // another seed
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
  EXPECT_NE(a, batch(4));
}

TEST(Augment, DoesNotDependOnTheBatchComposition) {
  // Example 7 alone, and as the third of a batch of 5, gets the same augmentation.
  std::vector<float> alone(static_cast<std::size_t>(kSize));
  std::iota(alone.begin(), alone.end(), 0.0f);
  std::vector<float> many = batch(5);
  std::copy(alone.begin(), alone.end(), many.begin() + 2 * kSize);
  const std::int64_t one = 7;
  const std::vector<std::int64_t> ids = {3, 12, 7, 0, 9};
  augment_batch(alone.data(), 1, kImage, kAll, 5, 2, &one);
  augment_batch(many.data(), 5, kImage, kAll, 5, 2, ids.data());
  EXPECT_EQ(std::memcmp(alone.data(), many.data() + 2 * kSize, kSize * sizeof(float)), 0);
}

TEST(Augment, FlipMirrorsTheColumnsWithProbabilityOneHalf) {
  const std::vector<std::int64_t> shape = {2, 2, 3};  // two channels, flipped together
  const std::vector<float> image = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const std::vector<float> mirrored = {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10};
  int flips = 0;
  for (std::int64_t id = 0; id < 40; ++id) {
    std::vector<float> x = image;
    augment_batch(x.data(), 1, shape, {"horizontal_flip"}, 99, 0, &id);
    const bool flipped = draws(99, 0, id).flip;
    EXPECT_EQ(x, flipped ? mirrored : image) << id;
    flips += flipped ? 1 : 0;
  }
  EXPECT_GT(flips, 8);  // binomial(40, 1/2): P(<= 8 or >= 32) < 1e-4
  EXPECT_LT(flips, 32);
}

TEST(Augment, RandomCropShiftsTheContent) {
  // One bright pixel at (row 3, column 2) moves to (3 - (dy - 2), 2 - (dx - 2)).
  int shifted = 0;
  for (std::int64_t id = 0; id < 25; ++id) {
    std::vector<float> x(kSize, 0.0f);
    x[3 * 5 + 2] = 1.0f;
    augment_batch(x.data(), 1, kImage, {"random_crop"}, 4, 1, &id);
    const Draws d = draws(4, 1, id);
    const std::int64_t row = 3 - (d.dy - 2), col = 2 - (d.dx - 2);
    std::vector<float> want(kSize, 0.0f);
    if (row >= 0 && row < 6 && col >= 0 && col < 5)
      want[static_cast<std::size_t>(row * 5 + col)] = 1;
    EXPECT_EQ(x, want) << id << ": dx " << d.dx << " dy " << d.dy;
    shifted += d.dx != 2 || d.dy != 2 ? 1 : 0;
  }
  EXPECT_GT(shifted, 15);  // offset (2, 2), the identity, has probability 1/25
  // The padding is zeros: the bright pixel at the edge falls out for a shift away from it.
  std::vector<float> edge(kSize, 0.0f);
  edge[0] = 1.0f;  // row 0, column 0
  for (std::int64_t id = 0; id < 25; ++id) {
    const Draws d = draws(4, 1, id);
    if (d.dx <= 2 || d.dy <= 2) continue;  // content moves up-left: the pixel leaves
    std::vector<float> x = edge;
    augment_batch(x.data(), 1, kImage, {"random_crop"}, 4, 1, &id);
    EXPECT_EQ(x, std::vector<float>(kSize, 0.0f)) << id;
  }
}

TEST(Augment, RotationByZeroIsTheIdentity) {
  const std::vector<float> in = batch(2);
  std::vector<float> out(in.size(), -1.0f);
  rotate_image(in.data(), out.data(), 2, 6, 5, 0.0);  // two channels of 6 x 5
  EXPECT_EQ(out, in);
}

TEST(Augment, RotationTurnsCounterClockwiseAboutTheCentre) {
  // 5 x 5: the top-middle pixel goes to the left-middle by +90 degrees (as displayed), to the
  // right-middle by -90.
  std::vector<float> in(25, 0.0f), out(25);
  in[0 * 5 + 2] = 1.0f;
  rotate_image(in.data(), out.data(), 1, 5, 5, 90.0);
  for (int p = 0; p < 25; ++p)
    EXPECT_NEAR(out[static_cast<std::size_t>(p)], p == 2 * 5 + 0 ? 1 : 0, 1e-6) << p;
  rotate_image(in.data(), out.data(), 1, 5, 5, -90.0);
  for (int p = 0; p < 25; ++p)
    EXPECT_NEAR(out[static_cast<std::size_t>(p)], p == 2 * 5 + 4 ? 1 : 0, 1e-6) << p;
}

TEST(Augment, RotationInterpolatesBilinearlyWithZeroFill) {
  // A constant image of ones turned by 45 degrees: the centre stays 1; corner (0, 0) reads the
  // input at (x, y) = (2, 2 - 2 sqrt 2) = (2, -0.828): weight 3 - 2 sqrt 2 on row 0, the rest on
  // row -1, outside (0).
  std::vector<float> in(25, 1.0f), out(25);
  rotate_image(in.data(), out.data(), 1, 5, 5, 45.0);
  EXPECT_NEAR(out[12], 1.0f, 1e-6);
  EXPECT_NEAR(out[0], 3.0 - 2.0 * std::sqrt(2.0), 1e-6);
  // Inside the augmentation: the angle is the documented draw, within [-15, 15].
  for (std::int64_t id = 0; id < 5; ++id) {
    const Draws d = draws(8, 0, id);
    EXPECT_GE(d.angle, -15.0);
    EXPECT_LE(d.angle, 15.0);
    std::vector<float> x = batch(1), want(static_cast<std::size_t>(kSize));
    rotate_image(x.data(), want.data(), 1, 6, 5, d.angle);
    augment_batch(x.data(), 1, kImage, {"rotation"}, 8, 0, &id);
    EXPECT_EQ(x, want) << id;
  }
}

TEST(Augment, GaussianNoiseHasSdOneTenthAndFitsTables) {
  const std::vector<std::int64_t> table = {4};
  const std::int64_t n = 10000;
  std::vector<float> x(static_cast<std::size_t>(4 * n), 0.0f);
  std::vector<std::int64_t> ids(static_cast<std::size_t>(n));
  std::iota(ids.begin(), ids.end(), 0);
  augment_batch(x.data(), n, table, {"gaussian_noise"}, 1, 0, ids.data());
  double s = 0, s2 = 0;
  for (float v : x) {
    s += v;
    s2 += static_cast<double>(v) * v;
  }
  const double mean = s / static_cast<double>(x.size());
  EXPECT_NEAR(mean, 0.0, 0.002);                                           // se 0.0005
  EXPECT_NEAR(std::sqrt(s2 / static_cast<double>(x.size())), 0.1, 0.002);  // se 0.00035
}

TEST(Augment, DroppingAnAugmentationLeavesTheOthersDrawsUnchanged) {
  // On a zero image, crop, flip and rotation change nothing, so the noise must be the same
  // whether or not they are enabled: their draws come first, always.
  const std::int64_t id = 11;
  std::vector<float> a(kSize, 0.0f), b(kSize, 0.0f);
  augment_batch(a.data(), 1, kImage, kAll, 3, 0, &id);
  augment_batch(b.data(), 1, kImage, {"gaussian_noise"}, 3, 0, &id);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, std::vector<float>(kSize, 0.0f));
  // The order of the names does not matter.
  std::vector<float> c = batch(1), d = batch(1);
  augment_batch(c.data(), 1, kImage, {"rotation", "random_crop"}, 3, 0, &id);
  augment_batch(d.data(), 1, kImage, {"random_crop", "rotation"}, 3, 0, &id);
  EXPECT_EQ(c, d);
}

TEST(Augment, CheckRejectsAugmentationsThatDoNotFitTheData) {
  EXPECT_NO_THROW(check_augmentation(kAll, kImage));
  EXPECT_NO_THROW(check_augmentation({"gaussian_noise"}, {4}));
  EXPECT_THAT(error_of([] { check_augmentation({"horizontal_flip"}, {4}); }),
              HasSubstr("augmentation \"horizontal_flip\" needs image examples of shape "
                        "{channels, height, width}, but the data's examples have shape {4}; "
                        "remove it from the arm's augmentation (gaussian_noise fits any data)"));
  EXPECT_THAT(error_of([] {
                check_augmentation({"rotation"}, {28, 28});
              }),
              HasSubstr("augmentation \"rotation\" needs image examples"));
  EXPECT_THAT(error_of([] {
                check_augmentation({"blur"}, {1, 28, 28});
              }),
              HasSubstr("augmentation \"blur\" is unknown; use \"gaussian_noise\", "
                        "\"horizontal_flip\", \"random_crop\" or \"rotation\""));
  const std::int64_t id = 0;
  std::vector<float> x(4, 0.0f);
  EXPECT_THAT(error_of([&] { augment_batch(x.data(), 1, {4}, {"random_crop"}, 1, 0, &id); }),
              HasSubstr("augmentation \"random_crop\" needs image examples"));
  const std::int64_t bad = -1;
  EXPECT_THAT(error_of([&] { augment_batch(x.data(), 1, {4}, {"gaussian_noise"}, 1, 0, &bad); }),
              HasSubstr("augment_batch: example_ids[0] is -1, but ids are training-set indices"));
}

}  // namespace
}  // namespace rigor::models
