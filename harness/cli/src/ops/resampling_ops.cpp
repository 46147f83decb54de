#include "ops.h"

namespace rigor::cli {

void add_resampling_ops(std::vector<Op>& ops) { (void)ops; }

}  // namespace rigor::cli
