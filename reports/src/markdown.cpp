// The analysis as GitHub-flavoured Markdown (a pull request or a paper's appendix).
#include "rigor/reports/markdown.h"

#include <fmt/format.h>

#include <string>

namespace rigor::reports {
namespace {

// User text inside a table cell: '|' would end the cell, a newline the row; '\' and '`' and '*'
// would start formatting.
std::string cell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '|' || c == '\\' || c == '`' || c == '*' || c == '_' || c == '<' || c == '[' ||
               c == ']') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string num(double v) { return format_number(v); }

// p-values with 3 significant digits below 0.001 (format_p's 4 decimals would print 0.0001).
std::string p_value(double p) {
  if (p < 1e-3) return fmt::format("{:.2e}", p);
  return fmt::format("{:.4f}", p);
}

std::string ci_text(const std::optional<stats::Interval>& ci) {
  if (!ci) return "";
  return fmt::format(" [{}, {}]", num(ci->lower), num(ci->upper));
}

std::string estimate_text(const ClaimResult& c) {
  if (!c.test || !c.test->estimate) return "-";
  const Estimate& e = *c.test->estimate;
  return num(e.value) + ci_text(e.ci);
}

std::string p_text(const ClaimResult& c) {
  if (!c.test) return "-";
  if (!c.test->p_value) return fmt::format("- (alpha {})", num(c.test->alpha_used));
  return fmt::format("{} / {}", p_value(*c.test->p_value),
                     c.test->p_corrected ? p_value(*c.test->p_corrected) : "-");
}

std::string verdict_text(const ClaimResult& c) {
  std::string v = fmt::format("**{}**", to_string(c.verdict));
  if (!c.pre_registered) v += " (exploratory)";
  return v;
}

std::string effect_line(const char* label, const std::optional<stats::EffectSize>& e) {
  if (!e) return "";
  return fmt::format("- {}: {} [{}, {}] ({:.0f}% CI){}\n", label, num(e->estimate),
                     num(e->ci.lower), num(e->ci.upper), 100 * e->conf_level,
                     e->degenerate ? " — " + e->note : "");
}

std::string scores_text(const std::vector<Score>& scores) {
  std::string out;
  for (const Score& s : scores) {
    if (!out.empty()) out += ", ";
    out += num(s.value);
    if (s.status == store::RunStatus::kDiverged) out += " (diverged)";
  }
  return out.empty() ? "none" : out;
}

}  // namespace

std::string markdown_verdict_table(const Analysis& a) {
  std::string out;
  out += "| Claim | Test | Estimate [CI] | p raw / corrected | Verdict |\n";
  out += "|---|---|---|---|---|\n";
  for (const ClaimResult& c : a.claims) {
    out += fmt::format("| {} | {} | {} | {} | {} |\n", cell(c.id),
                       cell(std::string(protocols::to_string(c.test_kind))), estimate_text(c),
                       p_text(c), verdict_text(c));
  }
  return out;
}

