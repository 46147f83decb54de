// Crash safety: a writer killed with SIGKILL at random moments (mid-run, mid-compaction) loses at
// most the run in flight; every run it reported complete is intact and the store opens and resumes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "rigor/store.h"
#include "store_test_util.h"

namespace rigor::store {
namespace {

using test::make_record;

constexpr int kRunsPerWriter = 400;

// Child process: writes runs and reports each one on `fd` only after put_run returned.
[[noreturn]] void writer_child(const std::filesystem::path& path, int fd) {
  try {
    StoreOptions o;
    o.sync = false;       // page cache survives kill -9; fsync only matters for power loss
    o.compact_every = 5;  // compactions often, so kills land inside them too
    auto w = StoreWriter::create(path, test::test_protocol(), test::test_provenance(), o);
    for (int i = 0; i < kRunsPerWriter; ++i) {
      w.put_run(make_record(i, 300, 50, i % 3 == 0));
      const std::string line = std::to_string(i) + "\n";
      if (::write(fd, line.data(), line.size()) < 0) ::_exit(4);
    }
    w.close();
  } catch (...) {
    ::_exit(3);
  }
  ::_exit(0);
}

std::set<int> read_reported(int fd) {
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  std::set<int> out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) break;
    out.insert(std::stoi(text.substr(pos, end - pos)));
    pos = end + 1;
  }
  return out;
}

void check_store(const std::filesystem::path& path, const std::set<int>& reported, int trial) {
  const auto r = StoreReader::open(path);
  const std::vector<std::string> ids = r.run_ids();
  ASSERT_GE(ids.size(), reported.size()) << "trial " << trial;
  ASSERT_LE(ids.size(), reported.size() + 1)
      << "trial " << trial << ": more than the run in flight";
  for (int i : reported) {
    ASSERT_TRUE(r.has_run(test::cell_name(i))) << "trial " << trial << ": lost completed run " << i;
  }
  for (const std::string& id : ids) {
    const int i = std::stoi(id.substr(5));
    ASSERT_TRUE(identical(r.run(id), make_record(i, 300, 50, i % 3 == 0)))
        << "trial " << trial << ": " << id;
  }
}

TEST(StoreCrash, KillNineAtRandomMomentsLosesAtMostTheRunInFlight) {
  const auto dir = test::scratch_dir("crash");
  std::mt19937_64 rng(7);
  int killed_mid_study = 0;
  int trials_with_runs = 0;
  int max_reported = 0;
  const auto started = std::chrono::steady_clock::now();
  constexpr int kTrials = 40;
  for (int trial = 0; trial < kTrials; ++trial) {
    const auto path = dir / ("study" + std::to_string(trial) + ".h5");
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      writer_child(path, fds[1]);
    }
    ::close(fds[1]);
    // Kill times spread over the first ~400 ms: before create, mid-run, mid-compaction.
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 400000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const std::set<int> reported = read_reported(fds[0]);
    ::close(fds[0]);
    if (WIFSIGNALED(status)) ++killed_mid_study;
    if (!reported.empty()) ++trials_with_runs;
    max_reported = std::max(max_reported, static_cast<int>(reported.size()));
    if (!std::filesystem::exists(path)) {
      EXPECT_TRUE(reported.empty()) << "trial " << trial << ": runs reported but no store";
      continue;
    }
    check_store(path, reported, trial);
    // The study resumes: a new writer takes over (the lock died with the process) and finishes.
    {
      StoreOptions o;
      o.sync = false;
      auto w = StoreWriter::open(path, o);
      w.put_run(make_record(kRunsPerWriter + 1));
      w.close();
    }
    const auto r = StoreReader::open(path);
    EXPECT_EQ(r.pending_runs(), 0u);
    EXPECT_TRUE(r.has_run(test::cell_name(kRunsPerWriter + 1)));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
    std::filesystem::remove_all(path.string() + ".pending");
    std::filesystem::remove(path);
  }
  // Most kills really interrupted a writer, many after several compactions (every 5 runs).
  EXPECT_GT(killed_mid_study, kTrials / 2);
  EXPECT_GT(trials_with_runs, kTrials / 2);
  EXPECT_GT(max_reported, 10);
  std::cout << "killed " << killed_mid_study << "/" << kTrials << " writers mid-study; "
            << trials_with_runs << " after >= 1 completed run; at most " << max_reported
            << " runs completed before a kill\n";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 60.0);
}

}  // namespace
}  // namespace rigor::store
