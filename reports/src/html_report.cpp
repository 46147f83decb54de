// The HTML audit report (rigor/reports/html_report.h): assembles the analysis and what only the
// store holds (learning curves, determinism audit, per-example results, run messages) into one
// page with inline SVG charts; and the PDF through headless Chromium. Layout: docs/report.md.
#include "rigor/reports/html_report.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "rigor/reports/html.h"
#include "rigor/reports/svg.h"

extern char** environ;  // POSIX: the environment handed to Chromium

namespace rigor::reports {
namespace {

using html::Cell;
using html::Markup;
using store::RunStatus;

// ---- Formatting ---------------------------------------------------------------------------

std::string num(double v) { return format_number(v); }

std::string num(const std::optional<double>& v) { return v ? format_number(*v) : "-"; }

std::string p_text(const std::optional<double>& p) { return p ? format_p(*p) : "-"; }

std::string interval_text(const stats::Interval& ci) {
  return fmt::format("[{}, {}]", format_number(ci.lower), format_number(ci.upper));
}

std::string interval_text(const std::optional<stats::Interval>& ci) {
  return ci ? interval_text(*ci) : "-";
}

std::string percent(double level) { return fmt::format("{:g}%", level * 100.0); }

// A power as a percentage: one decimal below 10%, none above ("6.5%", "41%").
std::string power_percent(double power) {
  const double pct = power * 100.0;
  return pct < 10.0 ? fmt::format("{:.1f}%", pct) : fmt::format("{:.0f}%", pct);
}

Tone tone_of(Verdict v) {
  switch (v) {
    case Verdict::kSupported:
      return Tone::kSupported;
    case Verdict::kBelowMinimum:
    case Verdict::kNotSupported:
      return Tone::kNotSupported;
    case Verdict::kInconclusive:
    case Verdict::kRunsMissing:
      return Tone::kInconclusive;
  }
  return Tone::kNeutral;
}

Markup verdict_badge(Verdict v) { return html::badge(to_string(v), tone_of(v)); }

std::string direction_text(protocols::Direction d) {
  return d == protocols::Direction::kHigher ? "higher is better" : "lower is better";
}

// A link to a section: href is built from our own ids only.
Markup link(std::string_view section_id, std::string_view text) {
  return html::trusted(fmt::format("<a href=\"#{}\">{}</a>", section_id, html::escape(text)));
}

Markup code(std::string_view text) { return html::element("code", html::text(text)); }

// A two-column table of (field, value).
Markup facts(std::string caption, std::vector<std::pair<std::string, Cell>> rows) {
  html::Table t{.caption = std::move(caption), .header = {"field", "value"}, .rows = {}};
  for (auto& [key, value] : rows) t.rows.push_back({Cell(key), std::move(value)});
  return html::table(t);
}

Markup warning_box(const Warning& w) {
  std::string text = fmt::format("{}: {}", w.code, w.message);
  if (!w.fix.empty()) text += fmt::format(" Fix: {}", w.fix);
  return html::paragraph(text, "warning");
}

std::string claim_section_id(std::size_t index) { return fmt::format("claim-{}", index + 1); }

// ---- What the report reads from the store --------------------------------------------------

struct RunView {
  std::string cell_id;
  std::string arm;
  std::int64_t replicate = 0;
  RunStatus status = RunStatus::kPlanned;
  std::string error;
  std::string device;
  double wall_seconds = 0.0;
  std::map<std::string, store::Series> epoch_metrics;
  store::ExampleResults examples;
};

// Every run of the store: its epoch metrics and per-example results, never its per-step metrics
// or checkpoint (the report draws neither; both can be MBs per run).
std::vector<RunView> read_runs(const store::StoreReader& store) {
  std::vector<RunView> runs;
  for (const std::string& id : store.run_ids()) {
    store::RunRecord r = store.run(
        id, {.step_metrics = false, .epoch_metrics = true, .examples = true, .checkpoint = false});
    runs.push_back(RunView{.cell_id = std::move(r.cell_id),
                           .arm = std::move(r.arm),
                           .replicate = r.replicate,
                           .status = r.status,
                           .error = std::move(r.error),
                           .device = std::move(r.device),
                           .wall_seconds = r.wall_seconds,
                           .epoch_metrics = std::move(r.epoch_metrics),
                           .examples = std::move(r.examples)});
  }
  return runs;
}

// Arms in protocol order, then any arm found only in the store, sorted.
std::vector<std::string> arm_order(const Analysis& analysis, const std::vector<RunView>& runs) {
  std::vector<std::string> arms;
  for (const auto& a : analysis.arms) arms.push_back(a.name);
  std::set<std::string> extra;
  for (const auto& r : runs) {
    if (std::find(arms.begin(), arms.end(), r.arm) == arms.end()) extra.insert(r.arm);
  }
  arms.insert(arms.end(), extra.begin(), extra.end());
  return arms;
}

// ---- Summary --------------------------------------------------------------------------------

std::string seeds_needed_text(const ClaimResult& c) {
  if (!c.power) return "-";
  if (c.power->seeds_needed == 0) return "more than 10^7";
  return fmt::format("{} (has {}; power {})", c.power->seeds_needed, c.power->n,
                     power_percent(c.power->power));
}

// The effect shown for a claim: the mean difference when computed, else the test's estimate.
std::optional<Estimate> shown_effect(const ClaimResult& c) {
  if (c.effects.mean_difference) return c.effects.mean_difference;
  if (c.test && c.test->estimate) return c.test->estimate;
  return std::nullopt;
}

std::string effect_text(const ClaimResult& c) {
  const auto e = shown_effect(c);
  if (!e) return "-";
  return e->ci ? fmt::format("{} {}", num(e->value), interval_text(e->ci)) : num(e->value);
}

Markup summary_section(const Analysis& a) {
  Markup body;
  if (!a.study_description.empty()) body += html::paragraph(a.study_description);
  const StatusCounts& n = a.runs;
  body += facts(
      "Study",
      {
          {"study", Cell(a.study_name)},
          {"store", Cell(code(a.store_path))},
          {"analysed", Cell(a.created)},
          {"rigor version", Cell(a.rigor_version.empty() ? "-" : a.rigor_version)},
          {"protocol", Cell(a.pre_registered
                                ? html::badge("pre-registered", Tone::kSupported) +
                                      html::text(" hash matches the registered one")
                                : html::badge("exploratory", Tone::kInconclusive) +
                                      html::text(" protocol changed after registration: claims are "
                                                 "exploratory"))},
          {"runs",
           Cell(fmt::format("{} planned in total: {} complete, {} diverged, {} failed, {} "
                            "running, {} not started",
                            n.total(), n.complete, n.diverged, n.failed, n.running, n.planned))},
          {"resampling seed", Cell(fmt::format("{}", a.seed), "num")},
          {"confidence level", Cell(percent(a.conf_level), "num")},
      });

  html::Table t{.caption = "Verdicts",
                .header = {"claim", "statement", "verdict", "why", "seeds for 80% power",
                           "p (corrected)", "effect [CI]"},
                .rows = {}};
  for (std::size_t i = 0; i < a.claims.size(); ++i) {
    const ClaimResult& c = a.claims[i];
    t.rows.push_back({Cell(link(claim_section_id(i), c.id)), Cell(c.statement),
                      Cell(verdict_badge(c.verdict)), Cell(c.why), Cell(seeds_needed_text(c)),
                      Cell(p_text(c.test ? c.test->p_corrected : std::nullopt), "num"),
                      Cell(effect_text(c), "num")});
  }
  body += html::table(t);
  if (a.claims.empty()) {
    body += html::paragraph("The protocol declares no claims: nothing to test.", "note");
  }
  for (const Warning& w : a.warnings) {
    if (w.claim.empty()) body += warning_box(w);
  }
  return body;
}

// ---- Effects (forest plots) ----------------------------------------------------------------

Markup effects_section(const Analysis& a) {
  // One forest plot per metric and minimum effect: rows on one axis share units. Differences in
  // metric units (difference of means, mean of paired differences) share a plot; other
  // estimates (P(A > B), eps_min) get a plot per kind.
  struct Group {
    std::string metric;
    std::string kind;  // empty: metric units; else the estimate's label
    double min_effect = 0.0;
    double conf_level = 0.95;
    std::vector<std::string> labels;  // estimate labels in the plot
    std::vector<svg::ForestRow> rows;
  };
  std::vector<Group> groups;
  std::vector<std::string> without;
  for (const ClaimResult& c : a.claims) {
    const auto e = shown_effect(c);
    if (!e) {
      without.push_back(c.id);
      continue;
    }
    // min_effect is in metric units except for p_outperform (P - 1/2) and aso (eps_min).
    const bool metric_units = c.effects.mean_difference.has_value();
    const bool min_in_units = metric_units && c.test_kind != protocols::ClaimTest::kPOutperform &&
                              c.test_kind != protocols::ClaimTest::kAso;
    const double min_effect = min_in_units ? c.min_effect : 0.0;
    const std::string kind = metric_units ? std::string() : e->label;
    auto g = std::find_if(groups.begin(), groups.end(), [&](const Group& x) {
      return x.metric == c.metric && x.kind == kind && x.min_effect == min_effect &&
             x.conf_level == e->conf_level;
    });
    if (g == groups.end()) {
      groups.push_back(Group{.metric = c.metric,
                             .kind = kind,
                             .min_effect = min_effect,
                             .conf_level = e->conf_level,
                             .labels = {},
                             .rows = {}});
      g = groups.end() - 1;
    }
    if (std::find(g->labels.begin(), g->labels.end(), e->label) == g->labels.end()) {
      g->labels.push_back(e->label);
    }
    const double inf = std::numeric_limits<double>::infinity();
    g->rows.push_back(svg::ForestRow{.label = fmt::format("{}: {} vs {}", c.id, c.a, c.b),
                                     .estimate = e->value,
                                     .ci_low = e->ci ? e->ci->lower : -inf,
                                     .ci_high = e->ci ? e->ci->upper : inf,
                                     .tone = tone_of(c.verdict)});
  }
  Markup body = html::paragraph(
      "Each row is one claim: the square is the estimate of A - B, the bar its confidence "
      "interval (an arrow: open end). The solid line is no effect; dashed lines are the declared "
      "minimum effect either way. Colour is the verdict.",
      "note");
  for (const Group& group : groups) {
    std::string labels;
    for (const auto& l : group.labels) labels += (labels.empty() ? "" : " / ") + l;
    svg::ForestPlot plot;
    plot.title = group.kind.empty() ? fmt::format("A - B on {}", group.metric)
                                    : fmt::format("{} on {}", group.kind, group.metric);
    if (group.min_effect > 0)
      plot.title += fmt::format(" (minimum effect {})", num(group.min_effect));
    plot.x_label = fmt::format("{} ({}), {} CI", group.kind.empty() ? "A - B" : group.kind, labels,
                               percent(group.conf_level));
    plot.rows = group.rows;
    plot.min_effect = group.min_effect;
    body += html::trusted(svg::render(plot));
  }
  if (!without.empty()) {
    std::string ids;
    for (const auto& id : without) ids += (ids.empty() ? "" : ", ") + id;
    body += html::paragraph(fmt::format("No effect estimate (too few usable runs) for: {}.", ids),
                            "note");
  }
  return body;
}

// ---- One claim ------------------------------------------------------------------------------

svg::StripGroup strip_group(const std::string& role, const std::string& arm,
                            const std::vector<Score>& scores, std::int64_t unusable) {
  svg::StripGroup g;
  g.label = fmt::format("{}: {}", role, arm);
  for (const Score& s : scores) {
    g.values.push_back(s.value);
    g.diverged.push_back(s.status == RunStatus::kDiverged || s.substituted);
  }
  g.missing = unusable > 0 ? static_cast<std::size_t>(unusable) : 0;
  return g;
}

Markup scores_table(const ClaimResult& c) {
  html::Table t{
      .caption = "Scores per run",
      .header = {"arm", "replicate", "cell", "status", "analysed value", "recorded value", "note"},
      .rows = {}};
  for (const auto* side : {&c.scores_a, &c.scores_b}) {
    const std::string& arm = side == &c.scores_a ? c.a : c.b;
    for (const Score& s : *side) {
      t.rows.push_back({Cell(arm), Cell(fmt::format("{}", s.replicate), "num"), Cell(s.cell_id),
                        Cell(std::string(store::to_string(s.status)),
                             s.status == RunStatus::kComplete ? "" : "warn"),
                        Cell(num(s.value), "num"), Cell(num(s.recorded), "num"),
                        Cell(s.substituted ? "diverged: worst outcome substituted" : "")});
    }
  }
  return html::table(t);
}

Markup test_table(const ClaimResult& c) {
  if (!c.test) {
    return html::paragraph(
        "The test did not run: fewer than 2 usable runs in an arm (see the runs section).",
        "error");
  }
  const ClaimTestResult& t = *c.test;
  std::vector<std::pair<std::string, Cell>> rows = {
      {"test", Cell(fmt::format("{} ({})", t.method, t.name))},
      {"design", Cell(t.paired ? "paired by replicate (seed)" : "unpaired")},
      {"alternative",
       Cell(fmt::format("{} (A = {}, B = {})", stats::to_string(c.alternative), c.a, c.b))},
      {t.statistic_name.empty() ? "statistic" : t.statistic_name, Cell(num(t.statistic), "num")},
  };
  if (t.df) rows.push_back({"df", Cell(num(*t.df), "num")});
  if (t.p_value) {
    rows.push_back({"p (raw)", Cell(format_p(*t.p_value), "num")});
    rows.push_back({fmt::format("p ({} over family {} of size {})",
                                protocols::to_string(c.correction), c.family, c.family_size),
                    Cell(p_text(t.p_corrected), "num")});
  }
  rows.push_back({"alpha used", Cell(num(t.alpha_used), "num")});
  if (t.estimate) {
    rows.push_back(
        {fmt::format("estimate: {}", t.estimate->label),
         Cell(fmt::format("{} {} ({} CI)", num(t.estimate->value), interval_text(t.estimate->ci),
                          percent(t.estimate->conf_level)),
              "num")});
  }
  if (t.eps_min) {
    rows.push_back(
        {fmt::format("eps_min ({})", t.aso_direction),
         Cell(fmt::format("{} (threshold {})", num(*t.eps_min), num(t.aso_threshold)), "num")});
  }
  if (t.p_outperform) {
    rows.push_back({"P(A > B)", Cell(fmt::format("{} {}", num(*t.p_outperform),
                                                 interval_text(t.p_outperform_ci)),
                                     "num")});
    rows.push_back({"conclusion", Cell(t.outperform_conclusion)});
  }
  rows.push_back({"exact", Cell(t.exact ? "yes" : "no")});
  if (t.seed) rows.push_back({"resampling seed", Cell(fmt::format("{}", *t.seed), "num")});
  if (t.degenerate || !t.note.empty()) {
    rows.push_back({"note", Cell(t.note.empty() ? "degenerate input" : t.note, "warn")});
  }
  return facts("Declared test", std::move(rows));
}

Markup effects_table(const ClaimResult& c) {
  html::Table t{.caption = "Effect sizes (A vs B)",
                .header = {"effect", "estimate", "CI", "note"},
                .rows = {}};
  if (c.effects.mean_difference) {
    const Estimate& e = *c.effects.mean_difference;
    t.rows.push_back(
        {Cell(e.label), Cell(num(e.value), "num"),
         Cell(fmt::format("{} ({})", interval_text(e.ci), percent(e.conf_level)), "num"),
         Cell("")});
  }
  for (const auto* es : {&c.effects.standardized, &c.effects.cliffs_delta, &c.effects.a12}) {
    if (!*es) continue;
    const stats::EffectSize& e = **es;
    t.rows.push_back(
        {Cell(e.method), Cell(num(e.estimate), "num"),
         Cell(fmt::format("{} ({})", interval_text(e.ci), percent(e.conf_level)), "num"),
         Cell(e.note, e.degenerate ? "warn" : "")});
  }
  return html::table(t);
}

Markup checks_table(const ClaimResult& c) {
  if (!c.normality_a && !c.normality_b && !c.rank_test_beside && !c.power) return {};
  html::Table t{.caption = "Checks", .header = {"check", "result", "p"}, .rows = {}};
  const auto normality = [&](const std::optional<stats::TestResult>& r, const std::string& arm) {
    if (!r) return;
    const bool flagged = r->p_value < 0.05;
    t.rows.push_back({Cell(fmt::format("normality of {} ({})", arm, r->method)),
                      Cell(fmt::format("{} = {}{}", r->statistic_name, num(r->statistic),
                                       flagged ? ": not normal at 5%, see the rank test" : "")),
                      Cell(format_p(r->p_value), flagged ? "warn" : "num")});
  };
  normality(c.normality_a, c.a);
  normality(c.normality_b, c.b);
  if (c.rank_test_beside) {
    const auto& r = *c.rank_test_beside;
    t.rows.push_back({Cell(fmt::format("rank test beside ({})", r.method)),
                      Cell(fmt::format("{} = {}", r.statistic_name, num(r.statistic))),
                      Cell(format_p(r.p_value), "num")});
  }
  if (c.power) {
    const PowerCheck& p = *c.power;
    t.rows.push_back(
        {Cell(fmt::format("power for min effect {} ({})", num(c.min_effect), p.method)),
         Cell(fmt::format("{} at {} seeds per arm (sd {}); 80% needs {}", power_percent(p.power),
                          p.n, num(p.sd),
                          p.seeds_needed > 0 ? fmt::format("{}", p.seeds_needed)
                                             : std::string("more than 10^7"))),
         Cell("-", p.power < 0.8 ? "warn" : "")});
  }
  return html::table(t);
}

Markup claim_section(const Analysis& a, const ClaimResult& c, const HtmlOptions& options) {
  Markup body = html::paragraph(c.statement, "statement");
  Markup verdict = verdict_badge(c.verdict);
  if (!c.why.empty()) verdict += html::text(" " + c.why);
  if (!c.pre_registered) {
    verdict += html::text(" ") + html::badge("exploratory", Tone::kInconclusive);
  }
  body += html::element("p", verdict);

  body +=
      facts("Declared in the protocol",
            {
                {"A", Cell(c.a)},
                {"B", Cell(c.b)},
                {"metric", Cell(fmt::format("{} ({})", c.metric, direction_text(c.direction)))},
                {"test", Cell(std::string(protocols::to_string(c.test_kind)))},
                {"alternative", Cell(std::string(stats::to_string(c.alternative)))},
                {"alpha", Cell(num(c.alpha), "num")},
                {"minimum effect", Cell(num(c.min_effect), "num")},
                {"family", Cell(fmt::format("{} ({} correction, {} configurations in total, {} for "
                                            "this claim)",
                                            c.family, protocols::to_string(c.correction),
                                            c.family_size, c.configurations))},
            });

  svg::StripBoxPlot plot;
  plot.title = fmt::format("{}: {} per seed", c.id, c.metric);
  plot.y_label = fmt::format("{} ({})", c.metric, direction_text(c.direction));
  plot.groups = {strip_group("A", c.a, c.scores_a, c.unusable_a),
                 strip_group("B", c.b, c.scores_b, c.unusable_b)};
  plot.jitter_seed = options.jitter_seed;
  body += html::trusted(svg::render(plot));
  body += html::paragraph(
      "One point per seed; box: quartiles (R's quantile type 7) and median; whiskers: the most "
      "extreme seeds within 1.5 IQR; red rings: diverged runs counted with the worst outcome.",
      "note");

  body += test_table(c);
  body += effects_table(c);
  body += checks_table(c);
  for (const Warning& w : a.warnings) {
    if (w.claim == c.id) body += warning_box(w);
  }
  body +=
      html::details(fmt::format("Scores per run ({} + {})", c.scores_a.size(), c.scores_b.size()),
                    scores_table(c));
  return body;
}

// ---- Learning curves ------------------------------------------------------------------------

Markup curves_section(const std::vector<RunView>& runs, const std::vector<std::string>& arms,
                      const HtmlOptions& options, const std::string& store_path) {
  std::vector<std::string> metrics = options.curve_metrics;
  if (metrics.empty()) {
    std::set<std::string> names;
    for (const auto& r : runs) {
      for (const auto& [name, series] : r.epoch_metrics) {
        if (!series.empty()) names.insert(name);
      }
    }
    metrics.assign(names.begin(), names.end());
  }
  if (metrics.empty()) {
    return html::paragraph(
        "No per-epoch metrics recorded (runs imported without epoch rows, or not yet run).",
        "note");
  }
  Markup body = html::paragraph(
      options.curve_band_sd
          ? "Line: mean over the arm's runs at each epoch; band: mean +- 1 standard deviation."
          : "Line: mean over the arm's runs at each epoch; band: minimum to maximum over runs.",
      "note");
  for (const std::string& metric : metrics) {
    svg::LineBand plot;
    plot.title = metric;
    plot.y_label = metric;
    plot.band = options.curve_band_sd ? svg::Band::kMeanSd : svg::Band::kMinMax;
    for (const std::string& arm : arms) {
      svg::CurveGroup g;
      g.label = arm;
      for (const auto& r : runs) {
        if (r.arm != arm) continue;
        auto it = r.epoch_metrics.find(metric);
        if (it == r.epoch_metrics.end() || it->second.empty()) continue;
        svg::Curve curve;
        for (std::size_t i = 0; i < it->second.size(); ++i) {
          const store::SeriesPoint& p = it->second[i];
          if (i > 0 && p.step <= it->second[i - 1].step) {
            throw ReportError(fmt::format(
                "{}:/runs/{}: epoch metric \"{}\" has epoch {} after epoch {}; epochs must be "
                "strictly ascending (re-record or re-import the run)",
                store_path, r.cell_id, metric, p.step, it->second[i - 1].step));
          }
          curve.x.push_back(static_cast<double>(p.step));
          curve.y.push_back(p.value);
        }
        g.runs.push_back(std::move(curve));
      }
      if (!g.runs.empty()) plot.groups.push_back(std::move(g));
    }
    if (plot.groups.empty()) {
      body +=
          html::paragraph(fmt::format("{}: no run recorded this epoch metric.", metric), "note");
      continue;
    }
    bool any_finite = false;
    for (const auto& g : plot.groups) {
      for (const auto& run : g.runs) {
        for (double v : run.y) any_finite = any_finite || std::isfinite(v);
      }
    }
    if (!any_finite) {
      body += html::paragraph(
          fmt::format("{}: every recorded value is NaN or infinite (diverged runs).", metric),
          "warning");
      continue;
    }
    body += html::trusted(svg::render(plot));
  }
  return body;
}

// ---- Multi-arm ------------------------------------------------------------------------------

Markup multi_arm_section(const Analysis& a) {
  Markup body;
  for (const MultiArmResult& m : a.multi_arm) {
    body +=
        html::element("h3", html::text(fmt::format("{} ({}), {} arms", m.metric,
                                                   direction_text(m.direction), m.arms.size())));
    if (!m.omnibus) {
      body += html::paragraph(
          fmt::format("Not computed: {}", m.skipped.empty() ? "no reason given" : m.skipped),
          "warning");
      continue;
    }
    const stats::TestResult& o = *m.omnibus;
    body += facts(
        "Omnibus test",
        {
            {"test", Cell(o.method)},
            {"design", Cell(m.paired ? fmt::format("paired: {} replicates as blocks", m.blocks)
                                     : fmt::format("unpaired: {} scores", m.blocks))},
            {o.statistic_name.empty() ? "statistic" : o.statistic_name,
             Cell(num(o.statistic), "num")},
            {"df", Cell(num(o.df), "num")},
            {"p", Cell(format_p(o.p_value), o.p_value <= m.alpha ? "good" : "num")},
            {"alpha", Cell(num(m.alpha), "num")},
        });
    const bool ranks_ok = m.average_ranks.size() == m.arms.size() && m.arms.size() >= 2;
    if (ranks_ok && m.paired && m.critical_difference && *m.critical_difference > 0) {
      svg::CriticalDifference cd;
      cd.title = fmt::format("Average ranks on {} (1 = best)", m.metric);
      for (std::size_t i = 0; i < m.arms.size(); ++i) {
        cd.methods.push_back({m.arms[i], m.average_ranks[i]});
      }
      cd.cd = *m.critical_difference;
      cd.cd_label =
          fmt::format("CD = {} (Nemenyi, alpha {})", num(*m.critical_difference), num(m.alpha));
      body += html::trusted(svg::render(cd));
      body += html::paragraph(
          "Critical-difference diagram (Demšar 2006): arms on the axis at their average rank "
          "over the replicates (1 = best); a thick bar joins arms whose ranks differ by less "
          "than "
          "the critical difference (Nemenyi): those are not significantly different.",
          "note");
    } else if (ranks_ok) {
      html::Table t{.caption = m.paired ? "Average ranks (1 = best)"
                                        : "Average pooled ranks (Kruskal-Wallis, 1 = best)",
                    .header = {"arm", "average rank"},
                    .rows = {}};
      for (std::size_t i = 0; i < m.arms.size(); ++i) {
        t.rows.push_back({Cell(m.arms[i]), Cell(num(m.average_ranks[i]), "num")});
      }
      body += html::table(t);
      body += html::paragraph(
          "No critical-difference diagram: it needs ranks within paired blocks (Demšar 2006); "
          "see the pairwise tests.",
          "note");
    }
    html::Table t{
        .caption = "Pairwise tests (Holm over all pairs)",
        .header = {"first", "second", "test", "p (raw)", "p (Holm)", "different", "Nemenyi"},
        .rows = {}};
    for (const PairwiseArms& p : m.pairwise) {
      t.rows.push_back(
          {Cell(p.first), Cell(p.second), Cell(p.test.method),
           Cell(format_p(p.test.p_value), "num"), Cell(format_p(p.p_adjusted), "num"),
           Cell(p.reject ? "yes" : "no", p.reject ? "good" : ""),
           Cell(p.nemenyi_significant ? (*p.nemenyi_significant ? "yes" : "no") : "-")});
    }
    body += html::table(t);
  }
  return body;
}

// ---- Determinism audit ----------------------------------------------------------------------

Markup determinism_section(const store::StoreReader& store, const std::string& store_path) {
  const auto docs = store.analysis();
  const auto it = docs.find("verify");
  if (it == docs.end()) {
    return html::paragraph(
        fmt::format("Not verified: run rigor verify {} to re-run a sample of cells and compare "
                    "their final parameters with the recorded ones.",
                    store_path),
        "warning");
  }
  const std::string where = fmt::format("{}:/analysis/verify", store_path);
  const auto bad = [&](const std::string& what) {
    return ReportError(
        fmt::format("{}: {}; rerun rigor verify {} to rewrite it", where, what, store_path));
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(it->second);
  } catch (const nlohmann::json::parse_error& e) {
    throw bad(fmt::format("not JSON ({})", e.what()));
  }
  if (!doc.is_object() || !doc.contains("cells") || !doc["cells"].is_array()) {
    throw bad("expected an object with an array \"cells\"");
  }
  const auto text_field = [&](const nlohmann::json& obj, const char* key,
                              const std::string& path) -> std::string {
    if (!obj.contains(key) || obj[key].is_null()) return "";
    if (!obj[key].is_string()) throw bad(fmt::format("{}.{} is not a string", path, key));
    return obj[key].get<std::string>();
  };
  static const std::map<std::string, Tone> kOutcomes = {{"bitwise", Tone::kSupported},
                                                        {"tolerance", Tone::kInconclusive},
                                                        {"mismatch", Tone::kNotSupported},
                                                        {"failed", Tone::kNotSupported}};
  std::map<std::string, int> counts;
  html::Table t{.caption = "Re-run cells",
                .header = {"cell", "outcome", "recorded SHA-256", "re-run SHA-256",
                           "max |difference|", "message"},
                .rows = {}};
  const auto& cells = doc["cells"];
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string path = fmt::format("cells[{}]", i);
    const auto& cell = cells[i];
    if (!cell.is_object()) throw bad(fmt::format("{} is not an object", path));
    const std::string id = text_field(cell, "cell", path);
    const std::string outcome = text_field(cell, "outcome", path);
    const auto tone = kOutcomes.find(outcome);
    if (tone == kOutcomes.end()) {
      throw bad(
          fmt::format("{}.outcome is \"{}\", but must be bitwise, tolerance, mismatch or "
                      "failed",
                      path, outcome));
    }
    ++counts[outcome];
    std::string diff = "-";
    if (cell.contains("max_abs_diff") && !cell["max_abs_diff"].is_null()) {
      if (!cell["max_abs_diff"].is_number()) {
        throw bad(fmt::format("{}.max_abs_diff is not a number", path));
      }
      diff = num(cell["max_abs_diff"].get<double>());
    }
    const auto sha = [&](const char* key) {
      const std::string s = text_field(cell, key, path);
      if (s.empty()) return Cell("-");
      return Cell(html::trusted(fmt::format("<code title=\"{0}\">{1}</code>", html::escape(s),
                                            html::escape(s.substr(0, 16)))));
    };
    t.rows.push_back({Cell(id), Cell(html::badge(outcome, tone->second)), sha("recorded_sha256"),
                      sha("rerun_sha256"), Cell(diff, "num"),
                      Cell(text_field(cell, "message", path))});
  }
  std::string sample = "-";
  if (doc.contains("sample") && doc["sample"].is_number_integer()) {
    sample = fmt::format("{}", doc["sample"].get<std::int64_t>());
  }
  Markup body = facts(
      "Verification",
      {{"cells re-run", Cell(fmt::format("{} (sample asked: {})", cells.size(), sample), "num")},
       {"device", Cell(text_field(doc, "device", "verify"))},
       {"verified", Cell(text_field(doc, "created", "verify"))},
       {"outcomes",
        Cell(fmt::format("{} bitwise identical, {} within tolerance, {} mismatch, {} failed",
                         counts["bitwise"], counts["tolerance"], counts["mismatch"],
                         counts["failed"]))}});
  if (counts["mismatch"] + counts["failed"] > 0) {
    body += html::paragraph(
        "Some re-runs did not reproduce the recorded parameters: the study is not reproducible "
        "as recorded on this device.",
        "error");
  }
  body += html::table(t);
  return body;
}

// ---- Hardest examples -----------------------------------------------------------------------

// An example is identified by its index in its source (the training pool the split divides, or
// the official test file; rigor::models::ExampleSet::index), so the same index is the same example
// in every run even when the runs' test sets differ. They differ under `split.mode = "per_seed"`
// (docs/protocol.md): each replicate draws its own test set from the pool. Then an example is
// averaged over the runs that tested it, and the table says so and counts those runs per example
// (docs/report.md, "Hardest test examples").
Markup examples_section(const std::vector<RunView>& runs, const std::vector<std::string>& arms,
                        std::size_t top) {
  Markup body = html::paragraph(
      "Test examples with the highest loss averaged over the arm's runs (NaN losses of diverged "
      "runs left out), with the true class and the class the runs predicted most often.",
      "note");
  bool any = false;
  for (const std::string& arm : arms) {
    struct Agg {
      double loss_sum = 0.0;
      std::size_t n = 0;       // runs with a finite loss on this example (the mean's count)
      std::size_t tested = 0;  // runs whose test set held this example
      std::map<std::int64_t, std::size_t> predictions;
      std::optional<std::int64_t> target;
      bool target_conflict = false;
    };
    std::map<std::int64_t, Agg> by_index;
    std::size_t runs_with_examples = 0;
    std::size_t skipped = 0;
    // The sorted example indices of the first run, and whether another run's differ.
    std::optional<std::vector<std::int64_t>> first_indices;
    bool indices_differ = false;
    for (const RunView& r : runs) {
      if (r.arm != arm || r.examples.empty()) continue;
      const store::ExampleResults& e = r.examples;
      if (e.loss.empty()) continue;
      ++runs_with_examples;
      const std::size_t count = std::min(e.index.size(), e.loss.size());
      std::vector<std::int64_t> indices(e.index.begin(),
                                        e.index.begin() + static_cast<std::ptrdiff_t>(count));
      std::sort(indices.begin(), indices.end());
      if (!first_indices) {
        first_indices = std::move(indices);
      } else if (indices != *first_indices) {
        indices_differ = true;
      }
      for (std::size_t i = 0; i < count; ++i) {
        Agg& agg = by_index[e.index[i]];
        ++agg.tested;
        if (std::isfinite(e.loss[i])) {
          agg.loss_sum += e.loss[i];
          ++agg.n;
        } else {
          ++skipped;
        }
        if (i < e.prediction.size()) ++agg.predictions[e.prediction[i]];
        if (i < e.target.size()) {
          if (agg.target && *agg.target != e.target[i]) agg.target_conflict = true;
          agg.target = e.target[i];
        }
      }
    }
    if (runs_with_examples == 0) continue;
    any = true;
    std::vector<std::pair<double, std::int64_t>> ranked;  // (mean loss, index)
    for (const auto& [index, agg] : by_index) {
      if (agg.n > 0) ranked.emplace_back(agg.loss_sum / static_cast<double>(agg.n), index);
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    if (ranked.size() > top) ranked.resize(top);
    std::string caption =
        fmt::format("{} ({} runs with per-example results", arm, runs_with_examples);
    if (indices_differ) {
      std::size_t fewest = runs_with_examples, most = 0;
      for (const auto& [index, agg] : by_index) {
        fewest = std::min(fewest, agg.tested);
        most = std::max(most, agg.tested);
      }
      caption += fmt::format(
          "; their test sets differ (split.mode = \"per_seed\"?): {} distinct examples, each "
          "averaged over the {} to {} runs that tested it",
          by_index.size(), fewest, most);
    }
    if (skipped > 0) caption += fmt::format(", {} non-finite losses left out", skipped);
    caption += ")";
    html::Table t{
        .caption = caption,
        .header = {"rank", "example", "mean loss", "runs", "target", "most frequent prediction"},
        .rows = {}};
    for (std::size_t k = 0; k < ranked.size(); ++k) {
      const Agg& agg = by_index.at(ranked[k].second);
      std::string target = "-";
      if (agg.target) {
        target = agg.target_conflict ? "differs between runs" : fmt::format("{}", *agg.target);
      }
      std::string prediction = "-";
      std::size_t total = 0;
      std::pair<std::int64_t, std::size_t> best{0, 0};
      for (const auto& [cls, n] : agg.predictions) {  // ascending class: ties keep the smallest
        total += n;
        if (n > best.second) best = {cls, n};
      }
      if (total > 0) prediction = fmt::format("{} ({} of {} runs)", best.first, best.second, total);
      const bool wrong =
          agg.target && !agg.target_conflict && total > 0 && best.first != *agg.target;
      // With differing test sets, the count of runs that tested the example matters: "2 of 3"
      // when one of the three runs that tested it has a non-finite loss.
      const std::string runs_cell = indices_differ && agg.n != agg.tested
                                        ? fmt::format("{} of {}", agg.n, agg.tested)
                                        : fmt::format("{}", agg.n);
      t.rows.push_back({Cell(fmt::format("{}", k + 1), "num"),
                        Cell(fmt::format("{}", ranked[k].second), "num"),
                        Cell(num(ranked[k].first), "num"), Cell(runs_cell, "num"),
                        Cell(target, "num"), Cell(prediction, wrong ? "bad" : "")});
    }
    body += html::table(t);
  }
  if (!any) {
    body += html::paragraph("No per-example test results recorded (no run stored its examples).",
                            "note");
  }
  return body;
}

// ---- Runs, provenance, protocol -------------------------------------------------------------

Markup runs_section(const Analysis& a, const std::vector<RunView>& runs) {
  html::Table per_arm{.caption = "Runs per arm",
                      .header = {"arm", "planned seeds", "complete", "diverged", "failed",
                                 "running", "not started"},
                      .rows = {}};
  for (const ArmSummary& arm : a.arms) {
    const StatusCounts& s = arm.status;
    const auto count_cell = [](std::int64_t n, const char* bad_class) {
      return Cell(fmt::format("{}", n), n > 0 ? std::string("num ") + bad_class : "num");
    };
    per_arm.rows.push_back({Cell(arm.name), Cell(fmt::format("{}", arm.planned_replicates), "num"),
                            Cell(fmt::format("{}", s.complete), "num"),
                            count_cell(s.diverged, "warn"), count_cell(s.failed, "bad"),
                            count_cell(s.running, "warn"), count_cell(s.planned, "warn")});
  }
  Markup body = html::table(per_arm);
  html::Table problems{.caption = "Failed, diverged and unfinished runs",
                       .header = {"cell", "arm", "replicate", "status", "message"},
                       .rows = {}};
  html::Table all{.caption = "All runs",
                  .header = {"cell", "arm", "replicate", "status", "wall seconds", "device"},
                  .rows = {}};
  for (const RunView& r : runs) {
    const std::string status(store::to_string(r.status));
    if (r.status != RunStatus::kComplete) {
      problems.rows.push_back({Cell(r.cell_id), Cell(r.arm),
                               Cell(fmt::format("{}", r.replicate), "num"),
                               Cell(status, r.status == RunStatus::kFailed ? "bad" : "warn"),
                               Cell(r.error.empty() ? Markup{} : html::pre(r.error))});
    }
    all.rows.push_back({Cell(r.cell_id), Cell(r.arm), Cell(fmt::format("{}", r.replicate), "num"),
                        Cell(status), Cell(num(r.wall_seconds), "num"), Cell(r.device)});
  }
  body += html::table(problems);
  body += html::details(fmt::format("All {} runs in the store", runs.size()), html::table(all));
  return body;
}

Markup provenance_section(const Analysis& a, const store::StoreReader& store) {
  html::Table t{.caption = "Where and how the study ran", .header = {"key", "value"}, .rows = {}};
  for (const auto& [key, value] : a.provenance) t.rows.push_back({Cell(key), Cell(value)});
  Markup body = html::table(t);
  const auto& merged = store.merged_provenance();
  for (std::size_t i = 0; i < merged.size(); ++i) {
    html::Table m{.caption = "", .header = {"key", "value"}, .rows = {}};
    for (const auto& [key, value] : merged[i]) m.rows.push_back({Cell(key), Cell(value)});
    body +=
        html::details(fmt::format("Merged shard {}: provenance that differs from the above", i + 1),
                      html::table(m));
  }
  return body;
}

Markup protocol_section(const Analysis& a) {
  Markup body =
      facts("Protocol hash",
            {{"registered (stored) hash", Cell(code(a.protocol_hash))},
             {"hash of the stored text", Cell(code(a.computed_hash))},
             {"status",
              Cell(a.pre_registered
                       ? html::badge("match", Tone::kSupported) +
                             html::text(" the claims were tested as registered")
                       : html::badge("mismatch", Tone::kNotSupported) +
                             html::text(" the protocol changed after registration: every claim is "
                                        "exploratory"))}});
  body += html::pre(a.protocol_text);
  return body;
}

// ---- PDF helpers ----------------------------------------------------------------------------

constexpr std::string_view kNoChromium =
    "PDF needs Chromium: install the Debian package chromium (scripts/install-deps.sh installs it) "
    "or "
    "open the HTML and print it";

std::string tail_of_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string s = buffer.str();
  if (s.size() > max_bytes) s = "..." + s.substr(s.size() - max_bytes);
  return s;
}

}  // namespace

