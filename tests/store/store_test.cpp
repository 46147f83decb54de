// Round trip, replacement, pending overlay, compaction, resume, locking and record validation.
#include "rigor/store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "store_test_util.h"

namespace rigor::store {
namespace {

using test::make_record;
using test::scratch_dir;
using test::test_protocol;
using test::test_provenance;

StoreOptions fast() {
  StoreOptions o;
  o.sync = false;  // tests: kill -9 safety does not need fsync
  return o;
}

void expect_same(const RunRecord& a, const RunRecord& b) {
  EXPECT_EQ(a.cell_id, b.cell_id);
  EXPECT_EQ(a.arm, b.arm);
  EXPECT_EQ(a.replicate, b.replicate);
  EXPECT_EQ(a.seeds, b.seeds);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.params_sha256, b.params_sha256);
  EXPECT_EQ(a.final_metrics, b.final_metrics);
  EXPECT_EQ(a.examples.loss, b.examples.loss);
  EXPECT_EQ(a.checkpoint, b.checkpoint);
  EXPECT_TRUE(identical(a, b)) << a.cell_id;
}

TEST(StoreRoundTrip, EveryFieldComesBackExactly) {
  const auto dir = scratch_dir("roundtrip");
  const auto path = dir / "study.h5";
  RunRecord r = make_record(3, 1000, 100, true);
  r.step_metrics["loss"][7].value = std::numeric_limits<double>::quiet_NaN();  // diverged step
  r.step_metrics["empty"] = {};
  r.epoch_metrics["val_loss"] = {{0, std::numeric_limits<double>::infinity()}};
  r.status = RunStatus::kDiverged;
  r.error = "loss is NaN at step 7 — stopped";  // UTF-8
  {
    auto w = StoreWriter::create(path, test_protocol(), test_provenance(), fast());
    w.put_run(r);
    w.close();
  }
  const auto reader = StoreReader::open(path);
  EXPECT_EQ(reader.schema_version(), 1);
  EXPECT_EQ(reader.protocol().text, test_protocol().text);
  EXPECT_EQ(reader.protocol().hash, "sha256:0123abcd");
  EXPECT_EQ(reader.protocol().resolved_config, "{\"epochs\": 3}");
  EXPECT_EQ(reader.provenance(), test_provenance());
  EXPECT_EQ(reader.run_ids(), std::vector<std::string>{"cell-0003"});
  EXPECT_EQ(reader.pending_runs(), 0u);
  const RunRecord back = reader.run("cell-0003");
  expect_same(r, back);
  EXPECT_TRUE(std::isnan(back.step_metrics.at("loss")[7].value));
  EXPECT_EQ(back.step_metrics.at("loss")[999].step, 999);
  EXPECT_DOUBLE_EQ(back.step_metrics.at("loss")[999].value, 2.0 / 1003.0);
  EXPECT_TRUE(back.step_metrics.at("empty").empty());
  EXPECT_EQ(back.seeds.at("data_order"), 0xFFFFFFFFFFFFFFF0ull - 3u);  // full uint64 range
  EXPECT_EQ(back.error, "loss is NaN at step 7 — stopped");
}

TEST(StoreRoundTrip, PendingRunsAreVisibleBeforeCompaction) {
  const auto dir = scratch_dir("pending");
  const auto path = dir / "study.h5";
  StoreOptions o = fast();
  o.compact_every = 0;
  auto w = StoreWriter::create(path, test_protocol(), test_provenance(), o);
  for (int i = 0; i < 5; ++i) w.put_run(make_record(i));
  {
    const auto r = StoreReader::open(path);
    EXPECT_EQ(r.pending_runs(), 5u);
    ASSERT_EQ(r.run_ids().size(), 5u);
    expect_same(make_record(4), r.run("cell-0004"));
    const auto s = r.summaries();
    ASSERT_EQ(s.size(), 5u);
    EXPECT_EQ(s[1].arm, "candidate");
    EXPECT_EQ(s[1].replicate, 0);
  }
  w.compact();
  const auto r = StoreReader::open(path);
  EXPECT_EQ(r.pending_runs(), 0u);
  ASSERT_EQ(r.run_ids().size(), 5u);
  expect_same(make_record(2), r.run("cell-0002"));
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

TEST(StoreRoundTrip, PutRunReplacesACellAlsoAfterCompaction) {
  const auto dir = scratch_dir("replace");
  const auto path = dir / "study.h5";
  auto w = StoreWriter::create(path, test_protocol(), test_provenance(), fast());
  RunRecord r = make_record(1);
  r.status = RunStatus::kRunning;
  w.put_run(r);
  w.compact();
  EXPECT_EQ(StoreReader::open(path).run("cell-0001").status, RunStatus::kRunning);
  r.status = RunStatus::kComplete;
  r.final_metrics["test_accuracy"] = 0.5;
  w.put_run(r);
  EXPECT_EQ(StoreReader::open(path).run("cell-0001").status, RunStatus::kComplete);  // pending wins
  w.close();
  const auto reader = StoreReader::open(path);
  EXPECT_EQ(reader.run_ids().size(), 1u);
  expect_same(r, reader.run("cell-0001"));
}

TEST(StoreRoundTrip, CompactsEveryNRunsAndResumes) {
  const auto dir = scratch_dir("resume");
  const auto path = dir / "study.h5";
  StoreOptions o = fast();
  o.compact_every = 3;
  {
    auto w = StoreWriter::create(path, test_protocol(), test_provenance(), o);
    for (int i = 0; i < 7; ++i) w.put_run(make_record(i));
    EXPECT_EQ(StoreReader::open(path).pending_runs(), 1u);  // 6 compacted, 1 pending
  }                                                         // no close(): like a study that stopped
  {
    auto w = StoreWriter::open(path, o);
    w.put_run(make_record(7));
    w.close();
  }
  const auto r = StoreReader::open(path);
  EXPECT_EQ(r.pending_runs(), 0u);
  ASSERT_EQ(r.run_ids().size(), 8u);
  for (int i = 0; i < 8; ++i) expect_same(make_record(i), r.run(test::cell_name(i)));
}

TEST(StoreRoundTrip, AnalysisIsKeptApartFromRuns) {
  const auto dir = scratch_dir("analysis");
  const auto path = dir / "study.h5";
  auto w = StoreWriter::create(path, test_protocol(), test_provenance(), fast());
  w.put_run(make_record(0));
  w.put_analysis("claim-1", "{\"verdict\": \"supported\"}");
  w.put_analysis("claim-1", "{\"verdict\": \"refuted\"}");
  w.close();
  const auto r = StoreReader::open(path);
  EXPECT_EQ(r.analysis(),
            (std::map<std::string, std::string>{{"claim-1", "{\"verdict\": \"refuted\"}"}}));
  EXPECT_EQ(r.run_ids(), std::vector<std::string>{"cell-0000"});
}

TEST(StoreWriterTest, SecondWriterIsRefused) {
  const auto dir = scratch_dir("lock");
  const auto path = dir / "study.h5";
  auto w = StoreWriter::create(path, test_protocol(), test_provenance(), fast());
  try {
    StoreWriter::open(path, fast());
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("another process is writing this store"),
              std::string::npos)
        << e.what();
  }
  w.close();
  EXPECT_NO_THROW(StoreWriter::open(path, fast()).close());
}

TEST(StoreWriterTest, CreateRefusesAnExistingPath) {
  const auto dir = scratch_dir("exists");
  const auto path = dir / "study.h5";
  StoreWriter::create(path, test_protocol(), test_provenance(), fast()).close();
  try {
    StoreWriter::create(path, test_protocol(), test_provenance(), fast());
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        path.string() + ": already exists; open it to resume the study, or choose a new path");
  }
}

