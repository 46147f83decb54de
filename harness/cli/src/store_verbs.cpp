// Placeholder being written in this session (store work): inspect, export, merge.
#include "rigor/error.h"
#include "verbs.h"

namespace rigor::cli {
int inspect_main(const std::vector<std::string>&, Io&) { throw Error("inspect: not built yet"); }
int export_main(const std::vector<std::string>&, Io&) { throw Error("export: not built yet"); }
int merge_main(const std::vector<std::string>&, Io&) { throw Error("merge: not built yet"); }
}  // namespace rigor::cli