std::string html_report(const Analysis& analysis, const store::StoreReader& store,
                        const HtmlOptions& options) {
  const std::string store_path =
      analysis.store_path.empty() ? store.path().string() : analysis.store_path;
  const std::vector<RunView> runs = read_runs(store);
  const std::vector<std::string> arms = arm_order(analysis, runs);

  const std::string title =
      options.title.empty() ? fmt::format("rigor audit: {}", analysis.study_name) : options.title;
  html::Page page(title,
                  fmt::format("store {} · analysed {} · rigor {}", store_path, analysis.created,
                              analysis.rigor_version.empty() ? "-" : analysis.rigor_version));
  page.add_section("summary", "Summary of verdicts", summary_section(analysis));
  if (!analysis.claims.empty()) {
    page.add_section("effects", "Effects across claims", effects_section(analysis));
  }
  for (std::size_t i = 0; i < analysis.claims.size(); ++i) {
    const ClaimResult& c = analysis.claims[i];
    page.add_section(claim_section_id(i), fmt::format("Claim {}", c.id),
                     claim_section(analysis, c, options));
  }
  page.add_section("learning-curves", "Learning curves",
                   curves_section(runs, arms, options, store_path));
  if (!analysis.multi_arm.empty()) {
    page.add_section("multi-arm", "Multi-arm comparison", multi_arm_section(analysis));
  }
  page.add_section("determinism", "Determinism audit", determinism_section(store, store_path));
  page.add_section("hardest-examples", "Hardest test examples",
                   examples_section(runs, arms, options.hardest_examples));
  page.add_section("runs", "Runs", runs_section(analysis, runs));
  page.add_section("provenance", "Provenance", provenance_section(analysis, store));
  page.add_section("protocol", "Protocol", protocol_section(analysis));
  return page.render();
}

