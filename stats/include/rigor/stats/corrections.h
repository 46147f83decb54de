// rigor/stats/corrections.h — multiple-comparison corrections across a family of p-values
// (family-wise error: Bonferroni, Šidák, Holm, Holm-Šidák, Hochberg, Hommel; false discovery
// rate: Benjamini-Hochberg, Benjamini-Yekutieli), matching R's p.adjust and statsmodels'
// multipletests, and partial conjunction tests ("better on at least u of N datasets").
//
//   std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
//   auto r = rigor::stats::adjust_p_values(p, rigor::stats::Correction::kHolm, /*alpha=*/0.05);
//   // r.adjusted[i] is p[i]'s adjusted value (input order kept), r.reject[i] = adjusted <= alpha
#ifndef RIGOR_STATS_CORRECTIONS_H_
#define RIGOR_STATS_CORRECTIONS_H_

#include <cstddef>
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
//
// Definitions (m = p.size(), p_(1) <= ... <= p_(m); ties keep input order, as R's order()):
//   bonferroni  min(1, m p)                                   R p.adjust "bonferroni"
//   sidak       1 - (1 - p)^m = -expm1(m log1p(-p))           statsmodels multipletests "sidak"
//   holm        cummax over i of (m - i + 1) p_(i)            R "holm" (Holm 1979)
//   holm-sidak  cummax over i of 1 - (1 - p_(i))^(m - i + 1)  statsmodels "holm-sidak"
//   hochberg    cummin from the top of (m - i + 1) p_(i)      R "hochberg" (Hochberg 1988)
//   hommel      closed Simes tests                            R "hommel" (Hommel 1988), computed
//               in O(m log m) instead of R's O(m^2) (docs/stats/corrections.md)
//   BH          cummin from the top of (m / i) p_(i)          R "BH" (Benjamini-Hochberg 1995)
//   BY          BH times sum_{k<=m} 1/k                       R "BY" (Benjamini-Yekutieli 2001)
// every value capped at 1. Cost O(m log m) time at worst (a bucket sort, linear for spread-out
// values), O(m) memory. Families of 2^19 or more values are sorted and scanned on up to `threads`
// threads (0 = the hardware's, at most 8); the result does not depend on the thread count.
AdjustResult adjust_p_values(std::span<const double> p, Correction method, double alpha = 0.05,
                             unsigned threads = 0);

// --- Partial conjunction (Benjamini & Heller 2008, Biometrics 64:1215-1222) -------------------
// "A beats B on at least u of the N datasets": given one p-value per dataset, the partial
// conjunction null H^{u/N} says fewer than u of the N per-dataset nulls are false. Its p-value
// combines the N - u + 1 largest p-values p_(u) <= ... <= p_(N) (paper, eq. 2 and section 2.1):
//   bonferroni  min(1, (N - u + 1) p_(u))
//   simes       min over i = u..N of (N - u + 1) / (i - u + 1) * p_(i)
//   fisher      P(chi^2 with 2(N - u + 1) df >= -2 sum_{i=u..N} log p_(i))
// u = 1 is the global null ("at least one"), u = N the conjunction ("all N").
enum class CombiningMethod { kBonferroni, kSimes, kFisher };

// "bonferroni", "simes", "fisher".
std::string_view to_string(CombiningMethod method);
// Accepts the names above, case-insensitively; throws StatsError naming `field`.
CombiningMethod parse_combining_method(std::string_view text, std::string_view field = "method");

// The p-value of H^{u/N} for one u in [1, N]. Throws StatsError for an empty p, a p-value outside
// [0, 1] or NaN (naming its index), or u outside [1, N].
double partial_conjunction_p_value(std::span<const double> p, std::size_t u,
                                   CombiningMethod method);

struct PartialConjunctionResult {
  std::size_t n = 0;  // N, the number of datasets
  // p_values[u - 1] is the p-value of H^{u/N}, u = 1..N.
  std::vector<double> p_values;
  // monotone_p_values[u - 1] = max over v <= u of p_values[v - 1]. H^{u/N} implies H^{v/N} for
  // v > u, so rejecting "at least v" must imply rejecting "at least u": testing u = 1, 2, ... in
  // order with these values at level alpha controls the family-wise error (a fixed-sequence test).
  std::vector<double> monotone_p_values;
  // The largest u with monotone_p_values[u - 1] <= alpha ("at least u of N"), 0 if none.
  std::size_t u_rejected = 0;
  double alpha = 0.05;
  CombiningMethod method = CombiningMethod::kSimes;
};

// All N partial conjunction p-values, their monotone version and the largest u rejected at
// alpha. O(N log N). Throws like partial_conjunction_p_value, and for alpha outside (0, 1).
PartialConjunctionResult partial_conjunction(std::span<const double> p, CombiningMethod method,
                                             double alpha = 0.05);

}  // namespace rigor::stats

#endif  // RIGOR_STATS_CORRECTIONS_H_
