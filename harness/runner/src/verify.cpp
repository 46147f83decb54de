// verify_store: rerun recorded cells and compare them bit for bit (runner.h).
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "progress.h"
#include "provenance.h"
#include "rigor/harness/runner.h"
#include "rigor/protocols/plan.h"
#include "rigor/protocols/protocol.h"
#include "rigor/store/store.h"
#include "worker_pool.h"

namespace rigor::harness {
namespace fs = std::filesystem;

std::string_view to_string(Reproduction r) {
  switch (r) {
    case Reproduction::kBitwise:
      return "bitwise";
    case Reproduction::kWithinTolerance:
      return "tolerance";
    case Reproduction::kMismatch:
      return "mismatch";
    case Reproduction::kFailed:
      return "failed";
  }
  return "failed";
}

namespace {

// FNV-1a 64 over the seed and the cell id: a stable, platform-independent sample order.
std::uint64_t sample_key(std::uint64_t seed, const std::string& cell) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(seed >> (8 * i)));
  for (char c : cell) mix(static_cast<unsigned char>(c));
  return h;
}

struct Diff {
  bool bitwise = true;
  double max_abs = 0.0;
  double max_rel = 0.0;
  std::string first;  // the first difference, in words
};

void compare_value(Diff& d, const std::string& what, double recorded, double rerun) {
  if (std::bit_cast<std::uint64_t>(recorded) == std::bit_cast<std::uint64_t>(rerun)) return;
  if (std::isnan(recorded) && std::isnan(rerun)) return;
  d.bitwise = false;
  const double abs = std::fabs(recorded - rerun);
  const double scale = std::max(std::fabs(recorded), std::fabs(rerun));
  const double rel = scale > 0 ? abs / scale : 0.0;
  if (!std::isfinite(abs)) {
    d.max_abs = d.max_rel = std::numeric_limits<double>::infinity();
  } else {
    d.max_abs = std::max(d.max_abs, abs);
    d.max_rel = std::max(d.max_rel, rel);
  }
  if (d.first.empty())
    d.first = fmt::format("{}: recorded {:.17g}, rerun {:.17g}", what, recorded, rerun);
}

Diff compare_runs(const store::RunRecord& a, const store::RunRecord& b) {
  Diff d;
  if (a.status != b.status) {
    d.bitwise = false;
    d.max_abs = d.max_rel = std::numeric_limits<double>::infinity();
    d.first = fmt::format("status: recorded {}, rerun {}", store::to_string(a.status),
                          store::to_string(b.status));
    return d;
  }
  for (const auto& [name, v] : a.final_metrics) {
    const auto it = b.final_metrics.find(name);
    if (it == b.final_metrics.end()) {
      d.bitwise = false;
      d.max_abs = d.max_rel = std::numeric_limits<double>::infinity();
      if (d.first.empty()) d.first = fmt::format("final {}: missing in the rerun", name);
      continue;
    }
    compare_value(d, "final " + name, v, it->second);
  }
  for (const auto& [name, series] : a.epoch_metrics) {
    const auto it = b.epoch_metrics.find(name);
    if (it == b.epoch_metrics.end() || it->second.size() != series.size()) {
      d.bitwise = false;
      d.max_abs = d.max_rel = std::numeric_limits<double>::infinity();
      if (d.first.empty()) d.first = fmt::format("epoch series {}: different length", name);
      continue;
    }
    for (std::size_t i = 0; i < series.size(); ++i)
      compare_value(d, fmt::format("{} at epoch {}", name, series[i].step), series[i].value,
                    it->second[i].value);
  }
  return d;
}

}  // namespace

