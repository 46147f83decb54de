// rigor/training/worker.h — the `rigor-worker` process that `rigor run` starts. It loads the
// protocol and the data once, checks every arm, says "ready", then for each run command forks one
// process that trains the cell (so a crash, abort or out-of-memory kill ends only that run) and
// reports its end. The wire format is rigor/harness/wire.h; nobody runs this by hand.
//
//   rigor-worker --protocol P.toml --base-dir DIR --device cpu --threads 1 [--keep-checkpoints]
//
// Testing hook: RIGOR_WORKER_FAULT="<cell id>:<abort|segv|kill|exit|throw>" makes that cell's
// run process fail that way at the start of training (docs/harness.md, "Failure injection").
#ifndef RIGOR_TRAINING_WORKER_H_
#define RIGOR_TRAINING_WORKER_H_

namespace rigor::training {

// The worker's main loop; returns the process exit code (0 after "quit" or end of input, 2 when
// the study cannot run: the reason went out as a "fatal" event).
int worker_main(int argc, char** argv);

}  // namespace rigor::training

#endif  // RIGOR_TRAINING_WORKER_H_
