// The worker wire format: JSON command/event lines and CBOR run records (see wire.h).
#include "rigor/harness/wire.h"

#include <fmt/format.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>

namespace rigor::harness {
namespace {

using Json = nlohmann::json;

// Doubles travel as their bit patterns: CBOR writers may shorten floats and canonicalise NaN,
// and a diverged run's NaN loss must come back bit for bit (store::identical compares bits).
std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }
double from_bits(std::uint64_t b) { return std::bit_cast<double>(b); }

Json series_json(const store::Series& s) {
  Json steps = Json::array();
  Json values = Json::array();
  for (const auto& p : s) {
    steps.push_back(p.step);
    values.push_back(bits(p.value));
  }
  return Json{{"steps", std::move(steps)}, {"values", std::move(values)}};
}

store::Series series_from(const Json& j) {
  const auto& steps = j.at("steps");
  const auto& values = j.at("values");
  if (steps.size() != values.size()) throw std::runtime_error("series with unequal lengths");
  store::Series s(steps.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s[i].step = steps[i].get<std::int64_t>();
    s[i].value = from_bits(values[i].get<std::uint64_t>());
  }
  return s;
}

Json series_map_json(const std::map<std::string, store::Series>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = series_json(v);
  return j;
}

std::map<std::string, store::Series> series_map_from(const Json& j) {
  std::map<std::string, store::Series> m;
  for (const auto& [k, v] : j.items()) m[k] = series_from(v);
  return m;
}

}  // namespace

std::vector<std::uint8_t> encode_record(const store::RunRecord& r) {
  Json j;
  j["cell_id"] = r.cell_id;
  j["arm"] = r.arm;
  j["replicate"] = r.replicate;
  j["seeds"] = r.seeds;
  j["status"] = std::string(store::to_string(r.status));
  j["error"] = r.error;
  j["start_time"] = bits(r.start_time);
  j["end_time"] = bits(r.end_time);
  j["wall_seconds"] = bits(r.wall_seconds);
  j["cpu_seconds"] = bits(r.cpu_seconds);
  j["device"] = r.device;
  j["step_metrics"] = series_map_json(r.step_metrics);
  j["epoch_metrics"] = series_map_json(r.epoch_metrics);
  Json finals = Json::object();
  for (const auto& [k, v] : r.final_metrics) finals[k] = bits(v);
  j["final_metrics"] = std::move(finals);
  Json losses = Json::array();
  for (double v : r.examples.loss) losses.push_back(bits(v));
  j["examples"] = Json{{"index", r.examples.index},
                       {"prediction", r.examples.prediction},
                       {"target", r.examples.target},
                       {"loss", std::move(losses)}};
  j["params_sha256"] = r.params_sha256;
  if (r.checkpoint) j["checkpoint"] = Json::binary(*r.checkpoint);
  return Json::to_cbor(j);
}

store::RunRecord decode_record(const std::vector<std::uint8_t>& bytes, std::string_view source) {
  try {
    const Json j = Json::from_cbor(bytes);
    store::RunRecord r;
    r.cell_id = j.at("cell_id").get<std::string>();
    r.arm = j.at("arm").get<std::string>();
    r.replicate = j.at("replicate").get<std::int64_t>();
    r.seeds = j.at("seeds").get<std::map<std::string, std::uint64_t>>();
    r.status = store::parse_run_status(j.at("status").get<std::string>());
    r.error = j.at("error").get<std::string>();
    r.start_time = from_bits(j.at("start_time").get<std::uint64_t>());
    r.end_time = from_bits(j.at("end_time").get<std::uint64_t>());
    r.wall_seconds = from_bits(j.at("wall_seconds").get<std::uint64_t>());
    r.cpu_seconds = from_bits(j.at("cpu_seconds").get<std::uint64_t>());
    r.device = j.at("device").get<std::string>();
    r.step_metrics = series_map_from(j.at("step_metrics"));
    r.epoch_metrics = series_map_from(j.at("epoch_metrics"));
    for (const auto& [k, v] : j.at("final_metrics").items())
      r.final_metrics[k] = from_bits(v.get<std::uint64_t>());
    const Json& ex = j.at("examples");
    r.examples.index = ex.at("index").get<std::vector<std::int64_t>>();
    r.examples.prediction = ex.at("prediction").get<std::vector<std::int64_t>>();
    r.examples.target = ex.at("target").get<std::vector<std::int64_t>>();
    for (const auto& v : ex.at("loss"))
      r.examples.loss.push_back(from_bits(v.get<std::uint64_t>()));
    r.params_sha256 = j.at("params_sha256").get<std::string>();
    if (j.contains("checkpoint")) r.checkpoint = j.at("checkpoint").get_binary();
    return r;
  } catch (const std::exception& e) {
    throw HarnessError(
        fmt::format("{}: not a valid run record from rigor-worker ({})", source, e.what()));
  }
}

