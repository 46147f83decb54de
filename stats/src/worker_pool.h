// Internal to rigor::stats: the threads that parallel_for and parallel_for_dynamic
// (resampling_internal.h) run on.
#pragma once

#include <cstddef>

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

}  // namespace rigor::stats::detail
