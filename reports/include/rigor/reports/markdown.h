// rigor/reports/markdown.h — the analysis as Markdown for a pull request or a paper's appendix:
// a summary table of verdicts (claim, test, estimate [CI], p raw / corrected, verdict), then a
// short section per claim, the per-arm summaries and the warnings. GitHub-flavoured tables; user
// text (statements, names) has Markdown table characters escaped.
//
//   rigor::reports::Analysis a = rigor::reports::analyze(store);
//   std::ofstream("report.md") << rigor::reports::markdown_report(a);
#ifndef RIGOR_REPORTS_MARKDOWN_H_
#define RIGOR_REPORTS_MARKDOWN_H_

#include <string>

#include "rigor/reports/analysis.h"

namespace rigor::reports {

// The full Markdown report. Never throws for a valid Analysis.
std::string markdown_report(const Analysis& analysis);

// Only the verdict table (the first section of markdown_report; `rigor analyze` prints it).
std::string markdown_verdict_table(const Analysis& analysis);

}  // namespace rigor::reports

#endif  // RIGOR_REPORTS_MARKDOWN_H_
