// `rigor slurm`: writes (and with --submit, submits) a Slurm job array that runs a protocol's
// cells as shards (`rigor run --cells i/K`, one store per task) and a dependent job that merges
// the shards, analyses the study and writes the report. --only-failed resubmits only the tasks
// whose cells are failed or missing. The cluster workflow is in docs/slurm.md.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "options.h"
#include "rigor/cli.h"
#include "rigor/protocols.h"
#include "rigor/store.h"
#include "verbs.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace rigor::cli {
namespace {

// Slurm's default MaxArraySize is 1001 (array indices 0..1000, slurm.conf(5)); 1000 tasks stay
// inside it and each task still amortises its start-up over several cells for larger studies.
constexpr std::int64_t kMaxTasks = 1000;
constexpr std::string_view kArrayScript = "rigor-array.sbatch";
constexpr std::string_view kMergeScript = "rigor-merge.sbatch";
// The first line of the array script's header that --only-failed reads back.
constexpr std::string_view kStateTag = "# rigor-slurm:";

constexpr std::string_view kSlurmUsage =
    "Usage: rigor slurm PROTOCOL.toml --store-dir DIR [--partition P] [--gpus-per-task G]\n"
    "                   [--cpus-per-task C] [--jobs-per-task J] [--array-parallelism N]\n"
    "                   [--time T] [--tasks K] [--account A] [--merge-partition P]\n"
    "                   [--only-failed] [--submit] [--rigor PATH]\n\n"
    "Writes DIR/rigor-array.sbatch, a Slurm job array of K tasks (default: one per run cell, at\n"
    "most 1000): task i runs `rigor run PROTOCOL --cells i/K --store DIR/shard-i.h5`, so no HDF5\n"
    "file is written by two processes; logs go to DIR/logs/. It also writes "
    "DIR/rigor-merge.sbatch,\n"
    "which merges DIR/shard-*.h5 into DIR/study.h5, runs `rigor analyze` and writes\n"
    "DIR/report.html. Both scripts are printed; --submit submits them with `sbatch --parsable`,\n"
    "the merge with --dependency=afterany on the array, and prints both job ids.\n"
    "A requeued or repeated task skips the cells its shard already holds complete or diverged.\n"
    "--only-failed reads the shards (and DIR/study.h5) and writes/submits an array of only the\n"
    "tasks that have failed or missing cells, with the task count of the first submission.\n"
    "DIR must be on a filesystem every node sees. --gpus-per-task > 0 runs the cells with\n"
    "--device cuda (the GPU Slurm gives the task). Paths in the scripts are absolute; the rigor\n"
    "binary is this one unless --rigor.\n"
    "Exit 0 when the scripts were written (and submitted), 2 on bad input or a failed sbatch.\n\n";

struct SlurmSettings {
  fs::path protocol;
  fs::path dir;
  fs::path rigor;
  std::string study_name;
  std::string protocol_hash;
  std::int64_t cells = 0;
  std::int64_t tasks = 0;
  std::vector<std::int64_t> only_tasks;  // empty: all of 0..tasks-1
  std::string partition;
  std::string merge_partition;
  std::string account;
  std::string time;
  std::int64_t gpus_per_task = 0;
  std::int64_t cpus_per_task = 0;
  std::int64_t jobs_per_task = 1;
  std::int64_t array_parallelism = 0;  // 0: no limit
};

// Single-quotes `text` for bash: every byte literal, a ' written as '\''.
std::string shell_quote(const std::string& text) {
  std::string q = "'";
  for (char c : text) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

// Slurm's --time formats (sbatch(1)): "M", "M:S", "H:M:S", "D-H", "D-H:M", "D-H:M:S", or
// UNLIMITED/INFINITE. Minutes and seconds after the first field must be < 60.
void check_time(const std::string& text) {
  if (text == "UNLIMITED" || text == "INFINITE") return;
  static const std::regex kPlain(R"(^(\d+)(?::(\d+))?(?::(\d+))?$)");
  static const std::regex kDays(R"(^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$)");
  std::smatch m;
  bool ok = false;
  std::size_t first_bounded = 2;  // index of the first sub-match that must be < 60
  if (std::regex_match(text, m, kDays)) {
    ok = true;
    first_bounded = 3;
    if (std::stol(m[2].str()) > 23) ok = false;
  } else if (std::regex_match(text, m, kPlain)) {
    ok = true;
  }
  for (std::size_t i = first_bounded; ok && i < m.size(); ++i)
    if (m[i].matched && std::stol(m[i].str()) > 59) ok = false;
  if (!ok)
    throw UsageError(fmt::format(
        "--time is \"{}\", but must be a Slurm time limit: MINUTES, HH:MM:SS or D-HH:MM:SS "
        "(e.g. 90, 02:00:00 or 1-12:00:00), minutes and seconds below 60",
        text));
}

// Partition and account names go into #SBATCH lines: letters, digits, '.', '_', '-' (and ','
// between several partitions), nothing a shell or sbatch would split.
void check_name(const std::string& option, const std::string& value) {
  static const std::regex kName(R"(^[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*$)");
  if (!std::regex_match(value, kName))
    throw UsageError(fmt::format(
        "--{} is \"{}\", but must be a Slurm name (letters, digits, '.', '_', '-'; several "
        "partitions separated by ',')",
        option, value));
}

std::string job_name(const std::string& study) {
  std::string name;
  for (char c : study) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    name += ok ? c : '_';
  }
  return name.empty() ? "study" : name.substr(0, 64);
}

// "0-9", "3,7,12", with "%N" when the parallelism is limited.
std::string array_range(const SlurmSettings& s) {
  std::string range;
  if (s.only_tasks.empty()) {
    range = fmt::format("0-{}", s.tasks - 1);
  } else {
    range = fmt::format("{}", fmt::join(s.only_tasks, ","));
  }
  if (s.array_parallelism > 0) range += fmt::format("%{}", s.array_parallelism);
  return range;
}

void common_sbatch_lines(std::ostringstream& o, const SlurmSettings& s,
                         const std::string& partition) {
  if (!partition.empty()) o << "#SBATCH --partition=" << partition << "\n";
  if (!s.account.empty()) o << "#SBATCH --account=" << s.account << "\n";
  if (!s.time.empty()) o << "#SBATCH --time=" << s.time << "\n";
}

std::string array_script(const SlurmSettings& s) {
  const std::string dir = s.dir.string();
  std::ostringstream o;
  o << "#!/bin/bash\n"
    << fmt::format(
           "# Written by `rigor slurm` (rigor {}): study \"{}\", {} run cells in {} array\n",
           version(), s.study_name, s.cells, s.tasks)
    << "# tasks; task i runs the cells whose plan index % tasks == i into its own shard store.\n"
    << "# Resubmitting, or a requeue, skips the cells a shard already holds complete or diverged.\n"
    << fmt::format("{} tasks={} cells={} protocol={}\n", kStateTag, s.tasks, s.cells,
                   s.protocol_hash)
    << fmt::format("#SBATCH --job-name=rigor-{}\n", job_name(s.study_name))
    << fmt::format("#SBATCH --array={}\n", array_range(s))
    << fmt::format("#SBATCH --output={}/logs/%A_%a.out\n", dir) << "#SBATCH --open-mode=append\n"
    << "#SBATCH --requeue\n"
    << "#SBATCH --ntasks=1\n"
    << fmt::format("#SBATCH --cpus-per-task={}\n", s.cpus_per_task);
  if (s.gpus_per_task > 0) o << fmt::format("#SBATCH --gpus-per-task={}\n", s.gpus_per_task);
  common_sbatch_lines(o, s, s.partition);
  o << "set -euo pipefail\n"
    << "cd " << shell_quote(dir) << "\n"
    << "exec " << shell_quote(s.rigor.string()) << " run " << shell_quote(s.protocol.string())
    << fmt::format(" --cells \"${{SLURM_ARRAY_TASK_ID}}/{}\"", s.tasks) << " \\\n"
    << "  --store " << shell_quote(dir) << "/shard-\"${SLURM_ARRAY_TASK_ID}\".h5"
    << " --progress lines" << fmt::format(" --jobs {}", s.jobs_per_task)
    << (s.gpus_per_task > 0 ? " --device cuda" : "") << "\n";
  return o.str();
}

std::string merge_script(const SlurmSettings& s) {
  const std::string dir = s.dir.string();
  const std::string rigor = shell_quote(s.rigor.string());
  std::ostringstream o;
  o << "#!/bin/bash\n"
    << fmt::format(
           "# Written by `rigor slurm` (rigor {}): merges the shards of study \"{}\" into\n",
           version(), s.study_name)
    << "# study.h5, tests its claims and writes report.html. Runs after the array (afterany).\n"
    << fmt::format("#SBATCH --job-name=rigor-merge-{}\n", job_name(s.study_name))
    << fmt::format("#SBATCH --output={}/logs/%j_merge.out\n", dir) << "#SBATCH --ntasks=1\n"
    << "#SBATCH --cpus-per-task=1\n";
  common_sbatch_lines(o, s, s.merge_partition);
  o << "set -euo pipefail\n"
    << "cd " << shell_quote(dir) << "\n"
    << "shopt -s nullglob\n"
    << "shards=(shard-*.h5)\n"
    << "if (( ${#shards[@]} == 0 )); then\n"
    << "  echo \"rigor-merge: no shard-*.h5 in $PWD: did the array tasks run? See logs/\" >&2\n"
    << "  exit 2\n"
    << "fi\n"
    << rigor << " merge \"${shards[@]}\" -o study.h5\n"
    << rigor << " inspect study.h5 || true\n"
    << "# analyze exits 1 when a claim is not supported: a verdict, not an error.\n"
    << "status=0\n"
    << rigor << " analyze study.h5 || status=$?\n"
    << "(( status <= 1 )) || exit \"$status\"\n"
    << rigor << " report study.h5 -o report.html\n"
    << "echo \"rigor-merge: wrote $PWD/study.h5 and $PWD/report.html\"\n";
  return o.str();
}

// The task count recorded in an existing DIR/rigor-array.sbatch, and its protocol hash.
struct PreviousArray {
  std::int64_t tasks = 0;
  std::string protocol_hash;
};

std::optional<PreviousArray> read_previous(const fs::path& script) {
  std::ifstream in(script);
  if (!in) return std::nullopt;
  static const std::regex kLine(R"(^# rigor-slurm: tasks=(\d+) cells=\d+ protocol=(\S+)$)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kLine)) return PreviousArray{std::stoll(m[1].str()), m[2].str()};
  }
  return std::nullopt;
}

struct Pending {
  std::vector<std::int64_t> tasks;
  std::int64_t failed = 0;
  std::int64_t missing = 0;
};

// Tasks with a cell that no store in DIR (shard-i.h5 for i < tasks, study.h5) holds complete or
// diverged. Throws StoreError for an unreadable store, Error for one of another protocol.
Pending pending_tasks(const SlurmSettings& s, const protocols::Plan& plan) {
  std::vector<fs::path> stores;
  for (std::int64_t i = 0; i < s.tasks; ++i) {
    const fs::path p = s.dir / fmt::format("shard-{}.h5", i);
    if (fs::exists(p)) stores.push_back(p);
  }
  if (fs::exists(s.dir / "study.h5")) stores.push_back(s.dir / "study.h5");
  std::set<std::string> done;
  std::set<std::string> failed;
  for (const auto& p : stores) {
    const store::StoreReader reader = store::StoreReader::open(p);
    if (reader.protocol().hash != s.protocol_hash)
      throw Error(fmt::format(
          "{}: this store was made for protocol hash {}, but {} has hash {}: --only-failed "
          "resubmits the same protocol; use a new --store-dir for a changed protocol",
          p.string(), reader.protocol().hash, s.protocol.string(), s.protocol_hash));
    for (const auto& r : reader.summaries()) {
      if (r.status == store::RunStatus::kComplete || r.status == store::RunStatus::kDiverged)
        done.insert(r.cell_id);
      else if (r.status == store::RunStatus::kFailed)
        failed.insert(r.cell_id);
    }
  }
  Pending out;
  std::set<std::int64_t> tasks;
  for (std::size_t i = 0; i < plan.cells.size(); ++i) {
    const std::string& id = plan.cells[i].id;
    if (done.count(id)) continue;
    if (failed.count(id))
      ++out.failed;
    else
      ++out.missing;
    tasks.insert(static_cast<std::int64_t>(i) % s.tasks);
  }
  out.tasks.assign(tasks.begin(), tasks.end());
  return out;
}

// Runs `sbatch --parsable [extra] SCRIPT` and returns the job id. Throws Error with sbatch's
// output when it fails or prints no id.
std::string submit(const std::string& extra, const fs::path& script) {
  const std::string command =
      fmt::format("sbatch --parsable {}{} 2>&1", extra.empty() ? "" : extra + " ",
                  shell_quote(script.string()));
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw Error(fmt::format("cannot run `{}`: popen failed", command));
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = ::pclose(pipe);
  // sbatch --parsable prints "<id>" or "<id>;<cluster>" on its last line.
  std::string last;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) last = line;
  const std::string id = last.substr(0, last.find(';'));
  const bool numeric =
      !id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !numeric) {
    const bool missing = WIFEXITED(status) && WEXITSTATUS(status) == 127;
    throw Error(
        fmt::format("`{}` failed{}: {}{}", command.substr(0, command.size() - 5),
                    WIFEXITED(status) ? fmt::format(" (exit {})", WEXITSTATUS(status)) : "",
                    output.empty() ? "no output" : output,
                    missing ? "; sbatch is not on PATH: run on a Slurm login node, or submit the "
                              "scripts there by hand"
                            : ""));
  }
  return id;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw Error(fmt::format("{}: cannot write the script", path.string()));
  fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
}

}  // namespace

