// `rigor stats` ops for rank tests and multi-sample tests: mann_whitney, wilcoxon, sign_test,
// kruskal_wallis, friedman, pairwise_wilcoxon, nemenyi. Schemas in docs/stats-batch/rank.md.
#include <optional>
#include <string>
#include <vector>

#include "ops.h"
#include "rigor/stats/corrections.h"
#include "rigor/stats/multi_sample.h"
#include "rigor/stats/rank_tests.h"

namespace rigor::cli {
namespace {

stats::RankMethod read_method(Request& r) {
  return stats::parse_rank_method(r.choice("method", "auto", {"auto", "exact", "asymptotic"}));
}

stats::ZeroMethod read_zero_method(Request& r) {
  return stats::parse_zero_method(r.choice("zero_method", "wilcox", {"wilcox", "pratt", "zsplit"}));
}

// {"op": "mann_whitney", "x": [...], "y": [...], "mu": 0, "alternative": "two-sided",
//  "method": "auto", "continuity": true, "conf_int": true, "conf_level": 0.95} -> TestResult.
Json mann_whitney_op(Request& r) {
  const std::vector<double> x = r.doubles("x");
  const std::vector<double> y = r.doubles("y");
  stats::MannWhitneyOptions o;
  o.mu = r.number("mu", 0.0);
  o.alternative = r.alternative();
  o.method = read_method(r);
  o.continuity = r.boolean("continuity", true);
  o.conf_int = r.boolean("conf_int", true);
  o.conf_level = r.number("conf_level", 0.95);
  r.finish();
  return to_json(stats::mann_whitney(x, y, o));
}

// {"op": "wilcoxon", "x": [...], "y": [...]?, "mu": 0, "alternative": "two-sided",
//  "method": "auto", "zero_method": "wilcox", "continuity": true, "conf_int": true,
//  "conf_level": 0.95} -> TestResult (paired when y is given, else one-sample).
Json wilcoxon_op(Request& r) {
  const std::vector<double> x = r.doubles("x");
  const std::optional<std::vector<double>> y = r.optional_doubles("y");
  stats::WilcoxonOptions o;
  o.mu = r.number("mu", 0.0);
  o.alternative = r.alternative();
  o.method = read_method(r);
  o.zero_method = read_zero_method(r);
  o.continuity = r.boolean("continuity", true);
  o.conf_int = r.boolean("conf_int", true);
  o.conf_level = r.number("conf_level", 0.95);
  r.finish();
  return to_json(y ? stats::wilcoxon_signed_rank(x, *y, o) : stats::wilcoxon_signed_rank(x, o));
}

// {"op": "sign_test", "x": [...], "y": [...]?, "mu": 0, "alternative": "two-sided",
//  "conf_level": 0.95} -> TestResult.
Json sign_test_op(Request& r) {
  const std::vector<double> x = r.doubles("x");
  const std::optional<std::vector<double>> y = r.optional_doubles("y");
  stats::SignTestOptions o;
  o.mu = r.number("mu", 0.0);
  o.alternative = r.alternative();
  o.conf_level = r.number("conf_level", 0.95);
  r.finish();
  return to_json(y ? stats::sign_test(x, *y, o) : stats::sign_test(x, o));
}

// {"op": "kruskal_wallis", "groups": [[...], [...], ...]} -> TestResult.
Json kruskal_wallis_op(Request& r) {
  const std::vector<std::vector<double>> groups = r.matrix("groups");
  r.finish();
  return to_json(stats::kruskal_wallis(groups));
}

// {"op": "friedman", "data": [[...], ...]} (rows = blocks / datasets, columns = methods)
//   -> TestResult.
Json friedman_op(Request& r) {
  const std::vector<std::vector<double>> data = r.matrix("data");
  r.finish();
  return to_json(stats::friedman(data));
}

// Optional "names" of the methods (the columns of "data"): checked against the column count and
// echoed beside the column indices in the result.
std::optional<std::vector<std::string>> read_names(Request& r,
                                                   const std::vector<std::vector<double>>& data) {
  auto names = r.optional_strings("names");
  const std::size_t columns = data.empty() ? 0 : data.front().size();
  if (names && names->size() != columns) {
    r.fail("field \"names\" has " + std::to_string(names->size()) + " entries, but \"data\" has " +
           std::to_string(columns) + " columns (one name per method)");
  }
  return names;
}

// {"op": "pairwise_wilcoxon", "data": [[...], ...], "method": "auto", "zero_method": "wilcox",
//  "continuity": true, "correction": "holm", "alpha": 0.05}
//   -> {"correction", "alpha", "n_methods", "n_datasets", "comparisons": [{"first", "second",
//      "statistic", "p_value", "p_adjusted", "reject", "estimate", "test"}]}.
Json pairwise_wilcoxon_op(Request& r) {
  const std::vector<std::vector<double>> data = r.matrix("data");
  stats::PairwiseWilcoxonOptions o;
  o.method = read_method(r);
  o.zero_method = read_zero_method(r);
  o.continuity = r.boolean("continuity", true);
  const std::string correction = r.string("correction", "holm");
  o.alpha = r.number("alpha", 0.05);
  const auto names = read_names(r, data);
  r.finish();
  o.correction = stats::parse_correction(correction, "field \"correction\"");
  const stats::PairwiseResult p = stats::pairwise_wilcoxon(data, o);
  Json comparisons = Json::array();
  for (const stats::PairwiseComparison& c : p.comparisons) {
    Json j;
    j["first"] = c.first;
    j["second"] = c.second;
    if (names) {
      j["first_name"] = (*names)[c.first];
      j["second_name"] = (*names)[c.second];
    }
    j["statistic"] = json_number(c.test.statistic);
    j["p_value"] = json_number(c.test.p_value);
    j["p_adjusted"] = json_number(c.p_adjusted);
    j["reject"] = c.reject;
    j["estimate"] = c.test.estimate ? json_number(*c.test.estimate) : Json(nullptr);
    j["test"] = to_json(c.test);
    comparisons.push_back(std::move(j));
  }
  Json j;
  j["correction"] = std::string(stats::to_string(p.correction));
  j["alpha"] = p.alpha;
  j["n_methods"] = data.empty() ? 0 : data.front().size();
  j["n_datasets"] = data.size();
  j["comparisons"] = std::move(comparisons);
  return j;
}

// {"op": "nemenyi", "data": [[...], ...], "alpha": 0.05, "higher_is_better": true}
//   -> {"average_ranks", "critical_difference", "q_alpha", "alpha", "higher_is_better",
//      "n_methods", "n_datasets", "friedman": TestResult, "pairs": [{"first", "second",
//      "rank_difference", "statistic", "p_value", "significant"}]}.
Json nemenyi_op(Request& r) {
  const std::vector<std::vector<double>> data = r.matrix("data");
  stats::NemenyiOptions o;
  o.alpha = r.number("alpha", 0.05);
  o.higher_is_better = r.boolean("higher_is_better", true);
  const auto names = read_names(r, data);
  r.finish();
  const stats::NemenyiResult n = stats::nemenyi(data, o);
  Json pairs = Json::array();
  for (const stats::NemenyiPair& p : n.pairs) {
    Json j;
    j["first"] = p.first;
    j["second"] = p.second;
    if (names) {
      j["first_name"] = (*names)[p.first];
      j["second_name"] = (*names)[p.second];
    }
    j["rank_difference"] = p.rank_difference;
    j["statistic"] = json_number(p.statistic);
    j["p_value"] = json_number(p.p_value);
    j["significant"] = p.significant;
    pairs.push_back(std::move(j));
  }
  Json j;
  if (names) j["names"] = *names;
  j["average_ranks"] = n.average_ranks;
  j["critical_difference"] = n.critical_difference;
  j["q_alpha"] = n.q_alpha;
  j["alpha"] = n.alpha;
  j["higher_is_better"] = o.higher_is_better;
  j["n_methods"] = n.n_methods;
  j["n_datasets"] = n.n_datasets;
  j["friedman"] = to_json(n.friedman);
  j["pairs"] = std::move(pairs);
  return j;
}

}  // namespace

void add_rank_ops(std::vector<Op>& ops) {
  ops.push_back({"mann_whitney",
                 "Mann-Whitney U / Wilcoxon rank-sum test with Hodges-Lehmann shift and CI, as R's "
                 "wilcox.test(x, y)",
                 &mann_whitney_op});
  ops.push_back({"wilcoxon",
                 "Wilcoxon signed-rank test (paired or one-sample; zero_method wilcox, pratt, "
                 "zsplit), as R's wilcox.test(paired = TRUE)",
                 &wilcoxon_op});
  ops.push_back(
      {"sign_test", "exact sign test (binomial on the non-zero differences)", &sign_test_op});
  ops.push_back({"kruskal_wallis", "Kruskal-Wallis rank-sum test of k groups, as R's kruskal.test",
                 &kruskal_wallis_op});
  ops.push_back({"friedman",
                 "Friedman test of k methods over N datasets (rows), as R's friedman.test",
                 &friedman_op});
  ops.push_back({"pairwise_wilcoxon",
                 "signed-rank test over datasets for every pair of methods, Holm-adjusted "
                 "(Demsar 2006)",
                 &pairwise_wilcoxon_op});
  ops.push_back({"nemenyi",
                 "average ranks and Nemenyi critical difference for a CD diagram (Demsar 2006)",
                 &nemenyi_op});
}

}  // namespace rigor::cli
