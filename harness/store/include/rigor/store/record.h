// rigor/store/record.h — the value types a study store holds: one RunRecord per run cell, the
// protocol it ran under, and the errors the store throws. Plain data: no HDF5 in this header.
//
//   rigor::store::RunRecord run{.cell_id = "resnet-s0003", .arm = "resnet", .replicate = 3};
//   run.seeds["init"] = 42;
//   run.step_metrics["loss"] = {{0, 2.3}, {1, 2.1}};
#ifndef RIGOR_STORE_RECORD_H_
#define RIGOR_STORE_RECORD_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/error.h"

namespace rigor::store {

// Every store failure: I/O, HDF5, bad or foreign files, schema mismatch, invalid records. The
// message names the file and the object path: "study.h5:/runs/cell-0003/steps/loss: H5Dwrite
// failed: <HDF5 error stack>".
class StoreError : public rigor::Error {
 public:
  using rigor::Error::Error;
};

// The store layout version this build writes and the newest it reads (docs/store-format.md).
inline constexpr std::int64_t kSchemaVersion = 1;

// Life cycle of a run cell. Stored as its lower-case name ("planned", "running", ...).
enum class RunStatus { kPlanned, kRunning, kComplete, kFailed, kDiverged };

// "planned", "running", "complete", "failed", "diverged".
std::string_view to_string(RunStatus status);
// Inverse of to_string; throws StoreError naming the text and the accepted names.
RunStatus parse_run_status(std::string_view text);

// One point of a metric series: `step` is the optimizer step (per-step series) or the epoch
// (per-epoch series), counted from 0.
struct SeriesPoint {
  std::int64_t step = 0;
  double value = 0.0;
};
using Series = std::vector<SeriesPoint>;

// Per-example test results, for paired instance-level tests and for listing the hardest examples.
// All non-empty vectors must have the same length; `target` and `prediction` may be left empty
// (e.g. for regression, where only `loss` matters).
struct ExampleResults {
  std::vector<std::int64_t> index;       // example index in the test set
  std::vector<std::int64_t> prediction;  // predicted class
  std::vector<std::int64_t> target;      // true class
  std::vector<double> loss;              // per-example loss
  bool empty() const {
    return index.empty() && prediction.empty() && target.empty() && loss.empty();
  }
};

// Everything recorded about one run cell (one arm x replicate). Names used as keys (seed sources,
// metric names) become HDF5 link or attribute names: non-empty, no '/', not "." or "..".
struct RunRecord {
  std::string cell_id;  // [A-Za-z0-9._-]+, not starting with '.', at most 200 characters
  std::string arm;
  std::int64_t replicate = 0;
  std::map<std::string, std::uint64_t> seeds;  // seed by source ("init", "data_order", ...)
  RunStatus status = RunStatus::kPlanned;
  std::string error;                            // failure or divergence message, empty otherwise
  double start_time = 0.0;                      // Unix time, seconds (UTC); 0 when not started
  double end_time = 0.0;                        // Unix time, seconds (UTC); 0 when not finished
  double wall_seconds = 0.0;                    // elapsed wall-clock time of the run
  double cpu_seconds = 0.0;                     // process CPU time of the run (user + system)
  std::string device;                           // e.g. "cpu", "cuda:0 (NVIDIA H100 80GB HBM3)"
  std::map<std::string, Series> step_metrics;   // name -> (step, value), per optimizer step
  std::map<std::string, Series> epoch_metrics;  // name -> (epoch, value)
  std::map<std::string, double> final_metrics;  // name -> value at the end of the run
  ExampleResults examples;
  std::string params_sha256;  // hex SHA-256 of the final parameters, empty if none
  std::optional<std::vector<std::uint8_t>> checkpoint;  // serialized parameters, when kept
};

// True when both records hold the same data, comparing doubles bit for bit (so a NaN loss of a
// diverged run equals itself). Used by merge to accept identical duplicate cells.
bool identical(const RunRecord& a, const RunRecord& b);

// The protocol a study ran under.
struct ProtocolInfo {
  std::string text;             // the protocol file, verbatim
  std::string hash;             // its canonical hash (rigor::protocols); merge refuses mismatches
  std::string resolved_config;  // the resolved configuration (defaults < protocol < command line)
};

// Provenance as key/value text (rigor version, compiler, BLAS threads, CUDA, env vars, ...); the
// harness collects it, the store only keeps it.
using Provenance = std::map<std::string, std::string>;

// Checks a cell id; throws StoreError naming the id and the rule.
void validate_cell_id(std::string_view cell_id);

}  // namespace rigor::store

#endif  // RIGOR_STORE_RECORD_H_
