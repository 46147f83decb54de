// Internal: JSON renderings of stats results shared by `rigor stats` and `rigor compare --json`.
// Non-finite numbers (one-sided CI ends) are written as the strings "inf" and "-inf", since JSON
// has no infinity; documented in docs/stats-batch.md.
#ifndef RIGOR_CLI_SRC_JSON_IO_H_
#define RIGOR_CLI_SRC_JSON_IO_H_

#include <nlohmann/json.hpp>

#include "rigor/stats/common.h"

namespace rigor::cli {

using Json = nlohmann::ordered_json;

Json json_number(double value);                 // finite -> number, else "inf"/"-inf"/"nan"
Json to_json(const stats::Interval& interval);  // [lower, upper]
Json to_json(const stats::TestResult& result);  // every field; absent optionals are null

}  // namespace rigor::cli

#endif  // RIGOR_CLI_SRC_JSON_IO_H_
