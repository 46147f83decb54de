// `rigor run` and `rigor verify`: train a protocol's run cells into a study store; rerun recorded
// cells and check that they reproduce. The work happens in rigor::harness (runner.h); this file
// only parses the command line.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <charconv>
#include <ostream>

#include "options.h"
#include "rigor/cli.h"
#include "rigor/harness.h"
#include "verbs.h"

namespace po = boost::program_options;

namespace rigor::cli {
namespace {

constexpr std::string_view kRunUsage =
    "Usage: rigor run PROTOCOL.toml --store STUDY.h5 [--jobs N] [--device cpu|cuda[:k]]\n"
    "                 [--threads T] [--cells i/N] [--resume] [--quiet | --progress lines|bar]\n\n"
    "Trains every run cell (arm x replicate) of the protocol, each in its own process, N at a\n"
    "time, and records each run in STUDY.h5 as it ends (a kill -9 loses at most the runs in\n"
    "flight). Running the same command again (or with --resume) skips the cells already complete\n"
    "or diverged and reruns failed or missing ones. A run that crashes, aborts, runs out of "
    "memory\n"
    "or throws is recorded as failed with its message; one whose loss or parameters become "
    "NaN/Inf\n"
    "is recorded as diverged with the step and layer. Results are bitwise identical whatever\n"
    "--jobs, the order or the resume history; --threads (per run) and --device can change them,\n"
    "so a store keeps the ones it started with.\n"
    "--cells i/N runs only the cells whose plan index % N == i (0 <= i < N): shards for several\n"
    "machines or a job array; combine the shard stores with `rigor merge`.\n"
    "Exit 0 when every cell is complete or diverged, 1 when some failed (rerun to retry them), 2\n"
    "when the study cannot run (bad protocol, data or model option, store of another "
    "protocol).\n\n";

constexpr std::string_view kVerifyUsage =
    "Usage: rigor verify STUDY.h5 [--sample K] [--seed S] [--cells ID,...] [--jobs N]\n"
    "                   [--device D] [--threads T] [--data-dir DIR] [--tolerance R] "
    "[--no-write]\n\n"
    "Reruns K recorded cells (a deterministic sample chosen by --seed, or the --cells listed)\n"
    "with the store's own protocol, and reports for each whether the parameters (SHA-256) and\n"
    "metrics reproduce bitwise, within the relative tolerance R (default 1e-6), or not at all.\n"
    "By default it uses the device and thread count the study used, and the protocol's directory\n"
    "as recorded to find relative data paths (--data-dir overrides). The result is written to the\n"
    "store as /analysis/verify (the report's determinism audit) unless --no-write.\n"
    "Exit 0 when every cell reproduces bitwise or within tolerance, 1 otherwise.\n\n";

harness::ProgressMode progress_mode(const po::variables_map& vm) {
  if (vm.count("quiet")) return harness::ProgressMode::kQuiet;
  if (!vm.count("progress")) return harness::ProgressMode::kAuto;
  const std::string m = vm["progress"].as<std::string>();
  if (m == "lines") return harness::ProgressMode::kLines;
  if (m == "bar") return harness::ProgressMode::kBar;
  if (m == "auto") return harness::ProgressMode::kAuto;
  throw UsageError(fmt::format("--progress is \"{}\", but must be auto, bar or lines", m));
}

void add_worker_options(po::options_description& options) {
  options.add_options()("jobs,j", po::value<int>()->default_value(1), "runs at once")(
      "device", po::value<std::string>(), "cpu (default), cuda or cuda:<k>")(
      "threads", po::value<int>(), "intra-op threads per run (default 1)")(
      "quiet,q", "no progress output")("progress", po::value<std::string>(),
                                       "auto (default), bar or lines");
}

std::pair<std::int64_t, std::int64_t> parse_cells(const std::string& text) {
  const auto slash = text.find('/');
  std::int64_t i = -1;
  std::int64_t n = 0;
  bool ok = slash != std::string::npos;
  if (ok) {
    const auto r1 = std::from_chars(text.data(), text.data() + slash, i);
    const auto r2 = std::from_chars(text.data() + slash + 1, text.data() + text.size(), n);
    ok = r1.ec == std::errc() && r1.ptr == text.data() + slash && r2.ec == std::errc() &&
         r2.ptr == text.data() + text.size() && n >= 1 && i >= 0 && i < n;
  }
  if (!ok)
    throw UsageError(fmt::format(
        "--cells is \"{}\", but must be i/N with 0 <= i < N, e.g. --cells 0/4 for the first of "
        "four shards",
        text));
  return {i, n};
}

}  // namespace

int run_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("store,s", po::value<std::string>(),
                                                    "the study store (HDF5), created if absent")(
      "resume", "continue a study (the default when the store exists; kept for clarity)")(
      "cells", po::value<std::string>(), "run only shard i of N: i/N")(
      "keep-checkpoints", "store each run's final parameters (torch::save bytes)")(
      "no-sync", "do not fsync the store (scratch studies only)");
  add_worker_options(options);
  const po::variables_map vm = parse_with_positional(args, options, "protocol");
  if (vm.count("help")) {
    io.out << kRunUsage << options;
    return kExitOk;
  }
  if (!vm.count("protocol"))
    throw UsageError("missing the protocol file (rigor run PROTOCOL.toml --store STUDY.h5)");
  if (!vm.count("store"))
    throw UsageError("missing --store STUDY.h5 (where the runs are recorded)");
  harness::RunOptions opt;
  opt.store = vm["store"].as<std::string>();
  opt.workers.jobs = vm["jobs"].as<int>();
  if (vm.count("device")) opt.workers.device = vm["device"].as<std::string>();
  if (vm.count("threads")) opt.workers.threads = vm["threads"].as<int>();
  if (opt.workers.jobs < 1) throw UsageError("--jobs must be at least 1");
  if (opt.workers.threads < 1) throw UsageError("--threads must be at least 1");
  opt.workers.keep_checkpoints = vm.count("keep-checkpoints") > 0;
  if (vm.count("cells")) std::tie(opt.part, opt.parts) = parse_cells(vm["cells"].as<std::string>());
  opt.progress = progress_mode(vm);
  opt.sync = vm.count("no-sync") == 0;
  const harness::StudyResult r = harness::run_study(vm["protocol"].as<std::string>(), opt, io.err);
  if (r.failed > 0) {
    io.err << fmt::format(
        "{} run{} failed: {}. Their messages are in the store (rigor inspect {} "
        "--runs); rerun the same command to retry them.\n",
        r.failed, r.failed == 1 ? "" : "s", fmt::join(r.failed_cells, ", "), opt.store.string());
    return kExitClaimFailed;
  }
  return kExitOk;
}

