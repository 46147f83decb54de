// rigor/cli.h — the `rigor` command line as a library, so tests drive it without a process.
//
//   std::istringstream in; std::ostringstream out, err;
//   int code = rigor::cli::run({"rigor", "compare", "a.csv", "b.csv"}, in, out, err);
//   // code: 0 ok, 1 a claim/test failed where that applies, 2 usage or input error
#ifndef RIGOR_CLI_H_
#define RIGOR_CLI_H_

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace rigor::cli {

// Exit codes of every verb.
inline constexpr int kExitOk = 0;
inline constexpr int kExitClaimFailed = 1;
inline constexpr int kExitUsage = 2;

// Runs `rigor` with argv (args[0] is the program name). Never throws: errors go to `err`
// as "rigor <verb>: <message>" and map to an exit code.
int run(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
        std::ostream& err);

std::string_view version();     // e.g. "0.1.0"
std::string_view git_commit();  // short commit the binary was built from, or "unknown"

}  // namespace rigor::cli

#endif  // RIGOR_CLI_H_