int slurm_main(const std::vector<std::string>& args, Io& io) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")(
      "store-dir,d", po::value<std::string>(),
      "shared directory for the shards, logs, study.h5 and report.html")(
      "partition,p", po::value<std::string>(), "Slurm partition of the array (e.g. gpu)")(
      "merge-partition", po::value<std::string>(),
      "partition of the merge job (default: --partition)")("account,A", po::value<std::string>(),
                                                           "Slurm account to charge")(
      "time,t", po::value<std::string>(), "time limit per task (and for the merge): HH:MM:SS")(
      "gpus-per-task", po::value<std::int64_t>()->default_value(0),
      "GPUs per task; > 0 runs the cells on cuda")("cpus-per-task", po::value<std::int64_t>(),
                                                   "CPUs per task (default: --jobs-per-task)")(
      "jobs-per-task", po::value<std::int64_t>()->default_value(1),
      "cells a task trains at once (rigor run --jobs)")(
      "array-parallelism", po::value<std::int64_t>(), "at most N tasks running at once (%N)")(
      "tasks", po::value<std::int64_t>(), "array tasks (default: one per cell, at most 1000)")(
      "only-failed", "resubmit only the tasks with failed or missing cells")(
      "submit", "submit with sbatch and print the job ids")(
      "rigor", po::value<std::string>(), "the rigor binary the tasks run (default: this one)");
  const po::variables_map vm = parse_with_positional(args, options, "protocol");
  if (vm.count("help")) {
    io.out << kSlurmUsage << options;
    return kExitOk;
  }
  if (!vm.count("protocol"))
    throw UsageError("missing the protocol file (rigor slurm PROTOCOL.toml --store-dir DIR)");
  if (!vm.count("store-dir"))
    throw UsageError(
        "missing --store-dir DIR (a directory on the shared filesystem for the shards)");

  SlurmSettings s;
  s.gpus_per_task = vm["gpus-per-task"].as<std::int64_t>();
  s.jobs_per_task = vm["jobs-per-task"].as<std::int64_t>();
  if (s.gpus_per_task < 0) throw UsageError("--gpus-per-task must be >= 0");
  if (s.jobs_per_task < 1) throw UsageError("--jobs-per-task must be at least 1");
  s.cpus_per_task =
      vm.count("cpus-per-task") ? vm["cpus-per-task"].as<std::int64_t>() : s.jobs_per_task;
  if (s.cpus_per_task < 1) throw UsageError("--cpus-per-task must be at least 1");
  if (vm.count("array-parallelism")) {
    s.array_parallelism = vm["array-parallelism"].as<std::int64_t>();
    if (s.array_parallelism < 1) throw UsageError("--array-parallelism must be at least 1");
  }
  if (vm.count("time")) {
    s.time = vm["time"].as<std::string>();
    check_time(s.time);
  }
  if (vm.count("partition")) {
    s.partition = vm["partition"].as<std::string>();
    check_name("partition", s.partition);
  }
  s.merge_partition = s.partition;
  if (vm.count("merge-partition")) {
    s.merge_partition = vm["merge-partition"].as<std::string>();
    check_name("merge-partition", s.merge_partition);
  }
  if (vm.count("account")) {
    s.account = vm["account"].as<std::string>();
    check_name("account", s.account);
  }

  // Every path absolute: the tasks start on other nodes, in other directories.
  const std::string protocol_arg = vm["protocol"].as<std::string>();
  const protocols::Protocol protocol = protocols::load_protocol(protocol_arg);
  s.protocol = fs::absolute(protocol_arg).lexically_normal();
  const protocols::Plan plan = protocols::make_plan(protocol, {.power_analysis = false});
  s.study_name = protocol.study.name;
  s.protocol_hash = plan.protocol_hash;
  s.cells = static_cast<std::int64_t>(plan.cells.size());
  if (s.cells == 0) throw Error(fmt::format("{}: the protocol has no run cells", protocol_arg));

  s.dir = fs::absolute(vm["store-dir"].as<std::string>()).lexically_normal();
  if (s.dir.has_filename() == false) s.dir = s.dir.parent_path();
  if (std::any_of(s.dir.native().begin(), s.dir.native().end(),
                  [](char c) { return c == '%' || c == ' ' || c == '\t' || c == '\n'; }))
    throw UsageError(fmt::format(
        "--store-dir is \"{}\", but must not contain spaces or '%' (sbatch's --output takes the "
        "path unquoted and expands %); choose another directory",
        s.dir.string()));

  s.rigor = vm.count("rigor") ? fs::path(vm["rigor"].as<std::string>())
                              : fs::read_symlink("/proc/self/exe");
  s.rigor = fs::absolute(s.rigor).lexically_normal();
  if (!fs::is_regular_file(s.rigor) || ::access(s.rigor.c_str(), X_OK) != 0)
    throw UsageError(fmt::format(
        "--rigor is \"{}\", but must be an executable rigor binary (on the shared filesystem)",
        s.rigor.string()));

  const std::optional<PreviousArray> previous = read_previous(s.dir / kArrayScript);
  if (vm.count("only-failed")) {
    if (!previous)
      throw UsageError(fmt::format(
          "--only-failed: no {} with a task count: it resubmits the failed tasks of an array "
          "that `rigor slurm {} --store-dir {}` wrote before; run that first",
          (s.dir / kArrayScript).string(), protocol_arg, s.dir.string()));
    if (previous->protocol_hash != s.protocol_hash)
      throw Error(fmt::format(
          "{}: the array was written for protocol hash {}, but {} has hash {}: use a new "
          "--store-dir for a changed protocol",
          (s.dir / kArrayScript).string(), previous->protocol_hash, protocol_arg, s.protocol_hash));
    if (vm.count("tasks") && vm["tasks"].as<std::int64_t>() != previous->tasks)
      throw UsageError(fmt::format(
          "--tasks is {}, but the shards in {} were made with {} tasks (task i holds the cells "
          "with index % {} == i); leave out --tasks",
          vm["tasks"].as<std::int64_t>(), s.dir.string(), previous->tasks, previous->tasks));
    s.tasks = previous->tasks;
  } else {
    s.tasks = vm.count("tasks") ? vm["tasks"].as<std::int64_t>() : std::min(s.cells, kMaxTasks);
    if (s.tasks < 1 || s.tasks > kMaxTasks)
      throw UsageError(fmt::format(
          "--tasks is {}, but must be in [1, {}] (Slurm's default MaxArraySize is 1001); each "
          "task runs every {}th cell",
          s.tasks, kMaxTasks, s.tasks));
    if (s.tasks > s.cells) {
      io.err << fmt::format(
          "rigor slurm: --tasks {} is more than the {} run cells; using {} tasks (one cell "
          "each)\n",
          s.tasks, s.cells, s.cells);
      s.tasks = s.cells;
    }
    if (previous && previous->tasks != s.tasks && fs::exists(s.dir / "shard-0.h5"))
      throw UsageError(fmt::format(
          "{} holds shards of {} tasks, but this array has {}: a cell would be run into two "
          "shards. Use the same --tasks, --only-failed, or a new --store-dir",
          s.dir.string(), previous->tasks, s.tasks));
  }

  if (vm.count("only-failed")) {
    const Pending pending = pending_tasks(s, plan);
    if (pending.tasks.empty()) {
      io.out << fmt::format(
          "rigor slurm: nothing to do: all {} cells are complete or diverged in {}; nothing "
          "written or submitted\n",
          s.cells, s.dir.string());
      return kExitOk;
    }
    io.err << fmt::format(
        "rigor slurm: {} cell{} failed and {} missing; resubmitting {} of {} tasks: {}\n",
        pending.failed, pending.failed == 1 ? "" : "s", pending.missing, pending.tasks.size(),
        s.tasks, fmt::join(pending.tasks, ","));
    s.only_tasks = pending.tasks;
  }

  fs::create_directories(s.dir / "logs");
  const fs::path array_path = s.dir / kArrayScript;
  const fs::path merge_path = s.dir / kMergeScript;
  const std::string array_text = array_script(s);
  const std::string merge_text = merge_script(s);
  write_file(array_path, array_text);
  write_file(merge_path, merge_text);
  io.out << "==> " << array_path.string() << " <==\n"
         << array_text << "\n==> " << merge_path.string() << " <==\n"
         << merge_text;
  if (!vm.count("submit")) {
    io.out << fmt::format(
        "\nSubmit with:\n  id=$(sbatch --parsable {})\n  sbatch --dependency=afterany:$id {}\n",
        shell_quote(array_path.string()), shell_quote(merge_path.string()));
    return kExitOk;
  }
  const std::string array_id = submit("", array_path);
  const std::string merge_id =
      submit(fmt::format("--dependency=afterany:{}", array_id), merge_path);
  io.out << fmt::format(
      "\nsubmitted array job {} ({} task{}: {})\n", array_id,
      s.only_tasks.empty() ? s.tasks : static_cast<std::int64_t>(s.only_tasks.size()),
      s.tasks == 1 && s.only_tasks.size() <= 1 ? "" : "s", array_range(s));
  io.out << fmt::format("submitted merge job {} (after {}): {}/study.h5, {}/report.html\n",
                        merge_id, array_id, s.dir.string(), s.dir.string());
  io.out << fmt::format("array_job_id={}\nmerge_job_id={}\n", array_id, merge_id);
  return kExitOk;
}

}  // namespace rigor::cli
