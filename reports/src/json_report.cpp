// The analysis as JSON (docs/report-json.md). nlohmann::ordered_json keeps the documented key
// order; its number output is the shortest text that reads back to the same double.
#include "rigor/reports/json_report.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace rigor::reports {
namespace {

using Json = nlohmann::ordered_json;

// Non-finite numbers are not JSON: "inf", "-inf", "nan" (docs/report-json.md).
Json number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

template <typename T>
Json optional_number(const std::optional<T>& v) {
  return v ? number(static_cast<double>(*v)) : Json(nullptr);
}

Json interval(const std::optional<stats::Interval>& ci) {
  if (!ci) return nullptr;
  return Json::array({number(ci->lower), number(ci->upper)});
}

Json counts(const StatusCounts& s) {
  return {{"planned", s.planned},  {"running", s.running},   {"complete", s.complete},
          {"failed", s.failed},    {"diverged", s.diverged}, {"total", s.total()},
          {"missing", s.missing()}};
}

Json test_result(const std::optional<stats::TestResult>& r) {
  if (!r) return nullptr;
  return {{"method", r->method},
          {"alternative", std::string(stats::to_string(r->alternative))},
          {"statistic_name", r->statistic_name},
          {"statistic", number(r->statistic)},
          {"df", optional_number(r->df)},
          {"p_value", number(r->p_value)},
          {"estimate", optional_number(r->estimate)},
          {"ci", interval(r->ci)},
          {"conf_level", r->conf_level},
          {"exact", r->exact},
          {"degenerate", r->degenerate},
          {"note", r->note}};
}

Json estimate(const std::optional<Estimate>& e) {
  if (!e) return nullptr;
  return {{"label", e->label},
          {"value", number(e->value)},
          {"ci", interval(e->ci)},
          {"conf_level", e->conf_level}};
}

Json effect_size(const std::optional<stats::EffectSize>& e) {
  if (!e) return nullptr;
  return {{"method", e->method},
          {"kind", std::string(stats::to_string(e->kind))},
          {"estimate", number(e->estimate)},
          {"ci", Json::array({number(e->ci.lower), number(e->ci.upper)})},
          {"conf_level", e->conf_level},
          {"degenerate", e->degenerate},
          {"note", e->note}};
}

Json scores(const std::vector<Score>& v) {
  Json out = Json::array();
  for (const Score& s : v) {
    out.push_back({{"replicate", s.replicate},
                   {"cell_id", s.cell_id},
                   {"status", std::string(store::to_string(s.status))},
                   {"value", number(s.value)},
                   {"recorded", optional_number(s.recorded)},
                   {"substituted", s.substituted}});
  }
  return out;
}

Json claim_test(const std::optional<ClaimTestResult>& t) {
  if (!t) return nullptr;
  Json j = {{"name", t->name},
            {"method", t->method},
            {"paired", t->paired},
            {"statistic_name", t->statistic_name},
            {"statistic", number(t->statistic)},
            {"df", optional_number(t->df)},
            {"p_value", optional_number(t->p_value)},
            {"p_corrected", optional_number(t->p_corrected)},
            {"alpha_used", t->alpha_used},
            {"estimate", estimate(t->estimate)},
            {"exact", t->exact},
            {"degenerate", t->degenerate},
            {"note", t->note},
            {"seed", t->seed ? Json(*t->seed) : Json(nullptr)}};
  if (t->eps_min) {
    j["aso"] = {{"eps_min", number(*t->eps_min)},
                {"threshold", optional_number(t->aso_threshold)},
                {"direction", t->aso_direction}};
  }
  if (t->p_outperform) {
    j["p_outperform"] = {{"estimate", number(*t->p_outperform)},
                         {"ci", interval(t->p_outperform_ci)},
                         {"conclusion", t->outperform_conclusion}};
  }
  return j;
}

Json power(const std::optional<PowerCheck>& p) {
  if (!p) return nullptr;
  return {{"method", p->method},
          {"power", number(p->power)},
          {"sd", number(p->sd)},
          {"n", p->n},
          {"seeds_needed", p->seeds_needed > 0 ? Json(p->seeds_needed) : Json(nullptr)}};
}

Json claim(const ClaimResult& c) {
  return {
      {"id", c.id},
      {"statement", c.statement},
      {"a", c.a},
      {"b", c.b},
      {"metric", c.metric},
      {"direction", std::string(protocols::to_string(c.direction))},
      {"test", std::string(protocols::to_string(c.test_kind))},
      {"alternative", std::string(stats::to_string(c.alternative))},
      {"alpha", c.alpha},
      {"min_effect", c.min_effect},
      {"family", c.family},
      {"correction", std::string(protocols::to_string(c.correction))},
      {"configurations", c.configurations},
      {"family_size", c.family_size},
      {"pre_registered", c.pre_registered},
      {"verdict", std::string(to_string(c.verdict))},
      {"why", c.why},
      {"result", claim_test(c.test)},
      {"effects",
       {{"mean_difference", estimate(c.effects.mean_difference)},
        {"standardized", effect_size(c.effects.standardized)},
        {"cliffs_delta", effect_size(c.effects.cliffs_delta)},
        {"a12", effect_size(c.effects.a12)}}},
      {"power", power(c.power)},
      {"normality",
       {{"a", test_result(c.normality_a)},
        {"b", test_result(c.normality_b)},
        {"rank_test_beside", test_result(c.rank_test_beside)}}},
      {"runs", {{"a", counts(c.status_a)}, {"b", counts(c.status_b)}}},
      {"unusable", {{"a", c.unusable_a}, {"b", c.unusable_b}}},
      {"scores", {{"a", scores(c.scores_a)}, {"b", scores(c.scores_b)}}},
  };
}

Json family(const FamilyResult& f) {
  Json p_raw = Json::array(), p_adj = Json::array();
  for (double v : f.p_raw) p_raw.push_back(number(v));
  for (double v : f.p_adjusted) p_adj.push_back(number(v));
  return {{"name", f.name},       {"correction", std::string(protocols::to_string(f.correction))},
          {"size", f.size},       {"claims", f.claims},
          {"padding", f.padding}, {"p_raw", p_raw},
          {"p_adjusted", p_adj}};
}

Json arm(const ArmSummary& a) {
  Json metrics = Json::array();
  for (const MetricSummary& m : a.metrics) {
    metrics.push_back({{"metric", m.metric},
                       {"n", m.n},
                       {"mean", optional_number(m.mean)},
                       {"sd", optional_number(m.sd)},
                       {"median", optional_number(m.median)},
                       {"min", optional_number(m.min)},
                       {"max", optional_number(m.max)},
                       {"iqm", optional_number(m.iqm)},
                       {"iqm_ci", interval(m.iqm_ci)},
                       {"scores", scores(m.scores)}});
  }
  return {{"name", a.name},
          {"description", a.description},
          {"planned_replicates", a.planned_replicates},
          {"runs", counts(a.status)},
          {"metrics", metrics}};
}

Json multi_arm(const MultiArmResult& m) {
  Json ranks = Json::array();
  for (double r : m.average_ranks) ranks.push_back(number(r));
  Json pairs = Json::array();
  for (const PairwiseArms& p : m.pairwise) {
    pairs.push_back({{"first", p.first},
                     {"second", p.second},
                     {"test", test_result(p.test)},
                     {"p_adjusted", number(p.p_adjusted)},
                     {"reject", p.reject},
                     {"nemenyi_significant",
                      p.nemenyi_significant ? Json(*p.nemenyi_significant) : Json(nullptr)}});
  }
  return {{"metric", m.metric},
          {"direction", std::string(protocols::to_string(m.direction))},
          {"claims", m.claims},
          {"arms", m.arms},
          {"paired", m.paired},
          {"blocks", m.blocks},
          {"alpha", m.alpha},
          {"omnibus", test_result(m.omnibus)},
          {"skipped", m.skipped},
          {"average_ranks", ranks},
          {"critical_difference", optional_number(m.critical_difference)},
          {"q_alpha", optional_number(m.q_alpha)},
          {"pairwise", pairs}};
}

}  // namespace

