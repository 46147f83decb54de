// merge_stores: combines shards, refuses mixed protocols and conflicting cells, is idempotent.
#include <gtest/gtest.h>

#include "rigor/store.h"
#include "store_test_util.h"

namespace rigor::store {
namespace {

using test::make_record;
using test::scratch_dir;

StoreOptions fast() {
  StoreOptions o;
  o.sync = false;
  return o;
}

std::filesystem::path shard(const std::filesystem::path& dir, const std::string& name,
                            std::vector<int> cells, const std::string& hash = "sha256:0123abcd",
                            const std::string& host = "testhost") {
  const auto p = dir / name;
  Provenance prov = test::test_provenance();
  prov["host"] = host;
  StoreOptions o = fast();
  o.compact_every = 0;
  auto w = StoreWriter::create(p, test::test_protocol(hash), prov, o);
  for (int i : cells) w.put_run(make_record(i));
  if (cells.size() > 1) w.close();  // a one-run shard stays pending: merge must see pending runs
  return p;
}

std::string merge_error(const std::vector<std::filesystem::path>& in,
                        const std::filesystem::path& out) {
  try {
    merge_stores(in, out, fast());
  } catch (const StoreError& e) {
    return e.what();
  }
  return "no error";
}

TEST(StoreMerge, CombinesShardsAndKeepsEveryProvenance) {
  const auto dir = scratch_dir("merge");
  const auto a = shard(dir, "a.h5", {0, 1, 2}, "sha256:0123abcd", "node1");
  const auto b = shard(dir, "b.h5", {3}, "sha256:0123abcd", "node2");
  const auto out = dir / "out.h5";
  const MergeResult res = merge_stores({a, b}, out, fast());
  EXPECT_EQ(res.runs, 4u);
  EXPECT_EQ(res.identical_duplicates, 0u);
  const auto r = StoreReader::open(out);
  ASSERT_EQ(r.run_ids().size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(identical(r.run(test::cell_name(i)), make_record(i)));
  EXPECT_EQ(r.provenance().at("host"), "node1");
  ASSERT_EQ(r.merged_provenance().size(), 1u);
  EXPECT_EQ(r.merged_provenance()[0].at("host"), "node2");
  EXPECT_EQ(r.protocol().hash, "sha256:0123abcd");
}

TEST(StoreMerge, IsIdempotent) {
  const auto dir = scratch_dir("idem");
  const auto a = shard(dir, "a.h5", {0, 1}, "sha256:0123abcd", "node1");
  const auto b = shard(dir, "b.h5", {1, 2}, "sha256:0123abcd", "node2");
  const auto out = dir / "out.h5";
  EXPECT_EQ(merge_stores({a, b}, out, fast()).identical_duplicates, 1u);
  const MergeResult again = merge_stores({out, a, b, out}, out, fast());  // into itself
  EXPECT_EQ(again.runs, 3u);
  const auto r = StoreReader::open(out);
  EXPECT_EQ(r.run_ids(), (std::vector<std::string>{"cell-0000", "cell-0001", "cell-0002"}));
  EXPECT_EQ(r.merged_provenance().size(), 1u);  // node2 once, not once per merge
  EXPECT_EQ(merge_stores({a, a}, dir / "aa.h5", fast()).runs, 2u);
}

TEST(StoreMerge, RefusesDifferentProtocols) {
  const auto dir = scratch_dir("proto");
  const auto a = shard(dir, "a.h5", {0, 1});
  const auto b = shard(dir, "b.h5", {2, 3}, "sha256:ffff");
  EXPECT_EQ(merge_error({a, b}, dir / "out.h5"),
            b.string() + ":/protocol: hash \"sha256:ffff\" differs from " + a.string() +
                "'s \"sha256:0123abcd\"; stores of different protocols cannot be merged");
  EXPECT_FALSE(std::filesystem::exists(dir / "out.h5"));
}

TEST(StoreMerge, RefusesConflictingDuplicateCells) {
  const auto dir = scratch_dir("conflict");
  const auto a = shard(dir, "a.h5", {0, 1});
  const auto b = dir / "b.h5";
  {
    auto w = StoreWriter::create(b, test::test_protocol(), test::test_provenance(), fast());
    RunRecord r = make_record(1);
    r.final_metrics["test_accuracy"] = 0.1;
    w.put_run(r);
    w.close();
  }
  EXPECT_EQ(merge_error({a, b}, dir / "out.h5"),
            "merge: run \"cell-0001\" differs between " + a.string() + " and " + b.string() +
                "; a cell must be run once (or identically), remove one of them");
}

TEST(StoreMerge, RefusesToOverwriteAnUnlistedOutput) {
  const auto dir = scratch_dir("overwrite");
  const auto a = shard(dir, "a.h5", {0, 1});
  const auto b = shard(dir, "b.h5", {2, 3});
  EXPECT_EQ(merge_error({a}, b),
            b.string() +
                ": already exists; to merge into it, list it as an input too (rigor merge " +
                b.string() + " ... -o " + b.string() + "), or remove it");
}

}  // namespace
}  // namespace rigor::store
