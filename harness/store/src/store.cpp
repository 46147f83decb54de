// The study store: layout (docs/store-format.md), crash-safe writer, reader and merge.
//
// Crash safety: nothing is ever modified in place. A run goes to STORE.pending/<cell>.h5.tmp, is
// closed, fsync'ed and renamed to STORE.pending/<cell>.h5; a compaction copies STORE to STORE.tmp,
// adds the pending runs, fsyncs and renames it over STORE, and only then deletes the pending
// files. rename(2) is atomic, so after a kill -9 at any instant every file a reader looks at is
// complete; leftover *.tmp files are ignored by readers and deleted by the next writer. (A plain
// HDF5 file killed mid-write can be left unreadable: the metadata cache writes in no fixed order.)
#include "rigor/store/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include "h5.h"

namespace rigor::store {
namespace fs = std::filesystem;
namespace {

constexpr const char* kFormat = "rigor.store";
constexpr const char* kKindStudy = "study";
constexpr const char* kKindPendingRun = "pending-run";
constexpr const char* kPendingSuffix = ".pending";
constexpr const char* kRunExt = ".h5";

fs::path pending_dir(const fs::path& store) { return fs::path(store.string() + kPendingSuffix); }

std::string errno_text() { return std::strerror(errno); }

// fsync a file or directory so a rename that follows survives power loss.
void sync_path(const fs::path& p, bool directory) {
  const int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) throw StoreError(p.string() + ": cannot open for fsync: " + errno_text());
  const int rc = ::fsync(fd);
  const std::string err = rc != 0 ? errno_text() : "";
  ::close(fd);
  if (rc != 0) throw StoreError(p.string() + ": fsync failed: " + err);
}

void atomic_replace(const fs::path& tmp, const fs::path& final_path, bool sync) {
  if (sync) sync_path(tmp, false);
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
  if (ec)
    throw StoreError(tmp.string() + ": cannot rename to " + final_path.string() + ": " +
                     ec.message());
  if (sync)
    sync_path(final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path(), true);
}

void remove_file(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
  if (ec) throw StoreError(p.string() + ": cannot delete: " + ec.message());
}

// A name that becomes an HDF5 link or attribute name.
void validate_name(const std::string& name, const std::string& what, const std::string& cell) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    throw StoreError(
        "run \"" + cell + "\": " + what + " name \"" + name +
        "\" is invalid; names must be non-empty, without '/', and not \".\" or \"..\"");
  }
}

void validate_record(const RunRecord& r) {
  validate_cell_id(r.cell_id);
  for (const auto& [k, v] : r.seeds) validate_name(k, "seed source", r.cell_id);
  for (const auto& [k, v] : r.step_metrics) validate_name(k, "step metric", r.cell_id);
  for (const auto& [k, v] : r.epoch_metrics) validate_name(k, "epoch metric", r.cell_id);
  for (const auto& [k, v] : r.final_metrics) validate_name(k, "final metric", r.cell_id);
  const ExampleResults& e = r.examples;
  std::size_t n = 0;
  for (std::size_t size : {e.index.size(), e.prediction.size(), e.target.size(), e.loss.size()}) {
    if (size == 0) continue;
    if (n != 0 && size != n) {
      throw StoreError("run \"" + r.cell_id + "\": examples have index " +
                       std::to_string(e.index.size()) + ", prediction " +
                       std::to_string(e.prediction.size()) + ", target " +
                       std::to_string(e.target.size()) + ", loss " + std::to_string(e.loss.size()) +
                       " values; every non-empty one must have the same length");
    }
    n = size;
  }
  if (!r.params_sha256.empty()) {
    const bool hex = r.params_sha256.size() == 64 &&
                     std::all_of(r.params_sha256.begin(), r.params_sha256.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex) {
      throw StoreError("run \"" + r.cell_id + "\": params_sha256 \"" + r.params_sha256 +
                       "\" must be 64 lower-case hex digits (or empty)");
    }
  }
}

void write_header(const h5::Group& root, const char* kind) {
  root.write_attribute("format", std::string(kFormat));
  root.write_attribute("schema_version", kSchemaVersion);
  root.write_attribute("kind", std::string(kind));
}

