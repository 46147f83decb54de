// Internal: the live progress of a study — runs done/total, the epoch of each run in flight, ETA,
// failures. A one-line bar redrawn in place on a terminal; plain lines otherwise (Slurm logs, CI).
#ifndef RIGOR_HARNESS_SRC_PROGRESS_H_
#define RIGOR_HARNESS_SRC_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>

#include "rigor/harness/runner.h"
#include "rigor/store/record.h"

namespace rigor::harness {

class Progress {
 public:
  // `mode` kAuto picks kBar when `out` is the process's stderr or stdout and that is a terminal.
  // `label` starts the first and last lines ("rigor run", "rigor verify").
  Progress(std::ostream& out, ProgressMode mode, std::int64_t total, std::int64_t skipped, int jobs,
           std::string label = "rigor run");
  void started(const std::string& cell);
  void epoch(const std::string& cell, std::int64_t epoch, std::int64_t epochs);
  void finished(const rigor::store::RunRecord& record);
  void message(const std::string& text);  // a line that stays (above the bar)
  void close();                           // final line

  std::int64_t failed() const { return failed_; }

 private:
  void draw();
  std::string eta() const;
  std::ostream& out_;
  ProgressMode mode_;
  std::string label_;
  std::int64_t total_;
  std::int64_t done_ = 0;
  std::int64_t failed_ = 0;
  std::int64_t diverged_ = 0;
  int jobs_;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> in_flight_;  // cell -> epoch/epochs
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  double run_seconds_ = 0.0;  // sum of finished runs' wall time
};

// "1h02m", "3m20s", "12s", "0.4s".
std::string format_duration(double seconds);

}  // namespace rigor::harness

#endif  // RIGOR_HARNESS_SRC_PROGRESS_H_
