#include "ops.h"

namespace rigor::cli {

void add_ttest_ops(std::vector<Op>& ops) { (void)ops; }

}  // namespace rigor::cli
