// Shared helpers of the harness tests: a tiny synthetic protocol, a scratch directory, and a
// study run through the real rigor-worker.
#ifndef RIGOR_TESTS_HARNESS_HARNESS_TEST_UTIL_H_
#define RIGOR_TESTS_HARNESS_HARNESS_TEST_UTIL_H_

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "rigor/harness.h"
#include "rigor/store.h"

namespace rigor::harness::test_util {

namespace fs = std::filesystem;

// Two moons, an MLP with and without dropout: each run takes well under a second.
inline std::string tiny_protocol(int replicates = 3, int epochs = 3,
                                 const std::string& extra_arm = "") {
  return fmt::format(R"(
[study]
name = "harness-test"
description = "tiny study for the harness tests"
author = "rigor tests"
preregistered = 2026-11-23T12:00:00Z
seed = 7

[data]
dataset = "synthetic"
generator = "moons"
samples = 300
noise = 0.25
split = {{ train = 0.6, validation = 0.2, test = 0.2, mode = "fixed" }}

[defaults]
model = {{ name = "mlp", options = {{ hidden = [16] }} }}
optimizer = {{ name = "adam", learning_rate = 0.01 }}
batch_size = 32
epochs = {}

[[arms]]
name = "base"

[[arms]]
name = "drop"
dropout = 0.3
{}
[seeds]
replicates = {}
randomize = ["init", "data_order", "dropout"]
fixed = ["split", "augmentation"]
paired = true

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
id = "drop-helps"
statement = "dropout helps"
a = "drop"
b = "base"
metric = "accuracy"
test = "wilcoxon"
alternative = "greater"
alpha = 0.05
min_effect = 0.01
)",
                     epochs, extra_arm, replicates);
}

// A fresh directory per test, removed at the end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(fs::temp_directory_path() / fmt::format("rigor-harness-{}-{}", name, ::getpid())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& file, const std::string& text) const {
    std::ofstream(path_ / file) << text;
    return path_ / file;
  }

 private:
  fs::path path_;
};

inline RunOptions quiet_options(const fs::path& store, int jobs = 1) {
  RunOptions o;
  o.store = store;
  o.workers.jobs = jobs;
  o.workers.worker = RIGOR_WORKER_EXE;
  o.progress = ProgressMode::kQuiet;
  o.sync = false;
  return o;
}

inline StudyResult run_quietly(const fs::path& protocol, const RunOptions& o) {
  std::ostringstream sink;
  return run_study(protocol, o, sink);
}

// cell id -> parameter hash, for complete runs.
inline std::map<std::string, std::string> hashes(const fs::path& store) {
  std::map<std::string, std::string> h;
  const auto reader = store::StoreReader::open(store);
  for (const auto& id : reader.run_ids()) {
    const auto run = reader.run(id);
    if (run.status == store::RunStatus::kComplete) h[id] = run.params_sha256;
  }
  return h;
}

}  // namespace rigor::harness::test_util

#endif  // RIGOR_TESTS_HARNESS_HARNESS_TEST_UTIL_H_
