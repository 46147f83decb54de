#include "worker_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#if __has_include(<pthread.h>)
#include <pthread.h>
#endif

namespace rigor::stats::detail {
namespace {

using Call = void (*)(void*, std::size_t);

// The pool never holds more threads than this; a round with more tasks runs them on fewer threads.
constexpr std::size_t kMaxWorkers = 255;
// How long a pool thread spins for the next round before it sleeps: back-to-back rounds (the
// passes of one correction) then start without a wake-up through the kernel.
constexpr std::chrono::microseconds kSpin{50};

// One call of run_tasks: its tasks are taken from `next` by every thread that joins it.
struct Round {
  Call call;
  void* context;
  std::size_t tasks;
  std::atomic<std::size_t> next{0};
};

// A spin-wait hint to the processor (lets an SMT sibling run).
void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Waits for done() by spinning, yielding the core between bursts: for waits expected to last
// about one task (a wake-up through the kernel would cost more than the wait).
template <class Done>
void spin_until(const Done& done) {
  while (!done()) {
    for (int spin = 0; spin < 64; ++spin) cpu_relax();
    if (!done()) std::this_thread::yield();
  }
}

void work_on(Round& round) {
  for (;;) {
    const std::size_t k = round.next.fetch_add(1, std::memory_order_relaxed);
    if (k >= round.tasks) return;
    round.call(round.context, k);
  }
}

// The round on threads started for it (the pool is busy with another round).
void run_on_new_threads(Round& round) {
  std::vector<std::thread> threads;
  threads.reserve(round.tasks - 1);
  for (std::size_t k = 1; k < round.tasks; ++k) {
    try {
      threads.emplace_back(work_on, std::ref(round));
    } catch (...) {
      break;  // could not start a thread: the others take its tasks
    }
  }
  work_on(round);
  for (std::thread& t : threads) t.join();
}

class Pool {
 public:
  // Runs the round on the pool; false (nothing run) when the pool runs another round.
  bool try_run(Round& round) {
    if (busy_.exchange(true, std::memory_order_acquire)) return false;
    bool wake = false;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      grow(round.tasks - 1);
      round_ = &round;
      generation_.fetch_add(1, std::memory_order_release);
      wake = sleeping_ > 0;
    }
    if (wake) wake_.notify_all();
    work_on(round);
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      round_ = nullptr;  // no thread joins it any more
    }
    // Every task has been taken (the caller's work_on found none left), by the caller or by a
    // thread that joined the round: once those left it, every task has finished. They leave
    // within a task's time; spinning avoids a wake-up through the kernel.
    spin_until([&] { return joined_.load(std::memory_order_acquire) == 0; });
    busy_.store(false, std::memory_order_release);
    return true;
  }

 private:
  // Under mutex_.
  void grow(std::size_t wanted) {
    wanted = std::min(wanted, kMaxWorkers);
    while (workers_ < wanted) {
      try {
        std::thread(&Pool::worker, this, generation_.load(std::memory_order_relaxed)).detach();
      } catch (...) {
        return;  // could not start a thread: the round runs on fewer
      }
      ++workers_;
    }
  }

  void worker(std::uint64_t seen) {
    for (;;) {
      const auto deadline = std::chrono::steady_clock::now() + kSpin;
      while (generation_.load(std::memory_order_acquire) == seen &&
             std::chrono::steady_clock::now() < deadline) {
        for (int spin = 0; spin < 64; ++spin) cpu_relax();
      }
      std::unique_lock<std::mutex> lock(mutex_);
      ++sleeping_;
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
      --sleeping_;
      seen = generation_.load(std::memory_order_relaxed);
      Round* round = round_;
      if (round == nullptr) continue;                   // that round is over
      joined_.fetch_add(1, std::memory_order_relaxed);  // under mutex_, with reading round_
      lock.unlock();
      work_on(*round);
      joined_.fetch_sub(1, std::memory_order_release);
    }
  }

  std::atomic<bool> busy_{false};
  std::mutex mutex_;
  std::condition_variable wake_;              // a new round (generation_)
  std::atomic<std::uint64_t> generation_{0};  // written under mutex_
  Round* round_ = nullptr;
  std::size_t workers_ = 0;
  std::size_t sleeping_ = 0;
  std::atomic<std::size_t> joined_{0};  // threads inside work_on(*round_)
};

// The pool of this process. Never destroyed: its threads sleep through exit. In the child of a
// fork() only the forking thread exists, so the child starts a pool of its own (the parent's is
// left alone: its mutex may have been held by a thread that is not there).
std::atomic<Pool*> current_pool{nullptr};

Pool& pool() {
  static const bool started = [] {
#if __has_include(<pthread.h>)
    pthread_atfork(nullptr, nullptr,
                   [] { current_pool.store(new Pool, std::memory_order_release); });
#endif
    current_pool.store(new Pool, std::memory_order_release);
    return true;
  }();
  static_cast<void>(started);
  return *current_pool.load(std::memory_order_acquire);
}

}  // namespace

void run_tasks(std::size_t tasks, Call call, void* context) {
  if (tasks == 0) return;
  if (tasks == 1) {
    call(context, 0);
    return;
  }
  Round round{call, context, tasks};
  if (!pool().try_run(round)) run_on_new_threads(round);
}

}  // namespace rigor::stats::detail
