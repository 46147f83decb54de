// rigor verify: recorded cells rerun bit for bit; a tampered record is caught.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness_test_util.h"

namespace rigor::harness {
namespace {

using testing::HasSubstr;
using namespace rigor::harness::test_util;

VerifyOptions verify_options(const fs::path& store) {
  VerifyOptions o;
  o.store = store;
  o.progress = ProgressMode::kQuiet;
  WorkerSettings w;
  w.worker = RIGOR_WORKER_EXE;
  o.workers = w;
  return o;
}

TEST(HarnessVerify, RecordedCellsReproduceBitwiseAndTheResultIsStored) {
  ScratchDir dir("verify");
  const auto protocol = dir.write("p.toml", tiny_protocol(2, 2));
  const auto store = dir.path() / "study.h5";
  run_quietly(protocol, quiet_options(store, 2));
  VerifyOptions o = verify_options(store);
  o.sample = 3;
  std::ostringstream sink;
  const VerifyResult r = verify_store(o, sink);
  ASSERT_EQ(r.cells.size(), 3U);
  for (const auto& c : r.cells) {
    EXPECT_EQ(c.outcome, Reproduction::kBitwise) << c.cell << ": " << c.message;
    EXPECT_EQ(c.recorded_sha256, c.rerun_sha256);
  }
  const auto analysis = store::StoreReader::open(store).analysis();
  ASSERT_TRUE(analysis.count("verify"));
  const auto j = nlohmann::json::parse(analysis.at("verify"));
  EXPECT_EQ(j["cells"].size(), 3U);
  EXPECT_EQ(j["cells"][0]["outcome"], "bitwise");
  // The sample is a deterministic function of the seed.
  VerifyOptions again = o;
  again.write = false;
  const VerifyResult r2 = verify_store(again, sink);
  for (std::size_t i = 0; i < r.cells.size(); ++i) EXPECT_EQ(r.cells[i].cell, r2.cells[i].cell);
}

TEST(HarnessVerify, TamperedRecordIsAMismatchNamingTheFirstDifference) {
  ScratchDir dir("tamper");
  const auto protocol = dir.write("p.toml", tiny_protocol(2, 2));
  const auto store = dir.path() / "study.h5";
  run_quietly(protocol, quiet_options(store));
  {
    store::RunRecord run = store::StoreReader::open(store).run("base-r0");
    run.final_metrics["accuracy"] += 0.05;
    run.params_sha256 = std::string(64, '0');
    auto w = store::StoreWriter::open(store);
    w.put_run(run);
    w.close();
  }
  VerifyOptions o = verify_options(store);
  o.cells = {"base-r0", "drop-r0"};
  std::ostringstream sink;
  const VerifyResult r = verify_store(o, sink);
  ASSERT_EQ(r.cells.size(), 2U);
  EXPECT_EQ(r.cells[0].cell, "base-r0");
  EXPECT_EQ(r.cells[0].outcome, Reproduction::kMismatch);
  EXPECT_THAT(r.cells[0].message, HasSubstr("final accuracy: recorded"));
  EXPECT_EQ(r.cells[1].outcome, Reproduction::kBitwise);
}

TEST(HarnessVerify, UnknownCellIsAClearError) {
  ScratchDir dir("verify-unknown");
  const auto protocol = dir.write("p.toml", tiny_protocol(2, 1));
  const auto store = dir.path() / "study.h5";
  run_quietly(protocol, quiet_options(store));
  VerifyOptions o = verify_options(store);
  o.cells = {"nope-r9"};
  std::ostringstream sink;
  EXPECT_THAT([&] { verify_store(o, sink); },
              ::testing::ThrowsMessage<HarnessError>(
                  HasSubstr("cell \"nope-r9\" is not a complete or diverged run of this store")));
}

}  // namespace
}  // namespace rigor::harness
