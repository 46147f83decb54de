// `rigor inspect`, `rigor export`, `rigor merge` end to end (in-process), on stores written with
// the deterministic records of tests/store/store_test_util.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../store/store_test_util.h"
#include "cli_test_util.h"
#include "rigor/store.h"

namespace rigor::cli {
namespace {

using rigor::test::run_cli;
using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace st = rigor::store;

std::filesystem::path make_store(const std::filesystem::path& dir, const std::string& name,
                                 int from, int to, const std::string& hash = "sha256:0123abcd") {
  const auto p = dir / name;
  st::StoreOptions o;
  o.sync = false;
  auto w =
      st::StoreWriter::create(p, st::test::test_protocol(hash), st::test::test_provenance(), o);
  for (int i = from; i < to; ++i) w.put_run(st::test::make_record(i, 4, 3));
  w.close();
  return p;
}

TEST(StoreVerbs, HelpStartsWithUsage) {
  for (const char* verb : {"inspect", "export", "merge"}) {
    const auto r = run_cli({verb, "--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_THAT(r.out, StartsWith(std::string("Usage: rigor ") + verb));
  }
}

TEST(StoreVerbs, InspectCountsRunsByArmAndStatus) {
  const auto dir = st::test::scratch_dir("cli_inspect");
  const auto p = make_store(dir, "study.h5", 0, 8);  // run 6 failed (i % 7 == 6)
  const auto r = run_cli({"inspect", p.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("protocol sha256:0123abcd\nruns     8 (0 pending compaction)\n"));
  EXPECT_THAT(r.out,
              HasSubstr("arm         planned  running complete   failed diverged    total\n"
                        "baseline          0        0        3        1        0        4\n"
                        "candidate         0        0        4        0        0        4\n"
                        "total             0        0        7        1        0        8\n"));
  EXPECT_THAT(
      r.out,
      HasSubstr("failed or diverged runs:\n  cell-0006 (baseline, replicate 3): failed: loss "
                "became NaN at step 12\n"));
  const auto listed = run_cli({"inspect", p.string(), "--runs"});
  EXPECT_THAT(listed.out, HasSubstr("cell-0007"));
}

TEST(StoreVerbs, InspectNamesABadFile) {
  const auto dir = st::test::scratch_dir("cli_bad");
  const auto r = run_cli({"inspect", (dir / "nope.h5").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "rigor inspect: " + (dir / "nope.h5").string() + ": no such file\n");
  const auto none = run_cli({"inspect"});
  EXPECT_EQ(none.code, 2);
  EXPECT_THAT(none.err, HasSubstr("missing STORE"));
}

TEST(StoreVerbs, ExportCsvRunsTable) {
  const auto dir = st::test::scratch_dir("cli_csv");
  const auto p = make_store(dir, "study.h5", 0, 3);
  const auto r = run_cli({"export", p.string(), "--csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string header, row0;
  std::getline(lines, header);
  std::getline(lines, row0);
  EXPECT_EQ(
      header,
      "cell_id,arm,replicate,status,error,start_time,end_time,wall_seconds,cpu_seconds,device,"
      "params_sha256,seed.data_order,seed.init,final.test_accuracy,final.test_loss");
  EXPECT_EQ(row0, "cell-0000,baseline,0,complete,,1700000000,1700000012.5,12.5,11.25,cpu," +
                      std::string(64, '0') + ",18446744073709551600,1000,0.9,0.3");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4);
  const auto steps = run_cli({"export", p.string(), "--csv", "--table", "steps"});
  EXPECT_THAT(
      steps.out,
      StartsWith("cell_id,arm,replicate,metric,step,value\ncell-0000,baseline,0,loss,0,2\n"));
  EXPECT_EQ(std::count(steps.out.begin(), steps.out.end(), '\n'),
            1 + 3 * 2 * 4);  // runs x metrics x steps
}

// Every run's checkpoint (and, for the tables that do not show them, its steps and examples)
// replaced by a group where a dataset belongs: export must give the same bytes, since it reads
// only what the chosen table shows (store::RunParts).
void damage_runs(const std::filesystem::path& store, bool series_and_examples_too) {
  const std::vector<std::string> ids = st::StoreReader::open(store).run_ids();
  const hid_t f = H5Fopen(store.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  for (const std::string& id : ids) {
    const std::string run = "/runs/" + id;
    std::vector<std::string> parts = {"/checkpoint"};
    if (series_and_examples_too) parts.insert(parts.end(), {"/steps", "/examples"});
    for (const std::string& part : parts) {
      ASSERT_GE(H5Ldelete(f, (run + part).c_str(), H5P_DEFAULT), 0) << run << part;
      const hid_t g = H5Gcreate2(f, (run + part).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      ASSERT_GE(g, 0) << run << part;
      H5Gclose(g);
    }
  }
  H5Fclose(f);
}

TEST(StoreVerbs, ExportReadsOnlyTheTableItShows) {
  const auto dir = st::test::scratch_dir("cli_export_parts");
  auto store_with_checkpoints = [&](const std::string& name) {
    const auto p = dir / name;
    st::StoreOptions o;
    o.sync = false;
    auto w = st::StoreWriter::create(p, st::test::test_protocol("sha256:0123abcd"),
                                     st::test::test_provenance(), o);
    for (int i = 0; i < 3; ++i) w.put_run(st::test::make_record(i, 4, 3, /*checkpoint=*/true));
    w.close();
    return p;
  };
  const auto intact = store_with_checkpoints("intact.h5");
  const auto no_checkpoints = store_with_checkpoints("no_checkpoints.h5");
  const auto gutted = store_with_checkpoints("gutted.h5");
  damage_runs(no_checkpoints, false);
  damage_runs(gutted, true);
  ASSERT_THROW((void)st::StoreReader::open(gutted).run("cell-0000"), st::StoreError);
  auto csv = [](const std::filesystem::path& p, const std::string& table) {
    const auto r = run_cli({"export", p.string(), "--csv", "--table", table});
    EXPECT_EQ(r.code, 0) << table << ": " << r.err;
    return r.out;
  };
  for (const std::string table : {"runs", "epochs"}) {
    EXPECT_EQ(csv(gutted, table), csv(intact, table)) << table;
  }
  for (const std::string table : {"steps", "examples"}) {
    EXPECT_EQ(csv(no_checkpoints, table), csv(intact, table)) << table;
  }
}

TEST(StoreVerbs, ExportJsonRunsAndEpochs) {
  const auto dir = st::test::scratch_dir("cli_json");
  const auto p = make_store(dir, "study.h5", 0, 3);
  const auto out = dir / "study.json";
  const auto r = run_cli({"export", p.string(), "--json", "-o", out.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(out);
  const nlohmann::json doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc["schema_version"], 1);
  ASSERT_EQ(doc["runs"].size(), 3u);
  EXPECT_EQ(doc["runs"][1]["arm"], "candidate");
  EXPECT_DOUBLE_EQ(doc["runs"][2]["final.test_accuracy"].get<double>(), 0.9 + 0.0002);
  ASSERT_EQ(doc["epochs"].size(), 9u);
  EXPECT_EQ(doc["epochs"][4]["epoch"], 1);
  EXPECT_DOUBLE_EQ(doc["epochs"][4]["value"].get<double>(), 0.5 + 0.1 + 0.001);
  EXPECT_FALSE(doc.contains("steps"));
}

TEST(StoreVerbs, ExportUsageErrors) {
  const auto dir = st::test::scratch_dir("cli_usage");
  const auto p = make_store(dir, "study.h5", 0, 1);
  auto r = run_cli({"export", p.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("give exactly one of --csv and --json"));
  r = run_cli({"export", p.string(), "--csv", "--table", "weights"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err,
              HasSubstr("--table is \"weights\", but must be runs, epochs, steps or examples"));
}

TEST(StoreVerbs, MergeCombinesAndRefusesMixedProtocols) {
  const auto dir = st::test::scratch_dir("cli_merge");
  const auto a = make_store(dir, "a.h5", 0, 3);
  const auto b = make_store(dir, "b.h5", 2, 5);
  const auto out = dir / "out.h5";
  auto r = run_cli({"merge", a.string(), b.string(), "-o", out.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "merged 5 runs from 2 stores into " + out.string() + " (1 identical duplicates)\n");
  EXPECT_EQ(st::StoreReader::open(out).run_ids().size(), 5u);
  r = run_cli({"merge", out.string(), a.string(), "-o", out.string()});  // idempotent
  EXPECT_EQ(r.out,
            "merged 5 runs from 2 stores into " + out.string() + " (3 identical duplicates)\n");
  const auto c = make_store(dir, "c.h5", 5, 6, "sha256:other");
  r = run_cli({"merge", a.string(), c.string(), "-o", (dir / "bad.h5").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr(":/protocol: hash \"sha256:other\" differs from"));
  r = run_cli({"merge", a.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing -o OUT.h5"));
}

}  // namespace
}  // namespace rigor::cli