void write_record_file(const std::filesystem::path& path, const store::RunRecord& record) {
  const std::vector<std::uint8_t> bytes = encode_record(record);
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out)
      throw HarnessError(
          fmt::format("{}: cannot write the run record: {}", tmp.string(), std::strerror(errno)));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    throw HarnessError(fmt::format("{}: cannot rename the run record into place: {}", path.string(),
                                   ec.message()));
}

store::RunRecord read_record_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw HarnessError(fmt::format("{}: cannot open the run record", path.string()));
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  return decode_record(bytes, path.string());
}

store::RunRecord failed_record(const protocols::RunCell& cell, const std::string& message,
                               double start_time, double end_time) {
  store::RunRecord r;
  r.cell_id = cell.id;
  r.arm = cell.arm;
  r.replicate = cell.replicate;
  r.seeds = protocols::seed_map(cell);
  r.status = store::RunStatus::kFailed;
  r.error = message;
  r.start_time = start_time;
  r.end_time = end_time;
  r.wall_seconds = end_time > start_time ? end_time - start_time : 0.0;
  return r;
}

std::string format_command(const WorkerCommand& c) {
  Json j;
  if (c.kind == WorkerCommand::Kind::kQuit) {
    j["cmd"] = "quit";
  } else {
    j["cmd"] = "run";
    j["cell"] = c.cell;
    j["result"] = c.result;
    j["log"] = c.log;
  }
  return j.dump() + "\n";
}

WorkerCommand parse_command(std::string_view line) {
  try {
    const Json j = Json::parse(line);
    WorkerCommand c;
    const std::string cmd = j.at("cmd").get<std::string>();
    if (cmd == "quit") return c;
    if (cmd != "run") throw std::runtime_error("unknown cmd \"" + cmd + "\"");
    c.kind = WorkerCommand::Kind::kRun;
    c.cell = j.at("cell").get<std::string>();
    c.result = j.at("result").get<std::string>();
    c.log = j.at("log").get<std::string>();
    return c;
  } catch (const std::exception& e) {
    throw HarnessError(fmt::format("rigor-worker: bad command line \"{}\": {}", line, e.what()));
  }
}

namespace {
constexpr std::pair<WorkerEvent::Kind, std::string_view> kEventNames[] = {
    {WorkerEvent::Kind::kReady, "ready"},
    {WorkerEvent::Kind::kFatal, "fatal"},
    {WorkerEvent::Kind::kStarted, "started"},
    {WorkerEvent::Kind::kProgress, "progress"},
    {WorkerEvent::Kind::kDone, "done"}};
}  // namespace

std::string format_event(const WorkerEvent& e) {
  Json j;
  for (const auto& [kind, name] : kEventNames)
    if (kind == e.kind) j["event"] = name;
  switch (e.kind) {
    case WorkerEvent::Kind::kReady:
      j["provenance"] = e.provenance;
      break;
    case WorkerEvent::Kind::kFatal:
      j["message"] = e.message;
      break;
    case WorkerEvent::Kind::kStarted:
      j["cell"] = e.cell;
      j["pid"] = e.pid;
      break;
    case WorkerEvent::Kind::kProgress:
      j["cell"] = e.cell;
      j["epoch"] = e.epoch;
      j["epochs"] = e.epochs;
      // JSON has no NaN: a non-finite loss is sent as null and read back as NaN.
      if (std::isfinite(e.loss))
        j["loss"] = e.loss;
      else
        j["loss"] = nullptr;
      break;
    case WorkerEvent::Kind::kDone:
      j["cell"] = e.cell;
      j["exit_code"] = e.exit_code;
      j["signal"] = e.signal;
      break;
  }
  return j.dump() + "\n";
}

WorkerEvent parse_event(std::string_view line) {
  try {
    const Json j = Json::parse(line);
    WorkerEvent e;
    const std::string name = j.at("event").get<std::string>();
    bool known = false;
    for (const auto& [kind, n] : kEventNames)
      if (n == name) {
        e.kind = kind;
        known = true;
      }
    if (!known) throw std::runtime_error("unknown event \"" + name + "\"");
    if (j.contains("cell")) e.cell = j["cell"].get<std::string>();
    if (j.contains("message")) e.message = j["message"].get<std::string>();
    if (j.contains("provenance"))
      e.provenance = j["provenance"].get<std::map<std::string, std::string>>();
    if (j.contains("pid")) e.pid = j["pid"].get<std::int64_t>();
    if (j.contains("epoch")) e.epoch = j["epoch"].get<std::int64_t>();
    if (j.contains("epochs")) e.epochs = j["epochs"].get<std::int64_t>();
    if (j.contains("loss"))
      e.loss =
          j["loss"].is_null() ? std::numeric_limits<double>::quiet_NaN() : j["loss"].get<double>();
    if (j.contains("exit_code")) e.exit_code = j["exit_code"].get<int>();
    if (j.contains("signal")) e.signal = j["signal"].get<int>();
    return e;
  } catch (const std::exception& ex) {
    throw HarnessError(fmt::format("rigor-worker sent a line rigor run cannot read: \"{}\" ({})",
                                   line, ex.what()));
  }
}

}  // namespace rigor::harness
