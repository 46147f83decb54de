// `rigor stats`: batch statistics for scripts in any language. Reads one JSON request object or an
// array of them (from a file or stdin), runs each, writes the results as JSON to stdout.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "json_io.h"
#include "ops/ops.h"
#include "options.h"
#include "rigor/cli.h"
#include "verbs.h"

namespace po = boost::program_options;

namespace rigor::cli {
namespace {

constexpr std::string_view kUsage =
    "Usage: rigor stats [REQUEST.json | -] [--pretty] [--keep-going] [--list-ops]\n\n"
    "Reads one request object or an array of them, e.g.\n"
    "  {\"op\": \"t_test\", \"x\": [1, 2, 3], \"y\": [2, 3, 4]}\n"
    "and writes one result object (or an array, in the same order) to stdout.\n"
    "Every op and field is documented in docs/stats-batch.md. An unknown op or field is an "
    "error.\n\n";

Json run_one(const Json& request, const std::string& where) {
  if (!request.is_object())
    throw RequestError(fmt::format("{}: must be a JSON object with an \"op\" field", where));
  auto op_it = request.find("op");
  if (op_it == request.end() || !op_it->is_string()) {
    throw RequestError(
        fmt::format("{}: field \"op\" is required and must be a string; "
                    "`rigor stats --list-ops` lists the ops",
                    where));
  }
  const std::string name = op_it->get<std::string>();
  const Op* op = find_op(name);
  if (!op) {
    std::string names;
    for (const Op& o : all_ops()) names += (names.empty() ? "" : ", ") + std::string(o.name);
    throw RequestError(fmt::format("{}: unknown op \"{}\"; known ops: {}", where, name, names));
  }
  Request r(request, fmt::format("{} (op \"{}\")", where, name));
  Json result;
  try {
    result = op->run(r);
  } catch (const stats::StatsError& e) {
    r.fail(e.what());  // adds the request's place: "<file>: request[3] (op \"t_test\"): ..."
  }
  if (!r.finished()) r.finish();
  Json out;
  out["op"] = name;
  for (auto it = result.begin(); it != result.end(); ++it) out[it.key()] = it.value();
  return out;
}

}  // namespace

int stats_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("pretty", "indent the JSON output")(
      "keep-going",
      "on a bad request, write {\"op\", \"error\"} in its place and go on (exit 2 at the end)")(
      "list-ops", "list the ops with a one-line summary")(
      "input", po::value<std::string>()->default_value("-"), "request file, or - for stdin");
  po::positional_options_description positional;
  positional.add("input", 1);
  const po::variables_map vm = parse_options(args, options, positional);
  if (vm.count("help")) {
    io.out << kUsage << options;
    return kExitOk;
  }
  if (vm.count("list-ops")) {
    for (const Op& op : all_ops()) io.out << fmt::format("{:<20} {}\n", op.name, op.summary);
    return kExitOk;
  }
  const std::string input = vm["input"].as<std::string>();
  std::string text;
  if (input == "-") {
    std::ostringstream buffer;
    buffer << io.in.rdbuf();
    text = buffer.str();
  } else {
    std::ifstream file(input, std::ios::binary);
    if (!file) throw Error(fmt::format("cannot open request file \"{}\"; check the path", input));
    std::ostringstream buffer;
    buffer << file.rdbuf();
    text = buffer.str();
  }
  const std::string source = input == "-" ? "<stdin>" : input;
  Json requests;
  try {
    requests = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw Error(fmt::format("{}: not valid JSON: {}", source, e.what()));
  }
  const bool keep_going = vm.count("keep-going") > 0;
  bool failed = false;
  Json output;
  auto run_guarded = [&](const Json& request, const std::string& where) -> Json {
    if (!keep_going) return run_one(request, where);
    try {
      return run_one(request, where);
    } catch (const Error& e) {
      failed = true;
      Json j;
      j["op"] = request.is_object() && request.contains("op") ? request["op"] : Json(nullptr);
      j["error"] = e.what();
      return j;
    }
  };
  if (requests.is_array()) {
    output = Json::array();
    for (std::size_t i = 0; i < requests.size(); ++i) {
      output.push_back(run_guarded(requests[i], fmt::format("{}: request[{}]", source, i)));
    }
  } else {
    output = run_guarded(requests, fmt::format("{}: request", source));
  }
  io.out << output.dump(vm.count("pretty") ? 2 : -1) << "\n";
  return failed ? kExitUsage : kExitOk;
}

}  // namespace rigor::cli
