// rigor/reports/import.h — results trained elsewhere (any framework) into a study store: a tidy
// CSV with one row per run (final metrics) and optional per-epoch rows, checked against the
// protocol, recorded with provenance "source = external" (docs/analysis.md, "Import").
//
//   auto p = rigor::protocols::load_protocol("study.toml");
//   rigor::reports::ImportResult r = rigor::reports::import_csv("results.csv", p, text, {});
//   rigor::reports::write_import_store(r, "study.h5");  // then analyze / report as usual
#ifndef RIGOR_REPORTS_IMPORT_H_
#define RIGOR_REPORTS_IMPORT_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rigor/protocols/protocol.h"
#include "rigor/store/record.h"

namespace rigor::reports {

struct ImportOptions {
  // Accept arms with fewer runs than seeds.replicates (the missing replicates are left out of the
  // store and the analysis reports them as missing). Off: a missing replicate is an error.
  bool allow_missing = false;
};

struct ImportResult {
  std::vector<store::RunRecord> runs;  // one per (arm, replicate), arm order then replicate
  store::ProtocolInfo protocol;        // the protocol text and its canonical hash
  store::Provenance provenance;        // source, import.file, import.sha256, import.rows
  std::vector<std::string> warnings;   // e.g. replicates missing with allow_missing
};

// Reads and checks a tidy CSV (RFC 4180 quoting; first row the header):
//   arm        (required) an arm of the protocol
//   replicate  0-based replicate index, < seeds.replicates; or `seed`: an integer seed, runs of an
//              arm are then numbered by first appearance (one of the two is required)
//   <metric>   one column per protocol metric (all required; extra columns are an error)
//   epoch      optional: rows with an epoch are per-epoch values (epoch_metrics), rows with an
//              empty epoch are the run's final values (final_metrics); every run needs one
//   status     optional: complete (default), diverged or failed; a failed run's metrics may be
//              empty
// `protocol_text` is the protocol file's text (stored verbatim); `csv_path` names the file in
// messages. Throws ReportError "results.csv:12:3: column \"accuracy\" is \"abc\", but must be a
// number" (line and column 1-based) for every bad cell, and for an unknown arm, a duplicate run, a
// missing metric column, a replicate out of range, or (unless allow_missing) a missing replicate.
ImportResult import_csv(const std::filesystem::path& csv_path, const protocols::Protocol& protocol,
                        const std::string& protocol_text, const ImportOptions& options = {});

// Creates the store `output` (which must not exist) with the import's protocol, provenance and
// runs. Throws store::StoreError as StoreWriter::create / put_run.
void write_import_store(const ImportResult& result, const std::filesystem::path& output);

}  // namespace rigor::reports

#endif  // RIGOR_REPORTS_IMPORT_H_
