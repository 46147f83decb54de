// `rigor analyze`, `rigor report`, `rigor import`: the claims analysis of a study store, its
// reports, and stores made from results trained elsewhere. The rules are rigor::reports'
// (docs/analysis.md); this file only parses the command line and writes files.
#include <fmt/format.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "options.h"
#include "rigor/cli.h"
#include "rigor/error.h"
#include "rigor/protocols/protocol.h"
#include "rigor/reports.h"
#include "rigor/reports/html_report.h"
#include "rigor/store/store.h"
#include "verbs.h"

namespace po = boost::program_options;

namespace rigor::cli {
namespace {

constexpr std::string_view kAnalyzeUsage =
    "Usage: rigor analyze STORE [--json] [--no-write]\n\n"
    "Tests every claim of the store's protocol as it was registered (test, alternative, alpha,\n"
    "minimum effect, correction family; docs/analysis.md) and prints the verdicts with effect\n"
    "sizes, raw and corrected p-values, and the reviewer checks (normality, seeds per arm,\n"
    "pre-registration, configurations counted, zero variance, diverged/failed runs). The analysis\n"
    "is written to STORE:/analysis/claims (JSON, docs/report-json.md) unless --no-write; a store\n"
    "locked by a running study is not written (a warning says so) but still analysed.\n"
    "The alpha and every other choice come from the registered protocol: none can be overridden.\n"
    "Exit code: 0 when every claim is supported, 1 otherwise (not supported, below minimum,\n"
    "inconclusive, runs missing), 2 on bad input.\n\n";

constexpr std::string_view kReportUsage =
    "Usage: rigor report STORE [-o report.html] [--md report.md] [--json report.json]\n"
    "                          [--pdf report.pdf] [--write-analysis]\n\n"
    "Analyses the store (as `rigor analyze`) and writes the requested reports: -o the\n"
    "self-contained HTML audit, --md a Markdown summary (for a pull request or a paper's\n"
    "appendix), --json the analysis document (docs/report-json.md), --pdf the HTML printed by\n"
    "headless Chromium. The store is not modified unless --write-analysis.\n"
    "Exit code: 0 when the reports were written (whatever the verdicts), 2 on bad input.\n\n";

constexpr std::string_view kImportUsage =
    "Usage: rigor import results.csv --protocol P.toml -o study.h5 [--allow-missing]\n\n"
    "Records per-seed results trained elsewhere as a study store, checked against the protocol.\n"
    "results.csv is a tidy CSV (docs/analysis.md, \"Import\"):\n"
    "  arm         an arm of the protocol\n"
    "  replicate   0-based replicate index (or `seed`: runs numbered per arm by first appearance)\n"
    "  <metric>    one column per protocol metric, the run's final value\n"
    "  epoch       optional: rows with an epoch hold per-epoch values, rows with an empty epoch\n"
    "              the final values (one per run)\n"
    "  status      optional: complete (default), diverged or failed\n"
    "Every arm needs seeds.replicates runs (--allow-missing imports fewer; the analysis then\n"
    "reports the claims as inconclusive). Provenance records source = external and the file's\n"
    "SHA-256. Then run `rigor analyze study.h5` and `rigor report study.h5` as usual.\n\n";

std::string slurp(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read the {}; check the path", path, what));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text, const char* what) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    throw Error(
        fmt::format("{}: cannot write the {}; check that the directory exists and is "
                    "writable",
                    path, what));
  }
}

reports::Analysis analyze_store(const std::string& path) {
  const store::StoreReader reader = store::StoreReader::open(path);
  reports::AnalyzeOptions options;
  options.rigor_version = std::string(version());
  return reports::analyze(reader, options);
}

// Writes the analysis into STORE:/analysis/claims. A store held by another writer (a running
// study) or that cannot be written is not an error: the analysis is still printed, and a
// "store_locked" warning says what happened.
void write_analysis(reports::Analysis& analysis, Io& io) {
  const std::string json = reports::analysis_json(analysis);
  try {
    store::StoreWriter writer = store::StoreWriter::open(analysis.store_path);
    writer.put_analysis(std::string(reports::kAnalysisName), json);
    writer.close();
  } catch (const store::StoreError& e) {
    const std::string what = e.what();
    const bool locked = what.find("another process is writing this store") != std::string::npos;
    reports::Warning w;
    w.code = "store_locked";
    w.message = locked ? fmt::format(
                             "the analysis was not written to {}:/analysis/{}: a study is "
                             "writing the store right now ({})",
                             analysis.store_path, reports::kAnalysisName, what)
                       : fmt::format("the analysis was not written to {}:/analysis/{}: {}",
                                     analysis.store_path, reports::kAnalysisName, what);
    w.fix = locked ? "rerun `rigor analyze` when the study has finished"
                   : "check that the store is writable, or pass --no-write";
    io.err << "warning: " << w.message << "; " << w.fix << "\n";
    analysis.warnings.push_back(std::move(w));
  }
}