// Checks format, schema_version and kind of a file's root group.
void check_header(const h5::Group& root, const char* kind) {
  if (!root.has_attribute("format")) {
    throw StoreError(root.where() +
                     ": not a rigor store: attribute \"format\" is missing (a foreign HDF5 file?)");
  }
  const std::string format = root.read_string_attribute("format");
  if (format != kFormat) {
    throw StoreError(root.where() + ": not a rigor store: attribute \"format\" is \"" + format +
                     "\", expected \"" + kFormat + "\"");
  }
  const std::int64_t version = root.read_int_attribute("schema_version");
  if (version > kSchemaVersion) {
    throw StoreError(root.where() + ": schema_version is " + std::to_string(version) +
                     ", newer than this rigor reads (" + std::to_string(kSchemaVersion) +
                     "); upgrade rigor to read this store");
  }
  if (version < 1) {
    throw StoreError(root.where() + ": schema_version is " + std::to_string(version) +
                     ", but must be >= 1");
  }
  const std::string actual = root.read_string_attribute("kind");
  if (actual != kind) {
    throw StoreError(root.where() + ": attribute \"kind\" is \"" + actual + "\", expected \"" +
                     kind + "\" (a pending-run file is not a store; open the store it belongs to)");
  }
}

void write_run(const h5::Group& runs, const RunRecord& r) {
  const h5::Group g = runs.create_group(r.cell_id);
  g.write_attribute("arm", r.arm);
  g.write_attribute("replicate", r.replicate);
  g.write_attribute("status", std::string(to_string(r.status)));
  g.write_attribute("error", r.error);
  g.write_attribute("start_time", r.start_time);
  g.write_attribute("end_time", r.end_time);
  g.write_attribute("wall_seconds", r.wall_seconds);
  g.write_attribute("cpu_seconds", r.cpu_seconds);
  g.write_attribute("device", r.device);
  g.write_attribute("params_sha256", r.params_sha256);
  {
    const h5::Group seeds = g.create_group("seeds");
    for (const auto& [k, v] : r.seeds) seeds.write_attribute(k, v);
  }
  {
    const h5::Group steps = g.create_group("steps");
    for (const auto& [k, v] : r.step_metrics) steps.write_series(k, v, "step");
  }
  {
    const h5::Group epochs = g.create_group("epochs");
    for (const auto& [k, v] : r.epoch_metrics) epochs.write_series(k, v, "epoch");
  }
  {
    const h5::Group final_metrics = g.create_group("final");
    for (const auto& [k, v] : r.final_metrics) final_metrics.write_attribute(k, v);
  }
  if (!r.examples.empty()) {
    const h5::Group ex = g.create_group("examples");
    if (!r.examples.index.empty()) ex.write_vector("index", r.examples.index);
    if (!r.examples.prediction.empty()) ex.write_vector("prediction", r.examples.prediction);
    if (!r.examples.target.empty()) ex.write_vector("target", r.examples.target);
    if (!r.examples.loss.empty()) ex.write_vector("loss", r.examples.loss);
  }
  if (r.checkpoint) g.write_vector("checkpoint", *r.checkpoint);
}

