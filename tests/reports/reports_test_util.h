// Test helpers for rigor::reports: scratch directories, deterministic stores built from fixed
// metric values, and JSON comparison with volatile fields masked.
#ifndef RIGOR_TESTS_REPORTS_REPORTS_TEST_UTIL_H_
#define RIGOR_TESTS_REPORTS_REPORTS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "../store/store_test_util.h"
#include "rigor/protocols/canonical.h"
#include "rigor/protocols/protocol.h"
#include "rigor/store/store.h"

namespace rigor::reports::test {

inline std::string data_path(const std::string& name) {
  return std::string(RIGOR_TEST_DATA_DIR) + "/" + name;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// A fresh scratch directory per test name and process (the store tests' helper).
using rigor::store::test::scratch_dir;

// One run of a test store: arm, replicate, status and final metric values (NaN: not recorded).
struct TestRun {
  std::string arm;
  std::int64_t replicate = 0;
  store::RunStatus status = store::RunStatus::kComplete;
  std::map<std::string, double> finals;
};

// Per-arm values of one metric, replicate order; NaN marks a value the run did not record.
using ArmValues = std::map<std::string, std::vector<double>>;

// Complete runs from per-metric, per-arm values (every metric lists the same arms and lengths).
inline std::vector<TestRun> runs_from(const std::map<std::string, ArmValues>& metrics) {
  std::map<std::pair<std::string, std::int64_t>, TestRun> runs;
  for (const auto& [metric, arms] : metrics) {
    for (const auto& [arm, values] : arms) {
      for (std::size_t r = 0; r < values.size(); ++r) {
        TestRun& run = runs[{arm, static_cast<std::int64_t>(r)}];
        run.arm = arm;
        run.replicate = static_cast<std::int64_t>(r);
        if (!std::isnan(values[r])) run.finals[metric] = values[r];
      }
    }
  }
  std::vector<TestRun> out;
  for (auto& [key, run] : runs) out.push_back(run);
  return out;
}

inline TestRun& find_run(std::vector<TestRun>& runs, const std::string& arm,
                         std::int64_t replicate) {
  for (TestRun& r : runs) {
    if (r.arm == arm && r.replicate == replicate) return r;
  }
  ADD_FAILURE() << "no run " << arm << " r" << replicate;
  return runs.front();
}

// Writes a store at `path` with the protocol text (hash: its canonical hash unless given) and
// the runs (cell ids "<arm>-r<replicate>", as rigor's plan names them).
inline void make_store(const std::filesystem::path& path, const std::string& protocol_text,
                       const std::vector<TestRun>& runs,
                       std::optional<std::string> hash = std::nullopt) {
  store::ProtocolInfo info;
  info.text = protocol_text;
  info.hash =
      hash ? *hash : protocols::canonical_hash(protocols::parse_protocol(protocol_text, "test"));
  store::Provenance provenance = {{"source", "test"}, {"host", "testhost"}};
  store::StoreOptions options;
  options.sync = false;
  auto writer = store::StoreWriter::create(path, info, provenance, options);
  for (const TestRun& t : runs) {
    store::RunRecord r;
    r.cell_id = t.arm + "-r" + std::to_string(t.replicate);
    r.arm = t.arm;
    r.replicate = t.replicate;
    r.status = t.status;
    r.final_metrics = t.finals;
    r.device = "cpu";
    if (t.status == store::RunStatus::kDiverged) r.error = "loss became NaN at step 12";
    if (t.status == store::RunStatus::kFailed) r.error = "out of memory";
    for (const auto& [metric, value] : t.finals) {
      for (std::int64_t e = 0; e < 3; ++e) {
        r.epoch_metrics[metric].push_back({e, value * (0.8 + 0.1 * static_cast<double>(e))});
      }
    }
    writer.put_run(r);
  }
  writer.close();
}

}  // namespace rigor::reports::test

#endif  // RIGOR_TESTS_REPORTS_REPORTS_TEST_UTIL_H_
