// rigor/reports/json_report.h — the analysis as a JSON document for machines (schema_version 1,
// documented field by field in docs/report-json.md), and the store path it is written to.
//
//   rigor::reports::Analysis a = rigor::reports::analyze(store);
//   std::string json = rigor::reports::analysis_json(a);  // 2-space indented, ends with "\n"
//   writer.put_analysis(rigor::reports::kAnalysisName, json);
#ifndef RIGOR_REPORTS_JSON_REPORT_H_
#define RIGOR_REPORTS_JSON_REPORT_H_

#include <string>
#include <string_view>

#include "rigor/reports/analysis.h"

namespace rigor::reports {

// The name under /analysis in the store: the document lives at /analysis/claims.
inline constexpr std::string_view kAnalysisName = "claims";

// The JSON document of docs/report-json.md: 2-space indentation, keys in a fixed order, numbers in
// shortest round-trip form, non-finite numbers (an infinite CI end, d = +-inf for constant arms)
// as the strings "inf" / "-inf". Never throws for a valid Analysis.
std::string analysis_json(const Analysis& analysis);

}  // namespace rigor::reports

#endif  // RIGOR_REPORTS_JSON_REPORT_H_