std::optional<std::filesystem::path> find_chromium() {
  const char* path_env = std::getenv("PATH");
  if (path_env == nullptr) return std::nullopt;
  for (const char* name : {"chromium", "chromium-browser"}) {
    std::string_view rest(path_env);
    while (true) {
      const std::size_t colon = rest.find(':');
      const std::string_view dir = rest.substr(0, colon);
      if (!dir.empty()) {
        const std::filesystem::path candidate = std::filesystem::path(dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
          return candidate;
        }
      }
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  return std::nullopt;
}

std::vector<std::string> pdf_command(const std::filesystem::path& html_path,
                                     const std::filesystem::path& pdf_path) {
  const auto chromium = find_chromium();
  if (!chromium) throw ReportError(std::string(kNoChromium));
  // --no-pdf-header-footer drops the date/URL lines Chromium prints by default (older versions
  // ignore the unknown switch).
  return {chromium->string(),
          "--headless",
          "--disable-gpu",
          "--no-sandbox",
          "--no-pdf-header-footer",
          "--print-to-pdf=" + std::filesystem::absolute(pdf_path).string(),
          std::filesystem::absolute(html_path).string()};
}

void write_pdf(const std::filesystem::path& html_path, const std::filesystem::path& pdf_path) {
  const std::vector<std::string> argv_text = pdf_command(html_path, pdf_path);
  if (!std::filesystem::is_regular_file(html_path)) {
    throw ReportError(
        fmt::format("PDF: {} does not exist; write the HTML report first", html_path.string()));
  }
  std::error_code ec;
  std::filesystem::remove(pdf_path, ec);  // a stale PDF must not pass the check below

  // Chromium's output goes to a temporary log, quoted when it fails.
  std::string log_template = (std::filesystem::temp_directory_path() / "rigor-pdf-XXXXXX").string();
  const int log_fd = ::mkstemp(log_template.data());
  if (log_fd < 0) throw ReportError("PDF: cannot create a temporary log file in $TMPDIR");
  const std::filesystem::path log_path(log_template);

  std::vector<char*> argv;
  for (const auto& a : argv_text) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // own group: a timeout kills all
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(log_fd);
  if (rc != 0) {
    std::filesystem::remove(log_path, ec);
    throw ReportError(fmt::format("PDF: cannot start {}: {}", argv_text[0], std::strerror(rc)));
  }
  // Chromium prints a page in a few seconds; 120 s means it hangs.
  constexpr auto kTimeout = std::chrono::seconds(120);
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  bool timed_out = false;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() - start > kTimeout) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string log = tail_of_file(log_path, 1500);
  std::filesystem::remove(log_path, ec);
  std::string command;
  for (const auto& a : argv_text) command += (command.empty() ? "" : " ") + a;
  if (timed_out) {
    throw ReportError(fmt::format(
        "PDF: {} did not finish within 120 s and was stopped; output:\n{}", command, log));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw ReportError(fmt::format("PDF: {} failed (exit status {}); output:\n{}", command,
                                  WIFEXITED(status) ? WEXITSTATUS(status) : -1, log));
  }
  std::ifstream pdf(pdf_path, std::ios::binary);
  char magic[5] = {};
  if (!pdf || !pdf.read(magic, 5) || std::string_view(magic, 5) != "%PDF-") {
    throw ReportError(fmt::format("PDF: {} exited normally but wrote no PDF at {}; output:\n{}",
                                  command, pdf_path.string(), log));
  }
}

}  // namespace rigor::reports
