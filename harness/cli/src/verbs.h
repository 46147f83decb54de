// Internal: the verbs of `rigor`. Each takes its own arguments (after the verb) and returns an
// exit code; it throws rigor::UsageError for bad usage and rigor::Error for bad input, which
// run() maps to exit code 2.
#ifndef RIGOR_CLI_SRC_VERBS_H_
#define RIGOR_CLI_SRC_VERBS_H_

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace rigor::cli {

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

struct Verb {
  std::string_view name;
  std::string_view summary;
  int (*run)(const std::vector<std::string>& args, Io& io);
};

int compare_main(const std::vector<std::string>& args, Io& io);
int stats_main(const std::vector<std::string>& args, Io& io);
int validate_main(const std::vector<std::string>& args, Io& io);  // protocol_verbs.cpp
int plan_main(const std::vector<std::string>& args, Io& io);      // protocol_verbs.cpp
int inspect_main(const std::vector<std::string>& args, Io& io);   // store_verbs.cpp
int export_main(const std::vector<std::string>& args, Io& io);    // store_verbs.cpp
int merge_main(const std::vector<std::string>& args, Io& io);     // store_verbs.cpp
int run_main(const std::vector<std::string>& args, Io& io);       // run_verbs.cpp
int verify_main(const std::vector<std::string>& args, Io& io);    // run_verbs.cpp
int analyze_main(const std::vector<std::string>& args, Io& io);   // report_verbs.cpp
int report_main(const std::vector<std::string>& args, Io& io);    // report_verbs.cpp
int import_main(const std::vector<std::string>& args, Io& io);    // report_verbs.cpp
int slurm_main(const std::vector<std::string>& args, Io& io);     // slurm_verbs.cpp

// The explicit verb table (no static self-registration), in the order `rigor --help` lists it.
const std::vector<Verb>& verbs();

}  // namespace rigor::cli

#endif  // RIGOR_CLI_SRC_VERBS_H_
