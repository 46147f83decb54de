// rigor/training/trainer.h — trains one run cell of a protocol with LibTorch, deterministically,
// and returns what the store records. Used only by the `rigor-worker` process (the `rigor` binary
// stays torch-free); plain types cross this header, LibTorch stays inside the .cpp files.
//
//   rigor::training::TrainOptions opt{.device = "cpu", .threads = 1};
//   rigor::training::set_determinism(opt);                        // once per process, before any
//   op auto data = rigor::models::prepare(raw, protocol.data, split_seed); rigor::store::RunRecord
//   rec = rigor::training::train_cell(protocol, cell, data, opt, {});
#ifndef RIGOR_TRAINING_TRAINER_H_
#define RIGOR_TRAINING_TRAINER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/error.h"
#include "rigor/models/data.h"
#include "rigor/protocols/plan.h"
#include "rigor/protocols/protocol.h"
#include "rigor/store/record.h"

namespace rigor::training {

// A protocol rigor cannot train as written (unknown metric name, model options, augmentation that
// does not fit the data, device not available). Message: "<protocol>: <field path>: <problem>;
// <fix>".
class TrainingError : public rigor::Error {
 public:
  using rigor::Error::Error;
};

struct TrainOptions {
  std::string device = "cpu";    // "cpu", "cuda" or "cuda:<k>"
  int threads = 1;               // intra-op threads per run (pinned: results may depend on it)
  bool keep_checkpoint = false;  // store the final parameters (torch::save bytes) in the record
};

// Called after every epoch (0-based epoch, epochs in total, mean training loss of the epoch).
using ProgressFn = std::function<void(std::int64_t epoch, std::int64_t epochs, double train_loss)>;

// The metric names `rigor run` computes: "accuracy", "error" (1 - accuracy), "loss" (mean
// cross-entropy). A protocol metric's split and `when` choose where and when it is read.
const std::vector<std::string_view>& known_metrics();

// Sets every determinism switch for this process and records nothing yet: thread counts (intra-op
// and inter-op), deterministic algorithms on (a nondeterministic op throws naming itself), and on
// CUDA deterministic cuDNN, cuDNN benchmark off, TF32 off; CUBLAS_WORKSPACE_CONFIG must already be
// in the environment before CUDA initialises (the worker sets it at start). Throws TrainingError
// for a CUDA device when LibTorch has no CUDA or the device index does not exist.
void set_determinism(const TrainOptions& options);

// Provenance of this process as key/value text: LibTorch version and build configuration, BLAS
// library (resolved path of the loaded shared object), thread counts, every determinism switch,
// the device (GPU name, driver, CUDA and cuDNN versions on CUDA).
std::map<std::string, std::string> torch_provenance(const TrainOptions& options);

// Checks before any run that every arm can be trained on this data: the model builds with its
// options, augmentations fit the data, every protocol metric is known, the device exists. Throws
// TrainingError naming the protocol field ("arms[1].model.options.hidden: ...").
void check_trainable(const rigor::protocols::Protocol& protocol,
                     const rigor::models::PreparedData& data, const TrainOptions& options);

// The learning rate of epoch `epoch` (0-based) of an arm, set on every parameter group at the
// start of that epoch: a linear warm-up over the arm's warmup_epochs W (epoch e < W:
// learning_rate * (e + 1) / (W + 1)), then its schedule counted from W (constant; step: times
// gamma every step_size epochs; cosine: annealed to 0 over the remaining epochs). Formulas and
// their PyTorch equivalents in docs/training.md. Throws TrainingError for a negative epoch or a
// step schedule with step_size < 1.
double scheduled_learning_rate(const rigor::protocols::Arm& arm, std::int64_t epoch);

// The protocol metrics' final values from a run's per-epoch series ("<split>_accuracy",
// "<split>_loss", points indexed by epoch), keyed by metric name. "error" is 1 - accuracy.
// when = final: the last epoch's value, only when `complete` (a diverged run has none);
// when = best_on_validation: the value at the epoch with the best finite validation value of the
// same base metric (highest accuracy, lowest loss; ties: the earliest epoch). A metric whose
// series is missing or has no such epoch is left out. Throws TrainingError for a metric name
// outside known_metrics().
std::map<std::string, double> select_final_metrics(
    const std::vector<rigor::protocols::Metric>& metrics,
    const std::map<std::string, rigor::store::Series>& epoch_metrics, bool complete);

// Trains one cell: network from the cell's init seed, data order from its data_order seed,
// dropout masks from its dropout seed, augmentation from its augmentation seed; optimizer,
// schedule, epochs, batch size from its arm. Returns a record with status kComplete, or kDiverged
// (NaN/Inf loss or parameters: the step and the first non-finite parameter in `error`, series up
// to that step, final metrics only for best_on_validation metrics with a finite epoch before it).
// Records per-step "train_loss", per-epoch "<split>_<metric>" and "learning_rate", final metrics
// by protocol metric name, per-example test results, the parameters' SHA-256, timings.
// Throws (rigor::Error or std::exception) for failures; the worker records them as kFailed.
rigor::store::RunRecord train_cell(const rigor::protocols::Protocol& protocol,
                                   const rigor::protocols::RunCell& cell,
                                   const rigor::models::PreparedData& data,
                                   const TrainOptions& options, const ProgressFn& progress);

}  // namespace rigor::training

#endif  // RIGOR_TRAINING_TRAINER_H_
