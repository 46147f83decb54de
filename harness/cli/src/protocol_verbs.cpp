// `rigor validate` and `rigor plan`: check a protocol, print its canonical hash; list its run
// cells, seeds, the seeds each claim needs and the sequential looks.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "options.h"
#include "rigor/cli.h"
#include "rigor/protocols.h"
#include "verbs.h"

namespace po = boost::program_options;

namespace rigor::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kValidateUsage =
    "Usage: rigor validate PROTOCOL.toml [--canonical] [--expect-hash HASH] [--diff "
    "STORED.toml]\n\n"
    "Checks a protocol (format: docs/protocol.md) and prints its canonical SHA-256 hash, the value "
    "a\n"
    "study store records. Exit 0 when valid, 2 with `file:line:col: key: problem; fix` otherwise.\n"
    "--expect-hash fails (exit 1) when the protocol's meaning differs from the registered hash;\n"
    "--diff lists which claims are new, changed or removed relative to a stored protocol (new and\n"
    "changed claims are exploratory).\n\n";

constexpr std::string_view kPlanUsage =
    "Usage: rigor plan PROTOCOL.toml [--json] [--cells]\n\n"
    "Lists the run cells of a protocol (arm, replicate, one seed per variance source), the total\n"
    "work, the seeds each claim needs from a power analysis (when the claim gives pilot_sd or\n"
    "expected_p_outperform) and, with [budget.sequential], each claim's looks and boundaries.\n"
    "Text output abbreviates the cells to the first replicates; --cells lists them all.\n\n";

po::variables_map parse(const std::vector<std::string>& args, po::options_description& options) {
  return parse_with_positional(args, options, "protocol");
}

std::string hex(std::uint64_t v) { return fmt::format("{:016x}", v); }

}  // namespace

int validate_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")(
      "canonical", "also print the canonical rendering that is hashed")(
      "expect-hash", po::value<std::string>(),
      "fail (exit 1) unless the canonical hash equals HASH")(
      "diff", po::value<std::string>(), "compare the claims with a stored (registered) protocol");
  const po::variables_map vm = parse(args, options);
  if (vm.count("help")) {
    io.out << kValidateUsage << options;
    return kExitOk;
  }
  if (!vm.count("protocol"))
    throw UsageError("missing the protocol file (rigor validate PROTOCOL.toml)");
  const protocols::Protocol p = protocols::load_protocol(vm["protocol"].as<std::string>());
  const std::string hash = protocols::canonical_hash(p);
  io.out << fmt::format(
      "{}: valid protocol \"{}\" ({} arms, {} replicates each, {} metrics, {} claims)\n", p.source,
      p.study.name, p.arms.size(), p.seeds.replicates, p.metrics.size(), p.claims.size());
  io.out << fmt::format("sha256 {}\n", hash);
  io.out << fmt::format("master seed {}{}\n", p.study.master_seed,
                        p.study.master_seed_derived ? " (derived from the hash)" : "");
  if (vm.count("canonical")) io.out << "\n" << protocols::canonical_text(p);
  int code = kExitOk;
  if (vm.count("diff")) {
    const protocols::Protocol stored = protocols::load_protocol(vm["diff"].as<std::string>());
    const protocols::ClaimDiff d = protocols::diff_claims(stored, p);
    auto list = [&](std::string_view label, const std::vector<std::string>& ids) {
      for (const auto& id : ids) io.out << fmt::format("  {:<10} {}\n", label, id);
    };
    io.out << fmt::format("claims versus {}{}:\n", stored.source,
                          d.identical ? " (identical)" : "");
    list("unchanged", d.unchanged);
    list("changed", d.changed);
    list("new", d.added);
    list("removed", d.removed);
    if (!d.changed.empty() || !d.added.empty()) {
      io.out << "new and changed claims are exploratory: they were not registered before the "
                "results\n";
    }
  }
  if (vm.count("expect-hash")) {
    try {
      protocols::require_hash(p, vm["expect-hash"].as<std::string>());
      io.out << "hash matches the registered protocol\n";
    } catch (const protocols::ProtocolError& e) {
      io.err << "rigor validate: " << e.what() << "\n";
      code = kExitClaimFailed;
    }
  }
  return code;
}

