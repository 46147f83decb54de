// rigor/stats/aso.h — Almost Stochastic Order (ASO): how far the score distribution of A is from
// being stochastically larger than that of B, with a bootstrap upper confidence bound eps_min
// (del Barrio, Cuesta-Albertos & Matrán 2018; Dror, Shlomov & Reichart 2019, ACL, "Deep
// Dominance - How to Properly Compare Deep Neural Models"). eps_min < 0.5 means A is almost
// stochastically larger than B; the smaller, the closer to full stochastic dominance.
//
//   std::vector<double> a = {0.91, 0.93, 0.90, 0.94}, b = {0.88, 0.89, 0.90, 0.87};
//   rigor::stats::AsoResult r = rigor::stats::aso(a, b, /*seed=*/42);
//   if (r.eps_min < 0.2) std::cout << "A is almost stochastically larger than B\n";
#ifndef RIGOR_STATS_ASO_H_
#define RIGOR_STATS_ASO_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rigor/stats/common.h"

namespace rigor::stats {

// The violation ratio of two empirical distributions, computed exactly (see violation_ratio).
struct ViolationRatio {
  // eps_W2(F_n, G_m) in [0, 1]; 0.5 by definition when w2_squared == 0 (then `defined` is false).
  double ratio = 0.5;
  // integral over the violation set {t : F_n^-1(t) < G_m^-1(t)} of (F_n^-1(t) - G_m^-1(t))^2 dt,
  // in squared score units.
  double violation = 0.0;
  // W2(F_n, G_m)^2 = integral over (0, 1) of (F_n^-1(t) - G_m^-1(t))^2 dt, squared score units.
  double w2_squared = 0.0;
  // False when the two empirical quantile functions are identical (W2 = 0, ratio 0/0).
  bool defined = false;
};

// Violation ratio of "a is stochastically larger than b" (Dror et al. 2019, the definition of
// eps_W2(F, G); del Barrio et al. 2018, arXiv:1705.01788):
//   eps_W2(F, G) = integral_{V_X} (F^-1(t) - G^-1(t))^2 dt / W2(F, G)^2,
//   V_X = {t in (0, 1) : F^-1(t) < G^-1(t)},
// with F = F_n, G = G_m the empirical distributions of a and b and F^-1 the left-continuous
// empirical quantile function (F_n^-1(t) = a_(ceil(n t)), the sorted sample). Both quantile
// functions are step functions, so the integrals are computed exactly over the merged steps
// (breakpoints i/n and j/m), in O(n log n + m log m): no quantile grid, no discretisation error.
// Inputs may be unsorted and may hold ties. Throws StatsError if a or b is empty or non-finite.
ViolationRatio violation_ratio(std::span<const double> a, std::span<const double> b);

struct AsoOptions {
  // Confidence level 1 - alpha of the upper bound eps_min (Dror et al.'s alpha = 1 - level).
  // No multiple-comparison adjustment is made here: correct for several comparisons with
  // rigor/stats/corrections.h (deep-significance's Bonferroni variant is not applied).
  double confidence_level = 0.95;
  // Bootstrap replicates B used for sigma_hat; at least 2 (1000 recommended, the paper's value).
  std::size_t num_bootstrap = 1000;
  // Worker threads for the bootstrap; 0 = std::thread::hardware_concurrency(), fewer when the
  // work is small (each thread gets at least ~50000 merge steps). Results do not depend on it.
  unsigned threads = 0;
  // Copy the B bootstrap violation ratios into AsoResult::replicates (for audits and tests).
  bool keep_replicates = false;
};

struct AsoResult {
  std::string method = "Almost Stochastic Order (Dror et al. 2019)";
  // Smallest eps for which "A is eps-almost stochastically larger than B" is accepted at the
  // confidence level (Dror et al. 2019, eps_min(F_n, G_m, alpha)), clipped to [0, 1].
  double eps_min = 0.5;
  // Point estimate eps_W2(F_n, G_m) of the violation ratio (0.5 when W2 = 0).
  double eps_hat = 0.5;
  // Bootstrap standard deviation of sqrt(n m / (n + m)) * (eps*_b - eps_hat).
  double sigma_hat = 0.0;
  // W2(F_n, G_m)^2 in squared score units.
  double w2_squared = 0.0;
  double confidence_level = 0.95;
  std::size_t num_bootstrap = 0;
  std::uint64_t seed = 0;
  std::size_t n_a = 0;
  std::size_t n_b = 0;
  // Bootstrap violation ratios eps*_b, b = 0..B-1, when AsoOptions::keep_replicates is set.
  std::vector<double> replicates;
  // Identical empirical distributions (W2 = 0) or both samples constant: see docs/stats/aso.md.
  bool degenerate = false;
  std::string note;
};

// ASO test that the scores `a` of algorithm A are almost stochastically larger than the scores
// `b` of algorithm B (larger = better; negate losses first). Dror et al. (2019), eps_min:
//   eps_min = eps_hat - sqrt((n + m) / (n m)) * sigma_hat * Phi^-1(alpha),  alpha = 1 - level,
// where eps_hat = eps_W2(F_n, G_m) (violation_ratio), and sigma_hat is the bootstrap standard
// deviation (denominator B - 1) of sqrt(n m / (n + m)) * (eps_W2(F*_n, G*_m) - eps_hat) over B
// resamples. Resample b draws, from CounterRng(seed, b), n indices a[below(n)] and then m
// indices b[below(m)] (an ordinary nonparametric bootstrap of each sample); a resample whose
// two quantile functions coincide counts as 0.5. The result does not depend on `threads`.
// Degenerate: identical empirical distributions: eps_hat = 0.5; both samples constant: sigma_hat
// = 0 and eps_min = eps_hat (0.5 if equal, 0 if a > b, 1 if a < b); degenerate = true, `note`.
// Throws StatsError if a or b has fewer than 2 values or holds NaN/Inf, confidence_level is
// outside (0, 1), or num_bootstrap < 2.
AsoResult aso(std::span<const double> a, std::span<const double> b, std::uint64_t seed,
              const AsoOptions& options = {});

// The eps_min formula of aso() (Dror et al. 2019) from given bootstrap violation ratios,
// exposed so it can be checked on its own: returns eps_hat - sqrt((n + m)/(n m)) * sigma_hat *
// Phi^-1(1 - confidence_level), clipped to [0, 1], with sigma_hat the standard deviation
// (denominator B - 1) of sqrt(n m / (n + m)) * (replicates - eps_hat). Writes sigma_hat to
// *sigma_hat_out when given. Throws StatsError for fewer than 2 replicates, n or m of 0, or
// confidence_level outside (0, 1).
double aso_eps_min(double eps_hat, std::span<const double> replicates, std::size_t n, std::size_t m,
                   double confidence_level, double* sigma_hat_out = nullptr);

}  // namespace rigor::stats

#endif  // RIGOR_STATS_ASO_H_