int verify_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")(
      "sample,k", po::value<std::int64_t>()->default_value(3), "cells to rerun")(
      "seed", po::value<std::uint64_t>()->default_value(0), "which cells are sampled")(
      "cells", po::value<std::string>(), "comma-separated cell ids instead of a sample")(
      "data-dir", po::value<std::string>(), "base directory for relative data paths")(
      "tolerance", po::value<double>()->default_value(1e-6), "relative tolerance")(
      "no-write", "do not record the result in the store")("json", "print the result as JSON");
  add_worker_options(options);
  const po::variables_map vm = parse_with_positional(args, options, "store");
  if (vm.count("help")) {
    io.out << kVerifyUsage << options;
    return kExitOk;
  }
  if (!vm.count("store")) throw UsageError("missing the store (rigor verify STUDY.h5)");
  harness::VerifyOptions opt;
  opt.store = vm["store"].as<std::string>();
  opt.sample = vm["sample"].as<std::int64_t>();
  opt.seed = vm["seed"].as<std::uint64_t>();
  opt.tolerance = vm["tolerance"].as<double>();
  if (!(opt.tolerance >= 0)) throw UsageError("--tolerance must be >= 0");
  if (vm.count("cells")) {
    std::string list = vm["cells"].as<std::string>();
    std::size_t start = 0;
    while (start <= list.size()) {
      const auto comma = list.find(',', start);
      const std::string id =
          list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!id.empty()) opt.cells.push_back(id);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (vm.count("data-dir")) opt.data_dir = vm["data-dir"].as<std::string>();
  if (vm.count("device") || vm.count("threads") || vm["jobs"].as<int>() != 1) {
    harness::WorkerSettings w;
    w.jobs = vm["jobs"].as<int>();
    if (vm.count("device")) w.device = vm["device"].as<std::string>();
    if (vm.count("threads")) w.threads = vm["threads"].as<int>();
    if (w.jobs < 1 || w.threads < 1) throw UsageError("--jobs and --threads must be at least 1");
    opt.workers = w;
  }
  opt.progress = progress_mode(vm);
  opt.write = vm.count("no-write") == 0;
  const harness::VerifyResult r = harness::verify_store(opt, io.err);
  bool all_ok = true;
  for (const auto& c : r.cells)
    all_ok = all_ok && (c.outcome == harness::Reproduction::kBitwise ||
                        c.outcome == harness::Reproduction::kWithinTolerance);
  if (vm.count("json")) {
    io.out << r.json << "\n";
  } else {
    io.out << fmt::format("{:<28} {:<10} {:<18} {}\n", "cell", "outcome", "max rel diff", "note");
    for (const auto& c : r.cells)
      io.out << fmt::format("{:<28} {:<10} {:<18.3g} {}\n", c.cell, harness::to_string(c.outcome),
                            c.max_rel_diff, c.message.substr(0, c.message.find('\n')));
    io.out << fmt::format(
        "{} of {} cells reproduce{} on {}\n",
        std::count_if(r.cells.begin(), r.cells.end(),
                      [](const auto& c) { return c.outcome == harness::Reproduction::kBitwise; }),
        r.cells.size(), " bit for bit", r.device);
  }
  return all_ok ? kExitOk : kExitClaimFailed;
}

}  // namespace rigor::cli
