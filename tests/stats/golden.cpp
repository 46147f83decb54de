#include "golden.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace rigor::test {

nlohmann::json load_golden(const std::string& name) {
  const std::string path = std::string(RIGOR_GOLDEN_DIR) + "/" + name;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "golden file " << path << " is missing; regenerate it with scripts/golden/";
    throw std::runtime_error("missing golden file " + path);
  }
  return nlohmann::json::parse(in);
}

double as_double(const nlohmann::json& value) {
  if (value.is_string()) {
    const auto s = value.get<std::string>();
    if (s == "inf" || s == "Inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf" || s == "-Inf") return -std::numeric_limits<double>::infinity();
    if (s == "nan" || s == "NaN" || s == "NA") return std::numeric_limits<double>::quiet_NaN();
    return std::stod(s);
  }
  return value.get<double>();
}

std::vector<double> as_doubles(const nlohmann::json& array) {
  std::vector<double> out;
  for (const auto& v : array) out.push_back(as_double(v));
  return out;
}

::testing::AssertionResult RelNear(const char* actual_expr, const char* expected_expr, const char*,
                                   double actual, double expected, double rel_tol) {
  const bool ok = std::isinf(expected) ? actual == expected
                  : std::isnan(expected)
                      ? std::isnan(actual)
                      : std::abs(actual - expected) <= rel_tol * std::abs(expected);
  if (ok) return ::testing::AssertionSuccess();
  std::ostringstream msg;
  msg.precision(17);
  msg << actual_expr << " = " << actual << " differs from " << expected_expr << " = " << expected
      << " by relative "
      << (expected != 0 ? std::abs(actual - expected) / std::abs(expected) : std::abs(actual))
      << " > " << rel_tol;
  return ::testing::AssertionFailure() << msg.str();
}

}  // namespace rigor::test
