// rigor/reports/html_report.h — the audit report of a study as one self-contained HTML file
// (inline CSS and SVG charts, no external request of any kind), and its PDF through headless
// Chromium. What each part shows and how to read it: docs/report.md.
//
//   auto store = rigor::store::StoreReader::open("study.h5");
//   std::ofstream("report.html") << rigor::reports::html_report(rigor::reports::analyze(store),
//   store); rigor::reports::write_pdf("report.html", "report.pdf");  // needs Chromium
#ifndef RIGOR_REPORTS_HTML_REPORT_H_
#define RIGOR_REPORTS_HTML_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "rigor/reports/analysis.h"
#include "rigor/store/store.h"

namespace rigor::reports {

struct HtmlOptions {
  // Page title; empty: "rigor audit: <study name>".
  std::string title;
  // Epoch metrics drawn as learning curves, in this order; empty: every epoch metric any run
  // recorded, sorted by name.
  std::vector<std::string> curve_metrics;
  // Band around each learning curve's mean: min-max over seeds (default) or mean +- 1 sd.
  bool curve_band_sd = false;
  // Rows of the hardest-examples table per arm.
  std::size_t hardest_examples = 10;
  // Seed of the strip plots' horizontal jitter (same seed -> same bytes).
  std::uint64_t jitter_seed = 0;
};

// The HTML report of `analysis` (from analyze(store)) with what only the store holds: learning
// curves (epoch_metrics of every run), the determinism audit (/analysis/verify, written by
// `rigor verify`), per-example results (the hardest test examples per arm) and run messages.
// Sections: summary of verdicts, effects (forest plots), one per claim (strip/box plot of the
// per-seed scores, test and effect tables, checks, warnings), learning curves, multi-arm
// comparison (critical-difference diagram), determinism audit, hardest examples, runs,
// provenance, protocol. Every user-provided text is HTML-escaped. Deterministic: same analysis,
// store and options -> same bytes.
// Throws ReportError naming "<store>:/analysis/verify" when that document is not the JSON
// `rigor verify` writes, store::StoreError when a run cannot be read, RenderError for data a chart
// cannot draw (both name the run, series or field).
std::string html_report(const Analysis& analysis, const store::StoreReader& store,
                        const HtmlOptions& options = {});

// The Chromium binary: the first of "chromium", "chromium-browser" found on PATH; nullopt when
// neither is there.
std::optional<std::filesystem::path> find_chromium();

// The argument vector that prints `html_path` to `pdf_path` (an argv, not a shell string, so that
// no path is ever parsed by a shell):
//   chromium --headless --disable-gpu --no-sandbox --no-pdf-header-footer
//            --print-to-pdf=<pdf_path> <html_path>   (paths made absolute)
// Throws ReportError when Chromium is not on PATH: "PDF needs Chromium: install the Debian package
// chromium (scripts/install-deps.sh installs it) or open the HTML and print it".
std::vector<std::string> pdf_command(const std::filesystem::path& html_path,
                                     const std::filesystem::path& pdf_path);

// Runs pdf_command (at most 120 s) and checks that `pdf_path` is a non-empty PDF. Throws
// ReportError when Chromium is absent (message above), `html_path` does not exist, or Chromium
// fails, times out or writes no PDF (the message quotes the end of Chromium's output).
void write_pdf(const std::filesystem::path& html_path, const std::filesystem::path& pdf_path);

}  // namespace rigor::reports

#endif  // RIGOR_REPORTS_HTML_REPORT_H_
