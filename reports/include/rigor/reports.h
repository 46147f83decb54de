// rigor/reports.h — claims analysis and audit reports of a study store: verdicts per claim with
// effect sizes, corrections and reviewer checks (analysis.h), HTML, JSON and Markdown reports,
// and the import of results produced elsewhere. Torch-free: a report is rebuilt from the .h5 alone.
//
//   auto store = rigor::store::StoreReader::open("study.h5");
//   rigor::reports::Analysis a = rigor::reports::analyze(store);
//   std::cout << rigor::reports::markdown_report(a);
#ifndef RIGOR_REPORTS_H_
#define RIGOR_REPORTS_H_

#include "rigor/reports/analysis.h"
#include "rigor/reports/html_report.h"
#include "rigor/reports/import.h"
#include "rigor/reports/json_report.h"
#include "rigor/reports/markdown.h"
#include "rigor/reports/verdict.h"

#endif  // RIGOR_REPORTS_H_
