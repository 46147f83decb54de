// A small, deterministic study store for the HTML report tests and the browser render check:
// three arms x 6 paired seeds on synthetic moons, two claims, per-epoch curves, per-example test
// results, one diverged and one failed run, a determinism audit (/analysis/verify), and user text
// full of characters that must be escaped (<script>, &, quotes, an https:// address).
//
//   rigor::reports::test::write_fixture_store("/tmp/x/study.h5");
//   auto store = rigor::store::StoreReader::open("/tmp/x/study.h5");
#ifndef RIGOR_TESTS_REPORTS_REPORT_FIXTURE_H_
#define RIGOR_TESTS_REPORTS_REPORT_FIXTURE_H_

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>

#include "rigor/protocols/canonical.h"
#include "rigor/protocols/protocol.h"
#include "rigor/store/store.h"

namespace rigor::reports::test {

// User text the report must escape everywhere it appears.
inline constexpr const char* kEvilStatement =
    "<script>alert(1)</script> A 64-unit MLP beats an 8-unit one & \"more\" (see "
    "https://example.org/notes)";

inline std::string fixture_protocol_text() {
  return std::string(
             R"toml(# Fixture of tests/reports (report_fixture.h): three widths of an MLP on moons.
[study]
name = "report-fixture <widths>"
description = "Three widths of a small MLP on two moons & a diverged run (test fixture)."
author = "rigor tests"
preregistered = 2026-11-23T12:00:00Z
seed = 20261123

[data]
dataset = "synthetic"
generator = "moons"
samples = 600
noise = 0.2
split = { train = 0.6, validation = 0.2, test = 0.2, mode = "fixed" }

[defaults]
model = { name = "mlp", options = { hidden = [8], activation = "relu" } }
optimizer = { name = "adam", learning_rate = 0.01 }
batch_size = 32
epochs = 5

[[arms]]
name = "narrow"

[[arms]]
name = "medium"
model.options.hidden = [32]

[[arms]]
name = "wide"
model.options.hidden = [64]

[seeds]
replicates = 6
randomize = ["init", "data_order"]
fixed = ["split", "dropout", "augmentation"]
paired = true

[[metrics]]
name = "accuracy"
split = "test"
direction = "higher"
when = "final"

[[claims]]
id = "wide-beats-narrow"
statement = ')toml") +
         kEvilStatement + R"toml('
a = "wide"
b = "narrow"
metric = "accuracy"
test = "wilcoxon"
alternative = "greater"
alpha = 0.05
min_effect = 0.01
family = "width"

[[claims]]
id = "medium-beats-narrow"
statement = "A 32-unit MLP reaches higher test accuracy than an 8-unit one."
a = "medium"
b = "narrow"
metric = "accuracy"
test = "welch"
alternative = "greater"
alpha = 0.05
min_effect = 0.01
family = "width"
)toml";
}

// Final test accuracy of arm `arm` (0 narrow, 1 medium, 2 wide), replicate r: a fixed pattern
// around 0.85 / 0.87 / 0.90 (no RNG: the bytes of the store never change).
inline double fixture_accuracy(int arm, int r) {
  static constexpr double kBase[] = {0.85, 0.87, 0.90};
  static constexpr double kOffset[] = {0.004, -0.006, 0.001, 0.007, -0.003, -0.002};
  return kBase[arm] + kOffset[(r + 2 * arm) % 6];
}

inline store::RunRecord fixture_run(int arm, int r) {
  static const char* kArms[] = {"narrow", "medium", "wide"};
  store::RunRecord run;
  run.arm = kArms[arm];
  run.replicate = r;
  run.cell_id = run.arm + "-r" + std::to_string(r);
  run.seeds["init"] = static_cast<std::uint64_t>(1000 + 10 * arm + r);
  run.seeds["data_order"] = static_cast<std::uint64_t>(2000 + 10 * arm + r);
  run.status = store::RunStatus::kComplete;
  run.start_time = 1795000000.0 + 60.0 * (6 * arm + r);
  run.end_time = run.start_time + 4.5 + 0.25 * arm;
  run.wall_seconds = 4.5 + 0.25 * arm;
  run.cpu_seconds = 4.0 + 0.25 * arm;
  run.device = "cpu";
  const double final_acc = fixture_accuracy(arm, r);
  const bool diverged = arm == 2 && r == 5;
  const bool failed = arm == 1 && r == 4;
  for (int e = 0; e < 5; ++e) {
    const double progress = 1.0 - std::exp(-0.9 * (e + 1));
    double loss = 0.7 * std::exp(-0.5 * e) * (1.0 - 0.05 * arm) + 0.002 * r;
    const double val = 0.5 + (final_acc - 0.5) * progress + 0.001 * ((r * 3 + e) % 5);
    if (diverged && e >= 3) loss = std::nan("");
    if (failed && e >= 2) break;
    run.epoch_metrics["train_loss"].push_back({e, loss});
    run.epoch_metrics["validation_accuracy"].push_back({e, val});
  }
  if (failed) {
    run.status = store::RunStatus::kFailed;
    run.error = "worker died at epoch 2: std::bad_alloc <out of memory> & no retry left";
    return run;
  }
  if (diverged) {
    run.status = store::RunStatus::kDiverged;
    run.error = "train_loss is NaN at epoch 3 (step 57)";
    run.final_metrics["accuracy"] = 0.5;
  } else {
    run.final_metrics["accuracy"] = final_acc;
  }
  // 20 test examples; examples 3, 11 and 17 are hard (high loss, often mispredicted).
  for (int i = 0; i < 20; ++i) {
    const bool hard = i == 3 || i == 11 || i == 17;
    const std::int64_t target = i % 2;
    double loss = (hard ? 1.2 + 0.1 * (i % 7) : 0.05 + 0.01 * (i % 5)) * (1.0 - 0.1 * arm) +
                  0.01 * ((r + i) % 3);
    if (diverged) loss = std::nan("");
    run.examples.index.push_back(i);
    run.examples.target.push_back(target);
    run.examples.prediction.push_back(hard && (r + i) % 3 != 0 ? 1 - target : target);
    run.examples.loss.push_back(loss);
  }
  run.params_sha256 = std::string(64, static_cast<char>('a' + (6 * arm + r) % 6));
  return run;
}

inline constexpr const char* kFixtureVerifyJson = R"json({
  "cells": [
    {"cell": "narrow-r0", "outcome": "bitwise", "recorded_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "rerun_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "max_abs_diff": 0, "message": ""},
    {"cell": "wide-r1", "outcome": "tolerance", "recorded_sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "rerun_sha256": "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "max_abs_diff": 2.5e-07, "message": "within atol 1e-6"},
    {"cell": "medium-r2", "outcome": "mismatch", "recorded_sha256": "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", "rerun_sha256": "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "max_abs_diff": 0.031, "message": "<params differ> after epoch 1"}
  ],
  "sample": 3,
  "device": "cpu",
  "created": "2026-11-23T13:00:00Z"
})json";

