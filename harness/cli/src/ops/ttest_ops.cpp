// `rigor stats` ops for t-tests and power: t_test, power_t, power_noether. Schemas in
// docs/stats-batch/ttest.md.
#include <optional>
#include <string>
#include <vector>

#include "ops.h"
#include "rigor/stats/power.h"
#include "rigor/stats/ttest.h"

namespace rigor::cli {
namespace {

// {"op": "t_test", "x": [...], "y": [...]?, "mu": 0, "paired": false, "equal_var": false,
//  "alternative": "two-sided", "conf_level": 0.95} -> the TestResult.
Json t_test_op(Request& r) {
  const std::vector<double> x = r.doubles("x");
  const std::optional<std::vector<double>> y = r.optional_doubles("y");
  stats::TTestOptions options;
  options.mu = r.number("mu", 0.0);
  const bool paired = r.boolean("paired", false);
  const bool equal_var = r.boolean("equal_var", false);
  options.alternative = r.alternative();
  options.conf_level = r.number("conf_level", 0.95);
  r.finish();
  if (!y && (paired || equal_var)) {
    r.fail(std::string("field \"") + (paired ? "paired" : "equal_var") +
           "\" is true, but needs a second sample \"y\"; leave it out for a one-sample test");
  }
  if (paired && equal_var) {
    r.fail(
        "fields \"paired\" and \"equal_var\" are both true, but a paired test has no "
        "variances to pool; set one of them");
  }
  if (!y) return to_json(stats::one_sample_t_test(x, options));
  if (paired) return to_json(stats::paired_t_test(x, *y, options));
  if (equal_var) return to_json(stats::student_t_test(x, *y, options));
  return to_json(stats::welch_t_test(x, *y, options));
}

// {"op": "power_t", "n": ?, "delta": ?, "power": ?, "sd": 1, "alpha": 0.05, "type": "two_sample",
//  "alternative": "two-sided", "strict": false}: exactly one of n, delta, power left out.
Json power_t_op(Request& r) {
  stats::PowerTTestSpec spec;
  spec.n = r.optional_number("n");
  spec.delta = r.optional_number("delta");
  spec.sd = r.number("sd", 1.0);
  spec.alpha = r.number("alpha", 0.05);
  spec.power = r.optional_number("power");
  spec.type = stats::parse_t_test_design(
      r.choice("type", "two_sample", {"two_sample", "paired", "one_sample"}));
  spec.alternative = stats::parse_power_alternative(
      r.choice("alternative", "two-sided", {"two-sided", "one-sided"}));
  spec.strict = r.boolean("strict", false);
  r.finish();
  const int missing = !spec.n + !spec.delta + !spec.power;
  if (missing != 1) {
    r.fail(
        "exactly one of the fields \"n\", \"delta\" and \"power\" must be left out (the one to "
        "solve for), but " +
        std::to_string(missing) + " are missing");
  }
  const stats::PowerTTestResult p = stats::power_t_test(spec);
  Json j;
  j["solved_for"] = p.solved_for;
  j["n"] = p.n;
  j["n_ceil"] = p.n_ceil;
  j["power"] = p.power;
  j["power_at_n_ceil"] = p.power_at_n_ceil;
  j["delta"] = p.delta;
  j["sd"] = p.sd;
  j["alpha"] = p.alpha;
  j["type"] = std::string(stats::to_string(p.type));
  j["alternative"] = std::string(stats::to_string(p.alternative));
  j["strict"] = p.strict;
  j["method"] = p.method;
  j["note"] = p.note;
  return j;
}

// {"op": "power_noether", "p_outperform": 0.75, "alpha": 0.05, "power": 0.8, "fraction": 0.5,
//  "alternative": "two-sided"}.
Json power_noether_op(Request& r) {
  const double p = r.required_number("p_outperform");
  stats::NoetherOptions options;
  options.alpha = r.number("alpha", 0.05);
  options.power = r.number("power", 0.8);
  options.fraction = r.number("fraction", 0.5);
  options.alternative = stats::parse_power_alternative(
      r.choice("alternative", "two-sided", {"two-sided", "one-sided"}));
  r.finish();
  const stats::NoetherSampleSize n = stats::noether_sample_size(p, options);
  Json j;
  j["n_total"] = n.n_total;
  j["n_total_ceil"] = n.n_total_ceil;
  j["n_per_group"] = Json::array({n.n_x_ceil, n.n_y_ceil});
  j["n_x"] = n.n_x;
  j["n_y"] = n.n_y;
  j["p_outperform"] = n.p_outperform;
  j["alpha"] = n.alpha;
  j["power"] = n.power;
  j["fraction"] = n.fraction;
  j["alternative"] = std::string(stats::to_string(n.alternative));
  return j;
}

}  // namespace

void add_ttest_ops(std::vector<Op>& ops) {
  ops.push_back({"t_test", "Welch (default), Student, paired or one-sample t-test, as R's t.test",
                 &t_test_op});
  ops.push_back(
      {"power_t", "power, n or detectable delta of a t-test, as R's power.t.test", &power_t_op});
  ops.push_back({"power_noether", "Noether's sample size for the Mann-Whitney test of P(X > Y) = p",
                 &power_noether_op});
}

}  // namespace rigor::cli
