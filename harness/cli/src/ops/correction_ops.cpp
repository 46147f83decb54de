// `rigor stats` ops for multiple comparisons and distribution checks: adjust,
// partial_conjunction, shapiro_wilk, ks_2samp. Schemas in docs/stats-batch/corrections.md.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ops.h"
#include "rigor/stats/corrections.h"
#include "rigor/stats/ks.h"
#include "rigor/stats/normality.h"

namespace rigor::cli {
namespace {

Json bools(const std::vector<bool>& values) {
  Json j = Json::array();
  for (bool v : values) j.push_back(v);
  return j;
}

// {"op": "adjust", "p": [...], "method": "holm", "alpha": 0.05}
//   -> {"method", "alpha", "n", "adjusted": [...], "reject": [...]} in input order.
Json adjust_op(Request& r) {
  const std::vector<double> p = r.doubles("p");
  const std::string method_text = r.string("method", "holm");
  const double alpha = r.number("alpha", 0.05);
  r.finish();
  const stats::Correction method = stats::parse_correction(method_text, "field \"method\"");
  const stats::AdjustResult a = stats::adjust_p_values(p, method, alpha);
  Json j;
  j["method"] = std::string(stats::to_string(a.method));
  j["alpha"] = a.alpha;
  j["n"] = p.size();
  j["adjusted"] = a.adjusted;
  j["reject"] = bools(a.reject);
  return j;
}

// {"op": "partial_conjunction", "p": [...], "u": ?, "method": "simes", "alpha": 0.05}
//   -> {"method", "alpha", "n", "p_values", "monotone_p_values", "u_rejected"} and, when u is
//   given, {"u", "p_value", "monotone_p_value", "reject"} for that u.
Json partial_conjunction_op(Request& r) {
  const std::vector<double> p = r.doubles("p");
  const std::optional<std::int64_t> u = r.optional_integer("u");
  const std::string method_text = r.string("method", "simes");
  const double alpha = r.number("alpha", 0.05);
  r.finish();
  const stats::CombiningMethod method =
      stats::parse_combining_method(method_text, "field \"method\"");
  if (u && (*u < 1 || static_cast<std::size_t>(*u) > p.size())) {
    r.fail("field \"u\" is " + std::to_string(*u) + ", but must be in [1, " +
           std::to_string(p.size()) + "] (the number of the " + std::to_string(p.size()) +
           " datasets on which the effect is claimed); leave it out to get every u");
  }
  const stats::PartialConjunctionResult pc = stats::partial_conjunction(p, method, alpha);
  Json j;
  j["method"] = std::string(stats::to_string(pc.method));
  j["alpha"] = pc.alpha;
  j["n"] = pc.n;
  if (u) {
    const auto index = static_cast<std::size_t>(*u) - 1;
    j["u"] = *u;
    j["p_value"] = pc.p_values[index];
    j["monotone_p_value"] = pc.monotone_p_values[index];
    j["reject"] = pc.monotone_p_values[index] <= pc.alpha;
  }
  j["p_values"] = pc.p_values;
  j["monotone_p_values"] = pc.monotone_p_values;
  j["u_rejected"] = pc.u_rejected;
  return j;
}

// {"op": "shapiro_wilk", "x": [...]} -> the TestResult.
Json shapiro_wilk_op(Request& r) {
  const std::vector<double> x = r.doubles("x");
  r.finish();
  return to_json(stats::shapiro_wilk(x));
}

// {"op": "ks_2samp", "x": [...], "y": [...], "alternative": "two-sided", "exact": ?}
//   -> the TestResult.
Json ks_2samp_op(Request& r) {
  const std::vector<double> x = r.doubles("x");
  const std::vector<double> y = r.doubles("y");
  stats::KsOptions options;
  options.alternative = r.alternative();
  // Request has no optional boolean: a field that is present reads the same under both defaults.
  const bool exact_if_absent_false = r.boolean("exact", false);
  const bool exact_if_absent_true = r.boolean("exact", true);
  if (exact_if_absent_false == exact_if_absent_true) options.exact = exact_if_absent_true;
  r.finish();
  return to_json(stats::ks_2samp(x, y, options));
}

}  // namespace

void add_correction_ops(std::vector<Op>& ops) {
  ops.push_back({"adjust",
                 "adjust p-values for multiple comparisons (R p.adjust, statsmodels multipletests)",
                 &adjust_op});
  ops.push_back({"partial_conjunction",
                 "partial conjunction p-values: an effect on at least u of N datasets",
                 &partial_conjunction_op});
  ops.push_back(
      {"shapiro_wilk", "Shapiro-Wilk normality test, as R's shapiro.test", &shapiro_wilk_op});
  ops.push_back(
      {"ks_2samp", "two-sample Kolmogorov-Smirnov test, as R's ks.test(x, y)", &ks_2samp_op});
}

}  // namespace rigor::cli