TEST(StoreWriterTest, InvalidRecordsAreRejectedWithTheReason) {
  const auto dir = scratch_dir("invalid");
  auto w = StoreWriter::create(dir / "study.h5", test_protocol(), test_provenance(), fast());
  auto message = [&](const RunRecord& r) {
    try {
      w.put_run(r);
    } catch (const StoreError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  RunRecord r = make_record(0);
  r.cell_id = "a/b";
  EXPECT_EQ(message(r),
            "cell id \"a/b\" is invalid: it contains '/'; use letters, digits, '.', '_' and '-' "
            "(e.g. \"resnet-s0003\")");
  r = make_record(0);
  r.step_metrics["a/b"] = {};
  EXPECT_EQ(message(r),
            "run \"cell-0000\": step metric name \"a/b\" is invalid; names must be non-empty, "
            "without '/', and not \".\" or \"..\"");
  r = make_record(0);
  r.examples.loss.pop_back();
  EXPECT_EQ(message(r),
            "run \"cell-0000\": examples have index 20, prediction 20, target 20, loss 19 values; "
            "every non-empty one must have the same length");
  r = make_record(0);
  r.params_sha256 = "xyz";
  EXPECT_EQ(message(r),
            "run \"cell-0000\": params_sha256 \"xyz\" must be 64 lower-case hex digits (or empty)");
  w.close();
  EXPECT_TRUE(StoreReader::open(dir / "study.h5").run_ids().empty());  // nothing half-written
}

TEST(RunStatusTest, NamesRoundTripAndUnknownIsAnError) {
  for (RunStatus s : {RunStatus::kPlanned, RunStatus::kRunning, RunStatus::kComplete,
                      RunStatus::kFailed, RunStatus::kDiverged}) {
    EXPECT_EQ(parse_run_status(to_string(s)), s);
  }
  EXPECT_EQ(to_string(RunStatus::kDiverged), "diverged");
  try {
    parse_run_status("done");
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_STREQ(e.what(),
                 "run status \"done\" is unknown; must be one of planned, running, complete, "
                 "failed, diverged");
  }
}

TEST(IdenticalTest, ComparesDoublesBitwise) {
  RunRecord a = make_record(1);
  a.final_metrics["x"] = std::numeric_limits<double>::quiet_NaN();
  RunRecord b = a;
  EXPECT_TRUE(identical(a, b));
  b.step_metrics["loss"][3].value += 1e-12;
  EXPECT_FALSE(identical(a, b));
  b = a;
  b.seeds["init"] += 1;
  EXPECT_FALSE(identical(a, b));
}

}  // namespace
}  // namespace rigor::store
