// Test helpers for rigor::training: a small protocol and hand-made two-class data that train in
// well under a second.
#ifndef RIGOR_TESTS_TRAINING_TEST_UTIL_H_
#define RIGOR_TESTS_TRAINING_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "rigor/models/data.h"
#include "rigor/models/rng.h"
#include "rigor/protocols/plan.h"
#include "rigor/protocols/protocol.h"

namespace rigor::training::test {

// Arm 0 "mlp" (hidden [16], SGD 0.1 with momentum 0.9, batch 16, 3 epochs), arm 1 "majority",
// arm 2 "random"; metrics: test accuracy (final) and test loss (best on validation).
inline const std::string kProtocol = R"([study]
name = "training-test"
author = "rigor tests"
preregistered = 2026-01-01T00:00:00Z
seed = 7

[data]
dataset = "synthetic"
generator = "blobs"
samples = 200
split = { train = 0.6, validation = 0.2, test = 0.2 }

[defaults]
optimizer = { name = "sgd", learning_rate = 0.1, momentum = 0.9 }
batch_size = 16
epochs = 3

[[arms]]
name = "mlp"
model = { name = "mlp", options = { hidden = [16] } }

[[arms]]
name = "majority"
model = { name = "majority" }

[[arms]]
name = "random"
model = { name = "random" }

[seeds]
replicates = 2
randomize = ["init", "data_order", "dropout", "augmentation"]
fixed = ["split"]

[[metrics]]
name = "accuracy"
split = "test"
direction = "higher"

[[metrics]]
name = "loss"
split = "test"
direction = "lower"
when = "best_on_validation"

[[claims]]
id = "c"
statement = "mlp beats majority"
a = "mlp"
b = "majority"
metric = "accuracy"
test = "wilcoxon"
alternative = "greater"
alpha = 0.05
min_effect = 0.01
)";

inline rigor::protocols::Protocol protocol() {
  return rigor::protocols::parse_protocol(kProtocol, "p.toml");
}

// The plan's cell of `arm`, replicate 0.
inline rigor::protocols::RunCell cell(const rigor::protocols::Protocol& p, const std::string& arm) {
  for (const auto& c : rigor::protocols::make_plan(p).cells) {
    if (c.arm == arm && c.replicate == 0) return c;
  }
  return {};
}

// Two Gaussian blobs in 2-D (centres (-1, -1) and (1, 1), sd 0.6), about 30% class 1, drawn from
// models::Rng(seed). Source indices start at 1000 so they differ from positions.
inline void fill_blobs(rigor::models::ExampleSet& set, std::int64_t n, rigor::models::Rng& rng,
                       std::int64_t first_index) {
  set.shape = {2};
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t label = rng.below(10) < 3 ? 1 : 0;
    const double centre = label == 1 ? 1.0 : -1.0;
    set.x.push_back(static_cast<float>(centre + 0.6 * rng.normal()));
    set.x.push_back(static_cast<float>(centre + 0.6 * rng.normal()));
    set.y.push_back(label);
    set.index.push_back(first_index + i);
  }
}

inline rigor::models::PreparedData blobs(std::int64_t train = 120, std::int64_t validation = 40,
                                         std::int64_t test = 40, std::uint64_t seed = 11) {
  rigor::models::Rng rng(seed);
  rigor::models::PreparedData d;
  d.classes = 2;
  fill_blobs(d.train, train, rng, 1000);
  fill_blobs(d.validation, validation, rng, 2000);
  fill_blobs(d.test, test, rng, 3000);
  d.validation.shape = d.train.shape;
  d.test.shape = d.train.shape;
  d.class_counts = {0, 0};
  for (std::int64_t y : d.train.y) ++d.class_counts[static_cast<std::size_t>(y)];
  return d;
}

}  // namespace rigor::training::test

#endif  // RIGOR_TESTS_TRAINING_TEST_UTIL_H_
