#include "ops.h"

namespace rigor::cli {

const std::vector<Op>& all_ops() {
  static const std::vector<Op> table = [] {
    std::vector<Op> ops;
    add_ttest_ops(ops);
    add_rank_ops(ops);
    add_correction_ops(ops);
    add_resampling_ops(ops);
    add_aso_ops(ops);
    return ops;
  }();
  return table;
}

const Op* find_op(std::string_view name) {
  for (const Op& op : all_ops()) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

}  // namespace rigor::cli