std::string markdown_report(const Analysis& a) {
  std::string out;
  out += fmt::format("# Claims analysis: {}\n\n",
                     cell(a.study_name.empty() ? a.store_path : a.study_name));
  if (!a.study_description.empty()) out += cell(a.study_description) + "\n\n";
  out += fmt::format(
      "Store `{}`, protocol hash `{}` ({}). {} runs: {} complete, {} diverged, {} failed, {} not "
      "run. Analysed by rigor {} on {}.\n\n",
      a.store_path, a.protocol_hash,
      a.pre_registered ? "pre-registered: the stored protocol matches its hash"
                       : "EXPLORATORY: the stored protocol does not match its hash",
      a.runs.total(), a.runs.complete, a.runs.diverged, a.runs.failed,
      a.runs.planned + a.runs.running, a.rigor_version.empty() ? "?" : a.rigor_version, a.created);
  out += "## Verdicts\n\n";
  out += markdown_verdict_table(a);
  out += "\n";

  for (const ClaimResult& c : a.claims) {
    out += fmt::format("## Claim `{}`\n\n", c.id);
    if (!c.statement.empty()) out += fmt::format("> {}\n\n", cell(c.statement));
    out += fmt::format(
        "`{}` vs `{}` on `{}` ({} is better); test {}, alternative {}, alpha {}, min effect {}, "
        "family `{}` ({} correction over {} configuration{}).\n\n",
        c.a, c.b, c.metric, c.direction == protocols::Direction::kHigher ? "higher" : "lower",
        protocols::to_string(c.test_kind), stats::to_string(c.alternative), num(c.alpha),
        num(c.min_effect), c.family, protocols::to_string(c.correction), c.family_size,
        c.family_size == 1 ? "" : "s");
    out += fmt::format("- verdict: {}{}\n", verdict_text(c), c.why.empty() ? "" : " — " + c.why);
    if (c.test) {
      const ClaimTestResult& t = *c.test;
      out += fmt::format("- {}: {} = {}{}", t.method, t.statistic_name, num(t.statistic),
                         t.df ? fmt::format(" (df {})", num(*t.df)) : "");
      if (t.p_value) {
        out += fmt::format(", p = {} (corrected {})", p_value(*t.p_value),
                           t.p_corrected ? p_value(*t.p_corrected) : "-");
      }
      out += "\n";
      if (t.estimate) {
        out += fmt::format("- {}: {}{}\n", t.estimate->label, num(t.estimate->value),
                           ci_text(t.estimate->ci));
      }
      if (!t.note.empty()) out += fmt::format("- note: {}\n", t.note);
    }
    if (c.effects.mean_difference) {
      const Estimate& e = *c.effects.mean_difference;
      out += fmt::format("- {}: {}{} ({:.0f}% CI)\n", e.label, num(e.value), ci_text(e.ci),
                         100 * e.conf_level);
    }
    out += effect_line(
        c.effects.standardized && c.effects.standardized->kind == stats::EffectSizeKind::kCohensDz
            ? "Cohen's d_z"
            : "Hedges' g",
        c.effects.standardized);
    out += effect_line("Cliff's delta", c.effects.cliffs_delta);
    out += effect_line("A12", c.effects.a12);
    if (c.power) {
      out += fmt::format("- power for min effect {}: {:.0f}% ({}){}\n", num(c.min_effect),
                         100 * c.power->power, c.power->method,
                         c.power->seeds_needed > 0
                             ? fmt::format("; ~{} seeds per arm for 80%", c.power->seeds_needed)
                             : "");
    }
    if (c.rank_test_beside) {
      out += fmt::format("- rank test beside (normality doubtful): {}, W = {}, p = {}\n",
                         c.rank_test_beside->method, num(c.rank_test_beside->statistic),
                         p_value(c.rank_test_beside->p_value));
    }
    out += fmt::format("- scores `{}` (n = {}): {}\n", c.a, c.scores_a.size(),
                       scores_text(c.scores_a));
    out += fmt::format("- scores `{}` (n = {}): {}\n\n", c.b, c.scores_b.size(),
                       scores_text(c.scores_b));
  }

  out += "## Arms\n\n";
  out +=
      "| Arm | Metric | n | Mean | SD | Median | IQM [CI] | Min | Max | Runs (ok / div / "
      "failed / not run) |\n";
  out += "|---|---|---|---|---|---|---|---|---|---|\n";
  auto opt = [](const std::optional<double>& v) { return v ? num(*v) : std::string("-"); };
  for (const ArmSummary& s : a.arms) {
    for (const MetricSummary& m : s.metrics) {
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {}{} | {} | {} | {} / {} / {} / {} |\n",
                         cell(s.name), cell(m.metric), m.n, opt(m.mean), opt(m.sd), opt(m.median),
                         opt(m.iqm), ci_text(m.iqm_ci), opt(m.min), opt(m.max), s.status.complete,
                         s.status.diverged, s.status.failed, s.status.planned + s.status.running);
    }
  }
  out += "\n";

  for (const MultiArmResult& m : a.multi_arm) {
    out += fmt::format("## All arms on `{}`\n\n", m.metric);
    if (!m.omnibus) {
      out += fmt::format("Not computed: {}\n\n", m.skipped);
      continue;
    }
    out += fmt::format("{}: {} = {} (df {}), p = {} over {} {}.", m.omnibus->method,
                       m.omnibus->statistic_name, num(m.omnibus->statistic),
                       m.omnibus->df ? num(*m.omnibus->df) : "-", p_value(m.omnibus->p_value),
                       m.blocks, m.paired ? "replicates" : "runs");
    if (m.critical_difference) {
      out += fmt::format(" Nemenyi critical difference {} (alpha {}).", num(*m.critical_difference),
                         num(m.alpha));
    }
    out += "\n\n| Arm | Average rank (1 = best) |\n|---|---|\n";
    for (std::size_t i = 0; i < m.arms.size() && i < m.average_ranks.size(); ++i) {
      out += fmt::format("| {} | {} |\n", cell(m.arms[i]), num(m.average_ranks[i]));
    }
    out += "\n| Pair | Test | p | p (Holm) |\n|---|---|---|---|\n";
    for (const PairwiseArms& p : m.pairwise) {
      out += fmt::format("| {} vs {} | {} | {} | {} |\n", cell(p.first), cell(p.second),
                         p.test.method, p_value(p.test.p_value), p_value(p.p_adjusted));
    }
    out += "\n";
  }

  if (!a.warnings.empty()) {
    out += "## Warnings\n\n";
    for (const Warning& w : a.warnings) {
      out += fmt::format("- `{}`: {}. Fix: {}.\n", w.code, cell(w.message), cell(w.fix));
    }
    out += "\n";
  }
  return out;
}

}  // namespace rigor::reports
