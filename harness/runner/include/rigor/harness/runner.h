// rigor/harness/runner.h — runs a study: every run cell of a protocol, each in its own process,
// N at a time, recorded in the study store as it finishes; resumable after any interruption. And
// `rigor verify`: rerun recorded cells and say whether they reproduce bit for bit.
//
//   rigor::harness::RunOptions opt{.store = "study.h5", .jobs = 2};
//   rigor::harness::StudyResult r = rigor::harness::run_study("protocol.toml", opt, std::cerr);
//   if (r.failed > 0) { /* rerun the same command: complete cells are skipped */ }
#ifndef RIGOR_HARNESS_RUNNER_H_
#define RIGOR_HARNESS_RUNNER_H_

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "rigor/harness/wire.h"

namespace rigor::harness {

// How the progress display looks. kAuto: a live bar when the stream is a terminal, plain lines
// otherwise (Slurm logs, CI).
enum class ProgressMode { kAuto, kBar, kLines, kQuiet };

struct WorkerSettings {
  std::string device = "cpu";  // "cpu", "cuda", "cuda:<k>"
  int threads = 1;             // intra-op threads of each run (results may depend on it: recorded)
  int jobs = 1;                // runs at once, each in its own process
  bool keep_checkpoints = false;
  // The rigor-worker executable; empty: $RIGOR_WORKER, else rigor-worker next to this program.
  std::filesystem::path worker;
};

struct RunOptions {
  std::filesystem::path store;
  WorkerSettings workers;
  // Run only the cells with index % count == part (plan order), for shards (`--cells i/N`).
  std::int64_t part = 0;
  std::int64_t parts = 1;
  ProgressMode progress = ProgressMode::kAuto;
  bool sync = true;  // fsync the store (off only for tests and scratch studies)
};

struct StudyResult {
  std::int64_t planned = 0;      // cells in this part of the plan
  std::int64_t skipped = 0;      // already complete or diverged in the store
  std::int64_t complete = 0;     // run now: complete
  std::int64_t diverged = 0;     // run now: diverged
  std::int64_t failed = 0;       // run now: failed (crash, error, killed)
  double wall_seconds = 0.0;     // of the whole study
  double run_cpu_seconds = 0.0;  // sum over the runs made now
  std::vector<std::string> failed_cells;
};

// Runs every cell of the protocol that the store does not yet hold as complete or diverged
// (creating the store when absent). Progress goes to `progress_out`. Throws ProtocolError for a
// bad protocol, HarnessError when the study cannot run at all (the store belongs to another
// protocol, rigor-worker is missing, the data cannot be read, a model option is wrong: nothing is
// recorded then), StoreError for store I/O. A failed run is not an exception: it is recorded.
StudyResult run_study(const std::filesystem::path& protocol_file, const RunOptions& options,
                      std::ostream& progress_out);

struct VerifyOptions {
  std::filesystem::path store;
  std::int64_t sample = 3;                // cells to rerun (all when larger than the study)
  std::uint64_t seed = 0;                 // which cells: a deterministic function of the seed
  std::vector<std::string> cells;         // explicit cell ids instead of a sample
  std::optional<WorkerSettings> workers;  // default: the device and threads the study used
  std::filesystem::path data_dir;         // base for relative data paths; default: the recorded one
  double tolerance = 1e-6;                // relative, for "reproduces within tolerance"
  ProgressMode progress = ProgressMode::kAuto;
  bool write = true;  // record the result as /analysis/verify
};

enum class Reproduction { kBitwise, kWithinTolerance, kMismatch, kFailed };
std::string_view to_string(Reproduction r);  // "bitwise", "tolerance", "mismatch", "failed"

struct CellVerification {
  std::string cell;
  Reproduction outcome = Reproduction::kFailed;
  std::string recorded_sha256;
  std::string rerun_sha256;
  double max_abs_diff = 0.0;  // over final and per-epoch metrics
  double max_rel_diff = 0.0;
  std::string message;  // what differed first, or why the rerun failed
};

struct VerifyResult {
  std::vector<CellVerification> cells;
  std::string device;
  std::string json;  // what was written to /analysis/verify
};

// Reruns recorded cells with the store's protocol and compares parameters (SHA-256) and metrics.
VerifyResult verify_store(const VerifyOptions& options, std::ostream& progress_out);

}  // namespace rigor::harness

#endif  // RIGOR_HARNESS_RUNNER_H_
