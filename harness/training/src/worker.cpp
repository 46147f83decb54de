// The rigor-worker loop (worker.h): load once, fork one process per run cell.
#include "rigor/training/worker.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "rigor/harness/wire.h"
#include "rigor/models/data.h"
#include "rigor/protocols/plan.h"
#include "rigor/protocols/protocol.h"
#include "rigor/stats/random.h"
#include "rigor/training/trainer.h"

namespace rigor::training {
namespace {

namespace fs = std::filesystem;
using harness::WorkerCommand;
using harness::WorkerEvent;

// Events go out with one write(2) each: lines below PIPE_BUF bytes never interleave, even when the
// run processes (children) and this process write to the same pipe.
void emit(const WorkerEvent& e) {
  const std::string line = harness::format_event(e);
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(1, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::_exit(3);  // the study is gone
    }
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void fatal(const std::string& message) {
  WorkerEvent e;
  e.kind = WorkerEvent::Kind::kFatal;
  e.message = message;
  emit(e);
  std::exit(2);
}

struct Args {
  std::string protocol;
  std::string base_dir = ".";
  TrainOptions options;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fatal(fmt::format("rigor-worker: {} needs a value", arg));
      return argv[++i];
    };
    if (arg == "--protocol") {
      a.protocol = value();
    } else if (arg == "--base-dir") {
      a.base_dir = value();
    } else if (arg == "--device") {
      a.options.device = value();
    } else if (arg == "--threads") {
      a.options.threads = std::atoi(value().c_str());
    } else if (arg == "--keep-checkpoints") {
      a.options.keep_checkpoint = true;
    } else {
      fatal(fmt::format("rigor-worker: unknown argument \"{}\" (it is started by rigor run)", arg));
    }
  }
  if (a.protocol.empty())
    fatal("rigor-worker: --protocol is required (it is started by rigor run)");
  if (a.options.threads < 1) fatal("rigor-worker: --threads must be at least 1");
  return a;
}

// The seed synthetic data is drawn from: the split seed of replicate 0 as the paired seed tree
// defines it (rigor/protocols/plan.h), whatever the pairing, so every arm sees the same points.
std::uint64_t dataset_seed(const protocols::Protocol& p) {
  const auto split = static_cast<std::uint64_t>(protocols::VarianceSource::kSplit);
  return stats::derive_seed(stats::derive_seed(p.study.master_seed, split + 1), 0);
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Runs `body` in a forked process with stderr going to `log`. Returns the wait status.
template <typename Body>
int run_forked(const std::string& log, pid_t* child_pid, Body body) {
  std::cout.flush();
  std::cerr.flush();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    if (!log.empty()) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd >= 0) ::dup2(fd, 2);
    }
    body();
    std::cerr.flush();
    ::_exit(0);
  }
  if (child_pid) *child_pid = pid;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

void inject_fault(const std::string& cell) {
  const char* spec = std::getenv("RIGOR_WORKER_FAULT");
  if (!spec) return;
  const std::string s = spec;
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || s.substr(0, colon) != cell) return;
  const std::string kind = s.substr(colon + 1);
  std::cerr << "RIGOR_WORKER_FAULT: injecting " << kind << " into " << cell << std::endl;
  if (kind == "abort") std::abort();
  if (kind == "segv") ::raise(SIGSEGV);
  if (kind == "kill") ::raise(SIGKILL);
  if (kind == "exit") ::_exit(3);
  if (kind == "throw") throw std::runtime_error("injected failure (RIGOR_WORKER_FAULT)");
}

}  // namespace

