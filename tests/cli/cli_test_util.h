// Test helper: runs the `rigor` command line in-process and captures its output.
#ifndef RIGOR_TESTS_CLI_CLI_TEST_UTIL_H_
#define RIGOR_TESTS_CLI_CLI_TEST_UTIL_H_

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

inline std::string data_path(const std::string& name) {
  return std::string(RIGOR_CLI_DATA_DIR) + "/" + name;
}

}  // namespace rigor::test

#endif  // RIGOR_TESTS_CLI_CLI_TEST_UTIL_H_
