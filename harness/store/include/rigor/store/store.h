// rigor/store/store.h — the study store: write runs crash-safely, read them back, merge shards.
//
//   auto w = rigor::store::StoreWriter::create("study.h5", protocol, provenance);
//   w.put_run(record);  // durable when it returns; a kill -9 later cannot lose it
//   w.close();          // folds the pending runs into study.h5
//
// A store is the HDF5 file STORE plus, while a study writes, the directory STORE.pending/ holding
// one small HDF5 file per run written since the last compaction. Every change is written to a
// temporary file, fsync'ed and renamed into place, so a study killed at any moment (kill -9, power
// loss) loses at most the run in flight and the store always opens. Readers see the main file
// overlaid with the pending runs. Layout: docs/store-format.md.
//
// Not thread-safe (Debian's libhdf5 is built without thread safety): use a store from one thread.
#ifndef RIGOR_STORE_STORE_H_
#define RIGOR_STORE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rigor/store/record.h"

namespace rigor::store {

struct StoreOptions {
  // fsync every file and directory before it is renamed into place, so a completed run also
  // survives power loss. Turn off only for tests and scratch stores (kill -9 safety stays).
  bool sync = true;
  // Fold the pending runs into the main file after this many put_run calls (0: only on
  // compact()/close()). Each compaction rewrites the main file, so keep this in the hundreds.
  std::size_t compact_every = 256;
};

// The single writer of a study store. Holds an exclusive lock (STORE.pending/.lock) while open;
// a second writer gets a StoreError. Move-only.
class StoreWriter {
 public:
  // Creates a new store at `path` with its protocol and provenance. Throws StoreError if `path`
  // exists or cannot be written.
  static StoreWriter create(const std::filesystem::path& path, const ProtocolInfo& protocol,
                            const Provenance& provenance, StoreOptions options = {});
  // Opens an existing store to add or replace runs (resuming a study). Runs left pending by a
  // killed writer are kept. Throws StoreError for a missing, foreign, corrupt or newer store.
  static StoreWriter open(const std::filesystem::path& path, StoreOptions options = {});

  StoreWriter(StoreWriter&&) noexcept;
  StoreWriter& operator=(StoreWriter&&) noexcept;
  ~StoreWriter();  // releases the lock; pending runs stay readable (no compaction here)

  // Writes or replaces the run `run.cell_id` atomically; durable when it returns. Throws
  // StoreError for an invalid record (bad cell id or names, mismatched example lengths) or I/O.
  void put_run(const RunRecord& run);
  // Writes or replaces /analysis/<name> (a JSON document produced by the analysis step).
  void put_analysis(const std::string& name, const std::string& json);
  // Folds the pending runs into the main file (rewrite, fsync, rename), then deletes them.
  void compact();
  // compact(), then releases the lock. The writer is unusable afterwards.
  void close();

  const std::filesystem::path& path() const;

 private:
  struct State;
  explicit StoreWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// A short view of one run, read from attributes only (fast: `rigor inspect`).
struct RunSummary {
  std::string cell_id;
  std::string arm;
  std::int64_t replicate = 0;
  RunStatus status = RunStatus::kPlanned;
  double wall_seconds = 0.0;
  std::string error;
};

// Which parts of a run StoreReader::run(cell_id, parts) reads. The run group's attributes (arm,
// replicate, status, error, times, device, params_sha256), its seeds and its final metrics are
// always read: they are small. Each flag adds one of the parts that can be large; a part left out
// is not opened at all (neither read nor checked for damage) and stays empty in the returned
// record (empty maps, empty ExampleResults, checkpoint == std::nullopt), which is also how a run
// that never recorded it looks: read an empty part as "not recorded" only if you asked for it.
//
//   auto r = reader.run("resnet-s0003", {.step_metrics = false, .checkpoint = false});
struct RunParts {
  bool step_metrics = true;   // steps/<metric>: one point per optimizer step (can be 100,000s)
  bool epoch_metrics = true;  // epochs/<metric>
  bool examples = true;       // examples/: per-test-example results (10,000s of rows)
  bool checkpoint = true;     // checkpoint: serialized parameters (MBs per run)

  // Every part (the default): the whole record, as run(cell_id).
  static constexpr RunParts all() { return {}; }
  // No large part: attributes, seeds and final metrics only (what `rigor analyze` needs).
  static constexpr RunParts essentials() { return {false, false, false, false}; }
};

// Read access to a store (main file + pending runs). Holds the files open read-only.
class StoreReader {
 public:
  // Throws StoreError naming the file and object path for a missing, truncated, corrupt or
  // foreign file, or one whose schema_version is newer than kSchemaVersion.
  static StoreReader open(const std::filesystem::path& path);

  StoreReader(StoreReader&&) noexcept;
  StoreReader& operator=(StoreReader&&) noexcept;
  ~StoreReader();

  std::int64_t schema_version() const;
  const ProtocolInfo& protocol() const;
  const Provenance& provenance() const;
  // Provenance of merged-in shards that differs from provenance() (/provenance/merged/<k>).
  const std::vector<Provenance>& merged_provenance() const;
  std::vector<std::string> run_ids() const;  // sorted
  bool has_run(const std::string& cell_id) const;
  // The full record; throws StoreError if the cell is absent or its data is damaged.
  RunRecord run(const std::string& cell_id) const;
  // The record with only the parts `parts` asks for (see RunParts: the others stay empty or
  // nullopt). Reads the pending copy of the run when there is one, like run(cell_id). Throws
  // StoreError if the cell is absent or a part that is read is damaged; damage in a part left out
  // goes unnoticed.
  RunRecord run(const std::string& cell_id, const RunParts& parts) const;
  std::vector<RunSummary> summaries() const;            // sorted by cell id
  std::map<std::string, std::string> analysis() const;  // name -> JSON text
  // Number of runs still in STORE.pending/ (not yet compacted into the main file).
  std::size_t pending_runs() const;
  const std::filesystem::path& path() const;

 private:
  struct State;
  explicit StoreReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
  friend struct MergeAccess;
};

struct MergeResult {
  std::size_t runs = 0;                  // runs in the output
  std::size_t identical_duplicates = 0;  // cells found in more than one input, identical
};

// Combines stores (worker or machine shards, each with its pending runs) into `output`, written
// atomically (temporary file, fsync, rename); `output` may be one of the inputs. Throws StoreError
// if the protocol hashes differ, or a cell appears twice with different data. Idempotent: merging
// a store with itself or with a merge that already contains it changes nothing. /provenance comes
// from the first input, other inputs' differing provenance goes to /provenance/merged/<k>;
// /analysis is not carried (rerun the analysis on the merged store).
MergeResult merge_stores(const std::vector<std::filesystem::path>& inputs,
                         const std::filesystem::path& output, StoreOptions options = {});

}  // namespace rigor::store

#endif  // RIGOR_STORE_STORE_H_
