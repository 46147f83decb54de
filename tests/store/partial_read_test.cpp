// StoreReader::run(cell_id, parts): only the parts asked for are read, from the main file and from
// pending runs alike; the parts left out are empty (checkpoint: nullopt) and never opened.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <string>
#include <vector>

#include "rigor/store.h"
#include "store_test_util.h"

namespace rigor::store {
namespace {

using test::cell_name;
using test::make_record;
using test::scratch_dir;

StoreOptions fast_no_compaction() {
  StoreOptions o;
  o.sync = false;
  o.compact_every = 0;
  return o;
}

// Every combination of the four flags (bit 0 steps, 1 epochs, 2 examples, 3 checkpoint).
std::vector<RunParts> every_combination() {
  std::vector<RunParts> out;
  for (int bits = 0; bits < 16; ++bits) {
    out.push_back({.step_metrics = (bits & 1) != 0,
                   .epoch_metrics = (bits & 2) != 0,
                   .examples = (bits & 4) != 0,
                   .checkpoint = (bits & 8) != 0});
  }
  return out;
}

std::string describe(const RunParts& p) {
  return std::string("steps ") + (p.step_metrics ? "1" : "0") + ", epochs " +
         (p.epoch_metrics ? "1" : "0") + ", examples " + (p.examples ? "1" : "0") +
         ", checkpoint " + (p.checkpoint ? "1" : "0");
}

// `got` (read with `parts`) holds exactly `want`'s attributes, seeds and final metrics, the parts
// asked for, and nothing of the others.
void expect_parts(const RunRecord& want, const RunRecord& got, const RunParts& parts) {
  SCOPED_TRACE(want.cell_id + ": " + describe(parts));
  EXPECT_EQ(got.cell_id, want.cell_id);
  EXPECT_EQ(got.arm, want.arm);
  EXPECT_EQ(got.replicate, want.replicate);
  EXPECT_EQ(got.seeds, want.seeds);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.error, want.error);
  EXPECT_EQ(got.start_time, want.start_time);
  EXPECT_EQ(got.end_time, want.end_time);
  EXPECT_EQ(got.wall_seconds, want.wall_seconds);
  EXPECT_EQ(got.cpu_seconds, want.cpu_seconds);
  EXPECT_EQ(got.device, want.device);
  EXPECT_EQ(got.params_sha256, want.params_sha256);
  EXPECT_EQ(got.final_metrics, want.final_metrics);
  // Whatever was asked for, plus empty parts in place of the rest: the record equals `want` with
  // those parts cleared.
  RunRecord expected = want;
  if (!parts.step_metrics) expected.step_metrics.clear();
  if (!parts.epoch_metrics) expected.epoch_metrics.clear();
  if (!parts.examples) expected.examples = {};
  if (!parts.checkpoint) expected.checkpoint.reset();
  EXPECT_TRUE(identical(expected, got));
  // (Every record here has all four parts, except cell 1's pending copy, without checkpoint.)
  EXPECT_EQ(got.step_metrics.empty(), !parts.step_metrics);
  EXPECT_EQ(got.epoch_metrics.empty(), !parts.epoch_metrics);
  EXPECT_EQ(got.examples.empty(), !parts.examples);
  EXPECT_EQ(got.checkpoint.has_value(), parts.checkpoint && want.checkpoint.has_value());
}

TEST(StorePartialRead, ReadsOnlyTheAskedPartsFromMainFileAndPendingRuns) {
  const auto path = scratch_dir("partial") / "study.h5";
  auto w = StoreWriter::create(path, test::test_protocol(), test::test_provenance(),
                               fast_no_compaction());
  std::vector<RunRecord> want;
  for (int i = 0; i < 6; ++i) want.push_back(make_record(i, 40, 15, /*checkpoint=*/true));
  for (int i = 0; i < 4; ++i) w.put_run(want[static_cast<std::size_t>(i)]);
  w.compact();  // cells 0-3 in the main file
  for (int i = 4; i < 6; ++i) w.put_run(want[static_cast<std::size_t>(i)]);  // 4, 5 pending
  // Cell 1 replaced by a pending copy with other values and no checkpoint: the pending copy wins
  // for every combination of parts.
  want[1].status = RunStatus::kDiverged;
  want[1].error = "loss is NaN at step 3";
  want[1].final_metrics = {{"test_accuracy", 0.125}};
  want[1].step_metrics["loss"].resize(3);
  want[1].examples.loss.assign(want[1].examples.loss.size(), 7.5);
  want[1].checkpoint.reset();
  w.put_run(want[1]);

  const auto reader = StoreReader::open(path);
  ASSERT_EQ(reader.pending_runs(), 3u);
  ASSERT_EQ(reader.run_ids().size(), 6u);
  for (const RunRecord& r : want) {
    for (const RunParts& parts : every_combination())
      expect_parts(r, reader.run(r.cell_id, parts), parts);
    // The whole record, three ways, is unchanged.
    EXPECT_TRUE(identical(reader.run(r.cell_id), r)) << r.cell_id;
    EXPECT_TRUE(identical(reader.run(r.cell_id, RunParts::all()), r)) << r.cell_id;
    EXPECT_TRUE(identical(reader.run(r.cell_id, RunParts{}), r)) << r.cell_id;
  }
  // The essentials of a run with a checkpoint: nullopt, while the whole read has it.
  const RunRecord essentials = reader.run(cell_name(0), RunParts::essentials());
  EXPECT_FALSE(essentials.checkpoint.has_value());
  EXPECT_TRUE(essentials.step_metrics.empty());
  EXPECT_TRUE(essentials.examples.index.empty());
  EXPECT_EQ(reader.run(cell_name(0)).checkpoint,
            (std::vector<std::uint8_t>{1, 2, 3, static_cast<std::uint8_t>(0)}));
  EXPECT_EQ(reader.run(cell_name(4), {.checkpoint = false}).checkpoint, std::nullopt);
  EXPECT_EQ(reader.run(cell_name(1), RunParts::essentials()).final_metrics.at("test_accuracy"),
            0.125);
  w.close();
}

TEST(StorePartialRead, AbsentCellIsAnError) {
  const auto path = scratch_dir("partialabsent") / "study.h5";
  auto w = StoreWriter::create(path, test::test_protocol(), test::test_provenance(),
                               fast_no_compaction());
  w.put_run(make_record(0));
  w.close();
  const auto reader = StoreReader::open(path);
  try {
    reader.run("cell-0042", RunParts::essentials());
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ":/runs/cell-0042: no such run in this store");
  }
}