int plan_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("json", "write the plan as JSON")(
      "cells", "list every cell in the text output (default: the first 3 replicates of each arm)");
  const po::variables_map vm = parse(args, options);
  if (vm.count("help")) {
    io.out << kPlanUsage << options;
    return kExitOk;
  }
  if (!vm.count("protocol"))
    throw UsageError("missing the protocol file (rigor plan PROTOCOL.toml)");
  const protocols::Protocol p = protocols::load_protocol(vm["protocol"].as<std::string>());
  const protocols::Plan plan = protocols::make_plan(p);

  if (vm.count("json")) {
    Json j;
    j["protocol"] = p.source;
    j["study"] = p.study.name;
    j["sha256"] = plan.protocol_hash;
    j["master_seed"] = plan.master_seed;
    j["master_seed_derived"] = p.study.master_seed_derived;
    j["paired"] = p.seeds.paired;
    Json sources = Json::array();
    for (auto v : protocols::kVarianceSources) {
      sources.push_back({{"name", protocols::to_string(v)},
                         {"randomized", p.seeds.randomized[static_cast<std::size_t>(v)]}});
    }
    j["variance_sources"] = sources;
    Json cells = Json::array();
    for (const auto& c : plan.cells) {
      Json seeds;
      for (auto v : protocols::kVarianceSources)
        seeds[std::string(protocols::to_string(v))] = c.seeds[static_cast<std::size_t>(v)];
      cells.push_back({{"id", c.id},
                       {"arm", c.arm},
                       {"replicate", c.replicate},
                       {"epochs", c.epochs},
                       {"seeds", seeds}});
    }
    j["cells"] = cells;
    j["total_runs"] = plan.total_runs;
    j["total_epochs"] = plan.total_epochs;
    Json power = Json::array();
    for (const auto& cp : plan.power) {
      Json e = {{"claim", cp.claim}, {"method", cp.method}, {"alpha_used", cp.alpha_used}};
      e["seeds_needed"] = cp.seeds_needed ? Json(*cp.seeds_needed) : Json(nullptr);
      e["seeds_needed_sequential"] =
          cp.seeds_needed_sequential ? Json(*cp.seeds_needed_sequential) : Json(nullptr);
      e["power_at_planned"] = cp.power_at_planned ? Json(*cp.power_at_planned) : Json(nullptr);
      // Simulated power analyses: the seed and the studies per n (reproducible with rigor::stats).
      e["simulation_seed"] = cp.simulation_seed ? Json(*cp.simulation_seed) : Json(nullptr);
      e["simulations"] = cp.simulations;
      e["note"] = cp.note;
      power.push_back(e);
    }
    j["power"] = power;
    Json seq = Json::array();
    for (const auto& cl : plan.sequential) {
      Json looks = Json::array();
      for (const auto& l : cl.looks) {
        looks.push_back({{"replicates", l.replicates},
                         {"information", l.information},
                         {"z_bound", l.z_bound},
                         {"nominal_p", l.nominal_p},
                         {"cumulative_alpha", l.cumulative_alpha}});
      }
      seq.push_back({{"claim", cl.claim},
                     {"alpha", cl.alpha},
                     {"sides", cl.sides},
                     {"inflation", cl.inflation},
                     {"looks", looks}});
    }
    j["sequential"] = seq;
    if (p.budget.sequential) j["spending"] = protocols::to_string(p.budget.sequential->spending);
    io.out << j.dump(2) << "\n";
    return kExitOk;
  }

  io.out << fmt::format("plan for {} (study \"{}\")\nsha256 {}\nmaster seed {}{}\n", p.source,
                        p.study.name, plan.protocol_hash, plan.master_seed,
                        p.study.master_seed_derived ? " (derived from the hash)" : "");
  std::string randomized, fixed;
  for (auto v : protocols::kVarianceSources) {
    std::string& target = p.seeds.randomized[static_cast<std::size_t>(v)] ? randomized : fixed;
    target += (target.empty() ? "" : ", ") + std::string(protocols::to_string(v));
  }
  io.out << fmt::format("variance sources: randomized [{}], fixed [{}]; arms {}\n\n", randomized,
                        fixed, p.seeds.paired ? "paired (common random numbers)" : "unpaired");
  io.out << fmt::format("{:<28} {:>6} {:>16} {:>16} {:>16} {:>16} {:>16}\n", "cell", "epochs",
                        "init", "data_order", "split", "dropout", "augmentation");
  const bool all = vm.count("cells") > 0;
  std::int64_t skipped = 0;
  for (const auto& c : plan.cells) {
    if (!all && c.replicate >= 3) {
      ++skipped;
      continue;
    }
    io.out << fmt::format("{:<28} {:>6} {:>16} {:>16} {:>16} {:>16} {:>16}\n", c.id, c.epochs,
                          hex(c.seeds[0]), hex(c.seeds[1]), hex(c.seeds[2]), hex(c.seeds[3]),
                          hex(c.seeds[4]));
  }
  if (skipped > 0) io.out << fmt::format("... {} more cells (--cells lists all)\n", skipped);
  io.out << fmt::format("\ntotal: {} runs, {} epochs ({} arms x {} replicates)\n", plan.total_runs,
                        plan.total_epochs, p.arms.size(), p.seeds.replicates);
  if (p.budget.max_runs) io.out << fmt::format("budget: at most {} runs\n", *p.budget.max_runs);
  if (p.budget.max_wall_hours)
    io.out << fmt::format("budget: at most {} hours of wall time\n", *p.budget.max_wall_hours);
  io.out << "\nseeds needed per claim (power analysis):\n";
  for (const auto& cp : plan.power) {
    if (cp.seeds_needed) {
      std::string line = fmt::format("  {}: {} per arm at alpha {:.4g} ({})", cp.claim,
                                     *cp.seeds_needed, cp.alpha_used, cp.method);
      if (cp.seeds_needed_sequential)
        line += fmt::format("; {} with the sequential design", *cp.seeds_needed_sequential);
      if (cp.power_at_planned)
        line += fmt::format("; power with {} planned: {:.3f}", p.seeds.replicates,
                            *cp.power_at_planned);
      io.out << line << (cp.note.empty() ? "" : "; " + cp.note) << "\n";
    } else {
      io.out << fmt::format("  {}: {}\n", cp.claim, cp.note);
    }
  }
  if (!plan.sequential.empty()) {
    io.out << fmt::format(
        "\nsequential design ({} spending): stop adding seeds once every claim is decided\n",
        protocols::to_string(p.budget.sequential->spending));
    for (const auto& cl : plan.sequential) {
      io.out << fmt::format("  {} ({}-sided, alpha {:.4g}, max-n inflation {:.4f}):\n", cl.claim,
                            cl.sides, cl.alpha, cl.inflation);
      for (const auto& l : cl.looks) {
        io.out << fmt::format(
            "    look at {:>4} replicates (t = {:.4f}): {} >= {:.4f}, p <= {:.6g}, alpha spent "
            "{:.6g}\n",
            l.replicates, l.information, cl.sides == 2 ? "|z|" : "z", l.z_bound, l.nominal_p,
            l.cumulative_alpha);
      }
    }
  }
  return kExitOk;
}

}  // namespace rigor::cli
