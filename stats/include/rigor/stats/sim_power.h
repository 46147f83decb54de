// rigor/stats/sim_power.h — power by simulation: how often a test (Welch t, Mann-Whitney U,
// Wilcoxon signed rank, ASO) detects a given difference with n seeds per arm, with its
// Monte-Carlo standard error, and the smallest n that reaches a target power. For tests and
// score distributions that have no closed-form power (rank tests on skewed scores, ASO).
//
//   auto model = rigor::stats::ScoreModel::normal(/*mean_a=*/0.91, /*mean_b=*/0.90, /*sd=*/0.01);
//   auto p = rigor::stats::simulate_power(model, /*n_per_arm=*/10, /*seed=*/1);  // Welch t
//   std::cout << p.power << " +- " << p.standard_error << "\n";
#ifndef RIGOR_STATS_SIM_POWER_H_
#define RIGOR_STATS_SIM_POWER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rigor/stats/common.h"

namespace rigor::stats {

// The test whose power is simulated.
enum class PowerTest {
  kWelchT,              // welch_t_test (ttest.h), p < alpha
  kMannWhitney,         // mann_whitney (rank_tests.h), R's defaults (exact when n < 50, no ties)
  kWilcoxonSignedRank,  // wilcoxon_signed_rank of the pairs (a[i], b[i]) (rank_tests.h)
  kAso,                 // aso (aso.h) at confidence 1 - alpha: eps_min < aso_threshold
};
// "welch_t", "mann_whitney", "wilcoxon", "aso".
std::string_view to_string(PowerTest test);
// Accepts the names above (and "welch", "wilcoxon_signed_rank"); throws StatsError naming `field`.
PowerTest parse_power_test(std::string_view text, std::string_view field = "test");

// How the scores of one simulated study are drawn: n per arm, A and B.
struct ScoreModel {
  enum class Kind {
    kNormal,  // a ~ N(mean_a, sd_a^2), b ~ N(mean_b, sd_b^2)
    kPilot,   // resample pilot scores: a = pilot_a[i] + shift, b = pilot_b[j]
  };
  Kind kind = Kind::kNormal;
  // kNormal, in score units. sd_a, sd_b > 0.
  double mean_a = 0.0;
  double mean_b = 0.0;
  double sd_a = 1.0;
  double sd_b = 1.0;
  // kNormal with the paired Wilcoxon test only: correlation of a[i] and b[i] in (-1, 1) (runs
  // sharing a seed or data split are correlated; the correlation raises paired power).
  double correlation = 0.0;
  // kPilot: observed scores of earlier runs (at least 2 each). pilot_a empty = use pilot_b, i.e.
  // A is B shifted by `shift` (score units) — the usual "what if A were better by shift" model.
  std::vector<double> pilot_a;
  std::vector<double> pilot_b;
  double shift = 0.0;
  // kPilot: draw one common index per pair (pilot_a[i] + shift, pilot_b[i]), keeping the
  // pairing of pilot runs; needs pilot_a and pilot_b of equal length.
  bool pilot_paired = false;

  static ScoreModel normal(double mean_a, double mean_b, double sd);
  static ScoreModel pilot(std::vector<double> pilot_b, double shift);
};

struct SimPowerOptions {
  PowerTest test = PowerTest::kWelchT;
  // For the t and rank tests (as in each test). ASO only tests "A better than B": it accepts
  // kTwoSided or kGreater (same meaning) and rejects kLess (swap the arms instead).
  Alternative alternative = Alternative::kTwoSided;
  double alpha = 0.05;  // significance level in (0, 1); ASO runs at confidence 1 - alpha
  std::size_t n_simulations = 1000;  // simulated studies, at least 1
  // ASO: a study counts as a detection when eps_min < aso_threshold, in (0, 1]. 0.2 is the
  // stricter threshold the deep-significance documentation recommends; Dror et al. (2019) read
  // eps_min < 0.5 as "A is almost stochastically larger".
  double aso_threshold = 0.2;
  std::size_t aso_num_bootstrap = 1000;  // bootstrap replicates per ASO test, at least 2
  // Threads over simulations; 0 = std::thread::hardware_concurrency(). Results do not depend on it.
  unsigned threads = 0;
};

struct SimPowerResult {
  PowerTest test = PowerTest::kWelchT;
  Alternative alternative = Alternative::kTwoSided;
  std::size_t n_per_arm = 0;    // seeds per arm (pairs for the Wilcoxon test)
  double power = 0.0;           // rejections / n_simulations
  double standard_error = 0.0;  // Monte-Carlo SE sqrt(power (1 - power) / n_simulations)
  std::size_t rejections = 0;
  std::size_t n_simulations = 0;
  double alpha = 0.05;
  std::uint64_t seed = 0;
};

// Estimated power of options.test for n_per_arm seeds per arm under `model`. Simulation i draws
// its scores from CounterRng(seed, 2 i) (kNormal: n normal() for a, then n for b; paired normal:
// z1, z2 per pair; kPilot: n below() indices into pilot_a, then n into pilot_b, or n common
// indices when pilot_paired); an ASO test uses seed derive_seed(seed, 2 i + 1). So the result is
// a pure function of (model, n_per_arm, seed, options) whatever the thread count.
// Throws StatsError if n_per_arm < 2, alpha outside (0, 1), n_simulations == 0, an sd <= 0, a
// correlation outside (-1, 1) or non-zero for an unpaired test, pilot samples with fewer than 2
// or non-finite values (or unequal lengths when pilot_paired), aso_threshold outside (0, 1], or
// ASO with alternative kLess.
SimPowerResult simulate_power(const ScoreModel& model, std::size_t n_per_arm, std::uint64_t seed,
                              const SimPowerOptions& options = {});

struct SampleSizeSearch {
  double target_power = 0.8;  // in (0, 1)
  std::size_t n_min = 2;      // smallest n tried, >= 2
  std::size_t n_max = 200;    // largest n tried, >= n_min
};

struct SimSampleSizeResult {
  bool reached = false;  // some n <= n_max reached the target
  // Smallest n found with estimated power >= target (n_max when not reached).
  std::size_t n = 0;
  SimPowerResult at_n;                    // the simulation at n
  std::vector<SimPowerResult> evaluated;  // every n simulated, in increasing n
  double target_power = 0.8;
  std::string note;  // set when the target was not reached
};

// Smallest n per arm whose simulated power reaches target_power: n_min, then doubling until the
// target is reached (capped at n_max), then bisection between the last failing and the first
// passing n. Every n uses the same seed (common random numbers), which makes the estimated power
// nearly monotone in n; near the target the answer is uncertain by the Monte-Carlo error
// (raise n_simulations to sharpen it). Throws as simulate_power, or if target_power is outside
// (0, 1), n_min < 2 or n_max < n_min.
SimSampleSizeResult simulate_sample_size(const ScoreModel& model, std::uint64_t seed,
                                         const SimPowerOptions& options = {},
                                         const SampleSizeSearch& search = {});

}  // namespace rigor::stats

#endif  // RIGOR_STATS_SIM_POWER_H_
