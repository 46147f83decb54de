// Test helper: runs the `rigor` command line in-process and captures its output.
#ifndef RIGOR_TESTS_CLI_CLI_TEST_UTIL_H_
#define RIGOR_TESTS_CLI_CLI_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "rigor/cli.h"

namespace rigor::test {

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

inline CliResult run_cli(std::vector<std::string> args, const std::string& stdin_text = "") {
  args.insert(args.begin(), "rigor");
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  const int code = rigor::cli::run(args, in, out, err);
  return {code, out.str(), err.str()};
}

// `rigor stats` with one request on stdin: the parsed result (the test fails unless exit code 0)
// ...
inline nlohmann::json run_ok(const std::string& request) {
  const auto r = run_cli({"stats"}, request);
  EXPECT_EQ(r.code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

// ... or its error message (the test fails unless exit code 2, the input-error code).
inline std::string run_error(const std::string& request) {
  const auto r = run_cli({"stats"}, request);
  EXPECT_EQ(r.code, 2) << r.out;
  return r.err;
}

inline std::string data_path(const std::string& name) {
  return std::string(RIGOR_CLI_DATA_DIR) + "/" + name;
}

}  // namespace rigor::test

#endif  // RIGOR_TESTS_CLI_CLI_TEST_UTIL_H_