// Reads the run group `cell`: always its attributes, seeds and final metrics, and the parts
// `parts` asks for. A part not asked for is not opened at all (neither read nor checked), so a
// 4 MB checkpoint costs nothing when the caller does not want it.
RunRecord read_run(const h5::Group& runs, const std::string& cell, const RunParts& parts) {
  const h5::Group g = runs.open_group(cell);
  RunRecord r;
  r.cell_id = cell;
  r.arm = g.read_string_attribute("arm");
  r.replicate = g.read_int_attribute("replicate");
  try {
    r.status = parse_run_status(g.read_string_attribute("status"));
  } catch (const StoreError& e) {
    throw StoreError(g.where() + ": " + e.what());
  }
  r.error = g.read_string_attribute("error");
  r.start_time = g.read_double_attribute("start_time");
  r.end_time = g.read_double_attribute("end_time");
  r.wall_seconds = g.read_double_attribute("wall_seconds");
  r.cpu_seconds = g.read_double_attribute("cpu_seconds");
  r.device = g.read_string_attribute("device");
  r.params_sha256 = g.read_string_attribute("params_sha256");
  {
    const h5::Group seeds = g.open_group("seeds");
    for (const std::string& k : seeds.attributes()) r.seeds[k] = seeds.read_uint_attribute(k);
  }
  if (parts.step_metrics) {
    const h5::Group steps = g.open_group("steps");
    for (const std::string& k : steps.links()) r.step_metrics[k] = steps.read_series(k, "step");
  }
  if (parts.epoch_metrics) {
    const h5::Group epochs = g.open_group("epochs");
    for (const std::string& k : epochs.links()) r.epoch_metrics[k] = epochs.read_series(k, "epoch");
  }
  {
    const h5::Group final_metrics = g.open_group("final");
    for (const std::string& k : final_metrics.attributes())
      r.final_metrics[k] = final_metrics.read_double_attribute(k);
  }
  if (parts.examples && g.has("examples")) {
    const h5::Group ex = g.open_group("examples");
    if (ex.has("index")) r.examples.index = ex.read_int_vector("index");
    if (ex.has("prediction")) r.examples.prediction = ex.read_int_vector("prediction");
    if (ex.has("target")) r.examples.target = ex.read_int_vector("target");
    if (ex.has("loss")) r.examples.loss = ex.read_double_vector("loss");
  }
  if (parts.checkpoint && g.has("checkpoint")) r.checkpoint = g.read_byte_vector("checkpoint");
  return r;
}

RunSummary read_summary(const h5::Group& runs, const std::string& cell) {
  const h5::Group g = runs.open_group(cell);
  RunSummary s;
  s.cell_id = cell;
  s.arm = g.read_string_attribute("arm");
  s.replicate = g.read_int_attribute("replicate");
  try {
    s.status = parse_run_status(g.read_string_attribute("status"));
  } catch (const StoreError& e) {
    throw StoreError(g.where() + ": " + e.what());
  }
  s.wall_seconds = g.read_double_attribute("wall_seconds");
  s.error = g.read_string_attribute("error");
  return s;
}

// /run_index: a derived table (one row per run of /runs, sorted by cell id) so `rigor inspect`
// reads six datasets instead of opening 10,000 groups (measured: 1.7 s -> see docs). Rebuilt on
// every rewrite; a reader that finds it missing or out of step with /runs (e.g. edited with h5py)
// falls back to the run groups.
constexpr const char* kIndex = "run_index";

void write_index(const h5::Group& root, const std::map<std::string, RunSummary>& rows) {
  if (root.has(kIndex)) root.remove(kIndex);
  const h5::Group g = root.create_group(kIndex);
  std::vector<std::string> cell, arm, status, error;
  std::vector<std::int64_t> replicate;
  std::vector<double> wall;
  for (const auto& [id, r] : rows) {
    cell.push_back(id);
    arm.push_back(r.arm);
    status.emplace_back(to_string(r.status));
    error.push_back(r.error);
    replicate.push_back(r.replicate);
    wall.push_back(r.wall_seconds);
  }
  g.write_attribute("description", std::string("derived from /runs; rebuilt on every compaction"));
  g.write_strings("cell_id", cell);
  g.write_strings("arm", arm);
  g.write_vector("replicate", replicate);
  g.write_strings("status", status);
  g.write_vector("wall_seconds", wall);
  g.write_strings("error", error);
}

// The index rows, or nullopt when absent or not matching `cells` (the sorted links of /runs).
std::optional<std::map<std::string, RunSummary>> read_index(const h5::Group& root,
                                                            const std::vector<std::string>& cells) {
  if (!root.has(kIndex)) return std::nullopt;
  const h5::Group g = root.open_group(kIndex);
  const std::vector<std::string> cell = g.read_strings("cell_id");
  if (cell != cells) return std::nullopt;
  const std::vector<std::string> arm = g.read_strings("arm");
  const std::vector<std::string> status = g.read_strings("status");
  const std::vector<std::string> error = g.read_strings("error");
  const std::vector<std::int64_t> replicate = g.read_int_vector("replicate");
  const std::vector<double> wall = g.read_double_vector("wall_seconds");
  const std::size_t n = cell.size();
  if (arm.size() != n || status.size() != n || error.size() != n || replicate.size() != n ||
      wall.size() != n) {
    return std::nullopt;
  }
  std::map<std::string, RunSummary> out;
  for (std::size_t i = 0; i < n; ++i) {
    RunSummary r;
    r.cell_id = cell[i];
    r.arm = arm[i];
    try {
      r.status = parse_run_status(status[i]);
    } catch (const StoreError&) {
      return std::nullopt;
    }
    r.error = error[i];
    r.replicate = replicate[i];
    r.wall_seconds = wall[i];
    out.emplace_hint(out.end(), cell[i], std::move(r));
  }
  return out;
}

