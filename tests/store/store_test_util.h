// Test helpers: deterministic run records, so a reader can check every value it gets back.
#ifndef RIGOR_TESTS_STORE_STORE_TEST_UTIL_H_
#define RIGOR_TESTS_STORE_STORE_TEST_UTIL_H_

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "rigor/store.h"

namespace rigor::store::test {

inline std::string cell_name(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "cell-%04d", i);
  return buf;
}

inline ProtocolInfo test_protocol(const std::string& hash = "sha256:0123abcd") {
  return {"[study]\nname = \"demo\"\n", hash, "{\"epochs\": 3}"};
}

inline Provenance test_provenance() {
  return {{"rigor_version", "0.1.0"}, {"host", "testhost"}, {"CUBLAS_WORKSPACE_CONFIG", ":4096:8"}};
}

// Run i: every field set from i. `steps` per-step points per metric, `examples` test examples.
inline RunRecord make_record(int i, int steps = 50, int examples = 20, bool checkpoint = false) {
  RunRecord r;
  r.cell_id = cell_name(i);
  r.arm = i % 2 == 0 ? "baseline" : "candidate";
  r.replicate = i / 2;
  r.seeds = {{"init", 1000u + static_cast<std::uint64_t>(i)},
             {"data_order", 0xFFFFFFFFFFFFFFF0ull - static_cast<std::uint64_t>(i)}};
  r.status = i % 7 == 6 ? RunStatus::kFailed : RunStatus::kComplete;
  r.error = r.status == RunStatus::kFailed ? "loss became NaN at step 12" : "";
  r.start_time = 1.7e9 + i;
  r.end_time = 1.7e9 + i + 12.5;
  r.wall_seconds = 12.5;
  r.cpu_seconds = 11.25 + i;
  r.device = "cpu";
  for (int s = 0; s < steps; ++s) {
    r.step_metrics["loss"].push_back({s, 2.0 / (1.0 + s + i)});
    r.step_metrics["lr"].push_back({s, 0.1});
  }
  for (int e = 0; e < 3; ++e)
    r.epoch_metrics["val_accuracy"].push_back({e, 0.5 + 0.1 * e + 0.001 * i});
  r.final_metrics = {{"test_accuracy", 0.9 + 0.0001 * i}, {"test_loss", 0.3}};
  for (int k = 0; k < examples; ++k) {
    r.examples.index.push_back(k);
    r.examples.prediction.push_back((k + i) % 10);
    r.examples.target.push_back(k % 10);
    r.examples.loss.push_back(0.01 * k + 0.001 * i);
  }
  r.params_sha256 = std::string(64, "0123456789abcdef"[i % 16]);
  if (checkpoint) r.checkpoint = std::vector<std::uint8_t>{1, 2, 3, static_cast<std::uint8_t>(i)};
  return r;
}

// A fresh scratch directory under the temp dir, per test name and process (builds and ctest -j
// may run the same test at once). Removed when the process exits normally.
inline std::filesystem::path scratch_dir(const std::string& name) {
  struct Cleaner {
    std::vector<std::filesystem::path> dirs;
    ~Cleaner() {
      std::error_code ec;
      for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
    }
  };
  static Cleaner cleaner;  // forked writers leave with _exit, so only the parent cleans up
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("rigor_store_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  cleaner.dirs.push_back(dir);
  return dir;
}

}  // namespace rigor::store::test

#endif  // RIGOR_TESTS_STORE_STORE_TEST_UTIL_H_
