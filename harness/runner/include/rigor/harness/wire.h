// rigor/harness/wire.h — what `rigor run` and its `rigor-worker` processes say to each other: one
// JSON object per line on the worker's stdin (commands) and stdout (events), and the run record a
// worker hands back as a file (CBOR, every double kept bit for bit, NaN payloads included).
//
//   write_record_file(dir / "baseline-r0.cbor", record);          // worker: atomic rename
//   store::RunRecord r = read_record_file(dir / "baseline-r0.cbor");
//   WorkerEvent e = parse_event(line);                             // throws HarnessError
#ifndef RIGOR_HARNESS_WIRE_H_
#define RIGOR_HARNESS_WIRE_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/error.h"
#include "rigor/protocols/plan.h"
#include "rigor/store/record.h"

namespace rigor::harness {

// A study that cannot run (bad store, worker that cannot start, protocol changed since the store
// was made). The message names the file and the fix.
class HarnessError : public rigor::Error {
 public:
  using rigor::Error::Error;
};

// A RunRecord as bytes (CBOR via nlohmann::json; doubles as their IEEE-754 bit patterns) and back.
// decode_record throws HarnessError naming `source` for malformed input.
std::vector<std::uint8_t> encode_record(const rigor::store::RunRecord& record);
rigor::store::RunRecord decode_record(const std::vector<std::uint8_t>& bytes,
                                      std::string_view source);
// Writes `record` to `path` atomically (temporary file in the same directory, then rename), so a
// reader never sees half a file. Throws HarnessError on I/O errors.
void write_record_file(const std::filesystem::path& path, const rigor::store::RunRecord& record);
rigor::store::RunRecord read_record_file(const std::filesystem::path& path);

// The record of a run that failed before it could produce its own: the cell's identity and seeds,
// status kFailed, `message`, and the times (Unix seconds) it started and ended. Both sides write
// it: the worker when training throws, rigor run when the run's process dies.
rigor::store::RunRecord failed_record(const rigor::protocols::RunCell& cell,
                                      const std::string& message, double start_time,
                                      double end_time);

// Commands, parent -> worker: {"cmd":"run","cell":"baseline-r0","result":PATH,"log":PATH} and
// {"cmd":"quit"}.
struct WorkerCommand {
  enum class Kind { kRun, kQuit } kind = Kind::kQuit;
  std::string cell;    // run cell id (rigor::protocols::RunCell::id)
  std::string result;  // where the worker writes the record
  std::string log;     // where the run's stderr goes
};
std::string format_command(const WorkerCommand& command);  // one line, '\n'-terminated
WorkerCommand parse_command(std::string_view line);        // throws HarnessError

// Events, worker -> parent:
//   ready    the worker loaded the protocol and data and checked every arm; `provenance` filled
//   fatal    the study cannot run at all (bad data path, model option): `message`
//   started  a run began (`cell`, `pid` of the run's process)
//   progress after an epoch (`cell`, `epoch` 0-based, `epochs`, `loss`)
//   done     the run's process ended (`cell`, `exit_code`, `signal`: 0 when none)
struct WorkerEvent {
  enum class Kind { kReady, kFatal, kStarted, kProgress, kDone } kind = Kind::kFatal;
  std::string cell;
  std::string message;
  std::map<std::string, std::string> provenance;
  std::int64_t pid = 0;
  std::int64_t epoch = 0;
  std::int64_t epochs = 0;
  double loss = 0.0;
  int exit_code = 0;
  int signal = 0;
};
std::string format_event(const WorkerEvent& event);  // one line, '\n'-terminated
WorkerEvent parse_event(std::string_view line);      // throws HarnessError

}  // namespace rigor::harness

#endif  // RIGOR_HARNESS_WIRE_H_