// The index of the runs now in `root`: the stored one when current, else read from the groups.
std::map<std::string, RunSummary> current_index(const h5::Group& root) {
  const h5::Group runs = root.open_group("runs");
  const std::vector<std::string> cells = runs.links();
  if (auto idx = read_index(root, cells)) return std::move(*idx);
  std::map<std::string, RunSummary> out;
  for (const std::string& c : cells) out.emplace(c, read_summary(runs, c));
  return out;
}

void write_string_map(const h5::Group& g, const Provenance& values) {
  for (const auto& [k, v] : values) g.write_attribute(k, v);
}

Provenance read_string_map(const h5::Group& g) {
  Provenance out;
  for (const std::string& k : g.attributes()) out[k] = g.read_string_attribute(k);
  return out;
}

// Writes a fresh study file: header, protocol, provenance (+ merged), empty runs and analysis.
void write_study_skeleton(const h5::Group& root, const ProtocolInfo& protocol,
                          const Provenance& provenance, const std::vector<Provenance>& merged) {
  write_header(root, kKindStudy);
  {
    const h5::Group p = root.create_group("protocol");
    p.write_string("text", protocol.text);
    p.write_attribute("hash", protocol.hash);
    p.write_string("resolved_config", protocol.resolved_config);
  }
  {
    const h5::Group p = root.create_group("provenance");
    write_string_map(p, provenance);
    if (!merged.empty()) {
      const h5::Group m = p.create_group("merged");
      for (std::size_t i = 0; i < merged.size(); ++i)
        write_string_map(m.create_group(std::to_string(i)), merged[i]);
    }
  }
  root.create_group("runs").write_attribute("description", std::string("one group per run cell"));
  root.create_group("analysis");
  write_index(root, {});
}

// The pending run files of a store, by cell id (ignores *.tmp and the lock).
std::map<std::string, fs::path> list_pending(const fs::path& store) {
  std::map<std::string, fs::path> out;
  const fs::path dir = pending_dir(store);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& p = entry.path();
    if (p.extension() != kRunExt) continue;
    const std::string cell = p.stem().string();
    try {
      validate_cell_id(cell);
    } catch (const StoreError&) {
      continue;  // not ours
    }
    out[cell] = p;
  }
  if (ec) throw StoreError(dir.string() + ": cannot list: " + ec.message());
  return out;
}

