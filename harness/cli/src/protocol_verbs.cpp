// Placeholder being written in this session (protocols work): validate, plan.
#include "rigor/error.h"
#include "verbs.h"

namespace rigor::cli {
int validate_main(const std::vector<std::string>&, Io&) { throw Error("validate: not built yet"); }
int plan_main(const std::vector<std::string>&, Io&) { throw Error("plan: not built yet"); }
}  // namespace rigor::cli
