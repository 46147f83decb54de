// Test helpers: golden reference values (JSON files in tests/stats/data, each written by a
// committed script under scripts/golden/ that names the tool and version it used) and tolerance
// checks.
#ifndef RIGOR_TESTS_STATS_GOLDEN_H_
#define RIGOR_TESTS_STATS_GOLDEN_H_

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rigor/stats/common.h"

namespace rigor::test {

// Parses tests/stats/data/<name>. Fails the test (ADD_FAILURE + throws) if missing or malformed.
nlohmann::json load_golden(const std::string& name);

// Numbers in golden files may be written as strings "inf", "-inf" or "nan".
double as_double(const nlohmann::json& value);
std::vector<double> as_doubles(const nlohmann::json& array);

// |actual - expected| <= rel_tol * |expected|, or <= abs_floor when expected is 0 (default 0:
// exact). Infinities must match exactly. Use as EXPECT_PRED_FORMAT3(RelNear, actual, expected,
// tol).
::testing::AssertionResult RelNear(const char* actual_expr, const char* expected_expr,
                                   const char* tol_expr, double actual, double expected,
                                   double rel_tol);

// The message of the StatsError that f() throws, or "<no StatsError thrown>": tests assert the
// text.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ::rigor::stats::StatsError& e) {
    return e.what();
  }
  return "<no StatsError thrown>";
}

}  // namespace rigor::test

#define EXPECT_REL_NEAR(actual, expected, rel_tol) \
  EXPECT_PRED_FORMAT3(::rigor::test::RelNear, actual, expected, rel_tol)

#endif  // RIGOR_TESTS_STATS_GOLDEN_H_
