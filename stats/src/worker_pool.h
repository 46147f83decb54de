// Internal to rigor::stats: the threads that parallel_for and parallel_for_dynamic
// (resampling_internal.h) run on.
#pragma once

#include <cstddef>
#include <thread>

namespace rigor::stats::detail {

// Runs call(context, k) once for every k in [0, tasks), on the calling thread and on up to
// tasks - 1 threads of a process-wide pool, and returns when all have returned. Which thread runs
// which k, and in what order, is not defined (the calling thread may run them all): a task must
// not wait for a task that has not started. call must not throw.
//
// Why a pool: starting and joining a thread costs ~50 us on the development VM (plus the faults on
// its fresh stack), and the large corrections start four rounds of threads per call (~0.2 ms of
// BH's ~7 ms for 1e6 p-values). The pool's threads start on first use, stay for the life of the
// process (they spin for ~50 us after a round, then sleep), and are started afresh in the child of
// a fork(). A second caller arriving while the pool runs another caller's round (several user
// threads, or a call from inside a task) gets threads of its own, started and joined for that call,
// as before the pool: it never waits for the other round.
void run_tasks(std::size_t tasks, void (*call)(void* context, std::size_t k), void* context);

template <class Task>
void run_tasks(std::size_t tasks, const Task& task) {
  run_tasks(
      tasks, [](void* context, std::size_t k) { (*static_cast<const Task*>(context))(k); },
      const_cast<void*>(static_cast<const void*>(&task)));
}

// A spin-wait hint to the processor (lets an SMT sibling run).
inline void cpu_relax() {
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

}  // namespace rigor::stats::detail
