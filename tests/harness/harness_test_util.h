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
#include <stdexcept>
#include <string>

#include "rigor/harness.h"
#include "rigor/store.h"

namespace rigor::harness::test_util {

namespace fs = std::filesystem;

// tests/data/tiny_moons.toml (two moons, an MLP with and without dropout: each run takes well
// under a second) with `replicates`, `epochs`, and `extra_arm` (TOML) added before [seeds].
inline std::string tiny_protocol(int replicates = 3, int epochs = 3,
                                 const std::string& extra_arm = "") {
  std::ifstream in(RIGOR_TINY_PROTOCOL);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  auto replace = [&s](const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    if (at == std::string::npos) throw std::runtime_error("tiny_moons.toml lacks " + from);
    s.replace(at, from.size(), to);
  };
  replace("\nreplicates = 3\n", fmt::format("\nreplicates = {}\n", replicates));
  replace("\nepochs = 3\n", fmt::format("\nepochs = {}\n", epochs));
  replace("\n[seeds]\n", "\n" + extra_arm + "\n[seeds]\n");
  return s;
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
