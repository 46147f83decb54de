// `rigor inspect`, `rigor export`, `rigor merge`: the study store from the command line.
// Layout of a store: docs/store-format.md.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <ostream>
#include <set>

#include "json_io.h"
#include "options.h"
#include "rigor/cli.h"
#include "rigor/store.h"
#include "verbs.h"

namespace po = boost::program_options;

namespace rigor::cli {
namespace {

constexpr std::string_view kInspectUsage =
    "Usage: rigor inspect STORE [--runs] [--max-errors N]\n\n"
    "Summarizes a study store: protocol hash, number of runs by arm and status, and the errors of\n"
    "failed or diverged runs. Runs still pending (written by a study that is running or was\n"
    "killed) are included.\n\n";

constexpr std::string_view kExportUsage =
    "Usage: rigor export STORE (--csv | --json) [--table TABLE] [-o FILE]\n\n"
    "Writes tidy tables for pandas or R (docs/store-format.md, \"Export tables\"):\n"
    "  runs      one row per run: cell_id, arm, replicate, status, times, device, seed.<source>,\n"
    "            final.<metric> (default for --csv)\n"
    "  epochs    one row per (run, metric, epoch): cell_id, arm, replicate, metric, epoch, value\n"
    "  steps     one row per (run, metric, step): cell_id, arm, replicate, metric, step, value\n"
    "  examples  one row per (run, test example): cell_id, arm, replicate, index, prediction,\n"
    "            target, loss\n"
    "--csv writes one table; --json writes {\"runs\": [...], \"epochs\": [...]} (or the one "
    "--table)\n"
    "as arrays of row objects. Non-finite numbers are NaN/Inf/-Inf in CSV, \"nan\"/\"inf\" in "
    "JSON.\n\n";

constexpr std::string_view kMergeUsage =
    "Usage: rigor merge STORE... -o OUT.h5\n\n"
    "Combines study stores (shards from workers or machines) into OUT.h5, written atomically.\n"
    "Refuses stores of different protocols (hash) and cells present twice with different data;\n"
    "identical duplicates are merged. To merge into an existing store, list it as an input too:\n"
    "  rigor merge all.h5 shard-07.h5 -o all.h5\n"
    "Merging again changes nothing (idempotent). /analysis is not carried over.\n\n";

// ---- tables ---------------------------------------------------------------------------------

// A cell of an export table: text or a number (kept as double for the JSON writer).
struct Cell {
  bool is_number = false;
  double number = 0.0;
  std::string text;
};
Cell text_cell(std::string s) { return {false, 0.0, std::move(s)}; }
Cell number_cell(double v) { return {true, v, {}}; }
Cell int_cell(std::int64_t v) { return {true, static_cast<double>(v), std::to_string(v)}; }
Cell uint_cell(std::uint64_t v) {
  return {false, 0.0, std::to_string(v)};
}  // may exceed 2^53: text

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

std::string csv_field(const Cell& c) {
  if (c.is_number) {
    if (!c.text.empty()) return c.text;
    if (std::isnan(c.number)) return "NaN";
    if (std::isinf(c.number)) return c.number > 0 ? "Inf" : "-Inf";
    return fmt::format("{}", c.number);  // shortest text that reads back to the same double
  }
  if (c.text.find_first_of(",\"\n\r") == std::string::npos) return c.text;
  std::string out = "\"";
  for (char ch : c.text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

void write_csv(const Table& t, std::ostream& out) {
  for (std::size_t i = 0; i < t.columns.size(); ++i)
    out << (i ? "," : "") << csv_field(text_cell(t.columns[i]));
  out << "\n";
  for (const auto& row : t.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_field(row[i]);
    out << "\n";
  }
}

Json to_json(const Table& t) {
  Json rows = Json::array();
  for (const auto& row : t.rows) {
    Json obj = Json::object();
    for (std::size_t i = 0; i < row.size(); ++i) {
      const Cell& c = row[i];
      if (c.is_number) {
        obj[t.columns[i]] = c.text.empty() ? json_number(c.number) : Json(std::stoll(c.text));
      } else if (c.text.empty() && t.columns[i].rfind("final.", 0) == 0) {
        obj[t.columns[i]] = nullptr;  // metric absent from this run
      } else {
        obj[t.columns[i]] = c.text;
      }
    }
    rows.push_back(std::move(obj));
  }
  return rows;
}

void add_keys(std::vector<Cell>& row, const store::RunRecord& r) {
  row.push_back(text_cell(r.cell_id));
  row.push_back(text_cell(r.arm));
  row.push_back(int_cell(r.replicate));
}

const std::vector<std::string> kKeyColumns = {"cell_id", "arm", "replicate"};

Table runs_table(const std::vector<store::RunRecord>& runs) {
  std::set<std::string> seed_names, final_names;
  for (const auto& r : runs) {
    for (const auto& [k, v] : r.seeds) seed_names.insert(k);
    for (const auto& [k, v] : r.final_metrics) final_names.insert(k);
  }
  Table t;
  t.columns = kKeyColumns;
  for (const char* c : {"status", "error", "start_time", "end_time", "wall_seconds", "cpu_seconds",
                        "device", "params_sha256"}) {
    t.columns.emplace_back(c);
  }
  for (const auto& s : seed_names) t.columns.push_back("seed." + s);
  for (const auto& f : final_names) t.columns.push_back("final." + f);
  for (const auto& r : runs) {
    std::vector<Cell> row;
    add_keys(row, r);
    row.push_back(text_cell(std::string(store::to_string(r.status))));
    row.push_back(text_cell(r.error));
    row.push_back(number_cell(r.start_time));
    row.push_back(number_cell(r.end_time));
    row.push_back(number_cell(r.wall_seconds));
    row.push_back(number_cell(r.cpu_seconds));
    row.push_back(text_cell(r.device));
    row.push_back(text_cell(r.params_sha256));
    for (const auto& s : seed_names) {
      auto it = r.seeds.find(s);
      row.push_back(it == r.seeds.end() ? text_cell("") : uint_cell(it->second));
    }
    for (const auto& f : final_names) {
      auto it = r.final_metrics.find(f);
      row.push_back(it == r.final_metrics.end() ? text_cell("") : number_cell(it->second));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table series_table(const std::vector<store::RunRecord>& runs, bool epochs) {
  Table t;
  t.columns = kKeyColumns;
  t.columns.insert(t.columns.end(), {"metric", epochs ? "epoch" : "step", "value"});
  for (const auto& r : runs) {
    for (const auto& [name, series] : epochs ? r.epoch_metrics : r.step_metrics) {
      for (const store::SeriesPoint& p : series) {
        std::vector<Cell> row;
        add_keys(row, r);
        row.push_back(text_cell(name));
        row.push_back(int_cell(p.step));
        row.push_back(number_cell(p.value));
        t.rows.push_back(std::move(row));
      }
    }
  }
  return t;
}

Table examples_table(const std::vector<store::RunRecord>& runs) {
  Table t;
  t.columns = kKeyColumns;
  t.columns.insert(t.columns.end(), {"index", "prediction", "target", "loss"});
  for (const auto& r : runs) {
    const store::ExampleResults& e = r.examples;
    const std::size_t n =
        std::max({e.index.size(), e.prediction.size(), e.target.size(), e.loss.size()});
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<Cell> row;
      add_keys(row, r);
      row.push_back(e.index.empty() ? text_cell("") : int_cell(e.index[i]));
      row.push_back(e.prediction.empty() ? text_cell("") : int_cell(e.prediction[i]));
      row.push_back(e.target.empty() ? text_cell("") : int_cell(e.target[i]));
      row.push_back(e.loss.empty() ? text_cell("") : number_cell(e.loss[i]));
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

Table make_table(const std::string& name, const std::vector<store::RunRecord>& runs) {
  if (name == "runs") return runs_table(runs);
  if (name == "epochs") return series_table(runs, true);
  if (name == "steps") return series_table(runs, false);
  if (name == "examples") return examples_table(runs);
  throw UsageError(
      fmt::format("--table is \"{}\", but must be runs, epochs, steps or examples", name));
}

}  // namespace

// ---- inspect --------------------------------------------------------------------------------

int inspect_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")(
      "runs", "also list every run (cell, arm, replicate, status)")(
      "max-errors", po::value<int>()->default_value(10),
      "list at most N failed/diverged runs with their error");
  const po::variables_map vm = parse_with_positional(args, options, "store");
  if (vm.count("help")) {
    io.out << kInspectUsage << options;
    return kExitOk;
  }
  if (!vm.count("store")) throw UsageError("missing STORE (the study .h5 file)");
  const std::string path = vm["store"].as<std::string>();
  const store::StoreReader reader = store::StoreReader::open(path);
  const std::vector<store::RunSummary> runs = reader.summaries();

  constexpr int kStatuses = 5;
  std::map<std::string, std::array<std::size_t, kStatuses>> by_arm;
  std::array<std::size_t, kStatuses> total{};
  for (const auto& r : runs) {
    by_arm[r.arm][static_cast<std::size_t>(r.status)]++;
    total[static_cast<std::size_t>(r.status)]++;
  }
  io.out << fmt::format(
      "store    {}\nschema   {}\nprotocol {}\nruns     {} ({} pending compaction)\n\n", path,
      reader.schema_version(), reader.protocol().hash, runs.size(), reader.pending_runs());
  std::size_t arm_width = 5;
  for (const auto& [arm, counts] : by_arm) arm_width = std::max(arm_width, arm.size());
  const auto row = [&](const std::string& name, const std::array<std::size_t, kStatuses>& c) {
    std::size_t sum = 0;
    for (std::size_t v : c) sum += v;
    io.out << fmt::format("{:<{}}  {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}\n", name, arm_width, c[0],
                          c[1], c[2], c[3], c[4], sum);
  };
  io.out << fmt::format("{:<{}}  {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}\n", "arm", arm_width,
                        "planned", "running", "complete", "failed", "diverged", "total");
  for (const auto& [arm, counts] : by_arm) row(arm, counts);
  row("total", total);

  const int max_errors = vm["max-errors"].as<int>();
  int shown = 0, bad = 0;
  for (const auto& r : runs) {
    if (r.status != store::RunStatus::kFailed && r.status != store::RunStatus::kDiverged) continue;
    if (bad++ == 0) io.out << "\nfailed or diverged runs:\n";
    if (shown < max_errors) {
      io.out << fmt::format("  {} ({}, replicate {}): {}: {}\n", r.cell_id, r.arm, r.replicate,
                            store::to_string(r.status), r.error.empty() ? "(no message)" : r.error);
      ++shown;
    }
  }
  if (bad > shown) io.out << fmt::format("  ... and {} more (--max-errors)\n", bad - shown);
  if (vm.count("runs")) {
    io.out << "\n"
           << fmt::format("{:<24} {:<{}} {:>9} {:<9} {:>12}\n", "cell", "arm", arm_width,
                          "replicate", "status", "wall_s");
    for (const auto& r : runs) {
      io.out << fmt::format("{:<24} {:<{}} {:>9} {:<9} {:>12.3f}\n", r.cell_id, r.arm, arm_width,
                            r.replicate, store::to_string(r.status), r.wall_seconds);
    }
  }
  return kExitOk;
}

// ---- export ---------------------------------------------------------------------------------

int export_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("csv", "write CSV (one table)")(
      "json", "write JSON (runs and epochs tables, or the one --table)")(
      "table", po::value<std::string>(), "runs, epochs, steps or examples")(
      "output,o", po::value<std::string>(), "output file (default: stdout)");
  const po::variables_map vm = parse_with_positional(args, options, "store");
  if (vm.count("help")) {
    io.out << kExportUsage << options;
    return kExitOk;
  }
  if (!vm.count("store")) throw UsageError("missing STORE (the study .h5 file)");
  const bool csv = vm.count("csv") > 0, json = vm.count("json") > 0;
  if (csv == json) throw UsageError("give exactly one of --csv and --json");
  std::vector<std::string> tables;
  if (vm.count("table")) {
    tables.push_back(vm["table"].as<std::string>());
  } else if (csv) {
    tables.emplace_back("runs");
  } else {
    tables = {"runs", "epochs"};
  }
  for (const auto& t : tables) make_table(t, {});  // validates the name before reading the store

  // Read only the parts the chosen tables show, never the checkpoints (MBs per run): the runs
  // table needs the attributes, seeds and final metrics alone.
  store::RunParts parts = store::RunParts::essentials();
  for (const auto& t : tables) {
    parts.epoch_metrics = parts.epoch_metrics || t == "epochs";
    parts.step_metrics = parts.step_metrics || t == "steps";
    parts.examples = parts.examples || t == "examples";
  }
  const store::StoreReader reader = store::StoreReader::open(vm["store"].as<std::string>());
  std::vector<store::RunRecord> runs;
  for (const std::string& id : reader.run_ids()) runs.push_back(reader.run(id, parts));

  std::ofstream file;
  std::ostream* out = &io.out;
  if (vm.count("output")) {
    const std::string path = vm["output"].as<std::string>();
    file.open(path, std::ios::binary);
    if (!file)
      throw Error(
          fmt::format("cannot write \"{}\"; check the directory exists and is writable", path));
    out = &file;
  }
  if (csv) {
    write_csv(make_table(tables.front(), runs), *out);
  } else {
    Json doc = Json::object();
    doc["store"] = vm["store"].as<std::string>();
    doc["schema_version"] = reader.schema_version();
    doc["protocol_hash"] = reader.protocol().hash;
    for (const auto& t : tables) doc[t] = to_json(make_table(t, runs));
    *out << doc.dump(2) << "\n";
  }
  out->flush();
  if (!*out) throw Error("export: writing the output failed (disk full?)");
  return kExitOk;
}

// ---- merge ----------------------------------------------------------------------------------

int merge_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("output,o", po::value<std::string>(),
                                                    "the merged store")(
      "inputs", po::value<std::vector<std::string>>(), "stores to merge");
  po::positional_options_description positional;
  positional.add("inputs", -1);
  const po::variables_map vm = parse_options(args, options, positional);
  if (vm.count("help")) {
    io.out << kMergeUsage << options;
    return kExitOk;
  }
  if (!vm.count("inputs"))
    throw UsageError("missing input stores (rigor merge A.h5 B.h5 -o out.h5)");
  if (!vm.count("output")) throw UsageError("missing -o OUT.h5 (where to write the merged store)");
  const auto& names = vm["inputs"].as<std::vector<std::string>>();
  const std::vector<std::filesystem::path> inputs(names.begin(), names.end());
  const std::string output = vm["output"].as<std::string>();
  const store::MergeResult result = store::merge_stores(inputs, output);
  io.out << fmt::format("merged {} runs from {} stores into {} ({} identical duplicates)\n",
                        result.runs, inputs.size(), output, result.identical_duplicates);
  return kExitOk;
}

}  // namespace rigor::cli
