// Import of per-seed results trained elsewhere (docs/analysis.md, "Import").
#include "rigor/reports/import.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "rigor/protocols/canonical.h"
#include "rigor/reports/analysis.h"
#include "rigor/store/store.h"

namespace rigor::reports {
namespace {

struct Record {
  std::size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// RFC 4180: fields separated by ',', optionally quoted with '"' ("" inside quotes is a quote);
// records end with LF or CRLF; quoted fields may span lines. A UTF-8 byte order mark is skipped.
std::vector<Record> parse_csv(const std::string& text, const std::string& name) {
  std::vector<Record> records;
  std::size_t i = 0, line = 1;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) i = 3;
  while (i < text.size()) {
    Record rec;
    rec.line = line;
    std::string field;
    bool in_quotes = false, quoted = false, end_of_record = false;
    while (i < text.size() && !end_of_record) {
      const char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
          } else {
            in_quotes = false;
            ++i;
          }
        } else {
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        continue;
      }
      if (c == '"' && field.empty() && !quoted) {
        in_quotes = quoted = true;
        ++i;
      } else if (c == ',') {
        rec.fields.push_back(std::move(field));
        field.clear();
        quoted = false;
        ++i;
      } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        i += 2;
        end_of_record = true;
      } else if (c == '\n') {
        ++i;
        end_of_record = true;
      } else {
        if (quoted) {
          throw ReportError(fmt::format(
              "{}:{}:{}: text after a closing quote; quote the whole field and write a quote "
              "inside it as \"\"",
              name, line, rec.fields.size() + 1));
        }
        field += c;
        ++i;
      }
    }
    if (in_quotes) {
      throw ReportError(
          fmt::format("{}:{}:{}: a quoted field is not closed before the end of the "
                      "file; add the closing '\"'",
                      name, rec.line, rec.fields.size() + 1));
    }
    rec.fields.push_back(std::move(field));
    if (end_of_record) ++line;
    const bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
    if (!blank) records.push_back(std::move(rec));
  }
  return records;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<double> parse_double(const std::string& s) {
  double v = 0;
  const char* first = s.data();
  if (!s.empty() && s[0] == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || first == s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> parse_int(const std::string& s) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_uint(const std::string& s) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Collects the errors of a file; the first kMaxErrors are reported together.
class Errors {
 public:
  explicit Errors(std::string name) : name_(std::move(name)) {}
  void add(std::size_t line, std::size_t column, const std::string& what) {
    ++count_;
    if (messages_.size() < kMaxErrors) {
      messages_.push_back(fmt::format("{}:{}:{}: {}", name_, line, column, what));
    }
  }
  void add(std::size_t line, const std::string& what) {
    ++count_;
    if (messages_.size() < kMaxErrors) {
      messages_.push_back(fmt::format("{}:{}: {}", name_, line, what));
    }
  }
  void add(const std::string& what) {
    ++count_;
    if (messages_.size() < kMaxErrors) messages_.push_back(fmt::format("{}: {}", name_, what));
  }
  void throw_if_any() const {
    if (count_ == 0) return;
    std::string text;
    for (const std::string& m : messages_) text += (text.empty() ? "" : "\n") + m;
    if (count_ > messages_.size()) {
      text += fmt::format("\n{}: and {} more errors", name_, count_ - messages_.size());
    }
    throw ReportError(text);
  }

 private:
  static constexpr std::size_t kMaxErrors = 20;
  std::string name_;
  std::vector<std::string> messages_;
  std::size_t count_ = 0;
};

struct RunKey {
  std::string arm;
  std::int64_t replicate = 0;
  auto operator<=>(const RunKey&) const = default;
};

}  // namespace

ImportResult import_csv(const std::filesystem::path& csv_path, const protocols::Protocol& protocol,
                        const std::string& protocol_text, const ImportOptions& options) {
  const std::string name = csv_path.string();
  std::ifstream in(csv_path, std::ios::binary);
  if (!in) {
    throw ReportError(fmt::format("{}: cannot open the results file; check the path", name));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::vector<Record> records = parse_csv(text, name);
  if (records.empty()) {
    throw ReportError(fmt::format(
        "{}: the file is empty; it needs a header row (arm, replicate or seed, one column per "
        "metric) and one row per run",
        name));
  }

  // Header.
  const Record& header = records.front();
  std::map<std::string, std::size_t> column;  // name -> 0-based index
  Errors errors(name);
  for (std::size_t j = 0; j < header.fields.size(); ++j) {
    const std::string col = trim(header.fields[j]);
    const bool known = col == "arm" || col == "replicate" || col == "seed" || col == "epoch" ||
                       col == "status" || protocol.find_metric(col) != nullptr;
    if (!known) {
      std::string metrics;
      for (const auto& m : protocol.metrics) metrics += (metrics.empty() ? "" : ", ") + m.name;
      errors.add(header.line, j + 1,
                 fmt::format("column \"{}\" is not known; the columns are arm, replicate or seed, "
                             "the protocol's metrics ({}), and optionally epoch and status",
                             col, metrics));
      continue;
    }
    if (!column.emplace(col, j).second) {
      errors.add(header.line, j + 1, fmt::format("column \"{}\" appears twice", col));
    }
  }
  if (!column.count("arm")) errors.add(header.line, "the header has no \"arm\" column");
  if (column.count("replicate") == column.count("seed")) {
    errors.add(header.line, column.count("seed")
                                ? "the header has both \"replicate\" and \"seed\"; keep one"
                                : "the header needs a \"replicate\" (0-based) or \"seed\" column");
  }
  for (const auto& m : protocol.metrics) {
    if (!column.count(m.name)) {
      errors.add(header.line, fmt::format("the header has no column for metric \"{}\" declared in "
                                          "the protocol; add it",
                                          m.name));
    }
  }
  errors.throw_if_any();
  const bool by_seed = column.count("seed") > 0;
  const bool has_epoch = column.count("epoch") > 0;
  const bool has_status = column.count("status") > 0;

  std::map<RunKey, store::RunRecord> runs;
  std::map<RunKey, std::size_t> final_line;
  std::map<RunKey, std::size_t> epoch_line;  // first per-epoch row of a run
  std::map<std::string, std::map<std::uint64_t, std::int64_t>> seed_replicate;  // per arm
  std::set<std::tuple<RunKey, std::string, std::int64_t>> epoch_seen;

  for (std::size_t r = 1; r < records.size(); ++r) {
    const Record& rec = records[r];
    if (rec.fields.size() != header.fields.size()) {
      errors.add(rec.line, fmt::format("the row has {} fields, but the header has {}",
                                       rec.fields.size(), header.fields.size()));
      continue;
    }
    auto field = [&](const std::string& col) { return trim(rec.fields[column.at(col)]); };
    auto col_no = [&](const std::string& col) { return column.at(col) + 1; };
    bool ok = true;
    const std::string arm = field("arm");
    if (!protocol.find_arm(arm)) {
      std::string arms;
      for (const auto& a : protocol.arms) arms += (arms.empty() ? "" : ", ") + a.name;
      errors.add(
          rec.line, col_no("arm"),
          fmt::format("column \"arm\" is \"{}\", but the protocol's arms are {}", arm, arms));
      ok = false;
    }
    std::int64_t replicate = 0;
    std::optional<std::uint64_t> seed;
    if (by_seed) {
      seed = parse_uint(field("seed"));
      if (!seed) {
        errors.add(rec.line, col_no("seed"),
                   fmt::format("column \"seed\" is \"{}\", but must be a non-negative integer",
                               field("seed")));
        ok = false;
      }
    } else {
      const auto rep = parse_int(field("replicate"));
      if (!rep || *rep < 0 || *rep >= protocol.seeds.replicates) {
        errors.add(
            rec.line, col_no("replicate"),
            fmt::format("column \"replicate\" is \"{}\", but must be an integer in [0, {}) "
                        "(0-based; seeds.replicates = {})",
                        field("replicate"), protocol.seeds.replicates, protocol.seeds.replicates));
        ok = false;
      } else {
        replicate = *rep;
      }
    }
    std::optional<std::int64_t> epoch;
    if (has_epoch && !field("epoch").empty()) {
      epoch = parse_int(field("epoch"));
      if (!epoch || *epoch < 0) {
        errors.add(rec.line, col_no("epoch"),
                   fmt::format("column \"epoch\" is \"{}\", but must be an integer >= 0 (or empty "
                               "on the run's final row)",
                               field("epoch")));
        ok = false;
      }
    }
    store::RunStatus status = store::RunStatus::kComplete;
    if (has_status && !field("status").empty()) {
      const std::string s = field("status");
      if (s == "complete") {
        status = store::RunStatus::kComplete;
      } else if (s == "diverged") {
        status = store::RunStatus::kDiverged;
      } else if (s == "failed") {
        status = store::RunStatus::kFailed;
      } else {
        errors.add(rec.line, col_no("status"),
                   fmt::format("column \"status\" is \"{}\", but must be complete, diverged or "
                               "failed (empty: complete)",
                               s));
        ok = false;
      }
      if (epoch && s != "complete" && ok) {
        errors.add(rec.line, col_no("status"),
                   "a per-epoch row (with an epoch) has a status; give the status on the run's "
                   "final row (empty epoch)");
        ok = false;
      }
    }
    // Metric values: finite numbers; a final row of a failed or diverged run may leave them
    // empty, and a per-epoch row may leave out metrics it did not record.
    std::map<std::string, double> values;
    for (const auto& m : protocol.metrics) {
      const std::string v = field(m.name);
      if (v.empty()) {
        if (!epoch && status == store::RunStatus::kComplete) {
          errors.add(rec.line, col_no(m.name),
                     fmt::format("column \"{}\" is empty, but a complete run needs a final value "
                                 "(set status to failed or diverged if it has none)",
                                 m.name));
          ok = false;
        }
        continue;
      }
      const auto d = parse_double(v);
      if (!d) {
        errors.add(rec.line, col_no(m.name),
                   fmt::format("column \"{}\" is \"{}\", but must be a number", m.name, v));
        ok = false;
      } else if (!std::isfinite(*d)) {
        errors.add(rec.line, col_no(m.name),
                   fmt::format("column \"{}\" is \"{}\", but must be a finite number (leave it "
                               "empty and set status = diverged for a run that blew up)",
                               m.name, v));
        ok = false;
      } else {
        values[m.name] = *d;
      }
    }
    if (!ok) continue;
    if (by_seed) {
      auto& map = seed_replicate[arm];
      auto [it, inserted] = map.emplace(*seed, static_cast<std::int64_t>(map.size()));
      replicate = it->second;
      if (inserted && replicate >= protocol.seeds.replicates) {
        errors.add(rec.line, col_no("seed"),
                   fmt::format("arm \"{}\" has more than seeds.replicates = {} distinct seeds; "
                               "seed {} is one too many",
                               arm, protocol.seeds.replicates, *seed));
        continue;
      }
    }
    const RunKey key{arm, replicate};
    store::RunRecord& run = runs[key];
    if (run.cell_id.empty()) {
      run.cell_id = fmt::format("{}-r{}", arm, replicate);
      run.arm = arm;
      run.replicate = replicate;
      run.status = store::RunStatus::kPlanned;  // until the final row is read
      if (seed) run.seeds["seed"] = *seed;
    }
    if (epoch) {
      epoch_line.emplace(key, rec.line);
      for (const auto& [metric, value] : values) {
        if (!epoch_seen.emplace(key, metric, *epoch).second) {
          errors.add(rec.line, col_no("epoch"),
                     fmt::format("arm \"{}\" replicate {} has two rows for epoch {} of \"{}\"", arm,
                                 replicate, *epoch, metric));
          continue;
        }
        run.epoch_metrics[metric].push_back({*epoch, value});
      }
      continue;
    }
    if (auto [it, inserted] = final_line.emplace(key, rec.line); !inserted) {
      errors.add(rec.line,
                 fmt::format("arm \"{}\" replicate {} already has its final row on line {}; each "
                             "run has one row with an empty epoch",
                             arm, replicate, it->second));
      continue;
    }
    run.status = status;
    run.final_metrics = std::move(values);
    if (status == store::RunStatus::kFailed) run.error = "failed (imported)";
    if (status == store::RunStatus::kDiverged) run.error = "diverged (imported)";
  }
  for (const auto& [key, line] : epoch_line) {
    if (!final_line.count(key)) {
      errors.add(line, fmt::format("arm \"{}\" replicate {} has per-epoch rows but no final row "
                                   "(a row with an empty epoch holding the final values)",
                                   key.arm, key.replicate));
    }
  }
  errors.throw_if_any();

  ImportResult result;
  for (const auto& arm : protocol.arms) {
    std::vector<std::int64_t> missing;
    for (std::int64_t r = 0; r < protocol.seeds.replicates; ++r) {
      if (!final_line.count(RunKey{arm.name, r})) missing.push_back(r);
    }
    if (missing.empty()) continue;
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 10; ++i) {
      list += (i ? ", " : "") + std::to_string(missing[i]);
    }
    if (missing.size() > 10) list += ", ...";
    const std::string msg =
        fmt::format("arm \"{}\" has {} of seeds.replicates = {} runs; missing replicate{} {}",
                    arm.name, protocol.seeds.replicates - static_cast<std::int64_t>(missing.size()),
                    protocol.seeds.replicates, missing.size() == 1 ? "" : "s", list);
    if (options.allow_missing) {
      result.warnings.push_back(msg + " (claims on this arm will be inconclusive)");
    } else {
      errors.add(msg + "; add their rows, or pass --allow-missing to import what there is");
    }
  }
  errors.throw_if_any();

  for (const auto& arm : protocol.arms) {
    for (auto& [key, run] : runs) {
      if (key.arm != arm.name) continue;
      for (auto& [metric, series] : run.epoch_metrics) {
        std::sort(series.begin(), series.end(),
                  [](const store::SeriesPoint& x, const store::SeriesPoint& y) {
                    return x.step < y.step;
                  });
      }
      result.runs.push_back(run);
    }
  }
  result.protocol.text = protocol_text;
  result.protocol.hash = protocols::canonical_hash(protocol);
  result.provenance["source"] = "external";
  result.provenance["import.file"] = name;
  result.provenance["import.sha256"] = protocols::sha256_hex(text);
  result.provenance["import.rows"] = std::to_string(records.size() - 1);
  return result;
}

void write_import_store(const ImportResult& result, const std::filesystem::path& output) {
  auto writer = store::StoreWriter::create(output, result.protocol, result.provenance);
  for (const store::RunRecord& run : result.runs) writer.put_run(run);
  writer.close();
}

}  // namespace rigor::reports
