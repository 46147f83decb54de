// rigor/harness.h — rigor::harness: run a study's cells in worker processes into the store
// (resumable, N at a time, with progress), verify reproduction, and the worker wire format.
//
//   auto result = rigor::harness::run_study("protocol.toml", {.store = "study.h5"}, std::cerr);
//   auto check = rigor::harness::verify_store({.store = "study.h5", .sample = 3}, std::cerr);
#ifndef RIGOR_HARNESS_H_
#define RIGOR_HARNESS_H_

#include "rigor/harness/runner.h"
#include "rigor/harness/wire.h"

#endif  // RIGOR_HARNESS_H_