std::string analysis_json(const Analysis& a) {
  Json j;
  j["schema_version"] = a.schema_version;
  j["rigor_version"] = a.rigor_version;
  j["created"] = a.created;
  j["store"] = a.store_path;
  j["study"] = {{"name", a.study_name}, {"description", a.study_description}};
  j["protocol"] = {{"hash", a.protocol_hash}, {"computed_hash", a.computed_hash}};
  j["pre_registered"] = a.pre_registered;
  j["seed"] = a.seed;
  j["conf_level"] = a.conf_level;
  j["all_supported"] = a.all_supported();
  j["runs"] = counts(a.runs);
  Json prov = Json::object();
  for (const auto& [k, v] : a.provenance) prov[k] = v;
  j["provenance"] = prov;
  j["claims"] = Json::array();
  for (const ClaimResult& c : a.claims) j["claims"].push_back(claim(c));
  j["families"] = Json::array();
  for (const FamilyResult& f : a.families) j["families"].push_back(family(f));
  j["arms"] = Json::array();
  for (const ArmSummary& s : a.arms) j["arms"].push_back(arm(s));
  j["multi_arm"] = Json::array();
  for (const MultiArmResult& m : a.multi_arm) j["multi_arm"].push_back(multi_arm(m));
  j["warnings"] = Json::array();
  for (const Warning& w : a.warnings) {
    j["warnings"].push_back({{"code", w.code},
                             {"claim", w.claim},
                             {"arm", w.arm},
                             {"message", w.message},
                             {"fix", w.fix}});
  }
  return j.dump(2) + "\n";
}

}  // namespace rigor::reports
