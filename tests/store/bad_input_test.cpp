// Bad input: missing, foreign, truncated, corrupt and newer-schema files give a StoreError naming
// the file and object path, never a crash.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <fstream>
#include <random>

#include "rigor/store.h"
#include "store_test_util.h"

namespace rigor::store {
namespace {

using test::make_record;
using test::scratch_dir;

std::string open_error(const std::filesystem::path& p) {
  try {
    StoreReader r = StoreReader::open(p);
    for (const std::string& id : r.run_ids()) r.run(id);  // a corrupt run must throw too
  } catch (const StoreError& e) {
    return e.what();
  }
  return "no error";
}

std::filesystem::path make_store(const std::filesystem::path& dir, int runs = 20) {
  const auto path = dir / "study.h5";
  StoreOptions o;
  o.sync = false;
  auto w = StoreWriter::create(path, test::test_protocol(), test::test_provenance(), o);
  for (int i = 0; i < runs; ++i) w.put_run(make_record(i, 2000, 200));
  w.close();
  return path;
}

// Rewrites one attribute of the root group with the raw HDF5 API (what another tool might do).
void set_root_attribute(const std::filesystem::path& p, const char* name, long long value) {
  const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Adelete_by_name(f, "/", name, H5P_DEFAULT);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t a = H5Acreate_by_name(f, "/", name, H5T_NATIVE_LLONG, space, H5P_DEFAULT, H5P_DEFAULT,
                                    H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LLONG, &value);
  H5Aclose(a);
  H5Sclose(space);
  H5Fclose(f);
}

TEST(StoreBadInput, MissingFile) {
  const auto dir = scratch_dir("missing");
  EXPECT_EQ(open_error(dir / "nope.h5"), (dir / "nope.h5").string() + ": no such file");
}

TEST(StoreBadInput, NotAnHdf5File) {
  const auto dir = scratch_dir("text");
  const auto p = dir / "runs.csv";
  std::ofstream(p) << "cell,arm\n1,a\n";
  EXPECT_EQ(
      open_error(p),
      p.string() + ": not an HDF5 file (no HDF5 signature): truncated, corrupt or another format");
}

TEST(StoreBadInput, ForeignHdf5File) {
  const auto dir = scratch_dir("foreign");
  const auto p = dir / "foreign.h5";
  const hid_t f = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Gclose(H5Gcreate2(f, "data", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Fclose(f);
  EXPECT_EQ(
      open_error(p),
      p.string() + ":/: not a rigor store: attribute \"format\" is missing (a foreign HDF5 file?)");
}

TEST(StoreBadInput, NewerSchemaVersion) {
  const auto p = make_store(scratch_dir("newer"), 1);
  set_root_attribute(p, "schema_version", 2);
  EXPECT_EQ(open_error(p),
            p.string() +
                ":/: schema_version is 2, newer than this rigor reads (1); upgrade rigor to "
                "read this store");
}

TEST(StoreBadInput, WrongAttributeType) {
  const auto p = make_store(scratch_dir("wrongtype"), 1);
  set_root_attribute(p, "format", 7);
  EXPECT_EQ(open_error(p), p.string() + ":/: attribute \"format\" must be a string");
}

TEST(StoreBadInput, PendingRunFileIsNotAStore) {
  const auto dir = scratch_dir("pendingfile");
  const auto path = dir / "study.h5";
  StoreOptions o;
  o.sync = false;
  o.compact_every = 0;
  auto w = StoreWriter::create(path, test::test_protocol(), test::test_provenance(), o);
  w.put_run(make_record(0));
  const auto pending = dir / "study.h5.pending" / "cell-0000.h5";
  EXPECT_EQ(open_error(pending),
            pending.string() +
                ":/: attribute \"kind\" is \"pending-run\", expected \"study\" "
                "(a pending-run file is not a store; open the store it belongs to)");
}

TEST(StoreBadInput, TruncatedFilesNeverCrash) {
  const auto dir = scratch_dir("truncated");
  const auto p = make_store(dir);
  const auto size = std::filesystem::file_size(p);
  for (double frac : {0.0, 0.001, 0.1, 0.5, 0.9, 0.999}) {
    const auto copy = dir / ("t" + std::to_string(static_cast<int>(frac * 1000)) + ".h5");
    std::filesystem::copy_file(p, copy);
    std::filesystem::resize_file(copy,
                                 static_cast<std::uintmax_t>(static_cast<double>(size) * frac));
    const std::string err = open_error(copy);
    EXPECT_EQ(err.rfind(copy.string() + ":", 0), 0u) << "fraction " << frac << ": " << err;
  }
  const auto t50 = dir / "t500.h5";
  EXPECT_NE(open_error(t50).find("H5Fopen (truncated or corrupt file?) failed: "),
            std::string::npos)
      << open_error(t50);
}

TEST(StoreBadInput, CorruptBytesNeverCrash) {
  // Overwrites random byte ranges (fixed seed) and checks every outcome is a StoreError naming the
  // file, or, when the damage hit unused bytes or data, a readable store.
  const auto dir = scratch_dir("corrupt");
  const auto p = make_store(dir);
  const auto size = std::filesystem::file_size(p);
  std::mt19937_64 rng(20261123);
  int errors = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const auto copy = dir / ("c" + std::to_string(trial) + ".h5");
    std::filesystem::copy_file(p, copy);
    {
      std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
      const auto offset = static_cast<std::streamoff>(rng() % size);
      f.seekp(offset);
      for (int k = 0; k < 64; ++k) f.put(static_cast<char>(rng() & 0xFF));
    }
    const std::string err = open_error(copy);
    if (err != "no error") {
      ++errors;
      EXPECT_EQ(err.rfind(copy.string() + ":", 0), 0u) << err;
    }
    std::filesystem::remove(copy);
  }
  EXPECT_GT(errors, 0);  // the test really damaged metadata
}

TEST(StoreBadInput, MissingRunGroupIsNamed) {
  const auto p = make_store(scratch_dir("norun"), 2);
  const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Ldelete(f, "/runs/cell-0001/seeds", H5P_DEFAULT);
  H5Fclose(f);
  const auto r = StoreReader::open(p);
  try {
    r.run("cell-0001");
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()), p.string() + ":/runs/cell-0001/seeds: group is missing");
  }
  try {
    r.run("cell-0042");
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()), p.string() + ":/runs/cell-0042: no such run in this store");
  }
}

TEST(StoreBadInput, StaleRunIndexFallsBackToTheRunGroups) {
  const auto p = make_store(scratch_dir("staleindex"), 5);
  {
    const auto r = StoreReader::open(p);
    const auto s = r.summaries();
    ASSERT_EQ(s.size(), 5u);
    EXPECT_EQ(s[3].arm, "candidate");
    EXPECT_EQ(s[3].replicate, 1);
    EXPECT_DOUBLE_EQ(s[3].wall_seconds, 12.5);
  }
  // Another tool deletes a run but leaves /run_index as it was.
  const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Ldelete(f, "/runs/cell-0002", H5P_DEFAULT);
  H5Fclose(f);
  const auto r = StoreReader::open(p);
  const auto s = r.summaries();
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[2].cell_id, "cell-0003");
  EXPECT_EQ(s[2].arm, "candidate");
  // The next compaction rebuilds the index from the groups.
  StoreOptions o;
  o.sync = false;
  auto w = StoreWriter::open(p, o);
  w.put_run(make_record(9));
  w.close();
  EXPECT_EQ(StoreReader::open(p).summaries().size(), 5u);
}

}  // namespace
}  // namespace rigor::store
