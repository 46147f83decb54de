#include "json_io.h"

#include <cmath>
#include <string>

namespace rigor::cli {

Json json_number(double value) {
  if (std::isfinite(value)) return value;
  if (std::isnan(value)) return "nan";
  return value > 0 ? "inf" : "-inf";
}

Json to_json(const stats::Interval& interval) {
  return Json::array({json_number(interval.lower), json_number(interval.upper)});
}

Json to_json(const stats::TestResult& r) {
  Json j;
  j["method"] = r.method;
  j["alternative"] = std::string(stats::to_string(r.alternative));
  j["statistic_name"] = r.statistic_name;
  j["statistic"] = json_number(r.statistic);
  j["df"] = r.df ? json_number(*r.df) : Json(nullptr);
  j["p_value"] = json_number(r.p_value);
  j["estimate"] = r.estimate ? json_number(*r.estimate) : Json(nullptr);
  j["ci"] = r.ci ? to_json(*r.ci) : Json(nullptr);
  j["conf_level"] = r.conf_level;
  j["exact"] = r.exact;
  j["degenerate"] = r.degenerate;
  j["note"] = r.note;
  return j;
}

}  // namespace rigor::cli