// A part left out is not even opened: damage there goes unnoticed (docs/store-format.md), damage in
// a part asked for is reported as before.
TEST(StorePartialRead, PartsLeftOutAreNotOpened) {
  const auto path = scratch_dir("partialdamage") / "study.h5";
  {
    StoreOptions o = fast_no_compaction();
    auto w = StoreWriter::create(path, test::test_protocol(), test::test_provenance(), o);
    w.put_run(make_record(0, 20, 10, true));
    w.put_run(make_record(1, 20, 10, true));
    w.close();
  }
  // cell-0001: steps/ deleted, and checkpoint made a group instead of a uint8 dataset.
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  ASSERT_GE(H5Ldelete(f, "/runs/cell-0001/steps", H5P_DEFAULT), 0);
  ASSERT_GE(H5Ldelete(f, "/runs/cell-0001/checkpoint", H5P_DEFAULT), 0);
  const hid_t g =
      H5Gcreate2(f, "/runs/cell-0001/checkpoint", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(g, 0);
  H5Gclose(g);
  H5Fclose(f);

  const auto reader = StoreReader::open(path);
  auto error = [&](const RunParts& parts) {
    try {
      reader.run("cell-0001", parts);
    } catch (const StoreError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error(RunParts::all()), path.string() + ":/runs/cell-0001/steps: group is missing");
  const std::string checkpoint_error = error({.step_metrics = false});
  EXPECT_EQ(checkpoint_error.rfind(path.string() + ":/runs/cell-0001/checkpoint", 0), 0u)
      << checkpoint_error;
  EXPECT_EQ(error({.step_metrics = false, .checkpoint = false}), "no error");
  const RunRecord r = reader.run("cell-0001", RunParts::essentials());
  EXPECT_EQ(r.final_metrics, make_record(1).final_metrics);
  EXPECT_EQ(r.seeds, make_record(1).seeds);
  EXPECT_FALSE(r.checkpoint.has_value());
  EXPECT_TRUE(identical(reader.run("cell-0000"), make_record(0, 20, 10, true)));
}

}  // namespace
}  // namespace rigor::store
