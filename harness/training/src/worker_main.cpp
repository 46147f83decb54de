// rigor-worker: the per-study worker process of `rigor run` (rigor/training/worker.h).
#include "rigor/training/worker.h"

int main(int argc, char** argv) { return rigor::training::worker_main(argc, argv); }
