// rigor/stats/sequential.h — group-sequential designs: Lan-DeMets alpha-spending functions and the
// stopping boundaries they imply, computed by recursive numerical integration (Armitage, McPherson
// & Rowe 1969; Jennison & Turnbull 2000, "Group Sequential Methods with Applications to Clinical
// Trials", ch. 19). A study looks at its claims after each batch of seeds and stops once every
// claim is decided, while the overall type I error stays at alpha.
//
//   std::vector<double> t = {0.2, 0.4, 0.6, 0.8, 1.0};          // information fractions of the
//   looks auto d = rigor::stats::group_sequential_design(t, {.spending =
//   rigor::stats::Spending::kOBrienFleming});
//   // d.looks[0].z_bound ~ 4.877, ..., d.looks[4].z_bound ~ 2.031 (two-sided alpha 0.05)
#ifndef RIGOR_STATS_SEQUENTIAL_H_
#define RIGOR_STATS_SEQUENTIAL_H_

#include <span>
#include <string_view>
#include <vector>

#include "rigor/stats/common.h"

namespace rigor::stats {

// The alpha-spending function family (Lan & DeMets 1983, Biometrika 70:659-663).
//   kOBrienFleming: a(t) = 2 - 2 Phi(z_{1-a/2} / sqrt(t))   (O'Brien-Fleming-type; spends little
//   early) kPocock:        a(t) = a ln(1 + (e - 1) t)               (Pocock-type; spends evenly)
enum class Spending { kOBrienFleming, kPocock };

// "obrien-fleming", "pocock".
std::string_view to_string(Spending spending);
// Accepts "obrien-fleming", "obf", "pocock"; throws StatsError naming `field` otherwise.
Spending parse_spending(std::string_view text, std::string_view field = "spending");

// Cumulative alpha spent at information fraction t in [0, 1], for a design of total level `alpha`
// with `sides` = 1 (reject when Z_k >= c_k) or 2 (reject when |Z_k| >= c_k, symmetric).
// For sides = 2 each side spends the one-sided function at alpha / 2, so the two-sided total is
// 2 a1(t; alpha / 2) (the convention of R's ldbounds and gsDesign's sfLDOF with alpha/2).
// Returns 0 at t = 0 and alpha at t = 1. Throws StatsError unless 0 < alpha < 1, 0 <= t <= 1 and
// sides is 1 or 2.
double alpha_spent(Spending spending, double alpha, double t, int sides = 2);

struct GroupSequentialOptions {
  Spending spending = Spending::kOBrienFleming;
  double alpha = 0.05;  // total type I error over all looks (two-sided total when sides == 2)
  int sides = 2;        // 1: upper boundary only; 2: symmetric two-sided boundaries
  // Grid density of the numerical integration (Jennison & Turnbull 2000, sec. 19.2: 6r - 1 points
  // before trimming; r = 16 gives ~1e-6, r = 64 ~1e-8 in the boundaries).
  int grid_r = 64;
};

// One interim (or the final) analysis.
struct Look {
  double information = 0.0;  // information fraction t_k in (0, 1]
  double z_bound = 0.0;      // reject H0 at this look when Z_k >= z_bound (|Z_k| if two-sided)
  double nominal_p = 0.0;    // the p-value threshold equivalent to z_bound: sides * (1 - Phi(c_k))
  double cumulative_alpha = 0.0;   // alpha_spent(t_k): P_H0(reject at or before look k)
  double incremental_alpha = 0.0;  // alpha spent at this look: cumulative_k - cumulative_{k-1}
};

struct GroupSequentialDesign {
  Spending spending = Spending::kOBrienFleming;
  double alpha = 0.05;
  int sides = 2;
  std::vector<Look> looks;
};

// Boundaries c_1..c_K such that under H0 the probability of first crossing at look k equals the
// alpha spent between t_{k-1} and t_k. `information` are the fractions t_1 < ... < t_K <= 1
// (e.g. replicates done so far / maximum replicates). Matches the published Lan-DeMets values
// (e.g. O'Brien-Fleming-type, two-sided 0.05, 5 equal looks: 4.877, 3.357, 2.680, 2.290, 2.031).
// Throws StatsError on empty or non-increasing fractions, fractions outside (0, 1], a bad option,
// or a look so early that its alpha increment underflows double precision (drop that look).
GroupSequentialDesign group_sequential_design(std::span<const double> information,
                                              const GroupSequentialOptions& options = {});

// Probabilities of first crossing each boundary when E[Z_k] = drift * sqrt(t_k) (drift = the
// standardized effect at full information, theta sqrt(I_max); 0 gives the null). For sides = 1
// `lower` is all zeros.
struct CrossingProbabilities {
  std::vector<double> upper;  // P(first exit at look k through +c_k)
  std::vector<double> lower;  // P(first exit at look k through -c_k) (two-sided only)
  double total = 0.0;         // sum of both: the rejection probability (power when drift != 0)
};

// Throws StatsError if the sizes differ, fractions are invalid, or a bound is not finite and > 0.
CrossingProbabilities crossing_probabilities(std::span<const double> information,
                                             std::span<const double> z_bounds, int sides,
                                             double drift, int grid_r = 64);

// How much the maximum sample size of the sequential design must exceed that of a fixed design
// with the same alpha and power (Jennison & Turnbull 2000, sec. 2.5 and table 2.3 "R"):
// the ratio (drift_seq / drift_fixed)^2, where drift_seq gives `power` with the design's boundaries
// and drift_fixed = z_{1 - alpha/sides} + z_{power}. Throws StatsError unless 0 < power < 1 and
// power > alpha.
double inflation_factor(const GroupSequentialDesign& design, double power);

}  // namespace rigor::stats

#endif  // RIGOR_STATS_SEQUENTIAL_H_
