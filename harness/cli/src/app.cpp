#include <fmt/format.h>
#include <fmt/ostream.h>

#include <exception>
#include <ostream>

#include "rigor/cli.h"
#include "rigor/error.h"
#include "verbs.h"

namespace rigor::cli {

const std::vector<Verb>& verbs() {
  static const std::vector<Verb> table = {
      {"compare", "compare two samples of scores (CSV files): tests, effect sizes, verdict",
       &compare_main},
      {"stats", "batch statistics: JSON requests in, JSON results out (for scripts)", &stats_main},
      {"validate", "check a protocol file and print its canonical hash", &validate_main},
      {"plan", "list every run cell of a protocol, its seeds, and the seeds each claim needs",
       &plan_main},
      {"inspect", "summary of a study store: runs by arm and status", &inspect_main},
      {"export", "export a study store as tidy CSV or JSON tables", &export_main},
      {"merge", "merge study stores (shards) into one", &merge_main},
      {"run", "train every run cell of a protocol into a study store (resumable)", &run_main},
      {"verify", "rerun recorded cells and check that they reproduce bit for bit", &verify_main},
      {"analyze", "test every pre-registered claim of a study store; write /analysis",
       &analyze_main},
      {"report", "render the audit report (HTML, Markdown, JSON, PDF) from a study store",
       &report_main},
      {"import", "record per-seed results produced elsewhere (CSV) as a study store", &import_main},
      {"slurm", "write (and submit) a Slurm job array for a protocol, then merge and report",
       &slurm_main},
  };
  return table;
}

namespace {

void print_help(std::ostream& out) {
  out << "rigor " << version()
      << " — pre-registered, reproducible, statistically tested benchmark claims\n\n"
      << "Usage: rigor <verb> [options]\n"
      << "       rigor <verb> --help      options of one verb\n"
      << "       rigor --version\n\nVerbs:\n";
  for (const Verb& v : verbs()) out << fmt::format("  {:<10} {}\n", v.name, v.summary);
  out << "\nExit codes: 0 ok, 1 a claim or test failed (where a verb says so), 2 usage or input "
         "error.\n";
}

}  // namespace

int run(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
        std::ostream& err) {
  if (args.size() < 2) {
    print_help(err);
    return kExitUsage;
  }
  const std::string& first = args[1];
  if (first == "--help" || first == "-h" || first == "help") {
    print_help(out);
    return kExitOk;
  }
  if (first == "--version" || first == "-V") {
    out << "rigor " << version() << " (commit " << git_commit() << ")\n";
    return kExitOk;
  }
  for (const Verb& v : verbs()) {
    if (v.name != first) continue;
    Io io{in, out, err};
    const std::vector<std::string> rest(args.begin() + 2, args.end());
    try {
      return v.run(rest, io);
    } catch (const UsageError& e) {
      err << "rigor " << v.name << ": " << e.what() << "\n(see `rigor " << v.name << " --help`)\n";
      return kExitUsage;
    } catch (const Error& e) {
      err << "rigor " << v.name << ": " << e.what() << "\n";
      return kExitUsage;
    } catch (const std::exception& e) {
      err << "rigor " << v.name << ": internal error: " << e.what()
          << "\nplease report this with the command line that produced it\n";
      return kExitUsage;
    }
  }
  err << "rigor: unknown verb \"" << first << "\"; run `rigor --help` for the list\n";
  return kExitUsage;
}

}  // namespace rigor::cli
