// rigor/stats/corrections.h — multiple-comparison corrections across a family of p-values
// (family-wise error: Bonferroni, Šidák, Holm, Holm-Šidák, Hochberg, Hommel; false discovery
// rate: Benjamini-Hochberg, Benjamini-Yekutieli), matching R's p.adjust and statsmodels'
// multipletests.
//
//   std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
//   auto r = rigor::stats::adjust_p_values(p, rigor::stats::Correction::kHolm, /*alpha=*/0.05);
//   // r.adjusted[i] is p[i]'s adjusted value (input order kept), r.reject[i] = adjusted <= alpha
#ifndef RIGOR_STATS_CORRECTIONS_H_
#define RIGOR_STATS_CORRECTIONS_H_

#include <span>
#include <string_view>
#include <vector>

#include "rigor/stats/common.h"

namespace rigor::stats {

enum class Correction {
  kNone,
  kBonferroni,
  kSidak,
  kHolm,
  kHolmSidak,
  kHochberg,
  kHommel,
  kBenjaminiHochberg,
  kBenjaminiYekutieli,
};

// Canonical names: "none", "bonferroni", "sidak", "holm", "holm-sidak", "hochberg", "hommel",
// "BH", "BY".
std::string_view to_string(Correction method);
// Accepts the canonical names, R's p.adjust names ("fdr" = BH) and statsmodels' multipletests
// names ("fdr_bh", "fdr_by", "holm-sidak", "sidak", ...), case-insensitively. Throws StatsError
// naming `field` and listing the accepted names.
Correction parse_correction(std::string_view text, std::string_view field = "method");

struct AdjustResult {
  std::vector<double> adjusted;  // same order as the input, each in [0, 1]
  std::vector<bool> reject;      // adjusted[i] <= alpha
  double alpha = 0.05;
  Correction method = Correction::kHolm;
};

// Adjusts p-values for multiple comparisons. Input may be unsorted and tied; p = 0 and p = 1 are
// valid. Throws StatsError for an empty family, a p-value outside [0, 1] or NaN (naming its
// index), or alpha outside (0, 1).
AdjustResult adjust_p_values(std::span<const double> p, Correction method, double alpha = 0.05);

}  // namespace rigor::stats

#endif  // RIGOR_STATS_CORRECTIONS_H_