std::string count_text(const reports::StatusCounts& s) {
  return fmt::format("{} runs: {} complete, {} diverged, {} failed, {} not run", s.total(),
                     s.complete, s.diverged, s.failed, s.planned + s.running);
}

void print_table(const reports::Analysis& a, Io& io) {
  io.out << fmt::format("study    {}\nstore    {}\nprotocol {} ({})\n{}\n\n",
                        a.study_name.empty() ? "-" : a.study_name, a.store_path, a.protocol_hash,
                        a.pre_registered ? "pre-registered" : "EXPLORATORY: hash mismatch",
                        count_text(a.runs));
  std::size_t id_width = 5;
  for (const auto& c : a.claims) id_width = std::max(id_width, c.id.size());
  io.out << fmt::format("{:<{}}  {:<12} {:<34} {:>10} {:>10}  {}\n", "claim", id_width, "test",
                        fmt::format("estimate [{:.0f}% CI]", 100 * a.conf_level), "p raw", "p corr",
                        "verdict");
  for (const auto& c : a.claims) {
    std::string est = "-";
    std::string p_raw = "-", p_corr = "-";
    if (c.test) {
      if (c.test->estimate) {
        est = reports::format_number(c.test->estimate->value);
        if (c.test->estimate->ci) {
          est += fmt::format(" [{}, {}]", reports::format_number(c.test->estimate->ci->lower),
                             reports::format_number(c.test->estimate->ci->upper));
        }
      }
      if (c.test->p_value) p_raw = reports::format_p(*c.test->p_value);
      if (c.test->p_corrected) p_corr = reports::format_p(*c.test->p_corrected);
    }
    io.out << fmt::format("{:<{}}  {:<12} {:<34} {:>10} {:>10}  {}{}\n", c.id, id_width,
                          protocols::to_string(c.test_kind), est, p_raw, p_corr,
                          reports::to_string(c.verdict), c.pre_registered ? "" : " (exploratory)");
  }
  bool any_why = false;
  for (const auto& c : a.claims) {
    if (c.why.empty()) continue;
    if (!any_why) io.out << "\n";
    any_why = true;
    io.out << fmt::format("{}: {}\n", c.id, c.why);
  }
  if (!a.warnings.empty()) {
    io.out << "\nwarnings:\n";
    for (const auto& w : a.warnings) {
      io.out << fmt::format("  [{}] {}\n      fix: {}\n", w.code, w.message, w.fix);
    }
  }
  const auto supported = std::count_if(a.claims.begin(), a.claims.end(), [](const auto& c) {
    return c.verdict == reports::Verdict::kSupported;
  });
  io.out << fmt::format("\n{} of {} claims supported\n", supported, a.claims.size());
}

}  // namespace

int analyze_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")(
      "json", "print the analysis as JSON (docs/report-json.md) instead of the table")(
      "no-write", "do not write STORE:/analysis/claims");
  const po::variables_map vm = parse_with_positional(args, options, "store");
  if (vm.count("help")) {
    io.out << kAnalyzeUsage << options;
    return kExitOk;
  }
  if (!vm.count("store")) throw UsageError("missing STORE: rigor analyze study.h5");
  reports::Analysis analysis = analyze_store(vm["store"].as<std::string>());
  if (!vm.count("no-write")) write_analysis(analysis, io);
  if (vm.count("json")) {
    io.out << reports::analysis_json(analysis);
  } else {
    print_table(analysis, io);
    if (!vm.count("no-write") &&
        std::none_of(analysis.warnings.begin(), analysis.warnings.end(),
                     [](const reports::Warning& w) { return w.code == "store_locked"; })) {
      io.out << fmt::format("analysis written to {}:/analysis/{}\n", analysis.store_path,
                            reports::kAnalysisName);
    }
  }
  return analysis.all_supported() ? kExitOk : kExitClaimFailed;
}

