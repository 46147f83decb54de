// RunRecord helpers: status names, cell-id rule, bitwise identity (for merge).
#include "rigor/store/record.h"

#include <bit>
#include <cstring>

namespace rigor::store {
namespace {

constexpr std::string_view kStatusNames[] = {"planned", "running", "complete", "failed",
                                             "diverged"};

bool same_double(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

bool same_series(const Series& a, const Series& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].step != b[i].step || !same_double(a[i].value, b[i].value)) return false;
  }
  return true;
}

bool same_series_map(const std::map<std::string, Series>& a,
                     const std::map<std::string, Series>& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
    if (ia->first != ib->first || !same_series(ia->second, ib->second)) return false;
  }
  return true;
}

bool same_doubles(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_double(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(RunStatus status) { return kStatusNames[static_cast<int>(status)]; }

RunStatus parse_run_status(std::string_view text) {
  for (int i = 0; i < 5; ++i) {
    if (kStatusNames[i] == text) return static_cast<RunStatus>(i);
  }
  throw StoreError("run status \"" + std::string(text) +
                   "\" is unknown; must be one of planned, running, complete, failed, diverged");
}

void validate_cell_id(std::string_view cell_id) {
  const auto bad = [&](const std::string& why) {
    throw StoreError("cell id \"" + std::string(cell_id) + "\" is invalid: " + why +
                     "; use letters, digits, '.', '_' and '-' (e.g. \"resnet-s0003\")");
  };
  if (cell_id.empty()) bad("it is empty");
  if (cell_id.size() > 200) bad("it is longer than 200 characters");
  if (cell_id.front() == '.') bad("it starts with '.'");
  for (char c : cell_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) bad(std::string("it contains '") + c + "'");
  }
}

bool identical(const RunRecord& a, const RunRecord& b) {
  if (a.cell_id != b.cell_id || a.arm != b.arm || a.replicate != b.replicate ||
      a.seeds != b.seeds || a.status != b.status || a.error != b.error ||
      !same_double(a.start_time, b.start_time) || !same_double(a.end_time, b.end_time) ||
      !same_double(a.wall_seconds, b.wall_seconds) || !same_double(a.cpu_seconds, b.cpu_seconds) ||
      a.device != b.device || a.params_sha256 != b.params_sha256 || a.checkpoint != b.checkpoint) {
    return false;
  }
  if (!same_series_map(a.step_metrics, b.step_metrics) ||
      !same_series_map(a.epoch_metrics, b.epoch_metrics)) {
    return false;
  }
  if (a.final_metrics.size() != b.final_metrics.size()) return false;
  for (auto ia = a.final_metrics.begin(), ib = b.final_metrics.begin(); ia != a.final_metrics.end();
       ++ia, ++ib) {
    if (ia->first != ib->first || !same_double(ia->second, ib->second)) return false;
  }
  return a.examples.index == b.examples.index && a.examples.prediction == b.examples.prediction &&
         a.examples.target == b.examples.target && same_doubles(a.examples.loss, b.examples.loss);
}

}  // namespace rigor::store
