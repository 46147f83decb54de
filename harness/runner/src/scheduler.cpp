// run_study: the study loop of `rigor run` (runner.h).
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "progress.h"
#include "provenance.h"
#include "rigor/harness/runner.h"
#include "rigor/protocols/canonical.h"
#include "rigor/protocols/plan.h"
#include "rigor/protocols/protocol.h"
#include "rigor/store/store.h"
#include "worker_pool.h"

namespace rigor::harness {
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw HarnessError(fmt::format("{}: cannot read the protocol file", file.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Settings that change result bits: a study must not mix them (resume checks them).
void require_same_settings(const store::Provenance& recorded, const WorkerSettings& now,
                           const fs::path& store) {
  auto check = [&](const char* key, const std::string& value, const char* option) {
    const auto it = recorded.find(key);
    if (it != recorded.end() && it->second != value)
      throw HarnessError(fmt::format(
          "{}: the runs in this store were made with {} {}, but this command asks for {} {}; "
          "results can depend on it, so a study does not mix them: rerun with {} {} or use a "
          "new store",
          store.string(), option, it->second, option, value, option, it->second));
  };
  check("run.device", now.device, "--device");
  check("run.threads", std::to_string(now.threads), "--threads");
}

}  // namespace

StudyResult run_study(const fs::path& protocol_file, const RunOptions& options,
                      std::ostream& progress_out) {
  const auto t0 = std::chrono::steady_clock::now();
  if (options.parts < 1 || options.part < 0 || options.part >= options.parts)
    throw HarnessError(fmt::format("--cells {}/{}: the part must be in [0, {}) and the count >= 1",
                                   options.part, options.parts, options.parts));
  if (options.workers.jobs < 1 || options.workers.threads < 1)
    throw HarnessError("--jobs and --threads must be at least 1");
  const protocols::Protocol protocol = protocols::load_protocol(protocol_file.string());
  const std::string text = read_text(protocol_file);
  const std::string hash = protocols::canonical_hash(protocol);
  const protocols::Plan plan = protocols::make_plan(protocol, {.power_analysis = false});

  std::vector<protocols::RunCell> cells;
  for (std::size_t i = 0; i < plan.cells.size(); ++i)
    if (static_cast<std::int64_t>(i) % options.parts == options.part)
      cells.push_back(plan.cells[i]);

  StudyResult result;
  result.planned = static_cast<std::int64_t>(cells.size());
  const bool exists = fs::exists(options.store);
  std::set<std::string> done;
  if (exists) {
    const store::StoreReader reader = store::StoreReader::open(options.store);
    if (reader.protocol().hash != hash)
      throw HarnessError(fmt::format(
          "{}: this store was made for protocol hash {}, but {} now has hash {}: the protocol's "
          "meaning changed after runs were recorded. Use a new store for the new protocol (and "
          "`rigor validate {} --diff OLD.toml` to see which claims became exploratory)",
          options.store.string(), reader.protocol().hash, protocol_file.string(), hash,
          protocol_file.string()));
    require_same_settings(reader.provenance(), options.workers, options.store);
    for (const auto& s : reader.summaries())
      if (s.status == store::RunStatus::kComplete || s.status == store::RunStatus::kDiverged)
        done.insert(s.cell_id);
  }
  std::vector<protocols::RunCell> todo;
  for (const auto& c : cells)
    if (!done.count(c.id)) todo.push_back(c);
  result.skipped = result.planned - static_cast<std::int64_t>(todo.size());

  if (todo.empty()) {
    if (options.progress != ProgressMode::kQuiet)
      progress_out << fmt::format("rigor run: nothing to do, all {} cells are in {}\n",
                                  result.planned, options.store.string());
    result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
  }

  const fs::path abs_protocol = fs::absolute(protocol_file);
  PoolConfig config{options.workers, abs_protocol, abs_protocol.parent_path(),
                    fs::path(options.store.string() + ".work")};
  WorkerPool pool(config);
  const int workers = static_cast<int>(
      std::min<std::int64_t>(options.workers.jobs, static_cast<std::int64_t>(todo.size())));
  std::map<std::string, std::string> worker_provenance = pool.start(workers);

  store::StoreOptions store_options;
  store_options.sync = options.sync;
  std::optional<store::StoreWriter> writer;
  if (exists) {
    writer.emplace(store::StoreWriter::open(options.store, store_options));
  } else {
    store::Provenance provenance = host_provenance();
    provenance.insert(worker_provenance.begin(), worker_provenance.end());
    provenance["run.device"] = options.workers.device;
    provenance["run.threads"] = std::to_string(options.workers.threads);
    provenance["run.jobs"] = std::to_string(options.workers.jobs);
    provenance["protocol.file"] = abs_protocol.string();
    provenance["protocol.dir"] = abs_protocol.parent_path().string();
    nlohmann::ordered_json resolved;
    resolved["canonical"] = protocols::canonical_text(protocol);
    resolved["run"] = {{"device", options.workers.device},
                       {"threads", options.workers.threads},
                       {"keep_checkpoints", options.workers.keep_checkpoints}};
    store::ProtocolInfo info{text, hash, resolved.dump(2)};
    writer.emplace(store::StoreWriter::create(options.store, info, provenance, store_options));
  }

  Progress progress(progress_out, options.progress, static_cast<std::int64_t>(todo.size()),
                    result.skipped, workers);
  PoolCallbacks callbacks;
  callbacks.on_start = [&](const std::string& cell) { progress.started(cell); };
  callbacks.on_progress = [&](const std::string& cell, std::int64_t epoch, std::int64_t epochs,
                              double) { progress.epoch(cell, epoch, epochs); };
  callbacks.on_result = [&](store::RunRecord&& record) {
    writer->put_run(record);
    progress.finished(record);
    result.run_cpu_seconds += record.cpu_seconds;
    switch (record.status) {
      case store::RunStatus::kComplete:
        ++result.complete;
        break;
      case store::RunStatus::kDiverged:
        ++result.diverged;
        break;
      default:
        ++result.failed;
        result.failed_cells.push_back(record.cell_id);
        break;
    }
  };
  pool.run(todo, callbacks);
  pool.stop();
  writer->close();
  progress.close();
  std::error_code ec;
  if (result.failed == 0) fs::remove_all(config.work_dir, ec);  // else keep the failed runs' logs
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace rigor::harness