// Opens a pending-run file and returns its /runs group (the file stays open in `file`).
h5::Group open_pending_runs(const fs::path& p, std::optional<h5::File>& file) {
  file.emplace(h5::File::open(p.string(), false));
  const h5::Group root = file->root();
  check_header(root, kKindPendingRun);
  return root.open_group("runs");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// StoreReader

struct StoreReader::State {
  fs::path path;
  std::optional<h5::File> file;
  std::int64_t schema_version = 0;
  ProtocolInfo protocol;
  Provenance provenance;
  std::vector<Provenance> merged_provenance;
  std::set<std::string> main_runs;
  std::map<std::string, fs::path> pending;                 // override main_runs
  std::optional<std::map<std::string, RunSummary>> index;  // of main_runs, when current

  h5::Group runs_group() const { return file->root().open_group("runs"); }

  template <typename Fn>
  auto with_run(const std::string& cell, Fn fn) const {
    if (auto it = pending.find(cell); it != pending.end()) {
      std::optional<h5::File> pf;
      auto result = [&] {
        const h5::Group runs = open_pending_runs(it->second, pf);
        return fn(runs);
      }();
      pf->close();
      return result;
    }
    if (!main_runs.count(cell)) {
      throw StoreError(path.string() + ":/runs/" + cell + ": no such run in this store");
    }
    return fn(runs_group());
  }
};

StoreReader::StoreReader(std::unique_ptr<State> state) : state_(std::move(state)) {}
StoreReader::StoreReader(StoreReader&&) noexcept = default;
StoreReader& StoreReader::operator=(StoreReader&&) noexcept = default;
StoreReader::~StoreReader() = default;

StoreReader StoreReader::open(const fs::path& path) {
  auto s = std::make_unique<State>();
  s->path = path;
  s->file.emplace(h5::File::open(path.string(), false));
  {
    const h5::Group root = s->file->root();
    check_header(root, kKindStudy);
    s->schema_version = root.read_int_attribute("schema_version");
    const h5::Group protocol = root.open_group("protocol");
    s->protocol.text = protocol.read_string("text");
    s->protocol.hash = protocol.read_string_attribute("hash");
    s->protocol.resolved_config = protocol.read_string("resolved_config");
    const h5::Group provenance = root.open_group("provenance");
    s->provenance = read_string_map(provenance);
    if (provenance.has("merged")) {
      const h5::Group merged = provenance.open_group("merged");
      std::vector<std::string> keys = merged.links();
      std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() < b.size()
                                    : a < b;  // numeric order of "0", "1", ...
      });
      for (const std::string& k : keys)
        s->merged_provenance.push_back(read_string_map(merged.open_group(k)));
    }
    const std::vector<std::string> cells = root.open_group("runs").links();
    s->main_runs.insert(cells.begin(), cells.end());
    s->index = read_index(root, cells);
    root.open_group("analysis");  // must exist
  }
  s->pending = list_pending(path);
  return StoreReader(std::move(s));
}

std::int64_t StoreReader::schema_version() const { return state_->schema_version; }
const ProtocolInfo& StoreReader::protocol() const { return state_->protocol; }
const Provenance& StoreReader::provenance() const { return state_->provenance; }
const std::vector<Provenance>& StoreReader::merged_provenance() const {
  return state_->merged_provenance;
}
const fs::path& StoreReader::path() const { return state_->path; }
std::size_t StoreReader::pending_runs() const { return state_->pending.size(); }

std::vector<std::string> StoreReader::run_ids() const {
  std::set<std::string> ids = state_->main_runs;
  for (const auto& [cell, p] : state_->pending) ids.insert(cell);
  return {ids.begin(), ids.end()};
}

bool StoreReader::has_run(const std::string& cell_id) const {
  return state_->main_runs.count(cell_id) > 0 || state_->pending.count(cell_id) > 0;
}

RunRecord StoreReader::run(const std::string& cell_id) const { return run(cell_id, RunParts{}); }

RunRecord StoreReader::run(const std::string& cell_id, const RunParts& parts) const {
  return state_->with_run(cell_id,
                          [&](const h5::Group& runs) { return read_run(runs, cell_id, parts); });
}

std::vector<RunSummary> StoreReader::summaries() const {
  std::vector<RunSummary> out;
  const h5::Group runs = state_->runs_group();
  for (const std::string& cell : run_ids()) {
    if (state_->pending.count(cell)) {
      out.push_back(
          state_->with_run(cell, [&](const h5::Group& g) { return read_summary(g, cell); }));
    } else if (state_->index) {
      out.push_back(state_->index->at(cell));
    } else {
      out.push_back(read_summary(runs, cell));
    }
  }
  return out;
}

std::map<std::string, std::string> StoreReader::analysis() const {
  std::map<std::string, std::string> out;
  const h5::Group a = state_->file->root().open_group("analysis");
  for (const std::string& name : a.links()) out[name] = a.read_string(name);
  return out;
}

// ---------------------------------------------------------------------------------------------
// StoreWriter

struct StoreWriter::State {
  fs::path path;
  StoreOptions options;
  int lock_fd = -1;
  std::size_t since_compaction = 0;

  ~State() {
    if (lock_fd >= 0) ::close(lock_fd);  // also releases the flock
  }

  void require_open() const {
    if (lock_fd < 0) throw StoreError(path.string() + ": the writer is closed");
  }