int report_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")(
      "output,o", po::value<std::string>(), "the HTML report (self-contained, works offline)")(
      "md", po::value<std::string>(), "also write a Markdown summary")(
      "json", po::value<std::string>(), "also write the analysis as JSON")(
      "pdf", po::value<std::string>(), "also print the HTML report to PDF (headless Chromium)")(
      "write-analysis", "also write STORE:/analysis/claims");
  const po::variables_map vm = parse_with_positional(args, options, "store");
  if (vm.count("help")) {
    io.out << kReportUsage << options;
    return kExitOk;
  }
  if (!vm.count("store")) throw UsageError("missing STORE: rigor report study.h5 -o report.html");
  if (!vm.count("output") && !vm.count("md") && !vm.count("json") && !vm.count("pdf")) {
    throw UsageError("no output requested: give -o report.html, --md, --json or --pdf");
  }
  if (vm.count("pdf") && !vm.count("output")) {
    throw UsageError("--pdf prints the HTML report: give -o report.html too");
  }
  const std::string store_path = vm["store"].as<std::string>();
  reports::Analysis analysis;
  {
    // The reader is closed before --write-analysis opens the store for writing.
    const store::StoreReader reader = store::StoreReader::open(store_path);
    reports::AnalyzeOptions analyze_options;
    analyze_options.rigor_version = std::string(version());
    analysis = reports::analyze(reader, analyze_options);
    if (vm.count("output")) {
      const std::string path = vm["output"].as<std::string>();
      write_file(path, reports::html_report(analysis, reader), "HTML report");
      io.out << "wrote " << path << "\n";
    }
  }
  if (vm.count("pdf")) {
    const std::string path = vm["pdf"].as<std::string>();
    reports::write_pdf(vm["output"].as<std::string>(), path);
    io.out << "wrote " << path << "\n";
  }
  if (vm.count("write-analysis")) write_analysis(analysis, io);
  if (vm.count("md")) {
    const std::string path = vm["md"].as<std::string>();
    write_file(path, reports::markdown_report(analysis), "Markdown report");
    io.out << "wrote " << path << "\n";
  }
  if (vm.count("json")) {
    const std::string path = vm["json"].as<std::string>();
    write_file(path, reports::analysis_json(analysis), "JSON report");
    io.out << "wrote " << path << "\n";
  }
  return kExitOk;
}

int import_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")(
      "protocol", po::value<std::string>(), "the protocol the results were trained under (.toml)")(
      "output,o", po::value<std::string>(), "the study store to create (.h5; must not exist)")(
      "allow-missing", "import arms with fewer runs than seeds.replicates");
  const po::variables_map vm = parse_with_positional(args, options, "csv");
  if (vm.count("help")) {
    io.out << kImportUsage << options;
    return kExitOk;
  }
  if (!vm.count("csv")) {
    throw UsageError("missing results.csv: rigor import results.csv --protocol P.toml -o study.h5");
  }
  if (!vm.count("protocol")) throw UsageError("--protocol P.toml is required");
  if (!vm.count("output")) throw UsageError("-o study.h5 is required");
  const std::string csv = vm["csv"].as<std::string>();
  const std::string protocol_path = vm["protocol"].as<std::string>();
  const std::string output = vm["output"].as<std::string>();
  if (std::filesystem::exists(output)) {
    throw Error(
        fmt::format("{}: exists; import creates a new store: choose another -o or remove "
                    "it",
                    output));
  }
  const std::string text = slurp(protocol_path, "protocol");
  const protocols::Protocol protocol = protocols::parse_protocol(text, protocol_path);
  reports::ImportOptions import_options;
  import_options.allow_missing = vm.count("allow-missing") > 0;
  reports::ImportResult result = reports::import_csv(csv, protocol, text, import_options);
  result.provenance["rigor.version"] = std::string(version());
  result.provenance["import.protocol"] = protocol_path;
  for (const std::string& w : result.warnings) io.err << "warning: " << w << "\n";
  reports::write_import_store(result, output);
  io.out << fmt::format("imported {} runs from {} into {} (protocol {})\nnext: rigor analyze {}\n",
                        result.runs.size(), csv, output, result.protocol.hash, output);
  return kExitOk;
}

}  // namespace rigor::cli
