// rigor/protocols/plan.h — the seed tree and the run plan of a protocol: every run cell with its
// seeds, the total work, the seeds each claim needs (power analysis) and the sequential looks.
//
//   rigor::protocols::Plan plan = rigor::protocols::make_plan(p);
//   for (const auto& cell : plan.cells) std::cout << cell.id << " " << cell.seeds[0] << "\n";
//   std::uint64_t s = rigor::protocols::cell_seed(p, "baseline", 3,
//   rigor::protocols::VarianceSource::kInit);
#ifndef RIGOR_PROTOCOLS_PLAN_H_
#define RIGOR_PROTOCOLS_PLAN_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/protocols/protocol.h"

namespace rigor::protocols {

// The seed of one variance source for one run cell: a pure function of (master seed, source,
// replicate) — and of the arm's name only when seeds are not paired — through Philox4x32-10
// (rigor::stats::derive_seed):
//   source_seed = derive_seed(master_seed, source_index + 1)         (init = 1, ..., augmentation =
//   5) r'          = replicate if the source is randomized, else 0      (held fixed: replicate 0's
//   seed) seed        = derive_seed(source_seed, r')                       (paired arms) seed =
//   derive_seed(derive_seed(source_seed, r'), arm_key) (unpaired arms)
// where arm_key is the first 8 bytes of SHA-256(arm name), big-endian. It does not depend on the
// arm order, the execution order, the worker count or the machine. Throws ProtocolError for an
// unknown arm or a replicate outside [0, replicates).
std::uint64_t cell_seed(const Protocol& protocol, std::string_view arm, std::int64_t replicate,
                        VarianceSource source);

// The arm key used for unpaired designs (see cell_seed).
std::uint64_t arm_key(std::string_view arm_name);

struct RunCell {
  std::string id;  // "<arm>-r<replicate>", e.g. "baseline-r0": unique, stable, and the store key
  std::string arm;
  std::int64_t replicate = 0;                              // 0-based
  std::array<std::uint64_t, kNumVarianceSources> seeds{};  // by VarianceSource index
  std::int64_t epochs = 0;
};

// A cell's seeds keyed by variance source name ("init", "data_order", "split", "dropout",
// "augmentation"), as a study store records them (RunRecord::seeds).
std::map<std::string, std::uint64_t> seed_map(const RunCell& cell);

// Seeds each claim needs from a power analysis (when the claim gives the inputs). The method of
// each test (docs/protocol.md, "Plan"):
//   welch: power.t.test (closed form);
//   p_outperform, and mwu with expected_p_outperform: Noether (1987) (closed form);
//   wilcoxon, and mwu with pilot_sd only: that rank test's power, simulated on normal scores;
//   permutation: the rank test of the same design simulated as a stand-in (Wilcoxon signed rank
//     when paired, Mann-Whitney when not);
//   aso: ASO's power, simulated on normal scores.
// A simulation has its own seed (simulation_seed, from the master seed and the claim id), so the
// plan is the same every time. Where a simulation would be too slow (more seeds than the test's
// simulation cap) the closed form stands in, and `method` and `note` say so.
struct ClaimPower {
  std::string claim;
  // e.g. "power.t.test two-sample, one-sided", "simulated Wilcoxon signed-rank test, one-sided:
  // ...", "Noether (1987) ...", or "" if none
  std::string method;
  double alpha_used =
      0.0;  // claim alpha / family size (Bonferroni bound: conservative for every correction)
  std::optional<std::int64_t> seeds_needed;  // per arm, fixed design
  std::optional<std::int64_t>
      seeds_needed_sequential;             // per arm, max, with the sequential inflation
  std::optional<double> power_at_planned;  // power with seeds.replicates per arm
  std::string note;  // why nothing was computed, a cross-check, or a warning (planned < needed)
  // Set when anything was simulated: the seed of the simulated studies (stats::simulate_power),
  // and the simulated studies per sample size; the Monte-Carlo standard error of a simulated
  // power is at most 0.5 / sqrt(simulations).
  std::optional<std::uint64_t> simulation_seed;
  std::size_t simulations = 0;
};

// One look of a sequential design, for one claim.
struct PlannedLook {
  std::int64_t replicates = 0;  // replicates per arm done at this look
  double information = 0.0;     // replicates / seeds.replicates
  double z_bound = 0.0;
  double nominal_p = 0.0;  // reject at this look when p <= nominal_p
  double cumulative_alpha = 0.0;
};

struct ClaimLooks {
  std::string claim;
  double alpha = 0.0;  // the level the boundaries spend (claim alpha / family size)
  int sides = 2;
  std::vector<PlannedLook> looks;
  double inflation = 1.0;  // max sample size relative to the fixed design at the same power
};

struct Plan {
  std::string protocol_hash;
  std::uint64_t master_seed = 0;
  std::vector<RunCell> cells;  // arms in file order, replicates ascending
  std::int64_t total_runs = 0;
  std::int64_t total_epochs = 0;
  std::vector<ClaimPower> power;       // one per claim, in file order
  std::vector<ClaimLooks> sequential;  // one per claim when [budget.sequential] is declared
};

struct PlanOptions {
  // Compute Plan::power (the per-claim power analysis, up to ~1 s per simulated claim). Callers
  // that need only the run cells (workers, the scheduler, verify) turn it off; Plan::power is
  // then empty. The sequential looks are computed either way (they are cheap and validate the
  // design).
  bool power_analysis = true;
};

// The run plan of a protocol. Throws ProtocolError when [budget.sequential] cannot be built for a
// claim. A power analysis that cannot be done is reported in ClaimPower::note, not thrown.
Plan make_plan(const Protocol& protocol, const PlanOptions& options = {});

}  // namespace rigor::protocols

#endif  // RIGOR_PROTOCOLS_PLAN_H_
