// The pool of rigor-worker processes (worker_pool.h).
#include "worker_pool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>

#include "rigor/harness/wire.h"

namespace rigor::harness {
namespace fs = std::filesystem;

double unix_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string tail_of_file(const fs::path& file, std::size_t lines) {
  std::ifstream in(file);
  if (!in) return "";
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += (out.empty() ? "" : "\n") + l;
  return out;
}

fs::path find_worker(const fs::path& configured) {
  std::vector<fs::path> tried;
  auto usable = [&](const fs::path& p) {
    tried.push_back(p);
    return ::access(p.c_str(), X_OK) == 0;
  };
  if (!configured.empty()) {
    if (usable(configured)) return configured;
  } else {
    if (const char* env = std::getenv("RIGOR_WORKER"); env && *env) {
      if (usable(env)) return env;
    } else {
      std::error_code ec;
      const fs::path self = fs::read_symlink("/proc/self/exe", ec);
      if (!ec && usable(self.parent_path() / "rigor-worker"))
        return self.parent_path() / "rigor-worker";
    }
  }
  std::string list;
  for (const auto& p : tried) list += (list.empty() ? "" : ", ") + p.string();
  throw HarnessError(fmt::format(
      "cannot find the rigor-worker executable (tried {}); build it (make build puts it beside "
      "rigor in build/bin) or set RIGOR_WORKER=/path/to/rigor-worker",
      list.empty() ? "nothing" : list));
}

struct WorkerPool::Worker {
  int index = 0;
  pid_t pid = -1;
  int in_fd = -1;   // we write commands
  int out_fd = -1;  // we read events
  std::string buffer;
  bool ready = false;
  bool busy = false;
  const protocols::RunCell* cell = nullptr;  // in flight
  double started = 0.0;
  std::map<std::string, std::string> provenance;
  std::string fatal;
  fs::path log;  // the worker's own stderr

