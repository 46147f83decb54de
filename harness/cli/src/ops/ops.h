// Internal: the ops of `rigor stats`, an explicit table (no static self-registration). Each op
// reads its fields through Request (which rejects unknown ones), calls rigor::stats and returns
// its result as JSON. The schema of every op is documented in docs/stats-batch.md.
#ifndef RIGOR_CLI_SRC_OPS_OPS_H_
#define RIGOR_CLI_SRC_OPS_OPS_H_

#include <string_view>
#include <vector>

#include "../json_io.h"
#include "request.h"

namespace rigor::cli {

using OpFn = Json (*)(Request& request);

struct Op {
  std::string_view name;
  std::string_view summary;  // one line, shown by `rigor stats --list-ops`
  OpFn run;
};

// One function per ops file, each appends its ops.
void add_ttest_ops(std::vector<Op>& ops);  // t_test, power_t, power_noether
void add_rank_ops(std::vector<Op>& ops);   // mann_whitney, wilcoxon, sign_test, kruskal_wallis,
                                           // friedman, pairwise_wilcoxon, nemenyi
void add_correction_ops(
    std::vector<Op>& ops);  // adjust, partial_conjunction, shapiro_wilk, ks_2samp
void add_resampling_ops(std::vector<Op>& ops);  // bootstrap_ci, effect_size, aggregate,
                                                // permutation_test
void add_aso_ops(std::vector<Op>& ops);         // aso, p_outperform, power_simulation

const std::vector<Op>& all_ops();
const Op* find_op(std::string_view name);

}  // namespace rigor::cli

#endif  // RIGOR_CLI_SRC_OPS_OPS_H_