// Writes the fixture store at `path` (replacing it and its .pending directory). With
// `with_verify`, also the determinism audit document /analysis/verify.
inline void write_fixture_store(const std::filesystem::path& path, bool with_verify = true) {
  std::filesystem::remove(path);
  std::filesystem::remove_all(path.string() + ".pending");
  store::ProtocolInfo protocol;
  protocol.text = fixture_protocol_text();
  protocol.hash = protocols::canonical_hash(protocols::parse_protocol(protocol.text, "fixture"));
  protocol.resolved_config = "{}";
  const store::Provenance provenance = {{"rigor_version", "0.1.0-fixture"},
                                        {"compiler", "GCC 12.2 <fixture>"},
                                        {"host", "fixture & co"},
                                        {"blas_threads", "1"}};
  store::StoreOptions options;
  options.sync = false;
  auto writer = store::StoreWriter::create(path, protocol, provenance, options);
  for (int arm = 0; arm < 3; ++arm) {
    for (int r = 0; r < 6; ++r) writer.put_run(fixture_run(arm, r));
  }
  if (with_verify) writer.put_analysis("verify", kFixtureVerifyJson);
  writer.close();
}

}  // namespace rigor::reports::test

#endif  // RIGOR_TESTS_REPORTS_REPORT_FIXTURE_H_