VerifyResult verify_store(const VerifyOptions& options, std::ostream& progress_out) {
  const store::StoreReader reader = store::StoreReader::open(options.store);
  const store::Provenance& prov = reader.provenance();
  if (prov.count("source") && prov.at("source") == "external")
    throw HarnessError(fmt::format(
        "{}: this store was imported from results produced elsewhere (rigor import): there is "
        "nothing rigor can rerun",
        options.store.string()));
  const fs::path work = options.store.string() + ".verify";
  fs::create_directories(work);
  const fs::path protocol_file = work / "protocol.toml";
  {
    std::ofstream out(protocol_file, std::ios::binary | std::ios::trunc);
    out << reader.protocol().text;
  }
  const protocols::Protocol protocol =
      protocols::parse_protocol(reader.protocol().text, options.store.string() + ":/protocol");
  const protocols::Plan plan = protocols::make_plan(protocol, {.power_analysis = false});

  // Which cells: explicit, or a deterministic sample of the complete/diverged ones.
  std::vector<std::string> candidates;
  for (const auto& s : reader.summaries())
    if (s.status == store::RunStatus::kComplete || s.status == store::RunStatus::kDiverged)
      candidates.push_back(s.cell_id);
  std::vector<std::string> chosen;
  if (!options.cells.empty()) {
    for (const auto& c : options.cells) {
      if (std::find(candidates.begin(), candidates.end(), c) == candidates.end())
        throw HarnessError(fmt::format(
            "{}: cell \"{}\" is not a complete or diverged run of this store; `rigor inspect {}` "
            "lists the runs",
            options.store.string(), c, options.store.string()));
      chosen.push_back(c);
    }
  } else {
    if (options.sample < 1) throw HarnessError("--sample must be at least 1");
    chosen = candidates;
    std::sort(chosen.begin(), chosen.end(), [&](const std::string& a, const std::string& b) {
      return sample_key(options.seed, a) < sample_key(options.seed, b);
    });
    if (static_cast<std::int64_t>(chosen.size()) > options.sample)
      chosen.resize(static_cast<std::size_t>(options.sample));
    std::sort(chosen.begin(), chosen.end());
  }
  if (chosen.empty())
    throw HarnessError(
        fmt::format("{}: no complete run to verify; run the study first", options.store.string()));
  std::vector<protocols::RunCell> cells;
  for (const auto& id : chosen)
    for (const auto& c : plan.cells)
      if (c.id == id) cells.push_back(c);

  WorkerSettings settings;
  if (options.workers) {
    settings = *options.workers;
  } else {
    if (prov.count("run.device")) settings.device = prov.at("run.device");
    if (prov.count("run.threads")) settings.threads = std::stoi(prov.at("run.threads"));
  }
  fs::path base = options.data_dir;
  if (base.empty())
    base = prov.count("protocol.dir") ? fs::path(prov.at("protocol.dir")) : fs::current_path();

  PoolConfig config{settings, fs::absolute(protocol_file), base, work};
  WorkerPool pool(config);
  pool.start(static_cast<int>(
      std::min<std::size_t>(static_cast<std::size_t>(std::max(settings.jobs, 1)), cells.size())));
  Progress progress(progress_out, options.progress, static_cast<std::int64_t>(cells.size()), 0,
                    settings.jobs, "rigor verify");
  VerifyResult result;
  result.device = settings.device;
  PoolCallbacks callbacks;
  callbacks.on_start = [&](const std::string& cell) { progress.started(cell); };
  callbacks.on_progress = [&](const std::string& cell, std::int64_t e, std::int64_t n, double) {
    progress.epoch(cell, e, n);
  };
  callbacks.on_result = [&](store::RunRecord&& rerun) {
    progress.finished(rerun);
    const store::RunRecord recorded = reader.run(rerun.cell_id);
    CellVerification v;
    v.cell = rerun.cell_id;
    v.recorded_sha256 = recorded.params_sha256;
    v.rerun_sha256 = rerun.params_sha256;
    if (rerun.status == store::RunStatus::kFailed) {
      v.outcome = Reproduction::kFailed;
      v.message = rerun.error;
    } else {
      const Diff d = compare_runs(recorded, rerun);
      v.max_abs_diff = d.max_abs;
      v.max_rel_diff = d.max_rel;
      const bool same_params = recorded.params_sha256 == rerun.params_sha256;
      if (d.bitwise && same_params) {
        v.outcome = Reproduction::kBitwise;
      } else if (d.max_rel <= options.tolerance) {
        v.outcome = Reproduction::kWithinTolerance;
        v.message = same_params ? d.first
                                : "parameters differ; metrics within tolerance" +
                                      (d.first.empty() ? "" : " (" + d.first + ")");
      } else {
        v.outcome = Reproduction::kMismatch;
        v.message = d.first;
      }
    }
    result.cells.push_back(std::move(v));
  };
  pool.run(cells, callbacks);
  pool.stop();
  progress.close();
  std::sort(result.cells.begin(), result.cells.end(),
            [](const auto& a, const auto& b) { return a.cell < b.cell; });

  nlohmann::ordered_json j;
  j["schema_version"] = 1;
  j["created"] = utc_now_rfc3339();
  j["device"] = settings.device;
  j["threads"] = settings.threads;
  j["sample"] = cells.size();
  j["tolerance"] = options.tolerance;
  j["cells"] = nlohmann::ordered_json::array();
  for (const auto& v : result.cells) {
    nlohmann::ordered_json c;
    c["cell"] = v.cell;
    c["outcome"] = to_string(v.outcome);
    c["recorded_sha256"] = v.recorded_sha256;
    c["rerun_sha256"] = v.rerun_sha256;
    c["max_abs_diff"] = std::isfinite(v.max_abs_diff) ? nlohmann::ordered_json(v.max_abs_diff)
                                                      : nlohmann::ordered_json("inf");
    c["max_rel_diff"] = std::isfinite(v.max_rel_diff) ? nlohmann::ordered_json(v.max_rel_diff)
                                                      : nlohmann::ordered_json("inf");
    c["message"] = v.message;
    j["cells"].push_back(std::move(c));
  }
  result.json = j.dump(2);
  std::error_code ec;
  fs::remove_all(work, ec);
  if (options.write) {
    store::StoreWriter writer = store::StoreWriter::open(options.store);
    writer.put_analysis("verify", result.json);
    writer.close();
  }
  return result;
}

}  // namespace rigor::harness