  // Takes the single-writer lock and clears temporary files left by a killed writer.
  void lock_and_clean() {
    const fs::path dir = pending_dir(path);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw StoreError(dir.string() + ": cannot create: " + ec.message());
    const fs::path lock = dir / ".lock";
    lock_fd = ::open(lock.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (lock_fd < 0) throw StoreError(lock.string() + ": cannot open lock file: " + errno_text());
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
      const std::string err = errno_text();
      ::close(lock_fd);
      lock_fd = -1;
      throw StoreError(path.string() + ": another process is writing this store (" + lock.string() +
                       " is locked: " + err + "); a store has a single writer");
    }
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".tmp") remove_file(entry.path());
    }
    const fs::path main_tmp = path.string() + ".tmp";
    if (fs::exists(main_tmp, ec)) remove_file(main_tmp);
  }

  // Rewrites the main file: copy, fold pending runs in, apply `extra`, fsync, rename. Then
  // deletes the folded pending files (a crash before that leaves identical duplicates, which
  // readers resolve to the pending copy: same data).
  template <typename Fn>
  void rewrite(Fn extra) {
    const std::map<std::string, fs::path> pending = list_pending(path);
    const fs::path tmp = path.string() + ".tmp";
    std::error_code ec;
    fs::copy_file(path, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec)
      throw StoreError(path.string() + ": cannot copy to " + tmp.string() + ": " + ec.message());
    {
      h5::File out = h5::File::open(tmp.string(), true);
      {
        const h5::Group root = out.root();
        check_header(root, kKindStudy);
        std::map<std::string, RunSummary> index = current_index(root);
        const h5::Group runs = root.open_group("runs");
        for (const auto& [cell, p] : pending) {
          std::optional<h5::File> pf;
          {
            const h5::Group src = open_pending_runs(p, pf);
            if (runs.has(cell)) runs.remove(cell);  // a replaced run: the new record wins
            h5::copy_object(src, cell, runs);
          }
          pf->close();
          index[cell] = read_summary(runs, cell);
        }
        if (!pending.empty()) write_index(root, index);
        extra(root);
      }
      out.close();
    }
    atomic_replace(tmp, path, options.sync);
    for (const auto& [cell, p] : pending) remove_file(p);
    if (options.sync && !pending.empty()) sync_path(pending_dir(path), true);
    since_compaction = 0;
  }
};

StoreWriter::StoreWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
StoreWriter::StoreWriter(StoreWriter&&) noexcept = default;
StoreWriter& StoreWriter::operator=(StoreWriter&&) noexcept = default;
StoreWriter::~StoreWriter() = default;

StoreWriter StoreWriter::create(const fs::path& path, const ProtocolInfo& protocol,
                                const Provenance& provenance, StoreOptions options) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    throw StoreError(path.string() +
                     ": already exists; open it to resume the study, or choose a new path");
  }
  for (const auto& [k, v] : provenance) validate_name(k, "provenance key", "(provenance)");
  auto s = std::make_unique<State>();
  s->path = path;
  s->options = options;
  s->lock_and_clean();
  const fs::path tmp = path.string() + ".tmp";
  {
    h5::File f = h5::File::create(tmp.string());
    write_study_skeleton(f.root(), protocol, provenance, {});
    f.close();
  }
  atomic_replace(tmp, path, options.sync);
  return StoreWriter(std::move(s));
}

StoreWriter StoreWriter::open(const fs::path& path, StoreOptions options) {
  auto s = std::make_unique<State>();
  s->path = path;
  s->options = options;
  {
    // Validates the file (format, schema, layout) before taking it over.
    StoreReader check = StoreReader::open(path);
  }
  s->lock_and_clean();
  return StoreWriter(std::move(s));
}

void StoreWriter::put_run(const RunRecord& run) {
  state_->require_open();
  validate_record(run);
  const fs::path dir = pending_dir(state_->path);
  const fs::path final_path = dir / (run.cell_id + kRunExt);
  const fs::path tmp = dir / (run.cell_id + kRunExt + ".tmp");
  std::error_code ec;
  if (fs::exists(tmp, ec)) remove_file(tmp);
  try {
    h5::File f = h5::File::create(tmp.string());
    {
      const h5::Group root = f.root();
      write_header(root, kKindPendingRun);
      write_run(root.create_group("runs"), run);
    }
    f.close();
  } catch (...) {
    fs::remove(tmp, ec);  // leave nothing half-written behind
    throw;
  }
  atomic_replace(tmp, final_path, state_->options.sync);
  if (state_->options.compact_every > 0 &&
      ++state_->since_compaction >= state_->options.compact_every) {
    compact();
  }
}