int worker_main(int argc, char** argv) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // die with `rigor run`
  const Args args = parse_args(argc, argv);
  // Must be in the environment before CUDA initialises (cuBLAS reads it once): deterministic
  // cuBLAS workspaces (PyTorch "Reproducibility" notes).
  // (Not under the RIGOR_NONDETERMINISTIC benchmarking hook: see set_determinism.)
  const char* fast = std::getenv("RIGOR_NONDETERMINISTIC");
  if (fast == nullptr || std::string(fast) != "1")
    ::setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", 0);

  protocols::Protocol protocol;
  protocols::Plan plan;
  models::RawDataset raw;
  std::map<std::uint64_t, models::PreparedData> prepared;  // by split seed
  auto data_for = [&](const protocols::RunCell& cell) -> const models::PreparedData& {
    const std::uint64_t seed =
        cell.seeds[static_cast<std::size_t>(protocols::VarianceSource::kSplit)];
    auto it = prepared.find(seed);
    if (it == prepared.end())
      it = prepared.emplace(seed, models::prepare(raw, protocol.data, seed)).first;
    return it->second;
  };
  try {
    protocol = protocols::load_protocol(args.protocol);
    plan = protocols::make_plan(protocol, {.power_analysis = false});
    raw = models::load_dataset(protocol.data, args.base_dir, dataset_seed(protocol));
    if (plan.cells.empty()) fatal("the protocol has no run cells");
    data_for(plan.cells.front());
  } catch (const std::exception& e) {
    fatal(e.what());
  }

  // The check and the provenance run in a child process: this process never initialises OpenMP
  // or CUDA, so the processes it forks for the runs start clean (neither survives a fork).
  {
    const fs::path tmp =
        fs::temp_directory_path() / fmt::format("rigor-worker-{}.json", ::getpid());
    const std::string report = tmp.string();
    const models::PreparedData& data = data_for(plan.cells.front());
    const int status = run_forked("", nullptr, [&] {
      WorkerEvent e;
      try {
        set_determinism(args.options);
        check_trainable(protocol, data, args.options);
        e.kind = WorkerEvent::Kind::kReady;
        e.provenance = torch_provenance(args.options);
        e.provenance["data.name"] = raw.name;
        e.provenance["data.sha256"] = raw.digest;
        e.provenance["data.pool"] = std::to_string(raw.pool.size());
        e.provenance["data.official_test"] = std::to_string(raw.official_test.size());
      } catch (const std::exception& ex) {
        e.kind = WorkerEvent::Kind::kFatal;
        e.message = ex.what();
      }
      FILE* f = std::fopen(report.c_str(), "w");
      if (!f) ::_exit(4);
      const std::string line = harness::format_event(e);
      std::fwrite(line.data(), 1, line.size(), f);
      std::fclose(f);
    });
    std::string line;
    if (FILE* f = std::fopen(report.c_str(), "r")) {
      char buf[1 << 16];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) line.append(buf, n);
      std::fclose(f);
    }
    std::remove(report.c_str());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || line.empty())
      fatal(fmt::format("rigor-worker: checking the protocol crashed (wait status {})", status));
    try {
      const WorkerEvent e = harness::parse_event(line.substr(0, line.find('\n')));
      if (e.kind == WorkerEvent::Kind::kFatal) fatal(e.message);
      emit(e);
    } catch (const std::exception& ex) {
      fatal(ex.what());
    }
  }

  std::map<std::string, const protocols::RunCell*> cells;
  for (const auto& c : plan.cells) cells[c.id] = &c;

  std::string line;
  while (std::getline(std::cin, line)) {
    WorkerCommand cmd;
    try {
      cmd = harness::parse_command(line);
    } catch (const std::exception& e) {
      fatal(e.what());
    }
    if (cmd.kind == WorkerCommand::Kind::kQuit) break;
    const auto it = cells.find(cmd.cell);
    if (it == cells.end()) fatal(fmt::format("rigor-worker: unknown cell \"{}\"", cmd.cell));
    const protocols::RunCell& cell = *it->second;
    std::optional<std::string> prepare_error;
    const models::PreparedData* data = nullptr;
    try {
      data = &data_for(cell);
    } catch (const std::exception& e) {
      prepare_error = e.what();
    }
    pid_t pid = 0;
    const int status = run_forked(cmd.log, &pid, [&] {
      const double start = unix_now();
      auto write_failed = [&](const std::string& message) {
        store::RunRecord r = harness::failed_record(cell, message, start, unix_now());
        r.device = args.options.device;
        harness::write_record_file(cmd.result, r);
      };
      try {
        WorkerEvent started;
        started.kind = WorkerEvent::Kind::kStarted;
        started.cell = cell.id;
        started.pid = ::getpid();
        emit(started);
        if (prepare_error) throw std::runtime_error(*prepare_error);
        set_determinism(args.options);
        inject_fault(cell.id);
        const store::RunRecord record =
            train_cell(protocol, cell, *data, args.options,
                       [&](std::int64_t epoch, std::int64_t epochs, double loss) {
                         WorkerEvent e;
                         e.kind = WorkerEvent::Kind::kProgress;
                         e.cell = cell.id;
                         e.epoch = epoch;
                         e.epochs = epochs;
                         e.loss = loss;
                         emit(e);
                       });
        harness::write_record_file(cmd.result, record);
      } catch (const std::exception& e) {
        std::cerr << "run failed: " << e.what() << std::endl;
        try {
          write_failed(e.what());
        } catch (const std::exception& e2) {
          std::cerr << "cannot write the failed record: " << e2.what() << std::endl;
          ::_exit(5);
        }
      }
    });
    WorkerEvent done;
    done.kind = WorkerEvent::Kind::kDone;
    done.cell = cell.id;
    if (status < 0) {
      done.exit_code = 127;
    } else if (WIFEXITED(status)) {
      done.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      done.signal = WTERMSIG(status);
    }
    emit(done);
  }
  return 0;
}

}  // namespace rigor::training
