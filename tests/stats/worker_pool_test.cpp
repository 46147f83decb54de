// Tests for stats/src/worker_pool.h (internal): every task runs exactly once, whoever calls, and
// however many tasks; calls from several threads at once, from inside a task, and in the child of
// a fork() all finish.
#include "worker_pool.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace {

using rigor::stats::detail::run_tasks;

// Runs `tasks` tasks; true when each ran exactly once.
bool each_runs_once(std::size_t tasks) {
  const auto runs = std::make_unique<std::atomic<int>[]>(tasks);
  run_tasks(tasks, [&](std::size_t k) { runs[k].fetch_add(1, std::memory_order_relaxed); });
  for (std::size_t k = 0; k < tasks; ++k) {
    if (runs[k].load() != 1) return false;
  }
  return true;
}

TEST(WorkerPool, RunsEveryTaskExactlyOnce) {
  // 300 is more than the pool's 255 threads: some threads take several tasks.
  for (std::size_t tasks : {0u, 1u, 2u, 3u, 7u, 64u, 300u}) {
    for (int round = 0; round < 20; ++round) {
      ASSERT_TRUE(each_runs_once(tasks)) << tasks << " tasks, round " << round;
    }
  }
}

TEST(WorkerPool, ReturnsOnlyWhenEveryTaskFinished) {
  // Slow tasks: the pool's threads take some while the caller runs its own.
  for (int round = 0; round < 5; ++round) {
    const auto done = std::make_unique<std::atomic<bool>[]>(4);
    run_tasks(4, [&](std::size_t k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2 * (k + 1)));
      done[k].store(true);
    });
    for (std::size_t k = 0; k < 4; ++k) ASSERT_TRUE(done[k].load()) << "task " << k;
  }
}

TEST(WorkerPool, SeveralCallersAtOnceAllFinish) {
  // While one caller's round runs on the pool, the others start threads of their own.
  std::vector<std::thread> callers;
  std::atomic<int> failures{0};
  for (int c = 0; c < 6; ++c) {
    callers.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        if (!each_runs_once(5)) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(WorkerPool, CallFromInsideATaskFinishes) {
  std::atomic<int> inner{0};
  run_tasks(4, [&](std::size_t) { run_tasks(3, [&](std::size_t) { inner.fetch_add(1); }); });
  EXPECT_EQ(inner.load(), 12);
}

TEST(WorkerPool, ForkedChildRunsTasks) {
  // Once with the pool idle, once forked while another thread's round is running.
  for (bool during_round : {false, true}) {
    std::atomic<bool> release{false};
    std::atomic<int> started{0};
    std::thread busy;
    if (during_round) {
      busy = std::thread([&] {
        run_tasks(2, [&](std::size_t) {
          started.fetch_add(1);
          while (!release.load()) std::this_thread::yield();
        });
      });
      while (started.load() < 1) std::this_thread::yield();
    }
    const pid_t child = fork();
    ASSERT_NE(child, -1);
    if (child == 0) {
      alarm(20);  // a hang fails the test instead of stalling it
      _exit(each_runs_once(4) && each_runs_once(9) ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    release.store(true);
    if (busy.joinable()) busy.join();
    ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal " << WTERMSIG(status)
                                   << (during_round ? " (forked during a round)" : "");
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
}

}  // namespace