  void close_fds() {
    if (in_fd >= 0) ::close(in_fd);
    if (out_fd >= 0) ::close(out_fd);
    in_fd = out_fd = -1;
  }
};

WorkerPool::WorkerPool(PoolConfig config) : config_(std::move(config)) {
  worker_exe_ = find_worker(config_.settings.worker);
  fs::create_directories(config_.work_dir / "logs");
}

WorkerPool::~WorkerPool() {
  for (auto& w : workers_) {
    if (w->pid > 0) {
      ::kill(w->pid, SIGKILL);
      ::waitpid(w->pid, nullptr, 0);
    }
    w->close_fds();
  }
}

void WorkerPool::spawn(Worker& w) {
  int to_child[2];
  int from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0)
    throw HarnessError(
        fmt::format("cannot create pipes for rigor-worker: {}", std::strerror(errno)));
  w.log = config_.work_dir / "logs" / fmt::format("worker-{}.log", w.index);
  const std::string threads = std::to_string(config_.settings.threads);
  std::vector<std::string> args = {worker_exe_.string(),
                                   "--protocol",
                                   config_.protocol_file.string(),
                                   "--base-dir",
                                   config_.base_dir.string(),
                                   "--device",
                                   config_.settings.device,
                                   "--threads",
                                   threads};
  if (config_.settings.keep_checkpoints) args.push_back("--keep-checkpoints");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0)
    throw HarnessError(fmt::format("cannot start rigor-worker: fork: {}", std::strerror(errno)));
  if (pid == 0) {
    // Child: die with the study (kill -9 of `rigor run` must not leave orphans training).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(to_child[0], 0);
    ::dup2(from_child[1], 1);
    const int log = ::open(w.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log >= 0) ::dup2(log, 2);
    // Thread counts are pinned before LibTorch, OpenMP or OpenBLAS start (recorded in provenance).
    ::setenv("OMP_NUM_THREADS", threads.c_str(), 1);
    ::setenv("OPENBLAS_NUM_THREADS", threads.c_str(), 1);
    ::setenv("MKL_NUM_THREADS", threads.c_str(), 1);
    ::execv(argv[0], argv.data());
    std::fprintf(stderr, "cannot execute %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  w.pid = pid;
  w.in_fd = to_child[1];
  w.out_fd = from_child[0];
  w.buffer.clear();
  w.ready = false;
  w.busy = false;
  w.cell = nullptr;
}

namespace {

void send(int fd, const std::string& line) {
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw HarnessError(fmt::format("cannot talk to rigor-worker: {}", std::strerror(errno)));
    }
    done += static_cast<std::size_t>(n);
  }
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exit code {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return fmt::format("signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)));
  return "unknown status";
}

std::string describe_run_end(int exit_code, int sig) {
  if (sig == SIGKILL)
    return "the run's process was killed by SIGKILL (out of memory? the kernel's OOM killer "
           "sends it; check dmesg)";
  if (sig != 0)
    return fmt::format("the run's process died of signal {} ({})", sig, ::strsignal(sig));
  return fmt::format("the run's process exited with code {} without writing its result", exit_code);
}

}  // namespace

std::map<std::string, std::string> WorkerPool::start(int count) {
  ::signal(SIGPIPE, SIG_IGN);  // a dead worker must not kill the study on write
  for (int i = 0; i < count; ++i) {
    auto w = std::make_unique<Worker>();
    w->index = i;
    spawn(*w);
    workers_.push_back(std::move(w));
  }
  // Wait for every worker's ready (or fatal) line.
  std::size_t pending = workers_.size();
  std::vector<std::string> lines;
  while (pending > 0) {
    for (Worker* w : wait_readable(/*unready_only=*/true)) {
      if (!read_lines(*w, lines)) {
        int status = 0;
        ::waitpid(w->pid, &status, 0);
        w->pid = -1;
        const std::string tail = tail_of_file(w->log, 20);
        throw HarnessError(fmt::format("rigor-worker ({}) ended before it was ready ({}){}{}",
                                       worker_exe_.string(), describe_wait_status(status),
                                       tail.empty() ? "" : ":\n", tail));
      }
      for (const std::string& line : lines) {
        const WorkerEvent e = parse_event(line);
        if (e.kind == WorkerEvent::Kind::kFatal) throw HarnessError(e.message);
        if (e.kind == WorkerEvent::Kind::kReady && !w->ready) {
          w->ready = true;
          w->provenance = e.provenance;
          --pending;
        }
      }
    }
  }
  return workers_.empty() ? std::map<std::string, std::string>{} : workers_.front()->provenance;
}

void WorkerPool::run(const std::vector<protocols::RunCell>& cells, const PoolCallbacks& cb) {
  std::size_t next = 0;
  std::size_t finished = 0;
  auto result_path = [&](const protocols::RunCell& c) {
    return config_.work_dir / (c.id + ".cbor");
  };
  auto run_log = [&](const protocols::RunCell& c) {
    return config_.work_dir / "logs" / (c.id + ".log");
  };
  auto dispatch = [&](Worker& w) {
    if (next >= cells.size() || w.busy || !w.ready) return;
    const protocols::RunCell& c = cells[next++];
    std::error_code ec;
    fs::remove(result_path(c), ec);
    fs::remove(run_log(c), ec);
    w.busy = true;
    w.cell = &c;
    w.started = unix_now();
    if (cb.on_start) cb.on_start(c.id);
    WorkerCommand cmd{WorkerCommand::Kind::kRun, c.id, result_path(c).string(),
                      run_log(c).string()};
    send(w.in_fd, format_command(cmd));
  };
  auto finish = [&](Worker& w, store::RunRecord&& rec) {
    w.busy = false;
    w.cell = nullptr;
    ++finished;
    if (cb.on_result) cb.on_result(std::move(rec));
  };
  auto end_of_run = [&](Worker& w, int exit_code, int sig) {
    const protocols::RunCell& c = *w.cell;
    const fs::path result = result_path(c);
    if (sig == 0 && exit_code == 0 && fs::exists(result)) {
      store::RunRecord rec;
      try {
        rec = read_record_file(result);
      } catch (const rigor::Error& e) {
        rec = failed_record(c, e.what(), w.started, unix_now());
      }
      std::error_code ec;
      fs::remove(result, ec);
      if (rec.status != store::RunStatus::kFailed) fs::remove(run_log(c), ec);
      finish(w, std::move(rec));
      return;
    }
    std::string message = describe_run_end(exit_code, sig);
    const std::string tail = tail_of_file(run_log(c), 15);
    if (!tail.empty()) message += "; last lines of its log:\n" + tail;
    finish(w, failed_record(c, message, w.started, unix_now()));
  };

  for (auto& w : workers_) dispatch(*w);
  std::vector<std::string> lines;
  while (finished < cells.size()) {
    for (Worker* wp : wait_readable(/*unready_only=*/false)) {
      Worker& w = *wp;
      if (!read_lines(w, lines)) {
        // The worker itself died (not just a run): record its run as failed and start another.
        int status = 0;
        ::waitpid(w.pid, &status, 0);
        w.pid = -1;
        w.close_fds();
        if (w.cell) {
          std::string message = fmt::format("rigor-worker ended while running this cell ({})",
                                            describe_wait_status(status));
          const std::string tail = tail_of_file(w.log, 10);
          if (!tail.empty()) message += ":\n" + tail;
          finish(w, failed_record(*w.cell, message, w.started, unix_now()));
        }
        if (next < cells.size()) {
          spawn(w);
          // Wait for its ready line in the main loop (ready is false until then).
        }
        continue;
      }
      for (const std::string& line : lines) {
        const WorkerEvent e = parse_event(line);
        switch (e.kind) {
          case WorkerEvent::Kind::kReady:
            w.ready = true;
            break;
          case WorkerEvent::Kind::kFatal:
            throw HarnessError(e.message);
          case WorkerEvent::Kind::kStarted:
            break;
          case WorkerEvent::Kind::kProgress:
            if (cb.on_progress) cb.on_progress(e.cell, e.epoch, e.epochs, e.loss);
            break;
          case WorkerEvent::Kind::kDone:
            if (w.cell && w.cell->id == e.cell) end_of_run(w, e.exit_code, e.signal);
            break;
        }
      }
      dispatch(w);
    }
  }
}

std::vector<WorkerPool::Worker*> WorkerPool::wait_readable(bool unready_only) {
  while (true) {
    std::vector<pollfd> fds;
    std::vector<Worker*> polled;
    for (auto& w : workers_) {
      if (w->out_fd < 0 || (unready_only && w->ready)) continue;
      fds.push_back(pollfd{w->out_fd, POLLIN, 0});
      polled.push_back(w.get());
    }
    if (fds.empty()) throw HarnessError("no rigor-worker is running");
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw HarnessError(fmt::format("poll: {}", std::strerror(errno)));
    }
    std::vector<Worker*> readable;
    for (std::size_t i = 0; i < fds.size(); ++i)
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) readable.push_back(polled[i]);
    return readable;
  }
}

bool WorkerPool::read_lines(Worker& w, std::vector<std::string>& lines) {
  lines.clear();
  char buf[65536];
  const ssize_t n = ::read(w.out_fd, buf, sizeof buf);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) return false;
  w.buffer.append(buf, static_cast<std::size_t>(n));
  std::size_t nl;
  while ((nl = w.buffer.find('\n')) != std::string::npos) {
    lines.push_back(w.buffer.substr(0, nl));
    w.buffer.erase(0, nl + 1);
  }
  return true;
}

void WorkerPool::stop() {
  for (auto& w : workers_) {
    if (w->pid > 0 && w->in_fd >= 0) {
      try {
        send(w->in_fd, format_command(WorkerCommand{}));
      } catch (const HarnessError&) {
      }
    }
    w->close_fds();
    if (w->pid > 0) {
      ::waitpid(w->pid, nullptr, 0);
      w->pid = -1;
    }
  }
  workers_.clear();
}

}  // namespace rigor::harness