void StoreWriter::put_analysis(const std::string& name, const std::string& json) {
  state_->require_open();
  validate_name(name, "analysis", "(analysis)");
  state_->rewrite([&](const h5::Group& root) {
    const h5::Group a = root.open_group("analysis");
    a.write_string(name, json);
  });
}

void StoreWriter::compact() {
  state_->require_open();
  if (list_pending(state_->path).empty()) return;
  state_->rewrite([](const h5::Group&) {});
}

void StoreWriter::close() {
  if (!state_ || state_->lock_fd < 0) return;
  compact();
  ::close(state_->lock_fd);
  state_->lock_fd = -1;
}

const fs::path& StoreWriter::path() const { return state_->path; }

// ---------------------------------------------------------------------------------------------
// merge

struct MergeAccess {
  static const StoreReader::State& state(const StoreReader& r) { return *r.state_; }
};

MergeResult merge_stores(const std::vector<fs::path>& inputs, const fs::path& output,
                         StoreOptions options) {
  if (inputs.empty()) throw StoreError("merge: no input stores given");
  std::vector<StoreReader> readers;
  readers.reserve(inputs.size());
  bool output_is_input = false;
  std::error_code ec;
  for (const fs::path& p : inputs) {
    readers.push_back(StoreReader::open(p));
    if (fs::exists(output, ec) && fs::equivalent(p, output, ec)) output_is_input = true;
  }
  if (fs::exists(output, ec) && !output_is_input) {
    throw StoreError(output.string() +
                     ": already exists; to merge into it, list it as an input too (rigor merge " +
                     output.string() + " ... -o " + output.string() + "), or remove it");
  }
  const StoreReader& first = readers.front();
  for (std::size_t i = 1; i < readers.size(); ++i) {
    if (readers[i].protocol().hash != first.protocol().hash) {
      throw StoreError(inputs[i].string() + ":/protocol: hash \"" + readers[i].protocol().hash +
                       "\" differs from " + inputs[0].string() + "'s \"" + first.protocol().hash +
                       "\"; stores of different protocols cannot be merged");
    }
  }
  // Each cell comes from the first input that holds it; later copies must be identical.
  MergeResult result;
  std::map<std::string, std::size_t> source;
  for (std::size_t i = 0; i < readers.size(); ++i) {
    for (const std::string& cell : readers[i].run_ids()) {
      auto [it, inserted] = source.emplace(cell, i);
      if (inserted) continue;
      if (!identical(readers[it->second].run(cell), readers[i].run(cell))) {
        throw StoreError("merge: run \"" + cell + "\" differs between " +
                         inputs[it->second].string() + " and " + inputs[i].string() +
                         "; a cell must be run once (or identically), remove one of them");
      }
      ++result.identical_duplicates;
    }
  }
  // Provenance: the first input's; every other distinct map (including earlier merges') is kept.
  std::vector<Provenance> merged;
  auto keep = [&](const Provenance& p) {
    if (p != first.provenance() && std::find(merged.begin(), merged.end(), p) == merged.end())
      merged.push_back(p);
  };
  for (const StoreReader& r : readers) {
    keep(r.provenance());
    for (const Provenance& p : r.merged_provenance()) keep(p);
  }
  const fs::path tmp = output.string() + ".merge.tmp";
  if (fs::exists(tmp, ec)) remove_file(tmp);
  try {
    h5::File out = h5::File::create(tmp.string());
    {
      const h5::Group root = out.root();
      write_study_skeleton(root, first.protocol(), first.provenance(), merged);
      const h5::Group runs = root.open_group("runs");
      for (const auto& [cell, i] : source) {
        const auto& s = MergeAccess::state(readers[i]);
        s.with_run(cell, [&](const h5::Group& src) {
          h5::copy_object(src, cell, runs);
          return 0;
        });
      }
      write_index(root, current_index(root));
    }
    out.close();
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  readers.clear();  // close the inputs before replacing one of them
  atomic_replace(tmp, output, options.sync);
  result.runs = source.size();
  return result;
}

}  // namespace rigor::store
