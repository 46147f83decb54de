// `rigor compare A.csv B.csv`: per-seed scores of two arms -> tests, effect sizes, a verdict per
// test.
//
// The claim tested is "A differs from B in the direction of --alternative" (greater: A's scores are
// higher). The verdict of each test follows rigor::reports::judge (reports/verdict.h, the rules
// `rigor analyze` uses too; docs/analysis.md, "Verdicts"):
//   supported       p <= alpha (ASO: eps_min < threshold), the estimate points the claimed way and
//                   is at least --min-effect;
//   below minimum   significant, but the estimated effect is smaller than --min-effect;
//   not supported   significant the other way (one-sided claims: 1 - p <= alpha);
//   inconclusive    not significant and the design has under 80% power for --min-effect (t-test
//                   power with the observed SD), with the seeds per arm that would reach it; or no
//                   variance;
//   not supported   otherwise.
// The exit code follows the primary test (the first one run): 0 supported, 1 not.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <iomanip>
#include <optional>
#include <sstream>

#include "csv.h"
#include "json_io.h"
#include "options.h"
#include "rigor/cli.h"
#include "rigor/error.h"
#include "rigor/reports/verdict.h"
#include "rigor/stats.h"
#include "verbs.h"

namespace po = boost::program_options;

namespace rigor::cli {
namespace {

constexpr std::string_view kUsage =
    "Usage: rigor compare A.csv B.csv [options]\n\n"
    "Compares per-seed scores of arm A with arm B (one score per line or per row; --column picks "
    "the\n"
    "column). Prints, per test, the statistic, p-value, estimate with CI, effect size and a "
    "verdict on\n"
    "the claim \"A differs from B\" in the direction of --alternative (greater: A scores higher).\n"
    "Exit code: 0 when the primary (first) test supports the claim, 1 when not, 2 on bad "
    "input.\n\n";

struct Options {
  std::string path_a, path_b, column, column_b;
  bool paired = false;
  std::vector<std::string> tests;
  stats::Alternative alternative = stats::Alternative::kTwoSided;
  double alpha = 0.05;
  double min_effect = 0.0;
  double conf_level = 0.95;
  double aso_threshold = 0.2;
  std::uint64_t seed = 1;
  std::uint64_t resamples = 10000;
  bool json = false;
};

struct Row {
  std::string test;       // "welch", ...
  std::string title;      // "Welch t"
  std::string statistic;  // "t = 2.31"
  std::optional<double> p_value;
  std::optional<double> estimate;
  std::optional<stats::Interval> ci;
  std::string estimate_label;  // "mean difference", "eps_min", ...
  std::string verdict;
  std::string why;
  bool degenerate = false;
  std::string note;
  Json detail;  // full result for --json
};

std::string fmt_num(double v) { return reports::format_number(v); }
std::string fmt_p(double p) { return reports::format_p(p); }

// The verdict rules live in rigor::reports (reports/src/verdict.cpp), shared with `rigor analyze`.
void judge(Row& row, const Options& o, std::span<const double> a, std::span<const double> b,
           double p_value) {
  reports::VerdictInput in;
  in.alternative = o.alternative;
  in.alpha = o.alpha;
  in.min_effect = o.min_effect;
  in.p_value = p_value;
  in.estimate = row.estimate;
  in.degenerate = row.degenerate;
  in.paired = o.paired;
  const reports::VerdictResult v = reports::judge(in, a, b);
  row.verdict = std::string(reports::to_string(v.verdict));
  row.why = v.why;
}

Row from_test(std::string test, std::string title, const stats::TestResult& r,
              std::string estimate_label, const Options& o, std::span<const double> a,
              std::span<const double> b) {
  Row row;
  row.test = std::move(test);
  row.title = std::move(title);
  row.statistic = fmt::format("{} = {}", r.statistic_name, fmt_num(r.statistic));
  if (r.df) row.statistic += fmt::format(" (df {})", fmt_num(*r.df));
  row.p_value = r.p_value;
  row.estimate = r.estimate;
  row.ci = r.ci;
  row.estimate_label = std::move(estimate_label);
  row.degenerate = r.degenerate;
  row.note = r.note;
  row.detail = to_json(r);
  judge(row, o, a, b, r.p_value);
  return row;
}

Row run_aso(const Options& o, std::span<const double> a, std::span<const double> b) {
  // ASO is directional: "A almost stochastically larger than B". For `less` the roles swap; for
  // two-sided both directions are checked at confidence 1 - alpha/2 each.
  stats::AsoOptions aso_opts;
  const bool two_sided = o.alternative == stats::Alternative::kTwoSided;
  aso_opts.confidence_level = 1.0 - (two_sided ? o.alpha / 2 : o.alpha);
  Row row;
  row.test = "aso";
  row.title = "ASO";
  row.estimate_label = "eps_min";
  const bool a_first = o.alternative != stats::Alternative::kLess;
  const auto r = a_first ? stats::aso(a, b, o.seed, aso_opts) : stats::aso(b, a, o.seed, aso_opts);
  double eps = r.eps_min;
  std::string direction = a_first ? "A over B" : "B over A";
  Json detail;
  detail[a_first ? "a_over_b" : "b_over_a"] = {
      {"eps_min", r.eps_min}, {"eps_hat", r.eps_hat}, {"sigma_hat", r.sigma_hat}, {"note", r.note}};
  bool degenerate = r.degenerate;
  std::string note = r.note;
  if (two_sided) {
    const auto back = stats::aso(b, a, o.seed, aso_opts);
    detail["b_over_a"] = {{"eps_min", back.eps_min},
                          {"eps_hat", back.eps_hat},
                          {"sigma_hat", back.sigma_hat},
                          {"note", back.note}};
    if (back.eps_min < eps) {
      eps = back.eps_min;
      direction = "B over A";
    }
  }
  detail["confidence_level"] = aso_opts.confidence_level;
  detail["num_bootstrap"] = r.num_bootstrap;
  detail["seed"] = o.seed;
  detail["threshold"] = o.aso_threshold;
  row.statistic = fmt::format("eps_min = {} ({})", fmt_num(eps), direction);
  row.estimate = eps;
  row.degenerate = degenerate;
  row.note = note;
  row.detail = detail;
  const reports::VerdictResult v = reports::judge_aso(eps, o.aso_threshold, degenerate, direction);
  row.verdict = std::string(reports::to_string(v.verdict));
  row.why = v.why;
  return row;
}

std::vector<Row> run_tests(const Options& o, std::span<const double> a, std::span<const double> b) {
  std::vector<Row> rows;
  stats::TTestOptions t;
  t.alternative = o.alternative;
  t.conf_level = o.conf_level;
  for (const std::string& test : o.tests) {
    if (test == "welch" || test == "student" || test == "t") {
      if (o.paired) {
        rows.push_back(from_test("paired_t", "Paired t", stats::paired_t_test(a, b, t),
                                 "mean difference", o, a, b));
      } else if (test == "student") {
        rows.push_back(from_test("student", "Student t", stats::student_t_test(a, b, t),
                                 "difference of means", o, a, b));
      } else {
        rows.push_back(from_test("welch", "Welch t", stats::welch_t_test(a, b, t),
                                 "difference of means", o, a, b));
      }
    } else if (test == "mwu") {
      if (o.paired)
        throw UsageError(
            "--test mwu is for independent samples; with --paired use --test wilcoxon");
      stats::MannWhitneyOptions m;
      m.alternative = o.alternative;
      m.conf_level = o.conf_level;
      rows.push_back(from_test("mwu", "Mann-Whitney U", stats::mann_whitney(a, b, m),
                               "location shift (HL)", o, a, b));
    } else if (test == "wilcoxon") {
      if (!o.paired)
        throw UsageError(
            "--test wilcoxon is the paired signed-rank test; add --paired (rows paired by seed) or "
            "use --test mwu");
      stats::WilcoxonOptions w;
      w.alternative = o.alternative;
      w.conf_level = o.conf_level;
      rows.push_back(from_test("wilcoxon", "Wilcoxon signed-rank",
                               stats::wilcoxon_signed_rank(a, b, w), "pseudomedian of A - B", o, a,
                               b));
    } else if (test == "permutation") {
      stats::PermutationOptions p;
      p.alternative = o.alternative;
      p.n_resamples = o.resamples;
      const auto r = o.paired ? stats::paired_permutation_test(a, b, o.seed, p)
                              : stats::permutation_test(a, b, o.seed, p);
      Row row = from_test("permutation", o.paired ? "Permutation (sign-flip)" : "Permutation",
                          r.test, "difference of means", o, a, b);
      row.detail["n_permutations"] = r.n_permutations;
      row.detail["seed"] = r.seed;
      rows.push_back(std::move(row));
    } else if (test == "aso") {
      rows.push_back(run_aso(o, a, b));
    } else {
      throw UsageError(fmt::format(
          "--test {} is not known; use welch, student, mwu, wilcoxon, permutation, aso or all",
          test));
    }
  }
  return rows;
}

Json summary_json(std::span<const double> x) {
  return {{"n", x.size()},
          {"mean", stats::mean(x)},
          {"sd", std::sqrt(stats::variance(x))},
          {"median", stats::median(x)},
          {"min", *std::min_element(x.begin(), x.end())},
          {"max", *std::max_element(x.begin(), x.end())}};
}

}  // namespace

int compare_main(const std::vector<std::string>& args, Io& io) {
  Options o;
  std::string tests = "default", alternative = "two-sided";
  po::options_description desc("Options");
  desc.add_options()("help,h", "show this help")(
      "column", po::value(&o.column),
      "column of the scores: header name or 1-based index (default: the last)")(
      "column-b", po::value(&o.column_b), "column in B.csv when it differs from --column")(
      "paired", po::bool_switch(&o.paired),
      "rows of A and B are paired by seed (same seeds, same order)")(
      "test", po::value(&tests),
      "welch (default; paired t with --paired), student, mwu, wilcoxon, permutation, aso, all, or "
      "a comma list")("alternative", po::value(&alternative),
                      "two-sided (default), greater (A scores higher), less")(
      "alpha", po::value(&o.alpha)->default_value(0.05), "significance level")(
      "min-effect", po::value(&o.min_effect)->default_value(0.0),
      "minimum effect of interest, in score units (difference of means)")(
      "conf-level", po::value(&o.conf_level)->default_value(0.95), "confidence level of intervals")(
      "aso-threshold", po::value(&o.aso_threshold)->default_value(0.2),
      "ASO: eps_min below this supports the claim (0.2: see docs/stats/aso.md, Reading eps_min)")(
      "seed", po::value(&o.seed)->default_value(1),
      "seed of the resampling tests (permutation, ASO, bootstrap)")(
      "resamples", po::value(&o.resamples)->default_value(10000),
      "Monte Carlo permutations when not exact")("json", po::bool_switch(&o.json),
                                                 "write JSON instead of the table");
  po::options_description hidden;
  hidden.add_options()("files", po::value<std::vector<std::string>>(), "A.csv B.csv");
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("files", 2);
  const po::variables_map vm = parse_options(args, all, pos);
  if (vm.count("help")) {
    io.out << kUsage << desc;
    return kExitOk;
  }
  if (!vm.count("files") || vm["files"].as<std::vector<std::string>>().size() != 2) {
    throw UsageError("two score files are required: rigor compare A.csv B.csv");
  }
  const auto files = vm["files"].as<std::vector<std::string>>();
  o.path_a = files[0];
  o.path_b = files[1];
  try {
    o.alternative = stats::parse_alternative(alternative, "--alternative");
    stats::require_level(o.alpha, "--alpha");
    stats::require_level(o.conf_level, "--conf-level");
  } catch (const stats::StatsError& e) {
    throw UsageError(e.what());
  }
  if (!(o.min_effect >= 0) || !std::isfinite(o.min_effect)) {
    throw UsageError(fmt::format(
        "--min-effect is {}, but must be a finite number >= 0 (in score units)", o.min_effect));
  }
  if (tests == "default") tests = "welch";
  if (tests == "all")
    tests = o.paired ? "welch,wilcoxon,permutation,aso" : "welch,mwu,permutation,aso";
  std::stringstream list(tests);
  for (std::string t; std::getline(list, t, ',');) o.tests.push_back(t);

  const auto a = read_score_column(o.path_a, o.column);
  const auto b = read_score_column(o.path_b, o.column_b.empty() ? o.column : o.column_b);
  if (o.paired && a.size() != b.size()) {
    throw Error(
        fmt::format("--paired needs one score per seed in both files, but {} has {} and {} has {}",
                    o.path_a, a.size(), o.path_b, b.size()));
  }
  if (a.size() < 2 || b.size() < 2) {
    throw Error(fmt::format("each arm needs at least 2 seeds, but {} has {} and {} has {}",
                            o.path_a, a.size(), o.path_b, b.size()));
  }
  std::vector<Row> rows;
  try {
    rows = run_tests(o, a, b);
  } catch (const stats::StatsError& e) {
    throw Error(e.what());
  }
  stats::EffectSizeOptions eo;
  eo.conf_level = o.conf_level;
  // Paired designs standardize by the SD of the differences (d_z), as the paired t-test does.
  const auto g = o.paired ? stats::cohens_dz(a, b, eo) : stats::hedges_g(a, b, eo);
  const auto a12 = stats::vargha_delaney_a12(a, b, eo);

  if (o.json) {
    Json j;
    j["a"] = {{"file", o.path_a}, {"summary", summary_json(a)}};
    j["b"] = {{"file", o.path_b}, {"summary", summary_json(b)}};
    j["claim"] = {{"alternative", std::string(stats::to_string(o.alternative))},
                  {"alpha", o.alpha},
                  {"min_effect", o.min_effect},
                  {"paired", o.paired}};
    j["effect_sizes"] = Json::array();
    for (const auto* e : {&g, &a12}) {
      j["effect_sizes"].push_back({{"method", e->method},
                                   {"estimate", json_number(e->estimate)},
                                   {"ci", to_json(e->ci)},
                                   {"conf_level", e->conf_level},
                                   {"degenerate", e->degenerate},
                                   {"note", e->note}});
    }
    j["tests"] = Json::array();
    for (const Row& r : rows) {
      j["tests"].push_back(
          {{"test", r.test}, {"verdict", r.verdict}, {"why", r.why}, {"result", r.detail}});
    }
    j["primary"] = rows.front().test;
    j["verdict"] = rows.front().verdict;
    io.out << j.dump(2) << "\n";
  } else {
    auto describe = [&](const char* label, const std::string& path, std::span<const double> x) {
      io.out << fmt::format("{}: {:<40} n={:<4} mean {}  sd {}  median {}\n", label, path, x.size(),
                            fmt_num(stats::mean(x)), fmt_num(std::sqrt(stats::variance(x))),
                            fmt_num(stats::median(x)));
    };
    describe("A", o.path_a, a);
    describe("B", o.path_b, b);
    const char* claim = o.alternative == stats::Alternative::kGreater ? "A > B"
                        : o.alternative == stats::Alternative::kLess  ? "A < B"
                                                                      : "A != B";
    io.out << fmt::format("claim: {}{}, alpha {}, min effect {}\n", claim,
                          o.paired ? " (paired by seed)" : "", fmt_num(o.alpha),
                          fmt_num(o.min_effect));
    io.out << fmt::format("effect size: {} {} [{}, {}], {} {} [{}, {}] ({:.0f}% CI)\n\n", g.method,
                          fmt_num(g.estimate), fmt_num(g.ci.lower), fmt_num(g.ci.upper), a12.method,
                          fmt_num(a12.estimate), fmt_num(a12.ci.lower), fmt_num(a12.ci.upper),
                          100 * o.conf_level);
    io.out << fmt::format("{:<24} {:<30} {:>10}  {:<36} {}\n", "test", "statistic", "p-value",
                          fmt::format("estimate [{:.0f}% CI]", 100 * o.conf_level), "verdict");
    for (const Row& r : rows) {
      std::string est = r.estimate ? fmt_num(*r.estimate) : "-";
      if (r.ci) est += fmt::format(" [{}, {}]", fmt_num(r.ci->lower), fmt_num(r.ci->upper));
      io.out << fmt::format("{:<24} {:<30} {:>10}  {:<36} {}{}\n", r.title, r.statistic,
                            r.p_value ? fmt_p(*r.p_value) : "-", est, r.verdict,
                            r.why.empty() ? "" : " (" + r.why + ")");
    }
    for (const Row& r : rows) {
      if (!r.note.empty()) io.out << fmt::format("note ({}): {}\n", r.title, r.note);
    }
    io.out << fmt::format("\nverdict ({}): {}\n", rows.front().title, rows.front().verdict);
  }
  return rows.front().verdict == "supported" ? kExitOk : kExitClaimFailed;
}

}  // namespace rigor::cli
