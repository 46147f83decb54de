// Internal: a pool of rigor-worker processes. Each worker loads the protocol and data once, then
// forks one process per run cell it is given (so a crash, abort or out-of-memory kill ends only
// that run). The pool hands out cells, reads the workers' event lines, and turns every ending —
// a record file, an exception, a signal, a worker that died — into a RunRecord.
#ifndef RIGOR_HARNESS_SRC_WORKER_POOL_H_
#define RIGOR_HARNESS_SRC_WORKER_POOL_H_

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rigor/harness/runner.h"
#include "rigor/protocols/plan.h"
#include "rigor/store/record.h"

namespace rigor::harness {

struct PoolConfig {
  WorkerSettings settings;
  std::filesystem::path protocol_file;
  std::filesystem::path base_dir;  // relative data paths resolve here
  std::filesystem::path work_dir;  // result files and logs
};

struct PoolCallbacks {
  std::function<void(const std::string& cell)> on_start;
  std::function<void(const std::string& cell, std::int64_t epoch, std::int64_t epochs, double loss)>
      on_progress;
  std::function<void(rigor::store::RunRecord&& record)> on_result;
};

// The rigor-worker executable to start: settings.worker, else $RIGOR_WORKER, else rigor-worker
// beside /proc/self/exe. Throws HarnessError naming the paths tried.
std::filesystem::path find_worker(const std::filesystem::path& configured);

class WorkerPool {
 public:
  explicit WorkerPool(PoolConfig config);
  ~WorkerPool();  // kills the workers that are still running
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Starts `count` workers and waits until each has loaded the data and checked the protocol.
  // Returns the first worker's provenance. Throws HarnessError with the worker's message when
  // the study cannot run (bad data path, model option, device) or a worker cannot start.
  std::map<std::string, std::string> start(int count);
  // Runs the cells, at most one per worker at a time, and returns when all have ended. Every
  // cell yields exactly one on_result call.
  void run(const std::vector<rigor::protocols::RunCell>& cells, const PoolCallbacks& callbacks);
  // Asks the workers to quit and reaps them.
  void stop();

 private:
  struct Worker;
  void spawn(Worker& w);
  // Blocks until at least one running worker (not yet ready ones only, when `unready_only`) has
  // output or closed its end; returns those workers.
  std::vector<Worker*> wait_readable(bool unready_only);
  // Reads what `w` wrote and moves its complete lines to `lines`. False when the worker closed
  // its output (it died or quit).
  static bool read_lines(Worker& w, std::vector<std::string>& lines);
  PoolConfig config_;
  std::filesystem::path worker_exe_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

// The last `lines` lines of a text file ("" when absent): the context of a crashed run.
std::string tail_of_file(const std::filesystem::path& file, std::size_t lines);

double unix_now();

}  // namespace rigor::harness

#endif  // RIGOR_HARNESS_SRC_WORKER_POOL_H_
